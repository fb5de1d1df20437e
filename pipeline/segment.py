"""Segment stage: body lines to paragraphs, rebuilt from layout (gaps, indents, numbers,
fonts, page breaks), with kind, section and number; and the letter's anatomy (title,
letter date, author, addressee, document type).

Everything here is pure: :func:`segment` takes an :class:`ExtractedDocument`.
"""
from __future__ import annotations

import functools
import re
import statistics
from collections import Counter
from itertools import groupby
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterator, Sequence

from . import config, gazetteer, lexicon
from .layout import DOT_LEADER, body_size, column_gap, line_cells
from .scripts import join_words
from .speakers import participants, speaker_label, strip_label, turns
from .types import (DocType, ExtractedDocument, Kind, LetterInfo, Line, Masthead, Paragraph, Rule, Section, Segmented,
                    SpeakerLabel, Zone)

NUMBER = re.compile(
    r"^(?P<number>\d{1,3}(?:\.\d{1,3})*\.|\d{1,3}\)|\(\d{1,3}\)|\([a-z]{1,2}\)|[a-z]\)|\([ivx]{1,6}\)|[IVX]{1,6}\.)"
    r"(?:\s+(?=\S)|(?=[\u3400-\u9fff]))")  # Chinese text follows its number without a space: "1.当前"
LETTER_NUMBER = re.compile(r"^(?P<number>[A-Z]\.)\s+(?=\S)")  # "A. Title": headings only
FOOTNOTE_MARK = re.compile(r"^(?P<number>\d{1,3}/?|[a-z]|\*{1,3}|[†‡§])\s+(?=\S)")
BULLET = re.compile(r"^(?P<number>[•▪◦‣●■\-–—])\s+(?=\S)")
LEADING_MARK = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*[./)]?|\(?[a-z]{1,2}\)|\(?[ivxlc]{1,6}\)|[IVXLC]{1,6}\.|[A-Z]\.|[•▪◦‣●■\-–—])$")
SEPARATOR = re.compile(r"^[_\-–—]{5,}$")
BRACKETED = re.compile(r"^\[[^\]]+\]$")
SENTENCE_END = re.compile(r"[.!?:;»”\"')\]。：；！？]$")
OLD_FOOTNOTE_REF = re.compile(r"(?<=[\w,.;)”»]) \d{1,2}/(?=[\s,.;:)]|$)")
SPACE_BEFORE_APOSTROPHE = re.compile(r"(?<=\w) +(?=[’']\w)")
SPACE_BEFORE_HYPHEN = re.compile(r"(?<=\w) +-(?=\w)")
SPACE_BEFORE_COMMA = re.compile(r"(?<=[\w)\]]) +(?=[,.](?:\s|$))")
SPACE_INSIDE_BRACKETS = re.compile(r"(?<=[(\[]) +| +(?=[)\]])")
SPACED_ARABIC_SLASH = re.compile(r"(?<=[\u0600-\u06ff]) / (?=[\u0600-\u06ff])")

LETTER_TYPES = {"letter", "note_verbale"}


@dataclass
class Layout:
    """The measures of a document's page design, taken from its lines: the body size,
    the line pitch, and the margins of each kind of text block (full width, or column
    ``i`` of ``n``), so that indents and short lines are judged within a column."""

    body_size: float
    pitch: float
    frames: dict[tuple[int, int], tuple[float, float]]
    language: str | None = None  # the text's: a line ending in one of its articles runs on

    @classmethod
    def of(cls, lines: Sequence[Line], language: str | None = None) -> Layout:
        size = body_size(lines)
        body = [l for l in lines if abs(l.size - size) < config.SAME_SIZE_TOLERANCE] or list(lines)
        steps = [b.top - a.top for a, b in zip(body, body[1:])
                 if a.page == b.page and a.column == b.column and 0 < b.top - a.top < size * config.MAX_PITCH_RATIO]
        pitch = statistics.median(steps) if steps else size * config.DEFAULT_PITCH_RATIO
        frames = {}
        for key in {(l.columns, l.column) for l in lines}:
            framed = [l for l in body if (l.columns, l.column) == key] or [l for l in lines if (l.columns, l.column) == key]
            frames[key] = _margins(framed)
        return cls(size, pitch, frames, language)

    def left_of(self, line: Line) -> float:
        return self.frames[(line.columns, line.column)][0]

    def right_of(self, line: Line) -> float:
        return self.frames[(line.columns, line.column)][1]


