"""Segment stage: exact paragraphs of S/2016/871 against its gold, and the rules on
small inputs."""
from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from pipeline import extract, segment
from pipeline.layout import lines_from_words
from pipeline.masthead import read_masthead
from pipeline.types import Line, Word
from pipeline.segment import Layout, hyphen_keeper, join_lines, repair, starts_paragraph
from tests.conftest import SAMPLE


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'")
    return " ".join(text.split())


@pytest.fixture(scope="module")
def french_letter(segmented):
    return segmented("sample/S_2016_871_fr.pdf")


def test_french_letter_paragraphs_are_exactly_the_gold(french_letter, letter_gold):
    paragraphs, _ = french_letter
    got = [(norm(p.text), p.kind, p.section) for p in paragraphs]
    want = [(norm(g["text"]), g["kind"], g["section"]) for g in letter_gold["paragraphs"]]
    assert got == want


def test_paragraphs_run_over_page_breaks(french_letter):
    paragraphs, _ = french_letter
    spanning = [p for p in paragraphs if p.page_end > p.page_start]
    assert [(p.page_start, p.page_end) for p in spanning] == [(2, 3), (3, 4)]
    assert [p.para_id for p in paragraphs] == list(range(len(paragraphs)))


def test_letter_anatomy(french_letter, letter_gold):
    _, info = french_letter
    assert info.doc_type == "letter"
    assert info.letter_date.isoformat() == letter_gold["letter_date"]
    assert info.author == "Russian Federation"
    assert info.addressee == "Secretary-General"
    assert info.title == letter_gold["title"]


@pytest.mark.parametrize("title, author, addressee", [
    ("Letter dated 27 December 1991 from the Permanent Representative of Belarus to the United Nations "
     "addressed to the Secretary-General", "Belarus", "Secretary-General"),
    ("Carta de fecha 3 de marzo de 2020 dirigida a la Presidencia del Consejo de Seguridad por el Representante "
     "Permanente de México ante las Naciones Unidas", "Mexico", "President of the Security Council"),
    ("Letter dated 5 May 2015 from the Secretary-General addressed to the President of the Security Council",
     None, "President of the Security Council"),
    ("Letter dated 27 February 1990 from the Permanent Observer of Palestine to the United Nations addressed to "
     "the Secretary-General", "State of Palestine", "Secretary-General"),
    ("Letter dated 3 June 2024 from the Chair of the Committee on the Exercise of the Inalienable Rights of the "
     "Palestinian People addressed to the Secretary-General",
     "Committee on the Exercise of the Inalienable Rights of the Palestinian People", "Secretary-General"),
    ("Lettre datée du 3 juin 2024, adressée au Secrétaire général par le Président du Comité des sanctions",
     "Comité des sanctions", "Secretary-General"),
])
def test_author_and_addressee_from_titles(title, author, addressee):
    assert segment.author_of(title) == author
    assert segment.addressee_of(title) == addressee


def test_numbered_paragraphs_keep_their_number_off_the_text():
    doc = extract.extract_pdf(SAMPLE / "A_INF_76_1_en.pdf")
    seg = segment.segment(doc)
    paragraphs, info = seg.paragraphs, seg.letter
    numbered = {p.number: p.text for p in paragraphs if p.number}
    assert numbered["1."].startswith("In paragraph 1 of its resolution 57/301")
    assert numbered["2."].startswith("The table below shows")
    tables = [p for p in paragraphs if p.kind == "table"]
    assert tables and "Seventy-sixth | Tuesday, 14 September 2021 | Tuesday, 21 September 2021" in tables[0].text
    assert info.doc_type == "other"


def test_footnotes_are_split_out_and_references_dropped():
    doc = extract.extract_pdf(SAMPLE / "A_RES_48_246_en.pdf")
    seg = segment.segment(doc)
    paragraphs, info = seg.paragraphs, seg.letter
    footnotes = [p for p in paragraphs if p.kind == "footnote"]
    assert [(p.number, p.text) for p in footnotes] == [("1/", "A/48/803."), ("2/", "See A/C.5/48/SR.59.")]
    body = " ".join(p.text for p in paragraphs if p.kind != "footnote")
    assert "Mission in Haiti and the oral report" in body
    assert info.doc_type == "resolution"


