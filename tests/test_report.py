"""The run report: its HTML pieces, and the page as a real headless Chromium renders it."""
from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from pipeline.report import (
    Span, bar_chart_svg, failures, highlight, read_report_tables, write_report,
)

TESTS_DIR = Path(__file__).resolve().parent
ARTIFACTS = TESTS_DIR / "artifacts"
INSTALL_SCRIPT = TESTS_DIR / "install_chromium.sh"
CHART_IDS = ["chart-dates", "chart-languages", "chart-organizations", "chart-topics"]
BROWSER_TIMEOUT = 120


# ---------------------------------------------------------------------------- pieces
def test_highlight_escapes_text_and_marks_spans():
    text = "<b>SCO</b> & CSTO <i>"
    html = highlight(text, [Span(3, 6, "ORG", 'SCO "Shanghai"'), Span(13, 17, "ORG", "CSTO")])
    assert html == ('&lt;b&gt;<mark class="entity entity-ORG" title="SCO &#34;Shanghai&#34;">SCO</mark>'
                    '&lt;/b&gt; &amp; <mark class="entity entity-ORG" title="CSTO">CSTO</mark> &lt;i&gt;')


def test_highlight_skips_overlapping_empty_and_out_of_range_spans():
    text = "United Nations Security Council"
    spans = [Span(0, 14, "ORG", "UN"), Span(7, 31, "ORG", "overlap"), Span(3, 3, "ORG", "empty"),
             Span(20, 99, "ORG", "beyond")]
    html = highlight(text, spans)
    assert html.count("<mark") == 1
    assert re.sub(r"<[^>]+>", "", html) == text


def test_bar_chart_has_one_bar_per_value_and_says_when_empty():
    svg = bar_chart_svg(pd.Series({"fr": 3, "en": 1, "<es>": 2}), "Languages")
    assert svg.startswith('<svg class="chart"') and svg.count('<rect class="bar"') == 3
    assert "&lt;es&gt;" in svg and "<es>" not in svg
    assert "No data" in bar_chart_svg(pd.Series(dtype=int), "Nothing")


def test_failures_lists_errors_and_documents_that_are_not_ok():
    documents = pd.DataFrame({"source_file": ["a.pdf", "scan.pdf", "b.pdf"],
                              "status": ["ok", "no_text_layer", "failed"]})
    errors = pd.DataFrame({"source_file": ["broken.pdf", "b.pdf"], "stage": ["extract", "tag"],
                           "error": ["PdfError", "ValueError"], "message": ["not a PDF", "boom"]})
    table = failures(documents, errors)
    assert list(table["source_file"]) == ["b.pdf", "broken.pdf", "scan.pdf"]
    assert list(table["status"]) == ["failed", "failed", "no_text_layer"]
    assert list(table["message"])[:2] == ["boom", "not a PDF"]


def test_failures_copes_with_a_file_listed_twice():
    documents = pd.DataFrame({"source_file": ["a.pdf", "a.pdf"], "status": ["failed", "failed"]})
    errors = pd.DataFrame({"source_file": ["a.pdf"], "stage": ["write"], "error": ["OSError"],
                           "message": ["disk full"]})
    assert list(failures(documents, errors)["status"]) == ["failed"]