def _margins(lines: Sequence[Line]) -> tuple[float, float]:
    """The left margin (the commonest line start) and right margin (where nine lines in
    ten have ended) of a block of lines."""
    left = Counter(round(l.x0) for l in lines).most_common(1)[0][0]
    right = sorted(l.x1 for l in lines)[int(len(lines) * config.RIGHT_MARGIN_SHARE)]
    return float(left), right


@dataclass
class Block:
    """Lines that make one paragraph, with the zone they came from."""

    zone: Zone
    lines: list[Line] = field(default_factory=list)


# --- zones: tables and footnotes ------------------------------------------------------

def _is_table_row(line: Line) -> bool:
    if DOT_LEADER.search(line.text):
        return True  # "China . . . . . . Mr. Zhang Jun", a table of contents
    gaps = line.column_gaps
    if gaps and NUMBER.match(line.text):
        first, second = line.words[0], line.words[1] if len(line.words) > 1 else None
        if second is not None and second.x0 - first.x1 > column_gap(line.size, line.ocr):
            gaps -= 1  # the tab after a paragraph number is no column
    return gaps > 0


def _footnote_start(page_lines: Sequence[Line], rules: Sequence[Rule], layout: Layout) -> int:
    """Index in ``page_lines`` where the page's footnotes begin (len if none)."""
    for i, line in enumerate(page_lines):
        if SEPARATOR.match(line.text.replace(" ", "")):
            return i
    for rule in rules:
        below = [i for i, l in enumerate(page_lines) if l.top > rule.top]
        if below and all(page_lines[i].size < layout.body_size * config.FOOTNOTE_SIZE_RATIO for i in below):
            return below[0]
    start = len(page_lines)
    for i in range(len(page_lines) - 1, -1, -1):
        line = page_lines[i]
        if line.size < layout.body_size * config.FOOTNOTE_SIZE_RATIO and not _is_table_row(line):
            start = i
        else:
            break
    return start


def zone_blocks(lines: Sequence[Line], rules: Sequence[Rule], layout: Layout) -> list[Block]:
    """Split the document's lines into runs of body, table and footnote lines."""
    zones: list[Zone] = []
    rules_by_page: dict[int, list[Rule]] = {}
    for rule in rules:
        rules_by_page.setdefault(rule.page, []).append(rule)
    for page, grouped in groupby(lines, key=lambda l: l.page):  # lines come in page order
        page_lines = list(grouped)
        cut = _footnote_start(page_lines, rules_by_page.get(page, []), layout)
        rows = [_is_table_row(l) for l in page_lines]
        page_zones: list[Zone] = []
        for i in range(len(page_lines)):
            if i >= cut:
                page_zones.append("footnote")
            elif ((rows[i] and (_near_row(page_lines, rows, i, -1, layout) or _near_row(page_lines, rows, i, 1, layout)))
                  or _between_rows(page_lines, rows, i, layout)):
                page_zones.append("table")
            else:
                page_zones.append("body")
        zones += _with_table_margins(page_lines, page_zones, layout)
    blocks: list[Block] = []
    for line, zone in zip(lines, zones):
        if SEPARATOR.match(line.text.replace(" ", "")):
            continue
        if not blocks or blocks[-1].zone != zone or (zone == "table" and line.page != blocks[-1].lines[-1].page):
            blocks.append(Block(zone))
        blocks[-1].lines.append(line)
    return blocks


