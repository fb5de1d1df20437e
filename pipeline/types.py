"""The record types passed between the stages, in one place (spacy-layout's way).

Extraction gives :class:`Word` and :class:`Line` records grouped in an
:class:`ExtractedDocument`; segmentation gives :class:`Paragraph` records and a
:class:`LetterInfo`; tagging gives :class:`Tags`. The ``Literal`` types name the values a
column may take (the same lists as :mod:`pipeline.schemas` documents).
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Literal

Status = Literal["ok", "no_text_layer", "failed"]
Kind = Literal["title", "heading", "body", "list_item", "signature", "note", "footnote", "table"]
Section = Literal["letter", "annex", "enclosure", "main"]
Label = Literal["ORG", "GPE", "LOC", "PERSON"]
Stage = Literal["extract", "segment", "tag", "write", "run"]
NerMode = Literal["model", "rules"]  # tag: the statistical NER and the rules, or the rules alone
DocType = Literal["letter", "note_verbale", "report", "resolution", "meeting_record", "agenda", "other"]
Zone = Literal["body", "table", "footnote"]
TextSource = Literal["pdf", "ocr", "mixed"]
Engine = Literal["pdfium", "pdfplumber"]


# Not frozen, though treated as a value (changed only through dataclasses.replace): the
# engines make one per glyph, and a frozen dataclass's __init__ costs four times as much
# (1.6 against 0.4 us; a third of reading a page). Hashed and compared by value all the same.
@dataclass(slots=True, unsafe_hash=True)
class Word:
    """A run of glyphs on one baseline in one font: text, box (top-left origin, as
    pdfplumber) and font. A single glyph, as the engines read it, is a one-glyph Word:
    the same seven fields, so there is one type for both (``Char``)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    fontname: str = ""
    ocr: bool = False  # read by OCR off a page image (a typescript), not from a text layer

    @property
    def bold(self) -> bool:
        return font_style(self.fontname)[0]

    @property
    def italic(self) -> bool:
        return font_style(self.fontname)[1]


@functools.lru_cache(maxsize=4096)  # bounded: subset fonts are named anew in every PDF
def font_style(fontname: str) -> tuple[bool, bool]:
    """Whether a font's name says bold (or black) and italic (or oblique); a page has
    thousands of words in a handful of fonts."""
    name = fontname.lower()
    return "bold" in name or "black" in name, "italic" in name or "oblique" in name


Char = Word  # a glyph: the Word of one character, before words are grouped


@dataclass(frozen=True)
class Line:
    """A line of text on one page, words in reading order."""

    page: int
    words: tuple[Word, ...]
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    italic: bool
    column_gaps: int = 0  # gaps wider than config.TABLE_COLUMN_GAP: a table row's sign
    rtl: bool = False     # right-to-left script: words run from right to left
    column: int = 0       # the line's column in its stack, in reading order (0: full width or the first)
    columns: int = 1      # how many columns its stack has (1: full width)
    ocr: bool = False     # read by OCR: a typescript, whose column gaps are measured in its own type size


@dataclass(frozen=True)
class Region:
    """Words of a page read as one block: a full-width stack (``columns`` 1) or one of
    the ``columns`` columns of a stack, ``column`` counted in reading order."""

    words: list[Word]
    column: int = 0
    columns: int = 1


@dataclass(frozen=True)
class Rule:
    """A short horizontal rule drawn on a page (a footnote separator, a table border)."""

    page: int
    x0: float
    x1: float
    top: float


@dataclass(frozen=True)
class Page:
    """What an engine reads off one page: its size, words and rules."""

    number: int
    width: float
    height: float
    words: list[Word]
    rules: list[Rule]
    unmapped: int = 0  # glyphs without Unicode that are no kashida (they read as nothing)


@dataclass
class Masthead:
    """The UN masthead of a document's first page. Unknown fields are None."""

    symbol: str | None = None
    symbols: list[str] = field(default_factory=list)
    organ: str | None = None
    distribution: str | None = None
    date: dt.date | None = None
    language: str | None = None
    original_language: str | None = None
    job_number: str | None = None
    reissue: bool = False                 # the symbol carries a reissue mark ("S/2025/632*")
    session: str | None = None            # "Eightieth session", as printed
    agenda_items: list[str] = field(default_factory=list)  # "26", "15 c)"
    meeting_number: int | None = None     # a meeting record's "8699th meeting"
    meeting_time: str | None = None       # "10 a.m."
    resumption: int | None = None         # "S/PV.8699 (Resumption 1)"


