"""Second readings of a page image (pipeline.engines.reread): ink the page pass left
unread between a line's words, and doubtful words read alone. Tesseract is replaced by a
fake reader that answers from a script, so the rules are tested on their own."""
from __future__ import annotations

from typing import Any

from PIL import Image, ImageDraw

from pipeline import config
from pipeline.engines import reread

KEYS = ("text", "conf", "left", "top", "width", "height", "block_num", "par_num", "line_num")


def reading(*words: tuple[str, float, int, int, int, int]) -> reread.Reading:
    """A Tesseract reading: (text, confidence, left, top, width, height), a line each."""
    data: dict[str, list[Any]] = {key: [] for key in KEYS}
    for n, (text, conf, left, top, width, height) in enumerate(words, start=1):
        for key, value in zip(KEYS, (text, conf, left, top, width, height, n, 1, 1)):
            data[key].append(value)
    return data


def page_with_ink(*boxes: tuple[int, int, int, int]) -> Image.Image:
    """A white page with black rectangles where ink is (left, top, right, bottom)."""
    image = Image.new("L", (1000, 400), 255)
    draw = ImageDraw.Draw(image)
    for box in boxes:
        draw.rectangle(box, fill=0)
    return image


class Reader:
    """Answers each call with the next scripted reading, and keeps the images it was shown."""

    def __init__(self, *answers: reread.Reading):
        self.answers, self.images = list(answers), []

    def __call__(self, image: Image.Image, segmentation: int) -> reread.Reading:
        self.images.append(image)
        return self.answers.pop(0) if self.answers else reading()


LINE = [("136)", 95.0, 100, 100, 60, 30), ("Oct:", 95.0, 300, 100, 60, 30), ("Rasmiyah", 95.0, 400, 100, 150, 30)]


def test_a_number_the_page_pass_dropped_between_two_words_of_a_line_is_added():
    image = page_with_ink(*[(l, t, l + w, t + h) for _, _, l, t, w, h in LINE], (180, 100, 280, 130))  # heavier than a word: read again
    found = reading(("28", 96.0, 200, 100, 40, 30),
                    ("|", 96.0, 5, 100, 5, 30),  # no letter or digit: a scan's edge
                    ("8", 60.0, 250, 100, 20, 30),  # unsure
                    ("AS", 96.0, 200, 200, 80, 90),  # beside no line, and too tall: an emblem
                    ("4", 96.0, 950, 100, 20, 30))  # right of the line's last word: not between two
    read = Reader(found)
    out = reread.completed(image, reading(*LINE), read)
    assert out["text"] == ["136)", "Oct:", "Rasmiyah", "28"]
    assert len(set(zip(out["block_num"], out["par_num"], out["line_num"]))) == 4  # a line of its own
    shown = read.images[0]
    assert shown.getpixel((120, 115)) == 255 and shown.getpixel((220, 115)) == 0  # the pass's words painted out


def test_without_unread_ink_no_second_pass_is_read():
    image = page_with_ink(*[(l, t, l + w, t + h) for _, _, l, t, w, h in LINE], (600, 300, 602, 302))  # a speck
    read = Reader(reading(("28", 96.0, 200, 100, 40, 30)))
    assert reread.completed(image, reading(*LINE), read)["text"] == ["136)", "Oct:", "Rasmiyah"] and not read.images


def test_a_doubtful_word_takes_a_surer_second_reading_and_keeps_a_sure_first_one():
    words = [("Les", 61.0, 100, 100, 60, 30), ("Travaux", 95.0, 200, 100, 120, 30), ("(Hebron)", 30.0, 400, 100, 150, 30),
             ("A/47/60", 54.0, 600, 100, 150, 30)]
    image = page_with_ink(*[(l, t, l + w, t + h) for _, _, l, t, w, h in words])
    margin = int(30 * config.OCR_REREAD_MARGIN)
    gap = 30  # the usual word height: the sheet's gaps
    # the sheet stacks the doubtful words' crops: "Les" first, "(Hebron)" below it
    second = reading(('"Les', 95.0, gap + margin, gap + margin, 60, 30),
                     ("(Hebron}", 90.0, gap + margin, gap + 2 * margin + 30 + gap + margin, 150, 30),
                     ("47/60", 96.0, gap + margin, gap + 2 * (2 * margin + 30 + gap) + margin, 150, 30))
    read = Reader(second)
    out = reread.completed(image, reading(*words), read)
    # a bracket pair is not broken, nor a part dropped, for a surer reading
    assert out["text"] == ['"Les', "Travaux", "(Hebron)", "A/47/60"]
    assert read.images[0].height == gap + 3 * (30 + 2 * margin + gap)  # one sheet: every crop, one call


def test_a_second_reading_not_surer_by_the_gain_is_not_taken():
    words = [("L'Amnistie", 55.0, 100, 100, 200, 30)]
    margin = int(30 * config.OCR_REREAD_MARGIN)
    read = Reader(reading(("ML'amistie", 55.0 + config.OCR_REREAD_GAIN - 1, 30 + margin, 30 + margin, 200, 30)))
    assert reread.completed(page_with_ink((100, 100, 300, 130)), reading(*words), read)["text"] == ["L'Amnistie"]