def _with_table_margins(lines: Sequence[Line], zones: list[Zone], layout: Layout) -> list[Zone]:
    """Small print hugging a table is part of it: column headings above join the table,
    notes below ("a Representing …") are footnotes."""
    small = [l.size < layout.body_size * config.FOOTNOTE_SIZE_RATIO for l in lines]
    close = [i > 0 and lines[i].top - lines[i - 1].top < layout.pitch * config.TABLE_NOTE_PITCHES for i in range(len(lines))]
    for i in range(len(lines) - 2, -1, -1):
        if zones[i] == "body" and zones[i + 1] == "table" and small[i] and close[i + 1]:
            zones[i] = "table"
    for i in range(1, len(lines)):
        if zones[i] == "body" and zones[i - 1] in ("table", "footnote") and small[i] and close[i] and (
                zones[i - 1] == "footnote" or FOOTNOTE_MARK.match(lines[i].text)):
            zones[i] = "footnote"
    return zones


def _near_row(lines: Sequence[Line], rows: Sequence[bool], i: int, step: int, layout: Layout) -> bool:
    j = i + step
    while 0 <= j < len(lines) and abs(lines[j].top - lines[i].top) < layout.pitch * config.TABLE_REACH_PITCHES:
        if rows[j]:
            return True
        if lines[j].size >= layout.body_size and lines[j].x1 >= layout.right_of(lines[j]) - layout.body_size:
            return False  # a full body line between: not the same table
        j += step
    return False


def _between_rows(lines: Sequence[Line], rows: Sequence[bool], i: int, layout: Layout) -> bool:
    """A short line (a wrapped cell, a sub-heading row) inside a table."""
    full_body = lines[i].size >= layout.body_size and lines[i].x1 >= layout.right_of(lines[i]) - layout.body_size
    return not full_body and _near_row(lines, rows, i, -1, layout) and _near_row(lines, rows, i, 1, layout)


# --- paragraphs within a zone ---------------------------------------------------------

def _ends_paragraph(line: Line, layout: Layout) -> bool:
    """The line stops short of the right margin or after a sentence end, and not on a
    word that no sentence ends with ("addressed to the" over a centred "Secretary-General")."""
    if lexicon.runs_on(line.text, layout.language):
        return False
    short = line.x1 < layout.right_of(line) - layout.body_size * config.SHORT_LINE_SIZES
    return short or bool(SENTENCE_END.search(line.text.rstrip()))


def _opens_paragraph(line: Line, layout: Layout) -> bool:
    indented = line.x0 > layout.left_of(line) + config.INDENT_MIN
    return indented or bool(NUMBER.match(line.text) or BULLET.match(line.text))


def _same_style(a: Line, b: Line) -> bool:
    return a.bold == b.bold and abs(a.size - b.size) < config.SAME_SIZE_TOLERANCE


def starts_paragraph(prev: Line, line: Line, layout: Layout, zone: str) -> bool:
    """Whether ``line`` opens a new paragraph after ``prev`` in the same zone."""
    if zone == "footnote":
        return bool(FOOTNOTE_MARK.match(line.text)) and (line.page != prev.page or line.x0 <= prev.x0 + 1)
    gap = line.top - prev.top
    flow_break = _flow_break(prev, line)
    if not _same_style(prev, line) and (flow_break or gap > layout.pitch * config.STYLE_GAP_RATIO
                                        or _ends_paragraph(prev, layout) or abs(line.size - prev.size) >= config.SAME_SIZE_TOLERANCE):
        return True
    if flow_break:
        if line.text[:1].islower():  # mid-sentence
            return False
        if not SENTENCE_END.search(prev.text.rstrip()):  # the sentence runs on, unless a block opens
            return _opens_paragraph(line, layout)
        return _opens_paragraph(line, layout) or prev.x1 < layout.right_of(prev) - layout.body_size * config.SHORT_LINE_SIZES
    if gap > max(layout.pitch, line.size * config.MIN_PITCH_RATIO) * config.PARAGRAPH_GAP_RATIO:
        return True
    if NUMBER.match(line.text) or BULLET.match(line.text):
        return _ends_paragraph(prev, layout)
    indented = line.x0 > layout.left_of(line) + config.INDENT_MIN and line.x0 > prev.x0 + config.INDENT_MIN
    return (indented and _ends_paragraph(prev, layout) and not _centred_pair(prev, line, layout)
            and not _hanging(prev, line))


