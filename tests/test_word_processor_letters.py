"""Arabic and Chinese letters as a word processor makes them (LibreOffice's PDFs of .docx
files with justified paragraphs, tests/fixtures/make/word_letters.py): kashida glyphs
without Unicode mapping, lam-alef ligatures, Chinese numbers glued to their text. The
masthead and anatomy of both are checked in test_golden.py."""
from __future__ import annotations

import pdfplumber
import pytest

from tests.conftest import FIXTURES, expected

ARABIC, CHINESE = "generated/letter_ar_docx.pdf", "generated/letter_zh_docx.pdf"
KASHIDA = "issue 9: kashida glyphs without a Unicode mapping reach the text as (cid:NN)"


def _all_text(extracted, segmented, relative: str) -> str:
    lines = [line.text for line in extracted(relative).lines]
    paragraphs, info = segmented(relative)
    return "\n".join([*lines, *(p.text for p in paragraphs), info.title or ""])


@pytest.mark.parametrize("relative", [ARABIC, CHINESE])
def test_no_unmapped_glyph_reaches_any_text(relative, extracted, segmented):
    assert "(cid:" not in _all_text(extracted, segmented, relative)


def test_the_arabic_pdf_has_kashida_to_drop():
    """The fixture is what it claims: LibreOffice stretched its lines with unmapped glyphs."""
    with pdfplumber.open(FIXTURES / ARABIC) as pdf:
        assert any(c["text"].startswith("(cid:") for page in pdf.pages for c in page.chars)


def _words(segmented, relative: str) -> set[str]:
    paragraphs, _ = segmented(relative)
    return set(" ".join(p.text for p in paragraphs).split())


def test_arabic_lam_alef_words_in_reading_order(segmented):
    words = _words(segmented, ARABIC)
    assert set(expected(ARABIC)["lam_alef_words"]) <= words
    assert not words & {"ألردن", "ألمم"}  # the halves of a ligature read backwards


def test_arabic_words_stretched_with_kashida_read_whole(segmented):
    assert set(expected(ARABIC)["stretched_words"]) <= _words(segmented, ARABIC)
