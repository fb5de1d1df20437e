"""The masthead's rules on small inputs: symbols (joint, split over two lines, with
parenthesised parts, reissued), session, agenda items and their titles, meeting number,
date and time, and the job number wherever page 1 puts it."""
from __future__ import annotations

import datetime as dt

import pytest

from pipeline.layout import lines_from_words
from pipeline.masthead import agenda_items, read_masthead, symbols_in
from pipeline.types import Line, Word

RIGHT = 400.0


def _lines(*rows: tuple[float, float, str], size: float = 10.0) -> list[Line]:
    """Lines of words at (x, top): each row's text split into words 5 pt apart."""
    words = []
    for x, top, text in rows:
        for token in text.split():
            width = len(token) * size * 0.5
            words.append(Word(token, x, x + width, top, top + size, size))
            x += width + 2.5
    lines = []
    for top in sorted({top for _, top, _ in rows}):
        lines += lines_from_words(1, [w for w in words if w.top == top])
    return lines


@pytest.mark.parametrize("text, symbols, reissue", [
    ("A/80/434–S/2025/632", ["A/80/434", "S/2025/632"], False),
    ("A/80/434- S/2025/632", ["A/80/434", "S/2025/632"], False),
    ("A/47/60-S/23329", ["A/47/60", "S/23329"], False),
    ("S/RES/2803 (2025)", ["S/RES/2803 (2025)"], False),
    ("S/PV.8699 (Resumption 1)", ["S/PV.8699 (Resumption 1)"], False),
    ("A/81/6 (Sect. 4)/Part A", ["A/81/6 (Sect. 4)/Part A"], False),
    ("S/2025/632*", ["S/2025/632"], True),
])
def test_symbols_as_printed(text, symbols, reissue):
    assert symbols_in(text) == (symbols, reissue)


def test_a_joint_symbol_over_two_lines_and_its_session_and_agenda():
    lines = _lines((60, 40, "United Nations"), (RIGHT, 40, "A/80/434–"), (RIGHT, 52, "S/2025/632"),
                   (60, 70, "General Assembly"), (RIGHT, 70, "Distr.: General"), (RIGHT, 90, "16 October 2025"),
                   (60, 110, "Eightieth session"), (60, 122, "Agenda item 26"), (60, 134, "Advancement of women"),
                   (90, 170, "Letter dated 3 October 2025 from the Permanent Representative"))
    head, n = read_masthead(lines, [], 792, [])
    assert (head.symbols, head.session, head.agenda_items) == (["A/80/434", "S/2025/632"], "Eightieth session", ["26"])
    assert head.date == dt.date(2025, 10, 16)
    assert lines[n].text.startswith("Letter dated")  # the agenda item's title is masthead, the letter's is not


@pytest.mark.parametrize("text, items", [
    ("Agenda items 23, 35 and 78", ["23", "35", "78"]),
    ("Item 38 of the preliminary list*", ["38"]),
    ("Point 15 c) de l'ordre du jour", ["15 c)"]),
    ("Tema 156 (a) del programa", ["156 (a)"]),
    ("Items are discussed", None),
])
def test_agenda_items(text, items):
    assert agenda_items(text) == items


def test_a_meeting_records_number_date_and_time():
    lines = _lines((60, 40, "United Nations"), (RIGHT, 40, "S/PV.8699"), (60, 60, "Security Council"),
                   (60, 80, "Seventy-fifth year"), (60, 100, "8699th meeting"),
                   (60, 120, "Thursday, 9 January 2020, 10 a.m."), (60, 132, "New York"))
    head, _ = read_masthead(lines, [], 792, [])
    assert (head.meeting_number, head.date, head.meeting_time) == (8699, dt.date(2020, 1, 9), "10 a.m.")
    assert head.session is None  # "Seventy-fifth year" is the Council's year, not a session


def test_a_number_alone_is_a_meeting_number_only_beside_its_word():
    lines = _lines((60, 40, "S/2020/1"), (60, 100, "8699"), (60, 140, "9 January 2020"))
    head, _ = read_masthead(lines, [], 792, [])
    assert head.meeting_number is None


def test_the_job_number_above_the_footer_band_beside_a_disclaimer():
    lines = _lines((60, 40, "S/PV.3756"), (60, 687, "97-85299 (E)"), (228, 687, "This record contains the text"))
    head, _ = read_masthead(lines, [], 792, footer_lines=[])
    assert (head.job_number, head.language) == ("97-85299", "en")


def test_distr_is_a_marker_only_as_a_word():
    lines = _lines((RIGHT, 40, "S/2024/998"), (RIGHT, 60, "Distr.: General"), (60, 120, "districts of the north"))
    head, n = read_masthead(lines, [], 792, [])
    assert head.distribution == "general" and n == 2


@pytest.mark.parametrize("suffix", ["th meeting", "e séance"])
def test_a_big_number_with_its_ordinal_and_word_beside_it(suffix):
    lines = _lines((60, 40, "S/PV.8699"), (60, 100, "8699"), (90, 104, suffix), (60, 140, "9 January 2020"))
    head, _ = read_masthead(lines, [], 792, [])
    assert head.meeting_number == 8699


@pytest.mark.parametrize("text, language", [
    ("The Security Council has considered the report of the Secretary-General", "en"),
    ("Le Conseil de sécurité a examiné le rapport du Secrétaire général et de la Commission", "fr"),
    ("El Consejo de Seguridad ha examinado el informe del Secretario General y de los Estados", "es"),
    ("Совет Безопасности рассмотрел доклад Генерального секретаря (S/2016/871)", "ru"),
    ("إن مجلس الأمن قد نظر في تقرير الأمين العام S/2016/871", "ar"),
    ("安全理事会审议了秘书长的报告 S/2016/871", "zh"),
    # a script counts against the Latin letters: a symbol and a name in Latin letters do not
    # make an Arabic page Latin, nor a Russian word in an English text an English one Russian
    ("الأمم المتحدة، مجلس الأمن S/2016/871 Vitaly Churkin", "ar"),
    ("The Commonwealth of Independent States (Содружество Независимых Государств) and the others", "en"),
    ("", None), ("   ", None), ("12 345 / 2016", None),
])
def test_the_language_of_a_text_by_its_script_then_its_common_words(text, language):
    from pipeline.lexicon import detect_language

    assert detect_language(text) == language