def _flow_break(prev: Line, line: Line) -> bool:
    """The text goes on on another page or in another column: vertical gaps say nothing there."""
    return line.page != prev.page or (line.column, line.columns) != (prev.column, prev.columns)


def _hanging(prev: Line, line: Line) -> bool:
    """``line`` aligns with the text after ``prev``'s leading number (a hanging indent)."""
    words = sorted(prev.words, key=lambda w: w.x0)
    return len(words) > 1 and bool(LEADING_MARK.match(words[0].text)) and abs(words[1].x0 - line.x0) < 2


def _centred_pair(a: Line, b: Line, layout: Layout) -> bool:
    """Two lines centred on one axis (a wrapped centred title), not a new indent."""
    off_margin = a.x0 > layout.left_of(a) + config.INDENT_MIN and b.x0 > layout.left_of(b) + config.INDENT_MIN
    return off_margin and abs((a.x0 + a.x1) / 2 - (b.x0 + b.x1) / 2) < layout.body_size * config.CENTRE_TOLERANCE_SIZES


def split_paragraphs(block: Block, layout: Layout) -> list[Block]:
    if block.zone == "table":
        return [block]
    out = [Block(block.zone, [block.lines[0]])]
    for prev, line in zip(block.lines, block.lines[1:]):
        if starts_paragraph(prev, line, layout, block.zone):
            out.append(Block(block.zone))
        out[-1].lines.append(line)
    return out


# --- text -----------------------------------------------------------------------------

def join_lines(texts: Sequence[str], keeps_hyphen: Callable[[str, str], bool]) -> str:
    """Lines joined into running text: a line-end hyphen that only split a word goes,
    one that belongs to the word ("sous-régionales", "Secretary-General") stays."""
    out = ""
    for text in texts:
        text = text.strip()
        if not out:
            out = text
        # the tests look at the end of ``out`` only: searching all of it, as it grows,
        # would cost the square of a paragraph's length
        elif re.fullmatch(r"[^\W\d_]-", out[-2:]) and re.match(r"[^\W\d_]", text):
            out = (out if keeps_hyphen(out, text) else out[:-1]) + text
        elif re.fullmatch(r"\w/", out[-2:]):
            out += text
        else:
            out = join_words([out, text])
    return out


def hyphen_keeper(document_text: str, prefixes: Sequence[str]) -> Callable[[str, str], bool]:
    """A rule for line-end hyphens: keep it before a capital or a digit, after a prefix
    that takes one ("sous-", "non-"), or where the document writes the word hyphenated."""
    prefix_set = {lexicon.fold(p) for p in prefixes}

    def keeps(before: str, after: str) -> bool:
        found, word = re.search(r"([^\W\d_]+)-$", before), re.match(r"[^\W\d_]+", after)
        assert found and word, "join_lines asks only about a letter, a hyphen and a letter"
        head, tail = found.group(1), word.group(0)
        if after[:1].isupper():
            return True
        if lexicon.fold(head) in prefix_set:
            return True
        return f"{head}-{tail}" in document_text

    return keeps


# each repair in turn: its pattern, its replacement and what a text must hold for the
# pattern to match (most hold none of it: a lookbehind is tried at every character)
REPAIRS = ((SPACE_BEFORE_APOSTROPHE, "", (" '", " ’")), (SPACE_BEFORE_HYPHEN, "-", (" -",)),
           (SPACE_INSIDE_BRACKETS, "", ("( ", "[ ", " )", " ]")), (SPACE_BEFORE_COMMA, "", (" ,", " .")),
           (SPACED_ARABIC_SLASH, "/", (" / ",)), (OLD_FOOTNOTE_REF, "", ("/",)))