@dataclass(frozen=True)
class LayerQuality:
    """How well a page's text layer reads (pipeline.quality)."""

    known_share: float | None  # share of its words the language's lexicon knows (None: no lexicon)
    garbled_share: float       # share of its words that hold garbage characters
    tokens: int                # words that were judged


@dataclass(frozen=True)
class OcrReading:
    """A document's pages once OCR has read those that needed it (engines.ocr)."""

    pages: list[Page]
    text_source: TextSource              # pdf: the text layer throughout; ocr: every page; mixed: some
    confidence: float | None = None      # mean Tesseract word confidence (0-100) of the OCR pages
    language: str | None = None          # the language the OCR model was chosen for
    ocr_pages: int = 0
    layer_quality: float | None = None   # lowest known-word share of a page's text layer
    problem: str | None = None           # why pages that needed OCR were not read


@dataclass
class ExtractedDocument:
    """What the extract stage hands to the segmenter."""

    page_count: int
    page_sizes: list[tuple[float, float]]
    lines: list[Line]           # body lines in reading order: masthead, headers, footers removed
    rules: list[Rule]
    masthead: Masthead
    has_text_layer: bool
    text_source: TextSource = "pdf"
    ocr_confidence: float | None = None
    ocr_pages: int = 0
    layer_quality: float | None = None
    ocr_problem: str | None = None   # why OCR did not read the pages that needed it
    fallback: str | None = None  # why the chosen engine could not read the PDF (pdfplumber did)
    unmapped_glyphs: int = 0     # glyphs without Unicode, kashida aside, that no text could show


@dataclass(frozen=True)
class LetterInfo:
    """The anatomy of a letter read from its paragraphs; unknown values are None."""

    title: str | None = None
    letter_date: dt.date | None = None
    author: str | None = None
    addressee: str | None = None          # the first addressee
    addressees: tuple[str, ...] = ()      # every addressee (identical letters)
    doc_type: DocType = "other"


@dataclass(frozen=True)
class Paragraph:
    """One paragraph in reading order (a row of the paragraphs table, without doc_id)."""

    para_id: int
    section: Section
    kind: Kind
    text: str
    page_start: int
    page_end: int
    number: str | None = None
    speech_id: int | None = None  # the speaker's turn the paragraph belongs to (meeting records)


Role = Literal["president", "secretary_general", "member", "non_member", "observer", "briefer", "other"]


@dataclass(frozen=True)
class SpeakerLabel:
    """The label that opens a speaker's turn: "Mr. Nebenzia (Russian Federation) (spoke
    in Russian):", and how many characters of the paragraph's text it takes."""

    speaker: str                  # as printed, without the affiliation: "Mr. Nebenzia", "The President"
    affiliation: str | None       # as printed in parentheses: "Russian Federation"
    spoke_in: str | None          # ISO 639-1 code from "(spoke in French)" and its older forms
    length: int                   # characters of the text the label takes, colon included


@dataclass(frozen=True)
class Participant:
    """A row of a meeting record's masthead table: the President or a Council member."""

    country_code: str | None
    country: str
    representative: str
    role: Literal["president", "member"]


@dataclass(frozen=True)
class Speech:
    """One speaker's turn in a meeting record (a row of the speeches table, without doc_id)."""

    speech_id: int
    speaker: str
    affiliation: str | None
    country_code: str | None
    role: Role
    spoke_in: str | None
    para_start: int
    para_end: int
    n_words: int


@dataclass(frozen=True)
class Segmented:
    """What the segment stage makes of a document."""

    paragraphs: list[Paragraph]
    letter: LetterInfo
    speeches: list[Speech] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    president: str | None = None  # the meeting's President, as printed in the masthead


@dataclass(frozen=True)
class Entity:
    """A named entity in one paragraph (a row of the entities table, without doc_id)."""

    para_id: int
    start: int
    end: int
    text: str
    label: Label
    org_id: str | None = None
    country_code: str | None = None
    canonical_name: str | None = None
    source: Literal["gazetteer", "model"] = "gazetteer"


@dataclass(frozen=True)
class TopicHit:
    """A UNBIS concept found in one paragraph (a row of the topics table, without doc_id)."""

    para_id: int
    topic_id: str
    topic_label: str
    score: float
    matched: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Tags:
    """What the tag stage finds in one document."""

    entities: list[Entity]
    topics: list[TopicHit]


@dataclass(frozen=True, slots=True)
class Tokens:
    """A text's tokens (tag stage): their texts and the character offset each starts at.
    A single space after a token is not a token; any other white space is one."""

    texts: tuple[str, ...]
    starts: tuple[int, ...]
