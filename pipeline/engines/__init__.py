"""The engines that read a PDF's pages into words and rules: pdfium (fast, the default)
and pdfplumber (pdfminer; the reference the pdfium engine is measured against)."""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable

from ..errors import PdfError
from ..types import Engine, Page

ENGINES: dict[Engine, str] = {"pdfium": "pdfium", "pdfplumber": "plumber"}  # engine: its module here
FALLBACK: Engine = "pdfplumber"  # reads what pdfium cannot open (and words the errors of broken files)


def _reader(engine: Engine) -> Callable[[Path], list[Page]]:
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (one of {', '.join(ENGINES)})")
    read_pages: Callable[[Path], list[Page]] = importlib.import_module(f"{__name__}.{ENGINES[engine]}").read_pages
    return read_pages


def read_pages(path: Path, engine: Engine) -> tuple[list[Page], str | None]:
    """Every page's words and rules read with ``engine``, and None; or, when that engine
    cannot read the file, the pages read with pdfplumber and why the engine could not.
    Raises PdfError when no engine can read it."""
    try:
        return _reader(engine)(Path(path)), None
    except PdfError as exc:
        if engine == FALLBACK:
            raise
        return _reader(FALLBACK)(Path(path)), f"{engine}: {exc.problem}"
