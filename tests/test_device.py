"""The lean pdfminer device reads the same glyphs as pdfplumber's ``page.chars``."""
from __future__ import annotations

import pdfplumber
import pytest

from pipeline.engines import plumber
from tests.conftest import FIXTURES

PDFS = sorted(p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*.pdf"))


def _theirs(page) -> list[tuple]:
    """pdfplumber's chars as the device keeps them: glyphs with text (a glyph without
    Unicode is dropped), rotated ones only when the page is mostly rotated."""
    chars = [c for c in page.chars if c["text"] and not c["text"].startswith("(cid:")]  # unmapped: dropped
    upright = [c for c in chars if c["upright"]]
    rotated = [c for c in chars if not c["upright"]]
    kept = upright if len(upright) >= len(rotated) else upright + rotated
    return [_glyph(c["text"], c["x0"], c["x1"], c["top"], c["bottom"], round(c["size"], 2), c["fontname"]) for c in kept]


def _glyph(text: str, x0: float, x1: float, top: float, bottom: float, size: float, fontname: str) -> tuple:
    return text, round(x0, 6), round(x1, 6), round(top, 6), round(bottom, 6), size, fontname


@pytest.mark.parametrize("relative", PDFS)
def test_device_chars_equal_pdfplumber_chars(relative):
    with pdfplumber.open(FIXTURES / relative) as pdf:
        for page in pdf.pages:
            mine, _ = plumber.page_contents(page)
            ours = [_glyph(c.text, c.x0, c.x1, c.top, c.bottom, c.size, c.fontname) for c in mine if c.text]
            assert ours == _theirs(page), f"page {page.page_number}"
            page.flush_cache()