def test_line_end_hyphens():
    keeps = hyphen_keeper("les organisations sous-régionales", ["sous", "non"])
    assert join_lines(["la coopé-", "ration"], keeps) == "la coopération"
    assert join_lines(["organisations sous-", "régionales"], keeps) == "organisations sous-régionales"
    assert join_lines(["the Secretary-", "General"], keeps) == "the Secretary-General"
    assert join_lines(["安全", "理事会"], keeps) == "安全理事会"


@pytest.mark.parametrize("raw, fixed", [
    ("entre l ’ONU et la Communauté d ’États", "entre l’ONU et la Communauté d’États"),
    ("the Secretary -General said", "the Secretary-General said"),
    ("Mission in Haiti 1/ and the report, 2/", "Mission in Haiti and the report,"),
    ("resolution 57/301 and 2024/25", "resolution 57/301 and 2024/25"),
])
def test_spacing_artefacts_repaired(raw, fixed):
    assert repair(raw) == fixed


def _line(text, x0, top, page=1, x1=498.0, size=10.0, bold=False):
    word = Word(text, x0, x1, top, top + size, size, "Times-Bold" if bold else "Times-Roman")
    return Line(page, (word,), text, x0, x1, top, top + size, size, bold, False)


LAYOUT = Layout(body_size=10.0, pitch=12.0, frames={(1, 0): (117.6, 498.0)})


def test_paragraph_breaks_from_gaps_indents_and_pages():
    full = _line("running text that reaches the margin", 117.6, 100)
    assert not starts_paragraph(full, _line("more text", 117.6, 112), LAYOUT, "body")
    assert starts_paragraph(full, _line("after a gap", 117.6, 130), LAYOUT, "body")
    short = _line("end of a paragraph.", 117.6, 100, x1=300)
    assert starts_paragraph(short, _line("Indented next", 153.6, 112), LAYOUT, "body")
    # over a page break: a full line continues, a short one ended its paragraph
    assert not starts_paragraph(full, _line("continued", 117.6, 80, page=2), LAYOUT, "body")
    assert starts_paragraph(short, _line("New one", 153.6, 80, page=2), LAYOUT, "body")
    # a bold heading line then body text
    heading = _line("Document de réflexion", 117.6, 100, x1=234, size=12.0, bold=True)
    assert starts_paragraph(heading, _line("La Fédération", 153.6, 125), LAYOUT, "body")


@pytest.mark.parametrize("language, first, runs_on", [
    ("en", "of Palestine to the United Nations addressed to the", True),
    ("fr", "au Secrétaire général par le Représentant permanent de la", True),
    ("en", "of Palestine to the United Nations, with the annex.", False),
    ("en", "the last words of a paragraph", False),
])
def test_a_short_line_ending_in_an_article_runs_on_to_an_indented_line(language, first, runs_on):
    layout = Layout(body_size=10.0, pitch=12.0, frames={(1, 0): (117.6, 498.0)}, language=language)
    short = _line(first, 117.6, 100, x1=420)  # flush left: not centred with the next line
    assert starts_paragraph(short, _line("Secretary-General", 236, 112, x1=343), layout, "body") is not runs_on


@pytest.mark.parametrize("title", [
    "2016年10月14日俄罗斯联邦常驻联合国代表给秘书长的信",
    "رسالة مؤرخة 14 تشرين الأول/أكتوبر 2016 موجهة إلى الأمين العام من الممثل الدائم للاتحاد الروسي لدى الأمم المتحدة",
    "Письмо Постоянного представителя Российской Федерации при Организации Объединенных Наций "
    "от 14 октября 2016 года на имя Генерального секретаря",
    "Carta de fecha 14 de octubre de 2016 dirigida al Secretario General por el Representante Permanente "
    "de la Federación de Rusia ante las Naciones Unidas",
])
def test_letter_titles_in_every_language(title):
    assert segment.title_type(title) == "letter"
    assert segment.author_of(title) == "Russian Federation"
    assert segment.addressee_of(title) == "Secretary-General"
    assert segment.lexicon.parse_date(title) == dt.date(2016, 10, 14)