SPACE_RUN = re.compile(r"[ \t\u00a0]{2,}")


def repair(text: str) -> str:
    """Close the spacing artefacts of UN PDFs and drop old-style footnote references."""
    for pattern, replacement, needed in REPAIRS:
        if any(part in text for part in needed):
            text = pattern.sub(replacement, text)
    return SPACE_RUN.sub(" ", text).strip()


def table_text(lines: Sequence[Line]) -> str:
    """A table as text: one row a line, cells separated by " | "."""
    return "\n".join(" | ".join(line_cells(line)) for line in lines)


# --- kinds, numbers, sections ---------------------------------------------------------

@dataclass
class Draft:
    """A paragraph being classified."""

    block: Block
    text: str
    number: str | None = None
    kind: Kind = "body"
    section: Section = "letter"

    @property
    def first(self) -> Line:
        return self.block.lines[0]


def _take_number(draft: Draft) -> None:
    if draft.block.zone == "footnote":
        pattern = [FOOTNOTE_MARK]
    elif draft.first.bold or draft.first.italic:
        pattern = [NUMBER, LETTER_NUMBER]
    else:
        pattern = [NUMBER, BULLET]
    for p in pattern:
        m = p.match(draft.text)
        if m:
            draft.number = m.group("number")
            draft.text = draft.text[m.end():].lstrip()
            return


def classify(drafts: list[Draft], layout: Layout, first_body_page: int, titles_by_content: bool = True) -> None:
    """Set each draft's kind: title, heading, body, list_item, signature, note, footnote,
    table. With ``titles_by_content`` the first paragraph of the first page that says it
    is a letter's title ("Letter dated …", "Note verbale dated …") is the title, whatever
    its type (1990s letters set it in plain roman)."""
    t = lexicon.terms()
    seen_title = False
    for d in drafts:
        words = len(d.text.split())
        styled = _set_apart(d, layout, words)
        big = d.first.size > layout.body_size + config.BIG_TYPE_EXTRA
        if d.block.zone in ("table", "footnote"):
            d.kind = d.block.zone
        elif lexicon.starts_with_any(d.text, t["signature_markers"]) and d.text.lstrip().startswith("("):
            d.kind = "signature"
        elif BRACKETED.match(d.text):
            d.kind = "note"
        elif (titles_by_content and _is_title(d, t, styled)) or (not seen_title and d.first.page == first_body_page and (
                (styled and big) or (titles_by_content and _says_title(d.text)))):
            d.kind = "title"
            seen_title = True
        elif ((styled or big) and words <= config.MAX_HEADING_WORDS and not re.search(r"[.;,]$", d.text)) or (
                words <= 3 and _annex_kind(d.text, t)):  # "Annex", "Annex I", "Enclosure"
            d.kind = "heading"
        elif d.number and (d.number[0] in "(•▪◦‣●■-–—" or d.number[0].islower() or d.number.endswith(")")):
            d.kind = "list_item"
        else:
            d.kind = "body"


def _set_apart(d: Draft, layout: Layout, words: int) -> bool:
    """Set apart as titles and headings are: bold, short italic, capitals (typewritten
    documents), or a short line centred on the page."""
    if d.first.bold or (d.first.italic and words <= config.MAX_SET_APART_WORDS):
        return True
    letters = "".join(filter(str.isalpha, d.text))
    if len(letters) >= 4 and sum(map(str.isupper, letters)) > len(letters) * config.CAPITALS_SHARE:
        return True
    lines = d.block.lines
    centred = all(l.x0 > layout.left_of(l) + config.INDENT_MIN and l.x1 < layout.right_of(l) - config.INDENT_MIN
                  and abs((l.x0 + l.x1) / 2 - (layout.left_of(l) + layout.right_of(l)) / 2) < layout.body_size * config.PAGE_CENTRE_TOLERANCE_SIZES
                  for l in lines)
    return centred and words <= config.MAX_SET_APART_WORDS


