"""OCR-confusion repair by context: list markers by the list's sequence, quotation marks
by their pairs, guillemets read for letters, symbols by their grammar. Word lists only."""
from __future__ import annotations

from pipeline.engines import confusions, ocr
from pipeline.types import Page, Word


def page(lines: list[str], x0: float = 50.0, ocr_read: bool = True) -> Page:
    """One page, a line a string; every line's words share its top and bottom."""
    words = []
    for i, line in enumerate(lines):
        top = 100.0 + 14 * i
        for j, text in enumerate(line.split()):
            words.append(Word(text, x0 + 40 * j, x0 + 40 * j + 30, top, top + 10, 10.0, ocr=ocr_read))
    return Page(1, 600, 800, words, [])


def first_words(p: Page) -> list[str]:
    return [w.text for w in p.words if w.x0 == 50.0]


def test_a_misread_list_marker_takes_the_number_its_neighbours_say():
    lines = ["37) 23 Apr: Fawzi", "381 25 Apr: Azzam", "39) 25 Apr: Faik",
             "1. Revue", "D. Les Travaux", "3. Le Conseil", "L, Le Conseil", "5, L'Accord", "6. L'Arrêt"]
    fixed = confusions.repaired_pages([page(lines)])[0]
    assert first_words(fixed) == ["37)", "38)", "39)", "1.", "2.", "3.", "4.", "5.", "6."]


def test_a_line_that_only_resembles_a_marker_is_left_as_read():
    lines = ["4. Le Conseil", "No 6, p. 22.", "de la Faculté", "1951, p. 196", "6. L'Arrêt"]
    fixed = confusions.repaired_pages([page(lines)])[0]
    assert first_words(fixed) == ["4.", "No", "de", "1951,", "6."]


def test_a_marker_is_repaired_only_where_the_list_goes_on_or_only_its_mark_is_misread():
    assert first_words(confusions.repaired_pages([page(["11) a", "12} b"])])[0]) == ["11)", "12)"]  # list's end: mark only
    assert first_words(confusions.repaired_pages([page(["11) a", "I5) b"])])[0]) == ["11)", "I5)"]  # digits, nothing after
    assert first_words(confusions.repaired_pages([page(["11) a", "I2) b", "20) c"])])[0]) == ["11)", "I2)", "20)"]


def test_markers_elsewhere_on_the_page_or_in_a_text_layer_are_not_the_lists():
    shifted = page(["1. a", "D. b", "3. c"])
    shifted.words[2] = Word("D.", 300, 320, shifted.words[2].top, shifted.words[2].bottom, 10.0, ocr=True)
    assert [w.text for w in confusions.repaired_pages([shifted])[0].words][2] == "D."
    layer = confusions.repaired_pages([page(["1. a", "D. b", "3. c"], ocr_read=False)])[0]
    assert first_words(layer) == ["1.", "D.", "3."]


def test_a_quotation_mark_is_made_double_when_its_pair_is():
    fixed = confusions.repaired_pages([page(["1. ‘L'Amnistie\" Revue du", "2. ‘Le Conseil’ de", "3. ‘Géopolitique\","])])[0]
    texts = [w.text for w in fixed.words]
    assert '"L\'Amnistie"' in texts and "‘Le" in texts and '"Géopolitique",' in texts


def test_a_guillemet_on_a_words_wrong_side_is_a_letter():
    assert ocr.corrected("t«") == "to"
    assert ocr.corrected("«") == "«" and ocr.corrected("«Paix") == "«Paix"  # a guillemet where one opens


def test_a_symbol_is_read_by_the_symbol_grammar():
    assert ocr.corrected("4/35/789") == "A/35/789"  # a series letter, never a digit, opens a symbol
    assert ocr.corrected("s/1h31h") == "S/14314"    # a typewriter's open 4 read as h in its number
    assert ocr.corrected("S/PV.8699") == "S/PV.8699" and ocr.corrected("A/HRC/WG.6/7/ITA/1") == "A/HRC/WG.6/7/ITA/1"
    assert ocr.corrected("4/5") == "4/5" and ocr.corrected("5/12/1990") == "5/12/1990"  # a fraction, a date


def test_a_masthead_date_behind_specks_is_the_date_and_one_behind_words_is_not():
    from pipeline import masthead

    assert masthead._dated("é æ 29 décembre 1980") is not None
    assert masthead._dated("Lettre du 29 décembre 1980") is None


def test_the_word_after_an_elided_article_is_corrected_and_known_words_kept():
    assert ocr.corrected("l'honme") == "l'homme"  # "n" read for "m", after "l'"
    assert ocr.corrected("d'honme,") == "d'homme,"
    assert ocr.corrected("l'Europe") == "l'Europe"
    assert ocr.corrected("Hamon") == "Hamon"  # a name the lexicon does not know: no "m" made of its "n"


def test_a_labels_misread_colon_is_restored_between_aligned_labels():
    lines = ["6) 8 May: Amana", "7) 23 Mays Azmi", "8) 20 Jul: Yasser"]
    fixed = confusions.repaired_pages([page(lines)])[0]
    assert [w.text for w in fixed.words if w.x0 == 130.0] == ["May:", "May:", "Jul:"]
    prose = ["The Mays met:", "and the Mays went", "away then"]  # no labels above and below
    assert [w.text for w in confusions.repaired_pages([page(prose)])[0].words] == " ".join(prose).split()
    last = confusions.repaired_pages([page(lines[:2])])[0]  # no label below it: the list's end, left as read
    assert [w.text for w in last.words if w.x0 == 130.0] == ["May:", "Mays"]
