"""Reading order and meeting records on generated pages whose truth is exact (issues 9
and 10). The generators live in tests/fixtures/make/, their PDFs in
tests/fixtures/generated/ and the expected values in tests/fixtures/expected/.

Tests of what the pipeline does not do yet are strict xfails: they turn into failures when
it does, and their mark is then removed."""
from __future__ import annotations

import importlib
import json

import pytest

from pipeline import segment
from tests.conftest import FIXTURES, expected
from tests.pdfgen import write_layout_pdf

TWO_COLUMN, RECORD = "generated/two_column.pdf", "generated/meeting_record.pdf"
ISSUE_9 = "issue 9: two-column pages are read across the columns"
ISSUE_10 = "issue 10: meeting records give no speeches yet"


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("module", ["two_column", "meeting_record"])
def test_generated_fixtures_are_what_their_generator_writes(module, tmp_path):
    """The committed PDF and expected values are the generator's output, byte for byte."""
    make = importlib.import_module(f"tests.fixtures.make.{module}")
    pages, want = make.build()
    pages = pages if isinstance(pages[0], list) else [pages]
    written = write_layout_pdf(tmp_path / make.NAME, pages)
    assert written.read_bytes() == (FIXTURES / "generated" / make.NAME).read_bytes()
    committed = expected(make.NAME)
    assert json.loads(json.dumps(want)) == {k: v for k, v in committed.items() if k != "file"}


# ------------------------------------------------------------------ a two-column page
def test_two_column_page_keeps_its_full_width_blocks(extracted):
    """What stands above and below the columns is read today: masthead, title, footnote."""
    want = expected(TWO_COLUMN)
    texts = [line.text for line in extracted(TWO_COLUMN).lines]
    assert texts[:4] == want["lines"][:4] and texts[-2:] == want["lines"][-2:]


def test_two_column_page_lines_in_reading_order(extracted):
    assert [line.text for line in extracted(TWO_COLUMN).lines] == expected(TWO_COLUMN)["lines"]


def test_two_column_page_paragraphs_run_on_across_the_column_break(segmented):
    paragraphs, _ = segmented(TWO_COLUMN)
    got = [(p.kind, p.number, _words(p.text)) for p in paragraphs]
    assert got == [(p["kind"], p.get("number"), p["text"]) for p in expected(TWO_COLUMN)["paragraphs"]]


# ------------------------------------------------------------------ a meeting record
@pytest.fixture(scope="module")
def record(extracted):
    return segment.segment(extracted(RECORD))


def _paragraphs(result):
    return getattr(result, "paragraphs", None) or result[0]


def test_meeting_record_turns(record):
    speeches = getattr(record, "speeches", None)
    assert speeches is not None, "segment gives no speeches"
    paragraphs = _paragraphs(record)
    got = [(s.speaker, s.affiliation, s.spoke_in, _words(paragraphs[s.para_start].text)) for s in speeches]
    want = [(s["speaker"], s["affiliation"], s["spoke_in"]) for s in expected(RECORD)["speeches"]]
    assert [g[:3] for g in got] == want
    for (*_, text), s in zip(got, expected(RECORD)["speeches"]):
        assert text.startswith(s["starts"]), s["speaker"]  # the label and "(spoke in ...)" are off the text


def test_meeting_record_speakers_roles_and_sizes(record):
    speeches = getattr(record, "speeches", None)
    assert speeches is not None, "segment gives no speeches"
    got = [(s.speech_id, s.role, s.country_code, s.para_end - s.para_start + 1) for s in speeches]
    assert got == [(s["speech_id"], s["role"], s["country_code"], s["n_paragraphs"]) for s in expected(RECORD)["speeches"]]


def test_procedural_lines_belong_to_no_speaker(record):
    assert getattr(record, "speeches", None) is not None, "segment gives no speeches"
    procedural = {p.text: getattr(p, "speech_id", None) for p in _paragraphs(record)
                  if p.text in expected(RECORD)["procedural"]}
    assert procedural == dict.fromkeys(expected(RECORD)["procedural"])


# ------------------------------------------------------------------ the column finder on words
def _column_words(x0: float, width: float, rows: int, top: float = 100, pitch: float = 12) -> list:
    """Rows of words of varying widths, justified to fill [x0, x0 + width] (the last row
    short), as a column of text has: the spaces between words do not line up."""
    from pipeline.types import Word

    words = []
    for r in range(rows):
        widths = [18 + (7 * (r + i)) % 23 for i in range(12)]
        n = 2 if r == rows - 1 else max(k for k in range(1, 13) if sum(widths[:k]) + 3 * (k - 1) <= width)
        gap = (width - sum(widths[:n])) / max(n - 1, 1) if r < rows - 1 else 3
        x = x0
        for i in range(n):
            words.append(Word(f"w{r}.{i}", x, x + widths[i], top + r * pitch, top + r * pitch + 10, 10.0))
            x += widths[i] + gap
    return words


def test_two_columns_are_read_left_then_right_and_a_full_width_title_first():
    from pipeline.columns import column_regions
    from pipeline.types import Word

    title = [Word("Title", 72, 540, 60, 74, 14.0)]
    left, right = _column_words(72, 226, 10), _column_words(314, 226, 10)
    regions = column_regions(title + right + left)
    assert [(r.column, r.columns, len(r.words)) for r in regions] == [(0, 1, 1), (0, 2, len(left)), (1, 2, len(right))]


def test_three_columns_are_read_left_to_right():
    from pipeline.columns import column_regions

    cols = [_column_words(x, 140, 12) for x in (72, 232, 392)]
    regions = column_regions(cols[2] + cols[0] + cols[1])
    assert [sorted(w.text for w in r.words) for r in regions] == [sorted(w.text for w in c) for c in cols]


def test_a_table_of_short_labels_and_ragged_values_is_not_columns():
    from pipeline.columns import column_regions
    from pipeline.types import Word

    words = []
    for r, (label, value) in enumerate([("Belgium", 140), ("China", 60), ("Dominican Republic", 100), ("Estonia", 50),
                                        ("France", 90), ("Germany", 120), ("Indonesia", 70), ("Niger", 40)]):
        top = 100 + 12 * r
        words += [Word(label, 72, 72 + len(label) * 5, top, top + 10, 10.0), Word("Mr. X", 380, 380 + value, top, top + 10, 10.0)]
    assert [(r.column, r.columns) for r in column_regions(words)] == [(0, 1)]


def test_a_right_to_left_page_reads_its_right_column_first():
    from pipeline.columns import column_regions

    left, right = _column_words(72, 226, 10), _column_words(314, 226, 10)
    regions = column_regions(left + right, rtl=True)
    assert [r.words[0].x0 >= 314 for r in regions] == [True, False]
