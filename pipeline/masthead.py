"""The UN masthead of page 1: symbols, organ, distribution, date, languages, job number."""
from __future__ import annotations

import re
from typing import Iterable, Sequence

from . import config, lexicon
from .layout import line_segments
from .types import Line, Masthead, Word

SYMBOL = re.compile(r"\b(?:[A-Z]{1,8}(?:\.\d+)?)(?:/[A-Z0-9][A-Za-z0-9.\-()]*)+(?:\s*\*+)?")


SYMBOL_LINE = re.compile(rf"^\s*(?:{SYMBOL.pattern})(?:\s*[-–]\s*(?:{SYMBOL.pattern}))*\s*$")


JOB_NUMBER = re.compile(r"(?<![\d/])(?P<prefix>(?:[A-Z]{1,3}\.)?)(?P<digits>\d{2}-\d{5})(?:\s*\((?P<suffix>[A-Z])\))?")


SPACED_SLASH = re.compile(r"(?<=[A-Za-z0-9]) ?/ ?(?=[A-Za-z0-9])")  # "S/ 2016 / 871": a spacing artefact


JOINT_SYMBOL_SEPARATOR = re.compile(r"\s*[-–]\s*(?=[A-Z]{1,8}/)")


def _symbols_in(text: str) -> list[str]:
    """Symbols in ``text``, a joint one split ("A/47/60-S/23329"), asterisks dropped."""
    found = [re.sub(r"\s*\*+$", "", m.group(0)).strip() for m in SYMBOL.finditer(text)]
    return [part for symbol in found for part in JOINT_SYMBOL_SEPARATOR.split(symbol)]


def _masthead_symbol_words(words: Sequence[Word]) -> list[str]:
    """Symbols typeset in pieces: a big "A" followed by "/INF/76/1" in a smaller size."""
    return [a.text + b.text
            for a in words if re.fullmatch(r"[A-Z]{1,3}", a.text)
            for b in words if b.text.startswith("/") and 0 <= b.x0 - a.x1 < 1.5
            and b.top < a.bottom and b.bottom > a.top]


def read_masthead(lines: Sequence[Line], first_page_words: Sequence[Word], page_height: float,
                  footer_lines: Sequence[Line]) -> tuple[Masthead, int]:
    """Read the masthead from page 1's top lines. Returns it and how many of ``lines``
    (page 1's, in order) belong to it."""
    t = lexicon.terms()
    head = Masthead()
    last = -1
    symbols: list[str] = []
    organs: list[str] = []
    pending_distribution = False
    segments = [(i, text) for i, line in enumerate(lines) if line.top <= page_height * config.MASTHEAD_BAND
                for text in line_segments(line, config.MASTHEAD_COLUMN_GAP)]
    for i, text in segments:
        line = lines[i]
        text = SPACED_SLASH.sub("/", text.strip())
        folded = lexicon.fold(text)
        if SYMBOL_LINE.match(text):
            symbols += _symbols_in(text)
            last = i
        elif folded.startswith(tuple(t["distribution_markers"])):
            head.distribution = _distribution(folded)
            pending_distribution = head.distribution is None
            last = i
        elif pending_distribution and _distribution(folded):
            head.distribution = _distribution(folded)
            pending_distribution = False
            last = i
        elif folded.startswith(lexicon.folded(t["original_markers"])):
            named = re.split(r"[:：]", text, 1)[-1]
            head.original_language = next(
                (code for part in re.split(r"[/,;]| and | et | y ", named) if (code := lexicon.language_from_name(part))), None)
            last = i
        elif head.date is None and (hit := lexicon.find_date(text)) and hit[1] == 0 and hit[2] >= len(text) - 1:
            head.date = hit[0]
            last = i
        elif lexicon.language_from_name(text) and len(text) < 30:
            head.language = lexicon.language_from_name(text)
            last = i
        elif folded in lexicon.folded(t["organs"]):
            organs.append(text)
            last = i
        elif folded in t["united_nations"] or _doubled(folded) in t["united_nations"]:
            last = i
        elif len(text) <= 3 and line.size >= 14:  # the big series letter of a split symbol
            last = i
    symbols = _unique(_masthead_symbol_words(first_page_words) + symbols)
    head.symbols = symbols
    head.symbol = symbols[0] if symbols else None
    head.organ = "; ".join(_unique(organs)) or None
    for line in footer_lines:
        m = JOB_NUMBER.search(line.text)
        if m:
            head.job_number = m.group("prefix") + m.group("digits")
            suffix_language = t["job_suffix_language"].get(m.group("suffix") or "")
            head.language = suffix_language or head.language
            break
    return head, last + 1


def _doubled(text: str) -> str:
    """Undo faux-bold text drawn twice ("UUNNIITTEEDD" -> "united")."""
    return "".join(text[i] for i in range(0, len(text), 2)) if len(text) % 2 == 0 and all(
        text[i] == text[i + 1] for i in range(0, len(text) - 1, 2) if text[i] != " ") else text


def _distribution(folded: str) -> str | None:
    for value, words in lexicon.terms()["distribution_values"].items():
        if any(re.search(rf"(?<!\w){re.escape(lexicon.fold(w))}(?!\w)", folded) for w in words):
            return value
    return None


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


