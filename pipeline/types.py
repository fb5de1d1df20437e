"""The record types passed between the stages, in one place (spacy-layout's way).

Extraction gives :class:`Word` and :class:`Line` records grouped in an
:class:`ExtractedDocument`; segmentation gives :class:`Paragraph` records and a
:class:`LetterInfo`; tagging gives :class:`Tags`. The ``Literal`` types name the values a
column may take (the same lists as :mod:`pipeline.schemas` documents).
"""
from __future__ import annotations

import datetime as dt
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


@dataclass(frozen=True, slots=True)
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

    @property
    def bold(self) -> bool:
        name = self.fontname.lower()
        return "bold" in name or "black" in name

    @property
    def italic(self) -> bool:
        name = self.fontname.lower()
        return "italic" in name or "oblique" in name


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
    column: int = 0       # the text column of the page the line stands in (0: full width or the first)


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


@dataclass
class ExtractedDocument:
    """What the extract stage hands to the segmenter."""

    page_count: int
    page_sizes: list[tuple[float, float]]
    lines: list[Line]           # body lines in reading order: masthead, headers, footers removed
    rules: list[Rule]
    masthead: Masthead
    has_text_layer: bool


@dataclass(frozen=True)
class LetterInfo:
    """The anatomy of a letter read from its paragraphs; unknown values are None."""

    title: str | None = None
    letter_date: dt.date | None = None
    author: str | None = None
    addressee: str | None = None
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