# ---------------------------------------------------------------------------- the page
@pytest.fixture(scope="module")
def report(analyst_tables: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the sample, written to a temp folder."""
    return write_report(analyst_tables, tmp_path_factory.mktemp("report") / "report.html")


@pytest.fixture(scope="module")
def tables(analyst_tables: Path) -> dict[str, pd.DataFrame]:
    return read_report_tables(analyst_tables)


def test_write_report_defaults_to_the_processed_folder(tmp_path: Path, analyst_tables: Path):
    processed = tmp_path / "processed"
    shutil.copytree(analyst_tables, processed)
    assert write_report(processed) == processed / "report.html"
    assert (processed / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_write_report_works_without_optional_tables(tmp_path: Path, analyst_tables: Path):
    shutil.copy(analyst_tables / "documents.parquet", tmp_path)
    page = write_report(tmp_path).read_text(encoding="utf-8")
    assert page.count('<svg class="chart"') == 4 and '<section id="failures">' in page
    for empty_chart in ("chart-organizations", "chart-topics"):
        assert "No data" in re.search(rf'<figure id="{empty_chart}">(.*?)</figure>', page, re.S).group(1)


def test_report_is_self_contained(report: Path):
    page = report.read_text(encoding="utf-8")
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert "url(" not in page and not re.search(r'\ssrc="', page)
    assert all(href.startswith("#") for href in re.findall(r'href="([^"]*)"', page))


# ---------------------------------------------------------------------------- in Chromium
@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of Debian's chromium, installed by tests/install_chromium.sh when absent. Without
    it the browser tests skip, except in CI (CI=true), where they fail."""
    found = shutil.which("chromium")
    if found:
        return found
    result = subprocess.run(["bash", str(INSTALL_SCRIPT)], capture_output=True, text=True, timeout=900)
    found = shutil.which("chromium")
    if not found:
        reason = f"chromium could not be installed: {(result.stderr or result.stdout).strip()[-500:]}"
        if os.environ.get("CI") == "true":  # CI must run the browser test, not skip it
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def run_chromium(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    """Run headless Chromium offline with a throw-away profile."""
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=BROWSER_TIMEOUT)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


@pytest.fixture(scope="module")
def dom(chromium: str, report: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The report's DOM after Chromium has parsed and rendered it."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    return run_chromium(chromium, profile, "--dump-dom", report.as_uri()).stdout


def test_browser_renders_every_document_section(dom: str, tables: dict[str, pd.DataFrame]):
    sections = re.findall(r'<details class="document" id="doc-([^"]+)"', dom)
    assert sorted(sections) == sorted(tables["documents"]["doc_id"])
    shown = len(re.findall(r'<li id="p-', dom))
    assert shown == len(tables["paragraphs"])


def test_browser_renders_the_four_charts(dom: str, tables: dict[str, pd.DataFrame]):
    for chart_id in CHART_IDS:
        figure = re.search(rf'<figure id="{chart_id}">(.*?)</figure>', dom, re.S)
        assert figure and '<svg class="chart"' in figure.group(1), chart_id
    languages = re.search(r'<figure id="chart-languages">(.*?)</figure>', dom, re.S).group(1)
    assert languages.count('<rect class="bar"') == tables["documents"]["language"].astype("string").fillna("?").nunique()


def test_browser_shows_failures_and_entity_marks(dom: str, tables: dict[str, pd.DataFrame]):
    expected = failures(tables["documents"], tables["errors"])
    rows = re.search(r'<table id="failures-table">.*?<tbody>(.*?)</tbody>', dom, re.S)
    assert (rows.group(1).count("<tr>") if rows else 0) == len(expected)
    assert ("<mark class=\"entity entity-" in dom) == (len(tables["entities"]) > 0)


def test_browser_screenshot_is_kept_as_an_artefact(chromium: str, report: Path, tmp_path: Path):
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    run_chromium(chromium, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2000",
                 "--hide-scrollbars", report.as_uri())
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1280, 2000)


def test_html_in_pdf_text_file_names_and_error_messages_is_escaped(tmp_path: Path):
    from pipeline.run import run
    from tests.pdfgen import write_pdf

    raw = tmp_path / "raw"
    raw.mkdir()
    write_pdf(raw / "<img src=x onerror=alert(1)>.pdf", [["<script>alert('text')</script> & <b>bold</b> text here"]])
    (raw / "<script>name.pdf").write_bytes(b"")  # its error message names it
    run(raw, tmp_path / "out", workers=1)
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(&#39;text&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "&lt;script&gt;name.pdf: empty file" in page
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in page
