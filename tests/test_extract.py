"""Extract stage: page furniture removed, words and lines built, bad files refused (the
mastheads of the fixture PDFs are in test_golden.py)."""
from __future__ import annotations

import pytest

from pipeline import config, extract, furniture, layout, masthead
from pipeline.errors import PdfError
from pipeline.furniture import is_furniture
from pipeline.layout import lines_from_words
from pipeline.scripts import join_words, logical_order
from pipeline.types import Char, Line, Word
from tests.conftest import FRENCH_LETTER, SAMPLE


@pytest.mark.parametrize("name", ["S_2016_871_fr.pdf", "A_80_604_Add.1_en.pdf", "A_HRC_WG.6_7_ITA_1_fr.pdf",
                                  "A_RES_48_246_en.pdf"])
def test_no_page_furniture_reaches_the_body(name, extracted):
    doc = extracted(f"sample/{name}")
    texts = [line.text for line in doc.lines]
    head = doc.masthead
    assert not any(head.symbol == t.strip() for t in texts)
    if head.job_number:
        assert not any(head.job_number in t for t in texts)
    assert not any(furniture.BARCODE.match(t) or furniture.CONTINUATION.match(t) for t in texts)
    assert not any(p in t for t in texts for p in ("Please recycle", "Merci de recycler"))
    assert not any(t.strip().startswith(("Page ", "Página ")) for t in texts)


def test_scanned_pdf_has_no_text_layer(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "TESSERACT_CMD", str(tmp_path / "no-tesseract"))  # with OCR: tests/test_ocr.py
    doc = extract.extract_pdf(SAMPLE / "A_47_60-S_23329_en_scanned.pdf")
    assert not doc.has_text_layer
    assert doc.page_count == 11
    assert doc.lines == []


@pytest.mark.parametrize("text", ["2/4 16-17857", "16-17857 3/4", "*1617857* Merci de recycler",
                                  "16-17857 (F) 181016 191016", "GE.09-17088", "/...", "Page 3",
                                  "A/RES/48/246", "12", "21-02065 (E) 170221"])
def test_furniture_lines_are_recognized(text):
    assert is_furniture(text, ["A/RES/48/246"])


@pytest.mark.parametrize("text", ["2. The table below shows", "Seventy-sixth session", "In 2016, 12 States met"])
def test_text_lines_are_not_furniture(text):
    assert not is_furniture(text)


def test_arabic_words_come_out_in_logical_order():
    # glyphs as they stand on the page, left to right (Arabic is drawn right to left)
    assert logical_order(list("مالسلا")) == "السلام"
    # a lam-alef ligature is one glyph of two letters: they keep their order
    assert logical_order(["م", "م", "لأ", "ا"]) == "الأمم"
    # digits and Latin inside keep their own order; presentation forms and tatweel fold
    assert logical_order(list("2016/10ي")) == "ي2016/10"
    assert logical_order(list("\ufee1\ufe8e\ufee0\ufeb4\ufedf\ufe8d")) == "السلام"
    assert logical_order(list("مالـــس")) == "سلام"


def test_arabic_lines_read_right_to_left():
    words = [layout.words_from_chars(_chars(text, x0, 100))[0] for text, x0 in
             (("2016", 100), ("ماع", 130), ("يف", 160))]
    (line,) = lines_from_words(1, words)
    assert line.rtl and line.text == "في عام 2016"


def test_a_glyph_that_reads_as_nothing_makes_no_word_and_breaks_no_line():
    words = layout.words_from_chars(_chars("ـ", 100, 100) + _chars("يف", 160, 100))
    assert [w.text for w in words] == ["في"]                     # the lone tatweel is gone
    (line,) = lines_from_words(1, [Word("", 100, 104, 100, 110, 10.0)])  # and an empty word is no crash
    assert line.size == 10.0


def test_chinese_words_join_without_spaces():
    assert join_words(["2016", "年", "10", "月", "安全", "理事会"]) == "2016年10月安全理事会"
    assert join_words(["United", "Nations"]) == "United Nations"


def _word(text, x0, top, size=10.0, font="Times-Roman"):
    return Word(text, x0, x0 + len(text) * size * 0.5, top, top + size, size, font)


def test_footnote_reference_dropped_and_ordinal_glued():
    words = [_word("amount", 100, 100), _word("to", 140, 100), _word("1", 152, 97, size=6.5),
             _word("July,", 170, 100), _word("21", 200, 100), _word("st", 211, 98, size=6.5), _word("2009", 220, 100)]
    (line,) = lines_from_words(1, words)
    assert line.text == "amount to July, 21st 2009"


