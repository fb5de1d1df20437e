"""Layout rules, each on a small generated page that needs it: without the rule the test
fails (repeated running headers, small print around tables, centred two-line titles,
hanging indents, faux-bold masthead lines), and one masthead defect found on the way."""
from __future__ import annotations

from pathlib import Path


from pipeline import extract, segment
from tests.pdfgen import CJK_FONT, Text, justified, paragraph, text_width, tokens, write_layout_pdf

LEFT, WIDTH = 72.0, 468.0
PROSE = ("The members of the Council heard a briefing on the situation in the region and on the "
         "steps taken since the last report to protect civilians, to open roads for humanitarian "
         "convoys and to prepare the elections that the parties agreed to hold next year.")


def _segmented(path: Path):
    doc = extract.extract_pdf(path)
    return doc, segment.segment(doc).paragraphs


def _texts(paragraphs) -> list[str]:
    return [p.text for p in paragraphs]


def test_a_header_repeated_on_every_page_is_furniture(tmp_path):
    # the header names no symbol or page: only its repetition (digits aside) marks it
    pages = [[Text(LEFT, 40, f"Freedonia: review of the mission, part {n}", 9),
              *paragraph(LEFT, 120, WIDTH, PROSE), *paragraph(LEFT, 200, WIDTH, PROSE, first_indent=36)]
             for n in (1, 2, 3)]
    doc = extract.extract_pdf(write_layout_pdf(tmp_path / "headers.pdf", pages))
    texts = [line.text for line in doc.lines]
    assert not any("Freedonia" in t for t in texts)
    assert sum(t.startswith("The members of the Council") for t in texts) == 6  # two paragraphs a page


def _table_page() -> list[Text]:
    rows = [("Mission", "2024", "2025"), ("Freedonia", "1 200", "1 350"), ("Sylvania", "860", "910")]
    table = [Text(x, 180 + 14 * r, cell) for r, row in enumerate(rows) for x, cell in zip((LEFT, 300, 440), row)]
    return [*paragraph(LEFT, 100, WIDTH, PROSE),
            Text(LEFT, 164, "(Thousands of United States dollars)", 8),   # small print above the table
            *table,
            Text(LEFT, 226, "a", 6), Text(LEFT + 6, 227, "Including the reserve fund.", 8),  # a note below it
            *paragraph(LEFT, 260, WIDTH, PROSE, first_indent=36)]


def test_small_print_around_a_table_belongs_to_it(tmp_path):
    _, paragraphs = _segmented(write_layout_pdf(tmp_path / "table.pdf", [_table_page()]))
    (table,) = [p for p in paragraphs if p.kind == "table"]
    assert table.text.startswith("(Thousands of United States dollars)")
    notes = [(p.number, p.text) for p in paragraphs if p.kind == "footnote"]
    assert notes == [("a", "Including the reserve fund.")]
    assert [p.kind for p in paragraphs] == ["body", "table", "footnote", "body"]


def _centred(top: float, text: str) -> Text:
    return Text(round(LEFT + (WIDTH - text_width(text, "Helvetica-Bold")) / 2, 2), top, text, 11, "Helvetica-Bold")


def test_a_centred_title_on_two_lines_is_one_paragraph(tmp_path):
    page = [_centred(100, "Report of the Secretary-General on the situation"), _centred(114, "concerning Freedonia"),
            *paragraph(LEFT, 150, WIDTH, PROSE), *paragraph(LEFT, 210, WIDTH, PROSE, first_indent=36)]
    _, paragraphs = _segmented(write_layout_pdf(tmp_path / "title.pdf", [page]))
    assert paragraphs[0].text == "Report of the Secretary-General on the situation concerning Freedonia"
    assert len(paragraphs) == 3


def test_lines_under_the_text_of_a_numbered_paragraph_continue_it(tmp_path):
    # a hanging indent: "1." at the margin, its text and the lines below it 36 pt in
    first = "The Council met on 3 May 2024 and heard the parties to the agreement."
    rest = ["It decided to extend the mandate of the mission for a period of one year and asked",
            "for a report on its work within six months."]
    page = [*paragraph(LEFT, 100, WIDTH, PROSE), *paragraph(LEFT, 160, WIDTH, PROSE),
            Text(LEFT, 220, "1."), *justified(LEFT + 36, 220, WIDTH - 36, [tokens(t) for t in (first, *rest)]),
            Text(LEFT, 270, "2."), *justified(LEFT + 36, 270, WIDTH - 36, [tokens("The Council remains seized of the matter.")])]
    _, paragraphs = _segmented(write_layout_pdf(tmp_path / "hanging.pdf", [page]))
    numbered = {p.number: p.text for p in paragraphs if p.number}
    assert numbered == {"1.": " ".join([first, *rest]), "2.": "The Council remains seized of the matter."}


def test_a_faux_bold_masthead_line_is_masthead(tmp_path):
    # "联合国" overprinted 1 pt to the right: the glyphs interleave ("联联合合国国") and
    # their rounded positions differ, so only the doubled-text rule reads it as the name
    page = [Text(400, 40, "S/2024/1", 14),
            Text(LEFT, 70, "联合国", 14, CJK_FONT), Text(LEFT + 1, 70, "联合国", 14, CJK_FONT),
            *paragraph(LEFT, 140, WIDTH, PROSE)]
    doc = extract.extract_pdf(write_layout_pdf(tmp_path / "faux_bold.pdf", [page]))
    assert doc.masthead.symbol == "S/2024/1"
    assert doc.lines[0].text.startswith("The members of the Council")


def test_a_body_line_opening_with_districts_is_no_masthead(tmp_path):
    page = [Text(430, 46, "S/2024/998", 14, "Helvetica-Bold"), Text(430, 72, "Distr.: General", 9),
            Text(430, 84, "9 January 2024", 9), Text(LEFT, 140, "Review of the mission", 13, "Helvetica-Bold"),
            *justified(LEFT, 176, WIDTH, [tokens("The mission worked in the northern and southern"),
                                          tokens("districts. It supported the police and the electoral commission.")])]
    doc = extract.extract_pdf(write_layout_pdf(tmp_path / "districts.pdf", [page]))
    assert doc.masthead.distribution == "general"
    assert [line.text for line in doc.lines][:2] == ["Review of the mission", "The mission worked in the northern and southern"]


def test_a_continuation_mark_at_the_foot_of_a_page_is_furniture_whatever_it_reads(tmp_path):
    # a typescript's "/..." at the right margin under each page's last line, as OCR reads it;
    # the sentence runs on over the page break, and the last page's short line at the right
    # (an initial under a signature) is the text's own
    run_on = ("The Government requests that the present letter be circulated as a document of the "
              "Security Council, under the item entitled")
    on_next = "the situation in the region, and of the General Assembly."
    pages = [[*paragraph(LEFT, 100, WIDTH, PROSE), *paragraph(LEFT, 160, WIDTH, run_on), Text(480, 220, "Jase")],
             [*paragraph(LEFT, 100, WIDTH, on_next), *paragraph(LEFT, 130, WIDTH, PROSE), Text(470, 190, "/..")],
             [*paragraph(LEFT, 100, WIDTH, PROSE), Text(480, 160, "J.D.")]]
    _, paragraphs = _segmented(write_layout_pdf(tmp_path / "marks.pdf", pages))
    texts = _texts(paragraphs)
    assert not any("Jase" in t or "/.." in t for t in texts)
    assert f"{run_on} {on_next}" in texts  # one paragraph over the page break
    assert texts[-1] == "J.D."
