"""Speakers' labels of meeting records on small inputs: with and without affiliation,
"(spoke in …)" and its older forms, a name that wraps, and what is no label."""
from __future__ import annotations

import pytest

from pipeline.layout import lines_from_words
from pipeline.speakers import participants, speaker_label, strip_label
from pipeline.types import Line, Word

BOLD, ROMAN, ITALIC = "Times-Bold", "Times-Roman", "Times-Italic"


def _line(top: float, *runs: tuple[str, str]) -> Line:
    """A line of words, each run's words in its font."""
    words, x = [], 60.0
    for text, font in runs:
        for token in text.split():
            words.append(Word(token, x, x + len(token) * 5, top, top + 10, 10.0, font))
            x += len(token) * 5 + 2.5
    return lines_from_words(1, words)[0]


@pytest.mark.parametrize("runs, speaker, affiliation, spoke_in", [
    ([("The President", BOLD), (": I thank the Secretary-General.", ROMAN)], "The President", None, None),
    ([("The President:", BOLD), ("I thank him.", ROMAN)], "The President", None, None),
    ([("Mr. Nebenzia", BOLD), ("(Russian Federation):", ROMAN), ("We thank you.", ROMAN)],
     "Mr. Nebenzia", "Russian Federation", None),
    ([("Mr. Levitte", BOLD), ("(France) (", ROMAN), ("spoke in French", ITALIC), ("): I thank", ROMAN)],
     "Mr. Levitte", "France", "fr"),
    ([("Mr. Elaraby", BOLD), ("(Egypt)(", ROMAN), ("interpretation from Arabic", ITALIC), ("): Today", ROMAN)],
     "Mr. Elaraby", "Egypt", "ar"),
    ([("Mr. Lavrov", BOLD), ("(Russian Federation) (", ROMAN), ("translated from Russian", ITALIC), ("): I", ROMAN)],
     "Mr. Lavrov", "Russian Federation", "ru"),
    ([("La Présidente", BOLD), ("(", ROMAN), ("parle en anglais", ITALIC), (") : Je remercie", ROMAN)],
     "La Présidente", None, "en"),
    # the other official languages: full-width marks and no spaces in Chinese, Russian's
    # adverb ("по-английски"), a script without capitals
    ([("主席", BOLD), ("（以英语发言）：我感谢秘书长的通报。", ROMAN)], "主席", None, "en"),
    ([("傅聪先生", BOLD), ("（中国）：我感谢主席。", ROMAN)], "傅聪先生", "中国", None),
    ([("以色列代表：", BOLD), ("我感谢主席。", ROMAN)], "以色列代表", None, None),
    ([("Председатель", BOLD), ("(говорит по-английски):", ROMAN), ("Я благодарю.", ROMAN)], "Председатель", None, "en"),
    ([("Г-н Небензя", BOLD), ("(Российская Федерация) (", ROMAN), ("говорит по-русски", ITALIC), ("): Я", ROMAN)],
     "Г-н Небензя", "Российская Федерация", "ru"),
])
def test_label_forms(runs, speaker, affiliation, spoke_in):
    label = speaker_label([_line(100, *runs)])
    assert (label.speaker, label.affiliation, label.spoke_in) == (speaker, affiliation, spoke_in)


def test_an_arabic_label_reads_right_to_left_and_comes_off_the_text():
    words, x = [], 540.0
    for text, font in (("الرئيس", BOLD), ("(تكلم بالإنكليزية):", ROMAN), ("أشكر الأمين العام.", ROMAN)):
        for token in text.split():
            words.append(Word(token, x - len(token) * 5, x, 100, 110, 10.0, font))
            x -= len(token) * 5 + 2.5
    line = lines_from_words(1, words)[0]
    label = speaker_label([line])
    assert (label.speaker, label.affiliation, label.spoke_in) == ("الرئيس", None, "en")
    assert strip_label(line.text, label) == "أشكر الأمين العام."


def test_a_chinese_label_comes_off_the_text_at_its_full_width_colon():
    label = speaker_label([_line(100, ("主席", BOLD), ("（以英语发言）：我感谢秘书长。", ROMAN))])
    assert strip_label("主席（以英语发言）：我感谢秘书长。", label) == "我感谢秘书长。"


def test_a_name_that_wraps_onto_the_next_line():
    lines = [_line(100, ("Mr. Ismail Ould Cheikh Ahmed Mohamed", BOLD)),
             _line(112, ("Abdallahi", BOLD), ("(Mauritania):", ROMAN), ("At the outset", ROMAN))]
    label = speaker_label(lines)
    assert (label.speaker, label.affiliation) == ("Mr. Ismail Ould Cheikh Ahmed Mohamed Abdallahi", "Mauritania")


@pytest.mark.parametrize("runs", [
    [("Food aid in the context of conflict: Afghanistan", BOLD)],          # a heading with a colon
    [("Adoption of the agenda", BOLD)],                                   # a heading
    [("The meeting was called to order at 10.05 a.m.", ITALIC)],           # procedure
    [("In accordance with rule 37: I invite", ROMAN)],                    # no bold
])
def test_what_is_no_label(runs):
    assert speaker_label([_line(100, *runs)]) is None


def test_the_label_comes_off_the_text():
    label = speaker_label([_line(100, ("Mr. Nebenzia", BOLD), ("(Russian Federation):", ROMAN), ("We", ROMAN))])
    assert strip_label("Mr. Nebenzia (Russian Federation): We thank the presidency.", label) == "We thank the presidency."


def test_the_masthead_table_of_president_and_members():
    rows = [_line(200, ("President: Mr. Dang . . . . . . . . . (Viet Nam)", ROMAN)),
            _line(212, ("Members: Belgium . . . . . . . . . . Mr. Pecsteen de Buytswerve", ROMAN)),
            _line(224, ("China . . . . . . . . . . . . . . . Mr. Zhang Jun", ROMAN))]
    got = [(p.role, p.country_code, p.country, p.representative) for p in participants(rows)]
    assert got == [("president", "VNM", "Viet Nam", "Mr. Dang"), ("member", "BEL", "Belgium", "Mr. Pecsteen de Buytswerve"),
                   ("member", "CHN", "China", "Mr. Zhang Jun")]