def test_footnote_marker_opening_a_line_is_kept():
    words = [_word("a", 150, 650, size=5.5), _word("Estimates", 158, 651, size=8.5), _word("as", 200, 651, size=8.5)]
    (line,) = lines_from_words(1, words)
    assert line.text == "a Estimates as"


@pytest.mark.parametrize("content, problem", [
    (b"", "empty file"),
    (b"hello, this is not a PDF at all" * 10, "not a PDF"),
])
def test_unreadable_files_raise_pdf_error_naming_the_file(tmp_path, content, problem):
    path = tmp_path / "bad file.pdf"
    path.write_bytes(content)
    with pytest.raises(PdfError) as info:
        extract.extract_pdf(path)
    assert "bad file.pdf" in str(info.value)
    assert problem in str(info.value)


def test_truncated_pdf_is_refused_or_yields_no_text(tmp_path):
    path = tmp_path / "truncated.pdf"
    path.write_bytes(FRENCH_LETTER.read_bytes()[:3000])
    try:
        doc = extract.extract_pdf(path)
    except PdfError as exc:
        assert "truncated.pdf" in str(exc)
    else:
        assert not doc.has_text_layer


def _chars(text, x0, top, size=10.0, width=5.0, font="Times-Roman"):
    return [Char(c, x0 + i * width, x0 + (i + 1) * width, top, top + size, size, font)
            for i, c in enumerate(text)]


def test_words_from_chars_split_at_spaces_gaps_and_font_changes():
    chars = (_chars("United Nations", 100, 50) + _chars("A/1", 200, 50, font="Times-Bold")
             + _chars("S", 300, 50) + _chars("/2016", 305.1, 50, size=8.0))
    words = layout.words_from_chars(chars)
    assert [w.text for w in words] == ["United", "Nations", "A/1", "S", "/2016"]


def test_words_from_chars_count_faux_bold_once_and_ignore_invisible_glyphs():
    doubled = _chars("UNITED", 100, 50) + _chars("UNITED", 100.3, 50.2)
    # tiny glyphs between two lines would chain them into one row
    invisible = [Char(" ", 110, 111, top, top + 0.96, 0.96, "Times-Roman") for top in (52.5, 55.0)]
    line_below = _chars("session", 100, 57.5)
    words = layout.words_from_chars(doubled + invisible + line_below)
    assert [w.text for w in words] == ["UNITED", "session"]


def test_a_faux_bold_copy_shifted_across_a_rounding_boundary_counts_once_but_doubled_letters_stay():
    # 100.4 and 101.0 round apart: counted by rounded x0, "NATIONS" read "NNAATTIIOONNSS"
    doubled = _chars("NATIONS", 100.4, 50) + _chars("NATIONS", 101.0, 50)
    words = layout.words_from_chars(doubled + _chars("Allied", 100, 70))
    assert [w.text for w in words] == ["NATIONS", "Allied"]


def test_ligatures_are_expanded():
    (word,) = layout.words_from_chars(_chars("ﬁnancial", 100, 50))
    assert word.text == "financial"


@pytest.mark.parametrize("text, symbols", [
    ("A/47/60-S/23329", ["A/47/60", "S/23329"]),
    ("S/2016/871*", ["S/2016/871"]),
    ("A/HRC/WG.6/7/ITA/1", ["A/HRC/WG.6/7/ITA/1"]),
    ("A/C.5/48/SR.59", ["A/C.5/48/SR.59"]),
])
def test_symbols_joint_split_and_asterisks_dropped(text, symbols):
    assert masthead.symbols_in(text)[0] == symbols


def test_compatibility_ligatures_read_as_their_letters():
    (word,) = layout.words_from_chars(_chars("ﬅrong", 100, 50))  # U+FB05, long s and t
    assert word.text == "strong"


def _band_line(page: int, top: float, *pieces: tuple[float, str], ocr: bool = False) -> Line:
    words = []
    for x, text in pieces:
        for token in text.split():
            words.append(Word(token, x, x + len(token) * 5, top, top + 10, 10.0, ocr=ocr))
            x += len(token) * 5 + 2.5
    return lines_from_words(page, words)[0]


def test_a_right_to_left_paragraphs_short_last_line_at_the_foot_of_a_page_is_text():
    """A continuation mark goes by where it stands (a short line at the right margin under
    a page's text), but an Arabic paragraph's last line stands there too: it stays."""
    def line(page: int, top: float, x: float, text: str) -> Line:
        return lines_from_words(page, [Word(text, x, x + 6 * len(text), top, top + 10, 10.0)])[0]

    arabic = [line(1, 300, 100, "مجلس الأمن التابع للأمم المتحدة"), line(1, 320, 500, "الدولي"),
              line(2, 300, 100, "مجلس الأمن التابع للأمم المتحدة")]
    latin = [line(1, 300, 72, "The Council met on the matter"), line(1, 320, 500, "Jase"),
             line(2, 300, 72, "and decided to remain seized of it.")]
    assert arabic[1].rtl and not latin[1].rtl
    assert [l.text for l in furniture.strip_continuation_marks(arabic, [612.0, 612.0])] == [l.text for l in arabic]
    assert "Jase" not in [l.text for l in furniture.strip_continuation_marks(latin, [612.0, 612.0])]


