"""Shared fixtures. The suite owns its truth: input PDFs live in tests/fixtures/ (never in
raw/, the users' drop folder) and their expected values in tests/fixtures/expected/, one
JSON file per PDF, so nothing here depends on ../shared or on what a user dropped into raw/.

- ``tests/fixtures/sample/``: a copy of the sample corpus shipped in raw/;
- ``tests/fixtures/sc/``: born-digital Security Council documents, 1994-2026;
- ``tests/fixtures/generated/``: PDFs written by the generators of tests/fixtures/make/.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.analyst_fixtures import analyst_tables  # noqa: F401  (fixture for the analyst tests)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE = FIXTURES / "sample"
EXPECTED = FIXTURES / "expected"
GENERATED = FIXTURES / "generated"
FRENCH_LETTER = SAMPLE / "S_2016_871_fr.pdf"
SMALL_PDFS = ["S_2016_871_fr.pdf", "A_INF_76_1_en.pdf", "A_RES_48_246_es.pdf"]


def expected(name: str) -> dict[str, Any]:
    """The expected values of the fixture PDF ``name`` (tests/fixtures/expected/STEM.json)."""
    return json.loads((EXPECTED / f"{Path(name).stem}.json").read_text(encoding="utf-8"))


def expected_files() -> list[str]:
    """Every fixture PDF that has expected values, as a path under tests/fixtures/."""
    return sorted(json.loads(p.read_text(encoding="utf-8"))["file"] for p in EXPECTED.glob("*.json"))


@pytest.fixture(scope="session")
def letter_gold() -> dict[str, Any]:
    return expected(FRENCH_LETTER.name)


@pytest.fixture(scope="session")
def real_gold() -> dict[str, dict[str, Any]]:
    return {p.name: expected(p.name) for p in SAMPLE.glob("*.pdf")}


@pytest.fixture(scope="session")
def extracted() -> Callable[[str], Any]:
    """``extracted("sample/X.pdf")``: the fixture's ExtractedDocument, read once per session."""
    from pipeline import extract

    cache: dict[str, Any] = {}

    def get(relative: str) -> Any:
        if relative not in cache:
            cache[relative] = extract.extract_pdf(FIXTURES / relative)
        return cache[relative]

    return get


@pytest.fixture(scope="session")
def segmented(extracted) -> Callable[[str], Any]:
    """``segmented("sample/X.pdf")``: (paragraphs, info) of the fixture, segmented once."""
    from pipeline import segment

    cache: dict[str, Any] = {}

    def get(relative: str) -> Any:
        if relative not in cache:
            seg = segment.segment(extracted(relative))
            cache[relative] = (seg.paragraphs, seg.letter)
        return cache[relative]

    return get


@pytest.fixture(scope="session")
def processed_sample(tmp_path_factory) -> Path:
    """The sample corpus processed once, as `make run` does on raw/."""
    from pipeline.run import run

    out = tmp_path_factory.mktemp("processed")
    summary = run(SAMPLE, out, workers=2)
    assert summary.failed == 0
    return out


@pytest.fixture()
def small_raw(tmp_path) -> Path:
    """A raw folder with three small sample PDFs, safe to add files to."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in SMALL_PDFS:
        shutil.copy(SAMPLE / name, raw / name)
    return raw
