"""Golden tests: every fixture PDF against its expected values (tests/fixtures/expected/).

Each expected file records only what its pages show (checked against the page text). The
values the pipeline does not get yet are strict xfails naming their issue: a fix turns them
into failures, and the entry below is then removed.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import expected, expected_files

MASTHEAD = ["symbol", "symbols", "language", "original_language", "date", "job_number", "organ", "distribution"]
DOCUMENT = ["page_count", "has_text_layer"]
ANATOMY = ["doc_type", "title", "letter_date", "author", "addressee"]

ISSUE_9 = "issue 9: masthead and letter anatomy of real Security Council documents"
KNOWN_GAPS: dict[tuple[str, str], str] = {}  # (fixture, field): the issue a wrong value waits for


def _cases() -> list[Any]:
    cases = []
    for relative in expected_files():
        want = expected(relative)
        for field in MASTHEAD + DOCUMENT + ANATOMY:
            if field in want:
                gap = KNOWN_GAPS.get((relative, field))
                marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
                cases.append(pytest.param(relative, field, want[field], marks=marks, id=f"{relative}-{field}"))
    return cases


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def test_known_gaps_name_recorded_values():
    recorded = {(relative, field) for relative in expected_files() for field in expected(relative)}
    assert set(KNOWN_GAPS) <= recorded


@pytest.mark.parametrize("relative, field, want", _cases())
def test_fixture_value(relative, field, want, extracted, segmented):
    doc = extracted(relative)
    if field in MASTHEAD:
        got = getattr(doc.masthead, field)
    elif field in DOCUMENT:
        got = getattr(doc, field)
    else:
        got = getattr(segmented(relative)[1], field)
    assert _plain(got) == want


def _numbered_cases() -> list[Any]:
    return [pytest.param(r, marks=[pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[(r, "numbered")])]
                         if (r, "numbered") in KNOWN_GAPS else []) for r in expected_files() if "numbered" in expected(r)]


@pytest.mark.parametrize("relative", _numbered_cases())
def test_numbered_paragraphs_start_as_printed(relative, segmented):
    paragraphs, _ = segmented(relative)
    numbered = [(p.number, p.text) for p in paragraphs if p.number]
    for item in expected(relative)["numbered"]:
        assert any(number == item["number"] and text.startswith(item["starts"]) for number, text in numbered), item
