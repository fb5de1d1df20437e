"""Running headers and footers: page furniture told from the body by what it says and
where it repeats."""
from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

from . import config, lexicon
from .masthead import JOB_NUMBER, SYMBOL_LINE
from .types import Line

BARCODE = re.compile(r"^\*\d{6,}\*$")


PAGE_MARKER = re.compile(r"^(?:-\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*-)?$")


DATE_STAMP = re.compile(r"^\d{6}$")


CONTINUATION = re.compile(r"^/(?:\.\.\.|…)$")


def _strip_recycle(text: str) -> str:
    for phrase in lexicon.terms()["recycle"]:
        text = text.replace(phrase, " ")
    return text


def is_furniture(text: str, symbols: Sequence[str] = ()) -> bool:
    """Whether a header or footer line is page furniture: the symbol, page markers,
    the job number with its dates, the barcode, "Please recycle", "/..."."""
    rest = _strip_recycle(text)
    for symbol in symbols:
        rest = rest.replace(symbol, " ")
    rest = JOB_NUMBER.sub(" ", rest)
    words = lexicon.terms()["page_words"]
    rest = re.sub(r"(?i)(?:^|\s)(?:" + "|".join(re.escape(w) for w in words) + r")\s*\d+(?:\s*页)?", " ", rest)
    tokens = rest.split()
    if not tokens:
        return True
    return all(
        BARCODE.match(t) or PAGE_MARKER.match(t) or DATE_STAMP.match(t) or CONTINUATION.match(t)
        or SYMBOL_LINE.match(t) or t in {"-", "–", "|"}
        for t in tokens)


def _normalized(text: str) -> str:
    return re.sub(r"\d+", "#", text).strip()


def strip_page_furniture(lines: list[Line], page_heights: Sequence[float],
                         symbols: Sequence[str]) -> list[Line]:
    """Remove running headers and footers: lines in the top or bottom band of a page that
    are furniture, or that repeat (digits aside) in that band on several pages."""
    def in_band(line: Line) -> bool:
        height = page_heights[line.page - 1]
        return line.top < height * config.HEADER_BAND or line.bottom > height * (1 - config.FOOTER_BAND)

    band_texts = Counter(_normalized(l.text) for l in lines if in_band(l))
    repeated = {t for t, n in band_texts.items()
                if n >= 3 and n >= len(page_heights) / 2 and len(page_heights) >= 3}
    return [l for l in lines
            if not (in_band(l) and (is_furniture(l.text, symbols) or _normalized(l.text) in repeated))]