@pytest.mark.parametrize("header", ["4/35/1789", "Frangais", "Enql ish", "Pago 5", "S/14314 Englisb"])
def test_a_misread_stacked_header_on_an_ocr_page_is_furniture(header):
    """OCR misreads a typescript's stacked header ("A/35/789", "Français", "English",
    "Page 5") by a letter or two; on an OCR'd page the band's line goes all the same, and
    the same line in a text layer, which would have read it right, stays."""
    for ocr, kept_header in ((True, False), (False, True)):
        lines = [_band_line(2, 40, (400, header), ocr=ocr), _band_line(2, 300, (60, "Body text of the page."), ocr=ocr)]
        kept = furniture.strip_page_furniture(lines, [792.0, 792.0], ["A/35/789", "S/14314"])
        assert [line.text for line in kept] == [header] * kept_header + ["Body text of the page."]


@pytest.mark.parametrize("text", ["Annex", "The Council", "Karimov", "Article 2", "Pago", "Arabs of Palestine"])
def test_text_in_the_band_of_an_ocr_page_is_not_misread_furniture(text):
    assert not furniture.is_misread_furniture(text, ["A/35/789", "S/14314"])


@pytest.mark.parametrize("a, b, most, near", [("frangais", "francais", 1, True), ("kitten", "sitting", 3, True),
                                             ("kitten", "sitting", 2, False), ("4/35/1789", "a/35/789", 2, True),
                                             ("abc", "abd", 0, False), ("", "ab", 2, True), ("ab", "", 1, False)])
def test_within_edits_counts_insertions_deletions_and_replacements(a, b, most, near):
    from pipeline.folding import within_edits

    assert within_edits(a, b, most) is near and within_edits(b, a, most) is near


def test_running_headers_of_even_and_odd_pages_are_one_header():
    lines = []
    for page in (2, 3, 4, 5):
        parts = ["S/PV.8699", "Maintenance of peace and security", "09/01/2020"]
        if page % 2:
            parts.reverse()
        lines.append(_band_line(page, 50, (60, " ".join(parts))))
        lines.append(_band_line(page, 300, (60, f"Body text of page {page}.")))
    kept = furniture.strip_page_furniture(lines, [792.0] * 5, ["S/PV.8699"])
    assert [line.text for line in kept] == [f"Body text of page {page}." for page in (2, 3, 4, 5)]


def test_a_job_number_beside_a_disclaimer_goes_and_the_disclaimer_stays():
    line = _band_line(1, 687, (60, "97-85299 (E)"), (228, "This record contains the text of speeches"))
    (kept,) = furniture.strip_page_furniture([line], [792.0], ["S/PV.3756"], "97-85299")
    assert kept.text == "This record contains the text of speeches"


@pytest.mark.parametrize("text", ["English", "Français", "Page 2", "S/1994/822", "/..."])
def test_pieces_of_a_stacked_header_are_furniture(text):
    assert is_furniture(text, ["S/1994/822"])


def test_a_footnote_citing_a_symbol_in_the_footer_band_stays():
    line = _band_line(1, 740, (60, "1/"), (100, "A/48/803."))
    (kept,) = furniture.strip_page_furniture([line], [792.0], ["A/RES/48/246"])
    assert kept.text == "1/ A/48/803."


def test_glyphs_without_unicode_are_counted_unless_kashida():
    arabic = [Char(t, 300 - 10 * i, 308 - 10 * i, 100, 110, 10.0, "Naskh") for i, t in enumerate("مرح")]
    kashida = [Char("", 295, 301, 100, 110, 10.0, "Naskh")]            # between two Arabic letters
    latin = _chars("ab", 100, 200) + [Char("", 112, 118, 200, 210, 10.0, "Times-Roman")]  # after Latin text
    assert layout.unmapped_glyphs(arabic + kashida) == 0
    assert layout.unmapped_glyphs(latin) == 1


def test_an_old_ocr_footer_with_the_job_number_goes_whole():
    footer = _band_line(2, 760, (60, "90-08730 1921a (E) Ja.."))
    body = _band_line(2, 300, (60, "World War II) is an attempt to present"))
    kept = furniture.strip_page_furniture([body, footer], [792.0, 792.0], ["S/21225"], "90-08730")
    assert [line.text for line in kept] == ["World War II) is an attempt to present"]
