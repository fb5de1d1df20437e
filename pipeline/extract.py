"""Extract stage: a PDF's text as lines with page, position and font, in reading order;
the UN masthead; running headers and footers removed.

:func:`extract_pdf` reads the pages with an engine (:mod:`pipeline.engines`);
:func:`assemble`, the pure core, turns their words into the document's body lines.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from . import config, lexicon
from .furniture import strip_page_furniture
from .layout import lines_from_words
from .masthead import read_masthead
from .types import ExtractedDocument, Masthead, Page, Rule, Word


def extract_pdf(path: Path) -> ExtractedDocument:
    """Read a PDF into lines, masthead and rules (raises PdfError when it cannot)."""
    from .engines import plumber
    from .repair import read_pages_or_repair

    pages = read_pages_or_repair(Path(path), plumber.read_pages)
    return assemble([p.words for p in pages], [(p.width, p.height) for p in pages],
                    [rule for p in pages for rule in p.rules])


def assemble(pages_words: Sequence[Sequence[Word]], sizes: Sequence[tuple[float, float]],
             rules: Sequence[Rule] = ()) -> ExtractedDocument:
    """The pure core of extraction: per-page words to body lines and masthead."""
    n_chars = sum(len(w.text) for words in pages_words for w in words)
    if n_chars < config.MIN_CHARS_FOR_TEXT_LAYER:
        return ExtractedDocument(len(sizes), list(sizes), [], list(rules), Masthead(), False)
    heights = [h for _, h in sizes]
    pages = [lines_from_words(n, words) for n, words in enumerate(pages_words, start=1)]
    first = pages[0] if pages else []
    footers = [l for lines in pages for l in lines if l.bottom > heights[l.page - 1] * (1 - config.FOOTER_BAND)]
    masthead, n_head = read_masthead(first, pages_words[0] if pages_words else [], heights[0] if heights else 0, footers)
    if masthead.language is None:
        body_text = " ".join(l.text for lines in pages for l in lines[:60])
        masthead.language = lexicon.detect_language(body_text)
    lines = [l for lines in pages for l in lines]
    lines = lines[n_head:]
    lines = strip_page_furniture(lines, heights, masthead.symbols)
    return ExtractedDocument(len(sizes), list(sizes), lines, list(rules), masthead, True)


