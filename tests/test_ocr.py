"""OCR: scans and garbled text layers read by Tesseract, good layers kept, and the
path without Tesseract. OCR is slow: few, small pages."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline import config, extract, quality, run
from pipeline.engines import ocr
from pipeline.types import Page, Word
from tests.pdfgen import write_pdf

PARAGRAPH = ["The Security Council met today to consider the situation in the region.",
             "Members of the Council expressed their deep concern about the reports",
             "of violence against civilians and called upon all parties to respect",
             "international humanitarian law and to allow access for relief workers."]
GARBLED = ["Letter dated 27 February 1990 from the Pgrmanr~nt Observer of Palestim",
           "addre;ssed to t&S%!cr.e1a.Xy~!&!$Z.al I have be#n instructed by the",
           "Executive Commi|tee of the Palest{ne Liberation Organiza<ion to bring the",
           "foll=wing to your immediate attent^on and to reque$t you to circulate it."]
needs_tesseract = pytest.mark.skipif(shutil.which(config.TESSERACT_CMD) is None, reason="tesseract not installed")
MAX_CER = 0.02  # measured 0.000 at 300 dpi on this page (Helvetica 11 pt)


def image_only_pdf(source: Path, target: Path, dpi: int = 150) -> Path:
    """``source`` rendered to an image-only PDF: a scan without a text layer."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(source))
    images = [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in pdf]
    pdf.close()
    images[0].save(target, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return target


def cer(got: str, want: str) -> float:
    """Character error rate: edit distance over the length of the reference."""
    previous = list(range(len(got) + 1))
    for i, a in enumerate(want, start=1):
        current = [i]
        for j, b in enumerate(got, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1] / max(len(want), 1)


def words(texts: list[str]) -> list[Word]:
    return [Word(t, 0, 10, 0, 10, 10) for line in texts for t in line.split()]


def test_a_garbled_layer_fails_the_quality_test_and_a_good_one_passes():
    assert quality.is_poor(quality.measure(words(GARBLED), "en"))
    good = quality.measure(words(PARAGRAPH), "en")
    assert not quality.is_poor(good) and good.known_share == 1.0 and good.garbled_share == 0.0


def test_ocr_confusions_are_undone_only_into_known_words():
    assert ocr.corrected("ORTGTNAL:") == "ORIGINAL:"
    assert ocr.corrected("$/23329") == "S/23329"
    assert ocr.corrected("Tbilisi") == "Tbilisi"  # unknown either way: left as read


def test_a_good_text_layer_is_kept_without_ocr(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "TESSERACT_CMD", str(tmp_path / "no-tesseract"))  # OCR would fail loudly
    doc = extract.extract_pdf(write_pdf(tmp_path / "born_digital.pdf", [PARAGRAPH * 2]))
    assert (doc.text_source, doc.ocr_pages, doc.ocr_confidence, doc.ocr_problem) == ("pdf", 0, None, None)
    assert doc.lines[0].text == PARAGRAPH[0]


def test_without_tesseract_a_scan_stays_no_text_layer_with_an_errors_row_saying_how(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "TESSERACT_CMD", str(tmp_path / "no-tesseract"))
    scan = image_only_pdf(write_pdf(tmp_path / "text.pdf", [PARAGRAPH]), tmp_path / "scan.pdf", dpi=72)
    source = run.SourceFile(scan, "scan.pdf", run.file_sha256(scan))
    tables, pages, status, ocr_pages = run.build_document(source)
    assert (status, pages, ocr_pages) == ("no_text_layer", 1, 0)
    message = tables["errors"].column("message")[0].as_py()
    assert "Tesseract not found" in message and "apt-get install tesseract-ocr" in message


@needs_tesseract
def test_a_scan_is_read_back_to_its_paragraph(tmp_path):
    scan = image_only_pdf(write_pdf(tmp_path / "text.pdf", [PARAGRAPH]), tmp_path / "scan.pdf")
    doc = extract.extract_pdf(scan)
    assert (doc.has_text_layer, doc.text_source, doc.ocr_pages) == (True, "ocr", 1)
    assert doc.masthead.language == "en" and doc.ocr_confidence > 80
    got = " ".join(line.text for line in doc.lines)
    assert cer(got, " ".join(PARAGRAPH)) <= MAX_CER
    assert [round(line.x0 / 10) for line in doc.lines] == [7] * len(PARAGRAPH)  # boxes in PDF points


@needs_tesseract
def test_a_garbled_page_is_read_again_and_the_good_pages_kept(tmp_path):
    pages = [PARAGRAPH] * 4 + [GARBLED]  # one page in five: below config.OCR_OLD_LAYER_PAGE_SHARE
    doc = extract.extract_pdf(write_pdf(tmp_path / "old_ocr.pdf", pages))
    assert (doc.text_source, doc.ocr_pages) == ("mixed", 1)
    assert all(w.ocr and w.fontname == "" for l in doc.lines if l.page == 5 for w in l.words)  # font unknown
    kept = [l for l in doc.lines if l.page < 5]
    assert kept and not any(l.ocr for l in kept) and {l.text for l in kept} <= set(PARAGRAPH)  # the layer's own text


def test_a_layer_failing_on_many_pages_is_old_ocr_and_every_page_is_read_again(monkeypatch):
    read: list[int] = []
    monkeypatch.setattr(ocr, "unavailable", lambda: None)
    monkeypatch.setattr(ocr, "_Renderer", lambda path: type("R", (), {"__call__": lambda self, i: read.append(i) or i,
                                                                      "close": lambda self: None})())
    monkeypatch.setattr(ocr, "read_image", lambda image, model, width, height: ([], []))
    monkeypatch.setattr(ocr, "_extend_time_limit", lambda seconds: None)
    pages = [Page(n, 600, 800, words(text), []) for n, text in enumerate([PARAGRAPH * 2, GARBLED * 2], start=1)]
    assert ocr.fill_pages(Path("old.pdf"), pages).text_source == "ocr" and read == [0, 1]


def test_glued_words_are_split_and_known_words_kept():
    assert [t for t, _ in ocr.split_glued("PermanentObserver", 0, 170)] == ["Permanent", "Observer"]
    assert [t for t, _ in ocr.split_glued("NaimMuhammed", 0, 120)] == ["Naim", "Muhammed"]  # names the lexicon need not know
    assert [t for t, _ in ocr.split_glued("ofthe", 0, 50)] == ["of", "the"]
    assert [t for t, _ in ocr.split_glued("attemptto", 0, 90)] == ["attempt", "to"]
    assert [t for t, _ in ocr.split_glued("Jenin", 0, 50)] == ["Jenin"]  # "in" is no common short word
    assert ocr.split_glued("ofthe", 0, 50)[1][1] == (20.0, 50.0)  # boxes shared by the characters


def test_ocr_pages_of_one_typescript_take_one_size():
    page = lambda n, size: Page(n, 600, 800, [Word("text", 0, 10, 0, 10, size, ocr=True)] * 3
                                + [Word("UNITED", 0, 10, 0, 10, 2 * size, ocr=True)], [])
    sized = ocr.one_type_size([page(1, 10.0), page(2, 11.0), page(3, 11.0)])
    assert [sorted({w.size for w in p.words}) for p in sized] == [[11.0, 20.0], [11.0, 22.0], [11.0, 22.0]]