def _is_title(d: Draft, t: dict[str, Any], set_apart: bool) -> bool:
    if not set_apart or len(d.text) > config.MAX_TITLE_CHARS:
        return False
    if title_type(d.text) in LETTER_TYPES:
        return True
    return _annex_kind(d.text, t) is not None and (len(d.text.split()) > 3 or lexicon.CJK.search(d.text) is not None)


def _says_title(text: str) -> bool:
    """A letter's title by its words: it opens as one and is no sentence."""
    return title_type(text) in LETTER_TYPES and len(text) <= config.MAX_TITLE_CHARS \
        and not text.rstrip().endswith((".", ";", ":"))


def title_type(text: str) -> DocType | None:
    """"letter" or "note_verbale" when ``text`` is the title of one, in any language
    (Chinese titles say so at their end: "…给秘书长的信")."""
    t = lexicon.terms()
    titles: tuple[tuple[DocType, str], ...] = (("letter", "letter_title"), ("note_verbale", "note_verbale_title"))
    for kind, key in titles:
        if lexicon.starts_with_any(text, t[key]) or _ends_with_any(text, t["title_endings"][kind]):
            return kind
    return None


def _ends_with_any(text: str, endings: Sequence[str]) -> bool:
    return text.rstrip(" .。").endswith(tuple(endings))


def _annex_kind(text: str, t: dict[str, Any]) -> Section | None:
    """"annex" or "enclosure" when ``text`` opens an annex ("Annexe à la lettre…", "Annex I")."""
    first = lexicon.fold(text.split(" ", 1)[0].strip(".:"))
    head = lexicon.fold(text[:40])
    if head.startswith(lexicon.folded(t["enclosure_title"])) or _ends_with_any(text, t["title_endings"]["enclosure"]):
        return "enclosure"
    if first in lexicon.folded(t["annex_title"]) or _ends_with_any(text, t["title_endings"]["annex"]):
        return "annex"
    return None


def assign_sections(drafts: list[Draft], is_letter: bool) -> None:
    t = lexicon.terms()
    section: Section = "letter" if is_letter else "main"
    for d in drafts:
        if d.kind in ("title", "heading") and len(d.text.split()) <= config.MAX_SECTION_HEADING_WORDS:
            opened = _annex_kind(d.text, t)
            if opened:
                section = opened
        d.section = section


# --- letter anatomy -------------------------------------------------------------------

def masthead_doc_type(masthead: Masthead) -> DocType | None:
    """The kind of document the masthead names: by its symbol (S/RES/… a resolution,
    S/PV.… a meeting record, S/Agenda/… an agenda) or its meeting number; None when it
    does not say."""
    symbol_doc_types: dict[str, DocType] = lexicon.terms()["symbol_doc_types"]
    for part, doc_type in symbol_doc_types.items():
        if masthead.symbol and part in masthead.symbol:
            return doc_type
    return "meeting_record" if masthead.meeting_number is not None else None


def doc_type_of(known: DocType | None, heads: Sequence[str]) -> DocType:
    """The document's type: as the masthead says, else as its first titles say."""
    t = lexicon.terms()
    if known:
        return known
    for text in heads:
        kind = title_type(text)
        if kind:
            return kind
        if lexicon.starts_with_any(text, t["resolution_title"]):
            return "resolution"
    for text in heads:
        if lexicon.starts_with_any(text, t["report_title"]):
            return "report"
    return "other"


def addressees_of(title: str) -> list[str]:
    """To whom the letter is addressed, in English: the addressee named after
    "addressed to", and those joined to it ("… and the President of the Security
    Council", in identical letters)."""
    t = lexicon.terms()
    folded = lexicon.fold(title)
    marker = next((m for m in lexicon.folded(t["addressee_markers"]) if m in folded), None)
    target = folded.split(marker, 1)[1] if marker else folded
    found = sorted((target.find(p), len(p), name)
                   for name, phrases in t["addressees"].items() for p in lexicon.folded(phrases) if p in target)
    if not found:
        return []
    start, length, first = found[0]
    names = [first]
    for other_start, _, other in found[1:]:
        between = target[start + length:other_start]
        if other not in names and _joins_addressees().fullmatch(between):
            names.append(other)
    return names


