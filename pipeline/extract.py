"""Extract stage: a PDF's text as lines with page, position and font, in reading order;
the UN masthead; running headers and footers removed.

:func:`extract_pdf` reads the pages with an engine (:mod:`pipeline.engines`);
:func:`assemble`, the pure core, turns their words into the document's body lines.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Sequence

from . import config, lexicon
from .furniture import strip_continuation_marks, strip_page_furniture
from .layout import page_lines
from .masthead import read_masthead
from .types import Engine, ExtractedDocument, Masthead, Page, Rule, Word


def extract_pdf(path: Path, engine: Engine = config.DEFAULT_ENGINE) -> ExtractedDocument:
    """Read a PDF into lines, masthead and rules with ``engine`` (pdfplumber when that
    engine cannot read it: ``fallback`` says why; a damaged file repaired first), pages
    without a good text layer read by OCR; raises PdfError when no engine can read it."""
    from . import engines
    from .engines import ocr
    from .repair import read_pages_or_repair

    fallbacks: list[str] = []

    def read(source: Path) -> list[Page]:
        pages, fallback = engines.read_pages(source, engine)
        fallbacks.extend([fallback] if fallback else [])
        return pages

    read_ = ocr.fill_pages(Path(path), read_pages_or_repair(Path(path), read))
    doc = assemble([p.words for p in read_.pages], [(p.width, p.height) for p in read_.pages],
                   [rule for p in read_.pages for rule in p.rules])
    if read_.language and doc.masthead.language is None:
        doc.masthead.language = read_.language
    return replace(doc, text_source=read_.text_source, ocr_confidence=read_.confidence, ocr_pages=read_.ocr_pages,
                   layer_quality=read_.layer_quality, ocr_problem=read_.problem,
                   fallback=fallbacks[-1] if fallbacks else None,
                   unmapped_glyphs=sum(page.unmapped for page in read_.pages))


def load(engine: Engine = config.DEFAULT_ENGINE) -> None:
    """Load now what reading a PDF loads on first use: the engine's module and pdfium's
    C reader, OCR and repair, and the layer-quality vocabularies (before workers are
    forked, so that each starts with them)."""
    from . import engines, quality
    from .engines import ocr, pdfium  # noqa: F401
    from .repair import read_pages_or_repair  # noqa: F401

    engines.load(engine)
    pdfium.native()
    for language in config.SPACY_MODELS:
        quality.vocabulary(language)


def assemble(pages_words: Sequence[Sequence[Word]], sizes: Sequence[tuple[float, float]],
             rules: Sequence[Rule] = ()) -> ExtractedDocument:
    """The pure core of extraction: per-page words to body lines and masthead."""
    n_chars = sum(len(w.text) for words in pages_words for w in words)
    if n_chars < config.MIN_CHARS_FOR_TEXT_LAYER:
        return ExtractedDocument(len(sizes), list(sizes), [], list(rules), Masthead(), False)
    heights = [h for _, h in sizes]
    pages = [page_lines(n, words) for n, words in enumerate(pages_words, start=1)]
    first = pages[0] if pages else []
    footers = [l for lines in pages for l in lines if l.bottom > heights[l.page - 1] * (1 - config.FOOTER_BAND)]
    masthead, n_head = read_masthead(first, pages_words[0] if pages_words else [], heights[0] if heights else 0, footers)
    if masthead.language is None:
        body_text = " ".join(l.text for lines in pages for l in lines[:60])
        masthead.language = lexicon.detect_language(body_text)
    lines = [l for lines in pages for l in lines]
    lines = lines[n_head:]
    lines = strip_page_furniture(lines, heights, masthead.symbols, masthead.job_number)
    lines = strip_continuation_marks(lines, [w for w, _ in sizes])
    return ExtractedDocument(len(sizes), list(sizes), lines, list(rules), masthead, True)


