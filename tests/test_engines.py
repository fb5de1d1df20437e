"""The pdfium engine against pdfplumber, the reference: the same paragraphs and
documents fields on every PDF at hand; falling back to pdfplumber; engine-aware reruns."""
from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline import engines, extract, segment
from pipeline.errors import PdfError
from pipeline.run import run
from tests.conftest import FIXTURES, SAMPLE

FIXTURE_PDFS = sorted(FIXTURES.rglob("*.pdf"))  # the sample, the real Council documents, generated pages
MIN_SAME_PARAGRAPHS = 0.995


def _reading(pdf: Path, engine: str) -> tuple[list[tuple], dict]:
    """A PDF's paragraphs (text, kind, section, number, pages) and documents fields."""
    doc = extract.extract_pdf(pdf, engine)
    if not doc.has_text_layer:
        return [], {"page_count": doc.page_count}
    seg = segment.segment(doc)
    paragraphs, info = seg.paragraphs, seg.letter
    rows = [(p.text, p.kind, p.section, p.number, p.page_start, p.page_end) for p in paragraphs]
    return rows, {"page_count": doc.page_count, **asdict(doc.masthead), **asdict(info)}


def _compare(pdfs: list[Path]) -> tuple[int, int, list[str]]:
    """Paragraphs in all, paragraphs the engines agree on, and the files whose documents
    fields differ."""
    total = same = 0
    fields_differ = []
    for pdf in pdfs:
        (plumber_rows, plumber_fields), (pdfium_rows, pdfium_fields) = (_reading(pdf, e) for e in ("pdfplumber", "pdfium"))
        total += max(len(plumber_rows), len(pdfium_rows))
        same += sum((Counter(plumber_rows) & Counter(pdfium_rows)).values())
        if plumber_fields != pdfium_fields:
            fields_differ.append(pdf.name)
    return total, same, fields_differ


def test_both_engines_give_the_same_paragraphs_and_documents_on_the_fixtures():
    total, same, fields_differ = _compare(FIXTURE_PDFS)
    assert total > 0 and same / total >= MIN_SAME_PARAGRAPHS, f"{same}/{total} paragraphs the same"
    assert fields_differ == []


def test_both_engines_read_the_same_rules_and_no_unmapped_glyph_text():
    pdf = SAMPLE / "A_INF_76_1_en.pdf"
    (plumber_pages, _), (pdfium_pages, _) = (engines.read_pages(pdf, e) for e in ("pdfplumber", "pdfium"))
    def rules(pages):
        return [(r.page, round(r.x0), round(r.x1), round(r.top)) for p in pages for r in p.rules]
    assert rules(pdfium_pages) and rules(pdfium_pages) == rules(plumber_pages)
    assert not any("(cid:" in w.text for p in plumber_pages + pdfium_pages for w in p.words)


def test_pdfium_leaves_out_its_generated_spaces_and_line_breaks():
    pdf = FIXTURES / "letter_en.pdf"
    (pdfium_pages, fallback), (plumber_pages, _) = (engines.read_pages(pdf, e) for e in ("pdfium", "pdfplumber"))
    assert fallback is None
    assert [w.text for p in pdfium_pages for w in p.words] == [w.text for p in plumber_pages for w in p.words]
    assert not any(c in "\r\n" for p in pdfium_pages for w in p.words for c in w.text)


@pytest.mark.parametrize("name", ["letter_ar.pdf", "generated/letter_ar_docx.pdf"])
def test_a_right_to_left_document_is_read_by_pdfplumber_and_says_why(name):
    pdf = FIXTURES / name
    (pages, why), (reference, _) = (engines.read_pages(pdf, e) for e in ("pdfium", "pdfplumber"))
    assert why == "pdfium: right-to-left text"
    assert pages == reference


def test_a_right_to_left_document_pdfplumber_cannot_read_keeps_pdfiums_reading(monkeypatch):
    from pipeline.engines import plumber

    def refuse(path):
        raise PdfError(path, "damaged PDF")

    monkeypatch.setattr(plumber, "read_pages", refuse)
    pages, why = engines.read_pages(FIXTURES / "letter_ar.pdf", "pdfium")
    assert why is None and any(w.text for p in pages for w in p.words)


def test_pdfium_alone_still_mirrors_right_to_left_brackets():
    """Why the rule above exists: pdfium's text page mirrors brackets in right-to-left runs
    (and takes descents from the font file). When this fails, the rule can go."""
    from pipeline.engines import pdfium

    texts = " ".join(w.text for p in pdfium.read_pages(FIXTURES / "letter_ar.pdf") for w in p.words)
    reference = " ".join(w.text for p in engines.read_pages(FIXTURES / "letter_ar.pdf", "pdfplumber")[0] for w in p.words)
    assert texts != reference