@functools.lru_cache(maxsize=1)
def _joins_addressees() -> re.Pattern[str]:
    """What stands between two addressees: "and" and an article, in any language."""
    t = lexicon.terms()
    joiners = "|".join(map(re.escape, t["list_joiners"]))
    articles = "|".join(map(re.escape, t["articles"]))
    return re.compile(rf"\W*(?:{joiners})\W+(?:(?:{articles})\W*)*")


def addressee_of(title: str) -> str | None:
    """The first addressee of a letter's title, in English."""
    names = addressees_of(title)
    return names[0] if names else None


def author_of(title: str) -> str | None:
    """Who wrote: the entity whose chair, president or observer signs ("the Committee on
    the Exercise of …", a State's name in English when the entity is one), else the
    first State named in the title, in English (through the gazetteer)."""
    entity = _writing_entity(title)
    if entity:
        code = gazetteer.country_code(entity)
        return gazetteer.country_name(code) if code else entity
    for candidate in _name_candidates(title):
        code = gazetteer.country_code(candidate)
        if code:
            return gazetteer.country_name(code)
    return None


def _writing_entity(title: str) -> str | None:
    """The entity named after the writer's office in a title ("from the Chair of the
    Committee on …", "from the Permanent Observer of Palestine"), or None."""
    for pattern in _entity_patterns():
        m = pattern.search(title)
        if m:
            return m.group("entity").strip(" ,") or None
    return None


@functools.lru_cache(maxsize=1)
def _entity_patterns() -> list[re.Pattern[str]]:
    return [re.compile(p) for p in lexicon.terms()["author_entity_patterns"]]


ARABIC_PROCLITIC = re.compile(r"^(?:لل|[وبلك]ال)")


def _name_candidates(title: str) -> Iterator[str]:
    """Runs of words (of characters, in CJK text) in reading order, longest first at each
    start; Arabic words are also tried without a leading proclitic ("للاتحاد" -> "الاتحاد")."""
    if lexicon.CJK.search(title) and " " not in title.strip():
        for i in range(len(title)):
            for n in range(min(12, len(title) - i), 1, -1):
                yield title[i:i + n]
        return
    tokens = re.findall(r"[^\s,;:]+", title.replace("’", "’ "))
    for i in range(len(tokens)):
        for n in range(min(7, len(tokens) - i), 0, -1):
            words = [w.strip("’'()") for w in tokens[i:i + n]]
            yield " ".join(words)
            if ARABIC_PROCLITIC.match(words[0]):
                yield " ".join([ARABIC_PROCLITIC.sub("ال", words[0])] + words[1:])


def letter_info(drafts: Sequence[Draft], known_type: DocType | None) -> LetterInfo:
    heads = [d.text for d in drafts[:8] if d.kind in ("title", "heading")]
    doc_type = doc_type_of(known_type, heads)
    titles = [d.text for d in drafts if d.kind == "title"]
    title = titles[0] if titles else (heads[0] if heads else None)
    if doc_type == "meeting_record":
        return LetterInfo(doc_type=doc_type)  # a record has an agenda, not a title
    if doc_type not in LETTER_TYPES or not title:
        return LetterInfo(title=title, doc_type=doc_type)
    addressees = addressees_of(title)
    return LetterInfo(
        title=title,
        letter_date=lexicon.parse_date(title),
        author=author_of(title),
        addressee=addressees[0] if addressees else None,
        addressees=tuple(addressees),
        doc_type=doc_type,
    )


# --- the stage ------------------------------------------------------------------------

