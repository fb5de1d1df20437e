"""Second readings of a page image, where Tesseract's page pass left ink unread (a thin
column of day numbers between a list's markers and its text) or read a word with little
confidence (a thin quotation mark lost, "L'Europe‘" for "l'Europe""): those parts are
read again, each set in one more Tesseract call on an image of their own.

Readings are pytesseract's ``image_to_data`` dicts (lists by key: ``text``, ``conf``,
``left``, ``top``, ``width``, ``height``, ``block_num``, ``par_num``, ``line_num``).
"""
from __future__ import annotations

import statistics
from typing import TYPE_CHECKING, Any, Callable

from .. import config

if TYPE_CHECKING:
    from PIL.Image import Image

Reading = dict[str, list[Any]]
Reader = Callable[["Image", int], Reading]  # an image and a page segmentation mode -> a reading
DARK = 128  # grey levels below this are ink
BRACKETS = {"(": ")", "[": "]", "{": "}"}


def completed(image: Image, data: Reading, read: Reader) -> Reading:
    """``data`` with its doubtful words replaced by surer second readings, and the words
    of ink it left unread beside its lines added (as lines of their own)."""
    words = _word_indexes(data)
    if not words:
        return data
    out = _doubts_reread(image, data, words, read)
    return _unread_added(image, out, words, read)


def _word_indexes(data: Reading) -> list[int]:
    return [i for i, text in enumerate(data["text"]) if str(text).strip() and float(data["conf"][i]) >= 0]


def _box(data: Reading, i: int) -> tuple[int, int, int, int]:
    """Left, top, right, bottom of entry ``i``, in pixels."""
    left, top = int(data["left"][i]), int(data["top"][i])
    return left, top, left + int(data["width"][i]), top + int(data["height"][i])


def _doubts_reread(image: Image, data: Reading, words: list[int], read: Reader) -> Reading:
    """Words read with a confidence below config.OCR_DOUBTFUL_CONFIDENCE read again, each
    alone with a margin of white around it (a neighbour's shapes no longer pull the reading
    off), all in one image of stacked crops read as one block; a reading replaces the first
    when Tesseract is surer of it by config.OCR_REREAD_GAIN, and it neither drops characters
    ("47/60" for "A/47/60": the crop lost a part) nor breaks a bracket pair."""
    from PIL import Image as PILImage

    doubtful = [i for i in words if float(data["conf"][i]) < config.OCR_DOUBTFUL_CONFIDENCE
                and sum(c.isalnum() for c in str(data["text"][i])) >= 2]
    if not doubtful:
        return data
    heights = [int(data["height"][i]) for i in words]
    gap = max(int(statistics.median(heights)), 1)
    crops, tops, offsets, y = [], [], [], gap
    for i in doubtful:
        left, top, right, bottom = _box(data, i)
        margin = int((bottom - top) * config.OCR_REREAD_MARGIN)
        crop = image.crop((left - margin, top - margin, right + margin, bottom + margin)).convert("L")
        crops.append(crop)
        tops.append(y)
        offsets.append((gap + margin, y + margin, right - left, bottom - top))  # the word's box on the sheet
        y += crop.height + gap
    sheet = PILImage.new("L", (max(c.width for c in crops) + 2 * gap, y), 255)
    for crop, top in zip(crops, tops):
        sheet.paste(crop, (gap, top))
    again = read(sheet, config.OCR_REREAD_SEGMENTATION)
    found = _word_indexes(again)
    out = {key: list(values) for key, values in data.items()}
    for i, (x0, y0, width, height) in zip(doubtful, offsets):
        best = _best_overlap(again, found, (x0, y0, x0 + width, y0 + height))
        if best is not None and float(again["conf"][best]) >= float(data["conf"][i]) + config.OCR_REREAD_GAIN \
                and _unpaired(str(again["text"][best])) <= _unpaired(str(data["text"][i])) \
                and len(str(again["text"][best])) >= len(str(data["text"][i])):
            out["text"][i], out["conf"][i] = again["text"][best], again["conf"][best]
    return out


def _unpaired(text: str) -> int:
    """How many of a word's brackets have no partner ("(Hebron}": 2); a second reading
    must not break a pair the first read."""
    stack: list[str] = []
    unpaired = 0
    for c in text:
        if c in BRACKETS:
            stack.append(BRACKETS[c])
        elif c in BRACKETS.values():
            if stack and stack[-1] == c:
                stack.pop()
            else:
                unpaired += 1
    return unpaired + len(stack)


def _best_overlap(data: Reading, words: list[int], box: tuple[int, int, int, int]) -> int | None:
    """The word of ``data`` that covers most of ``box`` (None: none covers half of it)."""
    def shared(i: int) -> int:
        left, top, right, bottom = _box(data, i)
        return max(0, min(right, box[2]) - max(left, box[0])) * max(0, min(bottom, box[3]) - max(top, box[1]))

    best = max(words, key=shared, default=None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    return best if best is not None and shared(best) * 2 >= area else None


def _unread_added(image: Image, data: Reading, words: list[int], read: Reader) -> Reading:
    """The words of ink the page pass did not read between two words of one of its lines:
    its words painted out, the rest read as one block (Tesseract's line finding drops a
    thin column of short numbers between wider ones), each found word kept when it is sure
    and as tall as the page's words (a scan's dark edge, a stamp or an emblem is not set
    between the words of a line). Skipped when the ink left is less than a word's."""
    import numpy as np
    from PIL import Image as PILImage

    pixels = np.asarray(image.convert("L")).copy()
    usual = statistics.median(int(data["height"][i]) for i in words)
    pad = max(int(usual * config.OCR_UNREAD_PAD), 1)
    boxes = [_box(data, i) for i in words]
    ink = [int((pixels[top:bottom, left:right] < DARK).sum()) for left, top, right, bottom in boxes]
    for left, top, right, bottom in boxes:
        pixels[max(top - pad, 0):bottom + pad, max(left - pad, 0):right + pad] = 255
    if int((pixels < DARK).sum()) < statistics.median(ink):
        return data
    again = read(PILImage.fromarray(pixels), config.OCR_REREAD_SEGMENTATION)
    out = {key: list(values) for key, values in data.items()}
    block = max((int(b) for b in data["block_num"]), default=0) + 1
    for n, i in enumerate(_word_indexes(again)):
        left, top, right, bottom = box = _box(again, i)
        sure = float(again["conf"][i]) >= config.OCR_UNREAD_MIN_CONFIDENCE and any(c.isalnum() for c in str(again["text"][i]))
        tall = config.OCR_UNREAD_HEIGHTS[0] <= (bottom - top) / usual <= config.OCR_UNREAD_HEIGHTS[1]
        if sure and tall and _between_words(box, boxes):
            for key in out:
                out[key].append(again[key][i] if key in again else 0)
            out["block_num"][-1], out["par_num"][-1], out["line_num"][-1] = block + n, 1, 1
    return out


def _between_words(box: tuple[int, int, int, int], boxes: list[tuple[int, int, int, int]]) -> bool:
    """Whether ``box`` stands in a line of ``boxes`` with one of them on each side."""
    left, top, right, bottom = box
    row = [b for b in boxes if (min(bottom, b[3]) - max(top, b[1])) * 2 >= bottom - top]
    return any(b[2] <= left for b in row) and any(b[0] >= right for b in row)