def test_an_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown engine"):
        engines.read_pages(FIXTURE_PDFS[0], "ocr")


def test_what_pdfium_cannot_open_is_read_by_pdfplumber_and_the_errors_table_says_so(tmp_path, monkeypatch):
    from pipeline.engines import pdfium

    def refuse(path):
        raise PdfError(path, "damaged PDF (pdfium error 3)")

    monkeypatch.setattr(pdfium, "read_pages", refuse)
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE / "A_INF_76_1_en.pdf", raw)
    summary = run(raw, tmp_path / "out", workers=1, report=False, engine="pdfium")
    assert summary.processed == 1 and summary.failed == 0
    errors = pq.read_table(tmp_path / "out" / "errors.parquet").to_pylist()
    assert [(e["stage"], e["error"]) for e in errors] == [("extract", "EngineFallback")]
    assert "pdfium: damaged PDF" in errors[0]["message"] and "pdfplumber" in errors[0]["message"]
    documents = pq.read_table(tmp_path / "out" / "documents.parquet").to_pylist()
    assert documents[0]["status"] == "ok" and documents[0]["n_paragraphs"] > 0


def test_a_file_no_engine_can_read_keeps_pdfplumbers_reason(tmp_path):
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"not a PDF at all" * 20)
    with pytest.raises(PdfError, match="no %PDF header"):
        extract.extract_pdf(path, "pdfium")


def test_switching_engines_reprocesses_and_switching_back_does_too(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE / "A_INF_76_1_en.pdf", raw)
    out = tmp_path / "out"
    assert run(raw, out, workers=1, report=False, engine="pdfplumber").processed == 1
    assert run(raw, out, workers=1, report=False, engine="pdfplumber").skipped == 1
    assert run(raw, out, workers=1, report=False, engine="pdfium").processed == 1
    assert run(raw, out, workers=1, report=False, engine="pdfium").skipped == 1
    assert run(raw, out, workers=1, report=False, engine="pdfplumber").processed == 1


def test_latin_cyrillic_and_chinese_fixtures_read_the_same_with_both_engines():
    total, same, fields_differ = _compare([pdf for pdf in sorted(FIXTURES.glob("letter_*.pdf")) if not pdf.stem.endswith("_ar")])
    assert same == total and fields_differ == []


def test_the_c_glyph_reader_is_built():
    """`make install` builds pipeline/engines/_glyphs.c: without it every page is read
    in Python, four times slower (the same pages, as the next test holds)."""
    from pipeline.engines import pdfium

    assert pdfium.native() is not None


@pytest.mark.parametrize("pdf", FIXTURE_PDFS, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_the_c_glyph_reader_reads_every_page_as_the_python_reading(pdf):
    """Words (text, box, size, font), rules and unmapped glyphs, page by page."""
    from pipeline.engines import pdfium

    native, python = pdfium.read_pages(pdf), pdfium.read_pages(pdf, use_native=False)
    assert [len(p.words) for p in native] == [len(p.words) for p in python]
    assert native == python


def test_the_c_glyph_reader_groups_words_as_the_python_reading_in_each_case(tmp_path):
    """A page built to reach each branch of the grouping: a word drawn twice a little
    shifted (faux bold), a size change inside a word, a small and a normal space, a glyph
    too small to see, wide character spacing and rotated margin text."""
    from pipeline.engines import pdfium
    from tests.pdfgen import write_stream_pdf

    content = (b"BT /F1 11 Tf 72 700 Td (Bold) Tj ET BT /F1 11 Tf 72.3 700 Td (Bold) Tj ET "
               b"BT /F1 11 Tf 72 680 Td (Ab) Tj /F1 8 Tf (cd) Tj /F1 3 Tf ( ) Tj /F1 11 Tf (ef gh) Tj ET "
               b"BT /F1 1.5 Tf 72 660 Td (tiny) Tj /F1 11 Tf 3 Tc (spaced) Tj ET "
               b"BT 0 1 -1 0 30 400 Tm /F1 9 Tf (Margin label) Tj ET")
    pdf = write_stream_pdf(tmp_path / "branches.pdf", content)
    (native,), (python,) = pdfium.read_pages(pdf), pdfium.read_pages(pdf, use_native=False)
    assert [w.text for w in native.words] == ["Bold", "Ab", "cd", "ef", "gh", "s", "p", "a", "c", "e", "d"]
    assert native == python