def mirrored_if_rtl(lines: Sequence[Line], page_sizes: Sequence[tuple[float, float]]) -> list[Line]:
    """Right-to-left lines seen in a mirror, so that the layout rules (indent on the
    reading side, short last line) hold for Arabic as for Latin script."""
    return [replace(l, x0=page_sizes[l.page - 1][0] - l.x1, x1=page_sizes[l.page - 1][0] - l.x0) if l.rtl else l
            for l in lines]


def segment(doc: ExtractedDocument) -> Segmented:
    """Paragraphs in reading order, the letter's anatomy and, in a meeting record, the
    speakers' turns (States and authors through the gazetteer)."""
    if not doc.lines:
        return Segmented([], LetterInfo())
    known_type = masthead_doc_type(doc.masthead)
    record = known_type == "meeting_record"
    lines = mirrored_if_rtl(doc.lines, doc.page_sizes)
    layout = Layout.of(lines, doc.masthead.language)
    blocks = [p for block in zone_blocks(lines, doc.rules, layout) for p in split_paragraphs(block, layout)]
    if record:
        blocks = _labelled_blocks(blocks)
    all_text = "\n".join(l.text for l in doc.lines)
    keeps = hyphen_keeper(all_text, lexicon.terms()["hyphen_prefixes"])
    drafts = []
    for block in blocks:
        if block.zone == "table":
            text = table_text(block.lines)
        else:
            text = repair(join_lines([l.text for l in block.lines], keeps))
        if text:
            drafts.append(Draft(block, text))
    labels: dict[int, SpeakerLabel] = {}
    for i, d in enumerate(drafts):
        label = speaker_label(d.block.lines) if record and d.block.zone == "body" else None
        if label is not None:
            labels[i] = label
            d.text = strip_label(d.text, label)
        else:
            _take_number(d)
    classify(drafts, layout, doc.lines[0].page, titles_by_content=known_type is None)
    info = letter_info(drafts, known_type)
    assign_sections(drafts, info.doc_type in LETTER_TYPES)
    kept = [(i, d) for i, d in enumerate(drafts) if d.text]
    paragraphs = [
        Paragraph(para_id=n, section=d.section, kind=d.kind, text=d.text, number=d.number,
                  page_start=d.block.lines[0].page, page_end=d.block.lines[-1].page)
        for n, (_, d) in enumerate(kept)]
    if not record:
        return Segmented(paragraphs, info)
    members = participants([l for l in doc.lines if l.page == doc.lines[0].page])
    italic = {n for n, (_, d) in enumerate(kept) if all(l.italic for l in d.block.lines)}
    speeches = turns(paragraphs, {n: labels[i] for n, (i, _) in enumerate(kept) if i in labels}, italic,
                     members)
    speech_of = {pid: sp.speech_id for sp in speeches for pid in range(sp.para_start, sp.para_end + 1)}
    paragraphs = [replace(p, speech_id=speech_of.get(p.para_id)) for p in paragraphs]
    president = next((m.representative for m in members if m.role == "president"), None)
    return Segmented(paragraphs, info, speeches, members, president)


def _labelled_blocks(blocks: list[Block]) -> list[Block]:
    """Blocks of a meeting record cut before every speaker's label; a name in bold that
    wraps onto the next line (it reads as a heading of its own) joins its label's block."""
    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if prev is not None and prev.zone == block.zone == "body" and len(prev.lines) == 1 \
                and all(w.bold for w in prev.lines[0].words) and speaker_label(prev.lines + block.lines[:1]):
            out[-1] = Block("body", prev.lines + block.lines)
        else:
            out.append(block)
    return [part for block in out for part in _split_at_labels(block)]


def _split_at_labels(block: Block) -> list[Block]:
    """A block cut before every line that opens with a speaker's label."""
    if block.zone != "body":
        return [block]
    out = [Block(block.zone, [block.lines[0]])]
    for i, line in enumerate(block.lines[1:], start=1):
        wraps = block.lines[i - 1].words[-1].bold  # a bold name running on from the line above
        if not wraps and speaker_label(block.lines[i:i + 2]) is not None:
            out.append(Block(block.zone))
        out[-1].lines.append(line)
    return out
