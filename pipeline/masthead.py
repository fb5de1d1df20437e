"""The UN masthead of page 1: symbols, organ, distribution, date, languages, job number,
session and agenda items, and a meeting record's number, date and time.

The masthead is read segment by segment (a line cut at wide gaps: its columns) in
reading order; every segment that reads as a masthead field moves the masthead's end.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Callable, Iterable, Sequence

from . import config, lexicon
from .layout import line_segments
from .types import Line, Masthead, Word

_SYMBOL_PART = r"[A-Z0-9][A-Za-z0-9.()]*(?:-[A-Za-z0-9.()]+)*"
# "(2025)" of a resolution, "(Resumption 1)" of a meeting, "(Sect. 4)/Part A" of a budget
_SYMBOL_SUFFIX = r"(?:\s?\((?:\d{4}|[A-Z][a-z]{0,12}\.?(?:\s?\d{1,3}[A-Za-z]?)?)\)(?:/Part\s?[A-Z0-9]{1,3})?)?"
SYMBOL = re.compile(rf"\b[A-Z]{{1,8}}(?:\.\d+)?(?:/{_SYMBOL_PART})+{_SYMBOL_SUFFIX}(?:\s*\*+)?")
SYMBOL_LINE = re.compile(rf"^\s*(?:{SYMBOL.pattern})(?:\s*[-–—]\s*(?:{SYMBOL.pattern}))*\s*[-–—]?\s*$")
JOB_NUMBER = re.compile(r"(?<![\d/])(?P<prefix>(?:[A-Z]{1,3}\.)?)(?P<digits>\d{2}-\d{5})(?:\s*\*)?(?:\s*\((?P<suffix>[A-Z])\))?")
SPACED_SLASH = re.compile(r"(?<=[A-Za-z0-9]) ?/ ?(?=[A-Za-z0-9])")  # "S/ 2016 / 871": a spacing artefact
JOINT_SYMBOL_SEPARATOR = re.compile(r"\s*[-–—]\s*(?=[A-Z]{1,8}/)")
REISSUE_MARK = re.compile(r"\s*\*+$")
AGENDA_ITEM = re.compile(r"\d{1,3}(?:\s?\(?[a-z]\))?")
TIME = re.compile(r"^\d{1,2}(?:[.:h]\s?\d{2})?\s*(?:a\.\s?m\.|p\.\s?m\.|h(?:eures)?|horas|ч\.?)?$", re.IGNORECASE)
ORDINAL_SUFFIX = re.compile(r"^(?:st|nd|rd|th|e|er|eme|a|ª|-?е|-?я)\s+")  # "th meeting" beside a big "8699"
MEETING = re.compile(r"^(?P<number>\d{2,5})\s?(?:st|nd|rd|th|e|er|ème|a|ª|-?е|-?я)?\.?(?:\s+(?P<word>\S.*))?$", re.IGNORECASE)


def symbols_in(text: str) -> tuple[list[str], bool]:
    """Symbols in ``text``, a joint one split ("A/47/60-S/23329", "A/80/434–"), and
    whether one carries a reissue mark (its asterisks are dropped)."""
    symbols, reissue = [], False
    for m in SYMBOL.finditer(SPACED_SLASH.sub("/", text)):
        found = m.group(0).strip()
        reissue |= bool(REISSUE_MARK.search(found))
        symbols += [part for part in JOINT_SYMBOL_SEPARATOR.split(REISSUE_MARK.sub("", found)) if part]
    return symbols, reissue


def _masthead_symbol_words(words: Sequence[Word]) -> list[str]:
    """Symbols typeset in pieces: a big "A" followed by "/INF/76/1" in a smaller size."""
    return [a.text + b.text
            for a in words if re.fullmatch(r"[A-Z]{1,3}", a.text)
            for b in words if b.text.startswith("/") and 0 <= b.x0 - a.x1 < 1.5
            and b.top < a.bottom and b.bottom > a.top]


def read_masthead(lines: Sequence[Line], first_page_words: Sequence[Word], page_height: float,
                  footer_lines: Sequence[Line]) -> tuple[Masthead, int]:
    """Read the masthead from page 1's top lines. Returns it and how many of ``lines``
    (page 1's, in reading order) belong to it."""
    t = lexicon.terms()
    head = Masthead()
    last = -1
    symbols: list[str] = []
    organs: list[str] = []
    pending_distribution = False
    agenda_line: Line | None = None   # the last line naming agenda items: the item's title follows
    for i, line in enumerate(lines):
        if line.top > page_height * config.MASTHEAD_BAND:
            break
        if agenda_line is not None and _continues(agenda_line, line) and not _opens_title(line.text):
            agenda_line = line  # the agenda item's title, under its number
            last = i
            continue
        agenda_line = None
        for text in line_segments(line, config.MASTHEAD_COLUMN_GAP):
            text = text.strip()
            folded = lexicon.fold(text)
            found = True
            if SYMBOL_LINE.match(SPACED_SLASH.sub("/", text)):
                more, reissue = symbols_in(text)
                symbols += more
                head.reissue |= reissue
            elif _distribution_marker(folded):
                head.distribution = _distribution(folded)
                pending_distribution = head.distribution is None
            elif pending_distribution and _distribution(folded):
                head.distribution = _distribution(folded)
                pending_distribution = False
            elif folded.startswith(lexicon.folded(t["original_markers"])):
                named = re.split(r"[:：]", text, maxsplit=1)[-1]
                head.original_language = next(
                    (code for part in lexicon.list_separator().split(named) if (code := lexicon.language_from_name(part))), None)
            elif head.date is None and (dated := _dated(text)):
                head.date, time = dated
                head.meeting_time = head.meeting_time or time
            elif lexicon.language_from_name(text) and len(text) < 30:
                head.language = lexicon.language_from_name(text)
            elif folded in lexicon.folded(t["organs"]):
                organs.append(text)
            elif folded in t["united_nations"] or _doubled(folded) in t["united_nations"]:
                pass
            elif _session(folded):
                if _session(folded) == "session":
                    head.session = head.session or text
            elif (items := agenda_items(text)) is not None:
                head.agenda_items += [item for item in items if item not in head.agenda_items]
                agenda_line = line
            elif (number := _meeting_number(text, lines, i)) is not None:
                head.meeting_number = number
            elif len(text) <= 3 and line.size >= config.SERIES_LETTER_MIN_SIZE:  # a split symbol's big letter
                pass
            else:
                found = False
            if found:
                last = i
    pieces, reissue = symbols_in(" ".join(_masthead_symbol_words(first_page_words)))
    head.reissue |= reissue
    merged = _unique(pieces + symbols)
    symbols = [s for s in merged if not any(other != s and other.startswith(s) for other in merged)]
    head.symbols = symbols
    head.symbol = symbols[0] if symbols else None
    head.resumption = _resumption(head.symbol)
    head.organ = "; ".join(_unique(organs, key=lexicon.fold)) or None
    _read_job_number(head, footer_lines, lines)
    return head, last + 1


def _read_job_number(head: Masthead, footer_lines: Sequence[Line], first_page: Sequence[Line]) -> None:
    """The job number and its language suffix, from the footers, else from page 1's
    lower half where a disclaimer box may lift it above the footer band."""
    height = max((l.bottom for l in first_page), default=0.0)
    lower = [l for l in first_page if l.top > height / 2]
    for candidates, need_suffix in ((footer_lines, False), (lower, True)):
        for line in candidates:
            m = JOB_NUMBER.search(line.text)
            if m and (m.group("suffix") or not need_suffix):
                head.job_number = m.group("prefix") + m.group("digits")
                suffix_language = lexicon.terms()["job_suffix_language"].get(m.group("suffix") or "")
                head.language = suffix_language or head.language
                return


def _continues(above: Line, line: Line) -> bool:
    """``line`` sits right under ``above`` in the same column (a wrapped line)."""
    return (line.page, line.column, line.columns) == (above.page, above.column, above.columns) and \
        0 < line.top - above.top <= max(line.size, above.size) * config.MASTHEAD_WRAP_RATIO


def _opens_title(text: str) -> bool:
    t = lexicon.terms()
    return lexicon.starts_with_any(text, t["letter_title"] + t["note_verbale_title"] + t["report_title"])


def _dated(text: str) -> tuple[dt.date, str | None] | None:
    """A line that is a date, perhaps with its weekday before and a time after
    ("Thursday, 9 January 2020, 10 a.m."): the date and the time."""
    hit = lexicon.find_date(text)
    if hit is None:
        return None
    date, start, end = hit
    before = lexicon.fold(text[:start]).strip(" ,")
    after = text[end:].strip(" ,")
    # single letters before it are specks (an emblem's or a stamp's edge read by OCR)
    if before and before not in lexicon.folded(_weekdays()) and not all(len(t) == 1 and not t.isdigit() for t in before.split()):
        return None
    if after and not TIME.match(after):
        return None
    return date, after or None


def _weekdays() -> list[str]:
    return [day for days in lexicon.terms()["weekdays"].values() for day in days]


def _session(folded: str) -> str | None:
    """"session" for "Eightieth session" ("الدورة الثمانون"), "year" for "Seventy-fifth
    year": an ordinal in words (no digits, a word or two) beside the word; else None."""
    t = lexicon.terms()
    for kind, key in (("session", "session_words"), ("year", "year_words")):
        for word in lexicon.folded(t[key]):
            if folded.endswith(word):
                ordinal = folded[: -len(word)]
            elif folded.startswith(word):
                ordinal = folded[len(word):]
            else:
                continue
            if 1 <= len(ordinal.split()) <= 2 and not re.search(r"\d", ordinal):
                return kind
    return None


def agenda_items(text: str) -> list[str] | None:
    """The items of an agenda line ("Agenda items 23, 35 and 78", "Item 38 of the
    preliminary list*", "Point 15 c) de l'ordre du jour", "议程项目26"), or None."""
    t = lexicon.terms()
    folded = lexicon.fold(text)
    marker = next((m for m in lexicon.folded(t["agenda_markers"]) if folded.startswith(m)), None)
    if marker is None:
        return None
    rest, items, at = text[len(marker):], [], 0
    while m := _next_item().match(rest, at):
        items.append(m.group(1))
        at = m.end()
    return items or None


@functools.lru_cache(maxsize=1)
def _next_item() -> re.Pattern[str]:
    """An agenda item after a separator (a comma, "and" in any language)."""
    joiners = "|".join(re.escape(j) for j in lexicon.terms()["list_joiners"])
    return re.compile(rf"\s*(?:,|、|(?<!\w)(?:{joiners})(?!\w))?\s*({AGENDA_ITEM.pattern})")


def _meeting_number(text: str, lines: Sequence[Line], i: int) -> int | None:
    """A meeting record's number: "8699th meeting", or a big "8699" whose "th meeting"
    stands beside it."""
    m = MEETING.match(text)
    if not m:
        return None
    words = lexicon.folded(lexicon.terms()["meeting_words"])
    word = lexicon.fold(m.group("word") or "")
    if word and word not in words:
        return None
    if not word and not any(ORDINAL_SUFFIX.sub("", lexicon.fold(l.text)).startswith(words)
                            for l in lines[max(i - 2, 0):i + 3] if l is not lines[i]):
        return None
    return int(m.group("number"))


def _resumption(symbol: str | None) -> int | None:
    """The resumption of a meeting, from its symbol ("S/PV.8699 (Resumption 1)")."""
    if not symbol:
        return None
    words = "|".join(re.escape(w) for w in lexicon.terms()["resumption_words"])
    m = re.search(rf"\((?:{words})\s*(\d+)\)", symbol, re.IGNORECASE)
    return int(m.group(1)) if m else None


def _doubled(text: str) -> str:
    """Undo faux-bold text drawn twice ("UUNNIITTEEDD" -> "united")."""
    return "".join(text[i] for i in range(0, len(text), 2)) if len(text) % 2 == 0 and all(
        text[i] == text[i + 1] for i in range(0, len(text) - 1, 2) if text[i] != " ") else text


def _distribution_marker(folded: str) -> bool:
    """Whether a segment opens with "Distr." (or its Russian "Распр."), not a word such as
    "districts" that begins the same way."""
    return any(re.match(rf"{re.escape(m)}(?:[.:\s]|$)", folded) for m in lexicon.terms()["distribution_markers"])


def _distribution(folded: str) -> str | None:
    values: dict[str, list[str]] = lexicon.terms()["distribution_values"]
    for value, words in values.items():
        if any(re.search(rf"(?<!\w){re.escape(lexicon.fold(w))}(?!\w)", folded) for w in words):
            return value
    return None


def _unique(items: Iterable[str], key: Callable[[str], str] = str) -> list[str]:
    """The items in order, each once (as ``key`` tells them apart)."""
    first: dict[str, str] = {}
    for item in items:
        first.setdefault(key(item), item)
    return list(first.values())