TYPEWRITTEN_LETTER = [[
    "UNITED NATIONS                                        S",
    "Security Council                          Distr.",
    "                                          GENERAL",
    "                                          S/23329",
    "                                          30 December 1991",
    "                                          ORIGINAL: ENGLISH",
    "", "",
    "     LETTER DATED 27 DECEMBER 1991 FROM THE PERMANENT REPRESENTATIVE",
    "      OF BELARUS TO THE UNITED NATIONS ADDRESSED TO THE SECRETARY-GENERAL",
    "",
    "          I have the honour to transmit herewith the text of the agreement",
    "on the establishment of the Commonwealth of Independent States signed at",
    "Minsk on 8 December 1991.",
    "",
    "                                        (Signed) Gennadi BURAVKIN",
], [
    "                               Annex",
    "",
    "          The Commonwealth shall cooperate with the United Nations.",
]]


def test_a_typewritten_letter_without_bold_type(tmp_path):
    from tests.pdfgen import write_pdf

    doc = extract.extract_pdf(write_pdf(tmp_path / "old.pdf", TYPEWRITTEN_LETTER))
    assert (doc.masthead.symbol, doc.masthead.organ, doc.masthead.date) == (
        "S/23329", "Security Council", dt.date(1991, 12, 30))
    seg = segment.segment(doc)
    paragraphs, info = seg.paragraphs, seg.letter
    assert [(p.kind, p.section) for p in paragraphs] == [
        ("title", "letter"), ("body", "letter"), ("signature", "letter"), ("heading", "annex"), ("body", "annex")]
    assert (info.doc_type, info.letter_date, info.author, info.addressee) == (
        "letter", dt.date(1991, 12, 27), "Belarus", "Secretary-General")
    assert paragraphs[1].text.endswith("signed at Minsk on 8 December 1991.")


BOTH = ["Secretary-General", "President of the Security Council"]


@pytest.mark.parametrize("title, addressees", [
    ("Identical letters dated 3 May 2017 from the Permanent Representative of Ukraine to the United Nations "
     "addressed to the Secretary-General and the President of the Security Council", BOTH),
    ("Lettres identiques datées du 3 mai 2017, adressées au Secrétaire général et à la Présidente du Conseil "
     "de sécurité par le Représentant permanent de l’Ukraine", BOTH),
    ("Cartas idénticas de fecha 3 de mayo de 2017 dirigidas al Secretario General y a la Presidencia del Consejo "
     "de Seguridad por el Representante Permanente de Ucrania", BOTH),
    ("Lettre datée du 5 mai 2015, adressée au Président du Conseil de sécurité par le Secrétaire général",
     ["President of the Security Council"]),
])
def test_identical_letters_name_both_addressees_and_no_author_as_addressee(title, addressees):
    assert segment.addressees_of(title) == addressees
    assert segment.addressee_of(title) == addressees[0]


def test_original_language_when_two_are_named():
    line = lines_from_words(1, [Word(t, x, x + 30, 100, 110, 10.0) for t, x in
                                        (("Original:", 400), ("English/French", 432))])
    head, _ = read_masthead(line, [], 792, [])
    assert head.original_language == "en"


@pytest.mark.parametrize("title, kind", [
    ("Anexo II", "annex"), ("Anexo III", "annex"), ("Annexe à la lettre", "annex"),
    ("Apéndice", "enclosure"), ("Pièce jointe", "enclosure"), ("Enclosure", "enclosure"),
    ("Anexión de territorios", None)])
def test_annex_and_enclosure_titles(title, kind):
    from pipeline import lexicon

    assert segment._annex_kind(title, lexicon.terms()) == kind
