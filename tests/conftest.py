"""Shared fixtures: the sample corpus in raw/, the gold in ../shared, and one run of the
whole pipeline over the sample (session-scoped: the expensive part is done once)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.analyst_fixtures import analyst_tables  # noqa: F401  (fixture for the analyst tests)

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"
SHARED = ROOT.parent / "shared"
FRENCH_LETTER = RAW / "S_2016_871_fr.pdf"
SMALL_PDFS = ["S_2016_871_fr.pdf", "A_INF_76_1_en.pdf", "A_RES_48_246_es.pdf"]


def shared_json(relative: str) -> dict:
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{path} not available")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def letter_gold() -> dict:
    return shared_json("corpus/S_2016_871_fr.gold.json")


@pytest.fixture(scope="session")
def real_gold() -> dict:
    return shared_json("corpus/real/gold.json")


@pytest.fixture(scope="session")
def processed_sample(tmp_path_factory) -> Path:
    """The sample corpus of raw/ processed once, as `make run` does."""
    from pipeline.run import run

    out = tmp_path_factory.mktemp("processed")
    summary = run(RAW, out, workers=2)
    assert summary.failed == 0
    return out


@pytest.fixture()
def small_raw(tmp_path) -> Path:
    """A raw folder with three small sample PDFs, safe to add files to."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in SMALL_PDFS:
        shutil.copy(RAW / name, raw / name)
    return raw
