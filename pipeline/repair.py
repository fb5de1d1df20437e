"""Damaged PDFs: a second parser's word on a file the engine could not read, or read
without text. pypdf rebuilds a broken cross-reference table (a truncated file, a bad
offset); the engine then reads the rebuilt copy. A file that neither reads is damaged,
and only a file that pypdf reads strictly and whose pages hold no text is a scan.
"""
from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Callable, Sequence

from . import config
from .errors import PdfError
from .types import Page

# what no parser can change: the engine's word on these is final
FINAL_PROBLEMS = ("encrypted", "empty file", "not a PDF", "file not found")


def text_chars(pages: Sequence[Page]) -> int:
    return sum(len(w.text) for page in pages for w in page.words)


def has_text(pages: Sequence[Page]) -> bool:
    return text_chars(pages) >= config.MIN_CHARS_FOR_TEXT_LAYER


def read_pages_or_repair(path: Path, read_pages: Callable[[Path], list[Page]]) -> list[Page]:
    """The pages ``read_pages`` gives of ``path``, or of its copy rebuilt by pypdf when
    that reads more text; raises PdfError naming both parsers' reasons for a file that is
    damaged beyond that (a damaged file is never taken for a scan)."""
    try:
        pages, problem = read_pages(path), None
        if not pages:
            problem = "damaged PDF (no page could be read)"
    except PdfError as exc:
        if exc.problem.startswith(FINAL_PROBLEMS):
            raise
        pages, problem = [], exc.problem
    if has_text(pages):
        return pages
    strict = strict_problem(path)
    if problem is None and strict is None:
        return pages  # a sound PDF without text: a scan
    with tempfile.TemporaryDirectory(prefix="unsc-repair-") as folder:
        copy = Path(folder) / "repaired.pdf"
        try:
            rebuild(path, copy)
            repaired = read_pages(copy)
        except PdfError as exc:
            repaired, strict = [], f"{strict}; the rebuilt copy: {exc.problem}"
        except Exception as exc:  # pypdf raises many types on what it cannot rebuild
            repaired, strict = [], f"{strict}; pypdf cannot rebuild it ({type(exc).__name__}: {exc})"
    if has_text(repaired):
        return repaired
    raise PdfError(path, f"{problem or 'damaged PDF (pages without readable text)'}; pypdf: {strict}")


def strict_problem(path: Path) -> str | None:
    """Why pypdf, reading strictly, rejects the file's structure or a page's content (None: sound)."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its reasons are in the message

    try:
        reader = PdfReader(path, strict=True)
        for page in reader.pages:
            contents = page.get_contents()
            if contents is not None:
                contents.get_data()
    except Exception as exc:  # pypdf's errors, and what its parsing raises on garbage
        return f"{type(exc).__name__}: {exc}"
    return None


def rebuild(path: Path, out: Path) -> None:
    """Write pypdf's lenient reading of ``path`` to ``out`` (cross-references rebuilt)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(path, strict=False))
    with open(out, "wb") as fh:
        writer.write(fh)
