"""The engines that read a PDF's pages into words and rules: pdfium (fast, the default)
and pdfplumber (pdfminer; the reference the pdfium engine is measured against)."""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable

from ..errors import PdfError
from ..scripts import is_rtl
from ..types import Engine, Page

ENGINES: dict[Engine, str] = {"pdfium": "pdfium", "pdfplumber": "plumber"}  # engine: its module here
FALLBACK: Engine = "pdfplumber"  # reads what pdfium cannot open (and words the errors of broken files)


def _reader(engine: Engine) -> Callable[[Path], list[Page]]:
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (one of {', '.join(ENGINES)})")
    read_pages: Callable[[Path], list[Page]] = importlib.import_module(f"{__name__}.{ENGINES[engine]}").read_pages
    return read_pages


def load(engine: Engine) -> None:
    """Import ``engine``'s module and the fallback's now (else on first use)."""
    _reader(engine), _reader(FALLBACK)


def read_pages(path: Path, engine: Engine) -> tuple[list[Page], str | None]:
    """Every page's words and rules read with ``engine``, and None; or, when that engine
    cannot read the file or its text is right-to-left, the pages read with pdfplumber and
    why. Raises PdfError when no engine can read it."""
    try:
        pages = _reader(engine)(Path(path))
    except PdfError as exc:
        if engine == FALLBACK:
            raise
        return _reader(FALLBACK)(Path(path)), f"{engine}: {exc.problem}"
    if engine != FALLBACK and is_rtl([word for page in pages for word in page.words]):
        # pdfium's text page reorders right-to-left runs and mirrors their brackets itself, and
        # takes a font's descent from the font file where the PDF declares none: its Arabic
        # lines differ from the reference's
        try:
            return _reader(FALLBACK)(Path(path)), f"{engine}: right-to-left text"
        except PdfError:
            pass  # the reference cannot read it: pdfium's reading is better than none
    return pages, None
