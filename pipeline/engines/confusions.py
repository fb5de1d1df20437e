"""OCR-confusion repair that needs more than the word itself: a list item's marker is
read again by the list's own sequence (an item "381" between "37)" and "39)" is
"38)"), a line's quotation marks by the one that closes them, and a label's colon by the
labels above and below it ("Mays" between "May:" and "Jun:" is "May:").

Lines are an OCR page's runs of words that share a box top and bottom (Tesseract's
lines, as :func:`pipeline.engines.ocr.read_image` sets them).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Sequence

from .. import config, quality
from ..types import Page, Word

MARKER = re.compile(r"^(?P<number>\d{1,3})(?P<close>[.)])$")
# what Tesseract reads for a marker's closing mark: "5," for "5.", "12}" or "381" for "38)"
CLOSER_LOOKALIKES = {".": ",;:'", ")": "1lIJj}]|>"}
OPENING_QUOTES = "‘“'\""
CLOSING_DOUBLE = "\"”"


@dataclass(frozen=True)
class _Marker:
    value: int
    close: str
    x0: float
    size: float


@lru_cache(maxsize=1)
def table() -> dict[str, Any]:
    """The confusion data (pipeline/data/ocr_confusions.json)."""
    found: dict[str, Any] = json.loads((config.DATA_DIR / "ocr_confusions.json").read_text(encoding="utf-8"))
    return found


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """The lower-case words of every language's lexicon: what a repair may produce."""
    return frozenset().union(*(quality.vocabulary(language) for language in config.SPACY_MODELS))


def repaired_pages(pages: Sequence[Page]) -> list[Page]:
    """The pages with their OCR lines' list markers, quotation marks and labels' colons repaired."""
    lines = [(p, line) for p, page in enumerate(pages) for line in _lines(page.words)]
    firsts = _list_markers([line[0] for _, line in lines])
    fixed: list[list[Word]] = [[] for _ in pages]
    for (p, line), first in zip(lines, firsts):
        fixed[p] += _quotes_paired([first, *line[1:]])
    return [replace(page, words=_label_colons(words)) if any(w.ocr for w in page.words) else page
            for page, words in zip(pages, fixed)]


def _label_colons(words: list[Word]) -> list[Word]:
    """A page's OCR words with a label's misread colon restored: a word the lexicon does not
    know, that is a known word and a colon look-alike ("Mays"), between labels (words
    ending in a colon) at its left edge on the nearest lines above and below."""
    lookalikes = table()["colon_lookalikes"]
    out = list(words)
    for i, word in enumerate(words):
        stem = word.text[:-1]
        if not (word.ocr and len(stem) >= 2 and word.text[-1] in lookalikes and stem.isalpha()
                and word.text.lower() not in known_words() and stem.lower() in known_words()):
            continue
        aligned = [w for w in words if w.ocr and w is not word and abs(w.x0 - word.x0) <= word.size * config.OCR_LABEL_ALIGN_SIZES]
        above = max((w for w in aligned if w.bottom <= word.top), key=lambda w: w.top, default=None)
        below = min((w for w in aligned if w.top >= word.bottom), key=lambda w: w.top, default=None)
        if above is not None and below is not None and all(_is_label(w.text) for w in (above, below)):
            out[i] = replace(word, text=stem + ":")
    return out


def _is_label(text: str) -> bool:
    return len(text) >= 3 and text.endswith(":") and text[:-1].isalpha()


def _lines(words: Sequence[Word]) -> list[list[Word]]:
    out: list[list[Word]] = []
    for word in words:
        if out and (out[-1][-1].top, out[-1][-1].bottom, out[-1][-1].ocr) == (word.top, word.bottom, word.ocr):
            out[-1].append(word)
        else:
            out.append([word])
    return out


def _list_markers(firsts: list[Word]) -> list[Word]:
    """Lines' first words, a misread marker made the number the list expects there: the
    previous marker's number plus one, when the word looks like it (as long, its mark in
    the marker's place a look-alike), stands at the markers' left edge, and a marker
    further on carries the sequence on (or, at a list's end, only the mark differs)."""
    parsed = [_parse(w) for w in firsts]
    out = list(firsts)
    prev: _Marker | None = None
    for i, word in enumerate(firsts):
        if parsed[i] is not None:
            prev = parsed[i]
            continue
        if prev is None or not word.ocr or abs(word.x0 - prev.x0) > prev.size * config.OCR_MARKER_ALIGN_SIZES:
            continue
        want = f"{prev.value + 1}{prev.close}"
        differs = _differences(word.text, want, prev.close)
        if differs is None:
            continue
        nxt = next((m for m in parsed[i + 1:] if m is not None), None)
        carries_on = nxt is not None and nxt.close == prev.close and \
            prev.value + 1 < nxt.value <= prev.value + 1 + config.OCR_MARKER_LOOKAHEAD
        if carries_on or (nxt is None and differs == {"mark"}):
            out[i] = replace(word, text=want)
            prev = _Marker(prev.value + 1, prev.close, word.x0, word.size)
    return out


def _parse(word: Word) -> _Marker | None:
    m = MARKER.match(word.text) if word.ocr else None
    return _Marker(int(m.group("number")), m.group("close"), word.x0, word.size) if m else None


def _differences(read: str, want: str, close: str) -> set[str] | None:
    """Where ``read`` differs from the marker ``want`` ("digits", "mark"), or None when it
    cannot be that marker misread (another length, a word, too many differences)."""
    if len(read) != len(want) or read == want:
        return None
    if sum(c.isalpha() for c in read) > 1:
        return None  # a word ("No", "de"), not a number with a letter misread
    kinds: set[str] = set()
    count = 0
    for got, meant in zip(read[:-1], want[:-1]):
        if got != meant:
            if not got.isalnum():
                return None
            kinds.add("digits")
            count += 1
    if read[-1] != want[-1]:
        if read[-1] not in CLOSER_LOOKALIKES[close]:
            return None
        kinds.add("mark")
        count += 1
    return kinds if count <= config.OCR_MARKER_MAX_MISREAD else None


def _quotes_paired(line: list[Word]) -> list[Word]:
    """A line's opening quotation mark made a double one when the mark that closes it
    (the next quotation mark after it) is double, and a closing one likewise: a
    typescript's marks come in pairs (‘L'Amnistie" is "L'Amnistie")."""
    out = list(line)
    opener: int | None = None
    for i, word in enumerate(line):
        if opener is None and word.text[:1] in OPENING_QUOTES and len(word.text) > 1 and word.text[1].isalnum():
            opener = i
            if _closes_double(word.text[1:]):
                out[i] = _double_open(out[i])
                opener = None
        elif opener is not None and _closes_double(word.text):
            out[opener] = _double_open(out[opener])
            opener = None
    return out


def _closes_double(text: str) -> bool:
    core = text.rstrip(".,;:!?)")
    return len(core) > 1 and core[-1] in CLOSING_DOUBLE and core[-2] not in "\"”“‘’'"


def _double_open(word: Word) -> Word:
    return replace(word, text='"' + word.text[1:]) if word.text[0] in "‘'" else word
