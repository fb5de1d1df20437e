"""The OCR engine: pages without a text layer, or with a garbled one, read by Tesseract.

Pages are rendered by pypdfium2, their rules and underlines erased (Tesseract misreads
underlined titles), and read by Tesseract 5 through pytesseract. Its words, with their
boxes, become the same :class:`Word` records a text layer gives (PDF points, top-left
origin; the font size from the line height; bold unknown), so that the stages after
extraction run unchanged. The language is decided once per document, before the full
pass: from the text layer when it has one, else from the first page's script (Tesseract's
OSD) and, for Latin script, from that page read with a multi-language model (its job
number's suffix "(E)" first).
"""
from __future__ import annotations

import os
import re
import shutil
import statistics
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from .. import config, lexicon, quality
from ..errors import OcrUnavailable, PdfError
from ..types import OcrReading, Page, TextSource, Word
from . import confusions, reread
from .confusions import known_words, table

if TYPE_CHECKING:
    from PIL.Image import Image

# One thread per Tesseract call: the pipeline's workers already use every core, and
# OpenMP threads fighting over them made a page 7 times slower (4.6 s against 0.7 s).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def fill_pages(path: Path, pages: Sequence[Page], language_hint: str | None = None) -> OcrReading:
    """``pages`` with those that have no text, or whose text layer fails the quality test
    (:mod:`pipeline.quality`), read by OCR instead; a good layer is kept as it is."""
    layer_language = language_hint or quality.page_language([w for p in pages for w in p.words])
    measures = [quality.measure(p.words, layer_language) for p in pages]
    todo = [i for i, (page, q) in enumerate(zip(pages, measures)) if not page.words or quality.is_poor(q)]
    poor = sum(bool(page.words) and quality.is_poor(q) for page, q in zip(pages, measures))
    if pages and poor >= len(pages) * config.OCR_OLD_LAYER_PAGE_SHARE:
        # an old OCR layer throughout: its passing pages come from the same OCR and drop
        # what it could not read (underlined titles, bold symbols)
        todo = list(range(len(pages)))
    known = [q.known_share for q in measures if q.known_share is not None and q.tokens]
    layer_quality = min(known) if known else None
    if not todo:
        return OcrReading(list(pages), "pdf", None, None, 0, layer_quality)
    problem = unavailable()
    if problem:
        return OcrReading(list(pages), "pdf", None, None, 0, layer_quality, problem)
    _extend_time_limit(len(todo) * config.OCR_SECONDS_PER_PAGE)
    images = _Renderer(path)
    try:
        language = layer_language if any(p.words for p in pages) and layer_language else _probe_language(images(todo[0]))
        model = config.TESSERACT_MODELS.get(language or "", "eng")
        out, confidences = list(pages), []
        for i in todo:
            words, confs = read_image(images(i), model, pages[i].width, pages[i].height)
            out[i] = Page(pages[i].number, pages[i].width, pages[i].height, words, pages[i].rules)
            confidences += confs
    finally:
        images.close()
    out = confusions.repaired_pages(one_type_size(out))
    source: TextSource = "ocr" if len(todo) == len(pages) else "mixed"
    mean = sum(confidences) / len(confidences) if confidences else None
    return OcrReading(out, source, mean, language, len(todo), layer_quality)


def one_type_size(pages: list[Page]) -> list[Page]:
    """The OCR pages of one typescript at one body size: each page's usual size (its size
    measured from its letters varies a little with the scan) becomes the document's."""
    usual = {p.number: Counter(w.size for w in p.words if w.ocr).most_common(1)[0][0]
             for p in pages if any(w.ocr for w in p.words)}
    if not usual:
        return pages
    size = _median(list(usual.values()))
    return [replace(p, words=[replace(w, size=size) if w.ocr and w.size == usual[p.number] else w for w in p.words])
            if p.number in usual else p for p in pages]


def unavailable() -> str | None:
    """Why OCR cannot run here (None: it can), as one line that says how to fix it."""
    if shutil.which(config.TESSERACT_CMD) is None:
        return (f"Tesseract not found ({config.TESSERACT_CMD!r}): install it with "
                "`apt-get install tesseract-ocr tesseract-ocr-{eng,fra,spa,rus,ara,chi-sim}` (or run `make run` as root)")
    return None


class _Renderer:
    """Page images of one PDF, grey, at config.OCR_DPI, rules erased."""

    def __init__(self, path: Path):
        import pypdfium2 as pdfium

        try:
            self.pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            raise PdfError(path, f"cannot render pages for OCR ({exc})") from exc

    def __call__(self, index: int) -> Image:
        bitmap = self.pdf[index].render(scale=config.OCR_DPI / 72, grayscale=True)
        return erase_rules(bitmap.to_pil())

    def close(self) -> None:
        self.pdf.close()


def erase_rules(image: Image) -> Image:
    """The image with its long horizontal dark runs (rules, underlines) painted white.
    A pixel counts as dark if it or its neighbour above is: a skewed underline steps
    from one pixel row to the next."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(image.convert("L")).copy()
    dark = pixels < 128
    band = dark.copy()
    band[1:] |= dark[:-1]
    min_run = max(int(pixels.shape[1] * config.OCR_RULE_MIN_WIDTH), 2)
    edges = np.diff(np.pad(band, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    for y in np.nonzero(band.sum(axis=1) >= min_run)[0]:
        starts, ends = np.nonzero(edges[y] == 1)[0], np.nonzero(edges[y] == -1)[0]
        for start, end in zip(starts, ends):
            if end - start >= min_run:
                pixels[max(y - 1, 0):y + 1, start:end] = 255
    return Image.fromarray(pixels)


def read_image(image: Image, model: str, width: float, height: float) -> tuple[list[Word], list[float]]:
    """Tesseract's words on one page image, as Words in PDF points, and their confidences.
    A page is one typescript: its lines take the page's size, unless one is set clearly
    larger (a masthead, a heading)."""
    def read(part: Image, segmentation: int) -> reread.Reading:
        return _tesseract_data(part, model, segmentation)

    data = reread.completed(image, read(image, config.OCR_PAGE_SEGMENTATION), read)
    sx, sy = width / image.width, height / image.height
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, text in enumerate(data["text"]):
        if text.strip() and float(data["conf"][i]) >= 0:
            lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
    estimates = {key: [word_size(data["height"][i] * sy, data["text"][i]) for i in members]
                 for key, members in lines.items()}
    page_size = _median([e for found in estimates.values() for e in found if e])
    words, confidences = [], []
    for key, members in lines.items():
        top = min(data["top"][i] for i in members) * sy
        bottom = max(data["top"][i] + data["height"][i] for i in members) * sy
        own = _median([e for e in estimates[key] if e])
        size = own if own > page_size * config.OCR_LARGER_TYPE_RATIO else page_size
        for i in members:
            text = corrected(data["text"][i].strip().strip("_"))  # "_": an underline's remains
            if not text:
                continue
            x0, x1 = data["left"][i] * sx, (data["left"][i] + data["width"][i]) * sx
            for part, (p0, p1) in split_glued(text, x0, x1):
                words.append(Word(part, p0, p1, top, bottom, size, ocr=True))
                confidences.append(float(data["conf"][i]))
    return words, confidences


def _tesseract_data(image: Image, model: str, segmentation: int) -> reread.Reading:
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = config.TESSERACT_CMD
    try:
        found: reread.Reading = pytesseract.image_to_data(image, lang=model, config=f"--psm {segmentation}",
                                                          output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError as exc:
        raise OcrUnavailable(f"Tesseract could not read a page with model {model!r}: {exc}") from exc
    return found


def _median(values: list[float]) -> float:
    return float(round(statistics.median(values) * 2) / 2) if values else 0.0


ASCENDERS = re.compile(r"[A-Z0-9bdfhiklt'\"()\[\]/!?&%$]")
DESCENDERS = re.compile(r"[gjpqy,;()\[\]]")
# what follows a UN symbol's series letter ("35/789", "23329"), not a fraction or a month's date
SYMBOL_REST = re.compile(r"\d+(?:/[\w.]+)+$|\d{4,}")
MONTH_YEAR = re.compile(r"\d{1,2}/\d{4}$")
SYMBOL_START = re.compile(r"[A-Z]{1,8}/\d")
ELIDED = re.compile(r"(?P<head>[^\W\d_]{1,3}['’])(?P<word>[^\W\d_]{3,})$")  # "l'", "d'", "qu'" and a word


def word_size(height: float, text: str) -> float:
    """The font size a word's box says, by which of its letters rise above the x-height
    and fall below the baseline (0: no letters to tell)."""
    core = text.strip(quality.EDGE_PUNCT) or text
    if not any(c.isalnum() for c in core):
        return 0.0
    key = ("asc" if ASCENDERS.search(core) else "x") + ("_desc" if DESCENDERS.search(core) else "")
    return height / config.OCR_WORD_HEIGHT_PER_POINT[key]


def corrected(text: str) -> str:
    """A word with Tesseract's usual confusions undone ("ORTGTNAL" -> "ORIGINAL",
    "$/23329" -> "S/23329") when the lexicon knows the result and not the word."""
    symbol = _symbol_repaired(text)
    if symbol != text:
        return symbol
    specks = len(text) - len(text.lstrip(table()["specks"]))
    if 0 < specks < len(text) and text[specks].isdigit():
        return text[specks:]  # a speck read as a quote or a tilde before a number
    digits = table()["digits"]
    misread = [c for c in text if not c.isdigit() and c not in "-.,"]
    if sum(c.isdigit() for c in text) >= 4 and len(misread) == 1 and misread[0] in digits:
        return text.replace(misread[0], digits[misread[0]])  # "£0-34705": a job number
    vocab = known_words()
    for read, meant in table()["marks_for_letters"]:
        # a guillemet on a word's wrong side ("t«": it opens, "»n": it closes) is a letter
        wrong_side = text.find(read, 1) if read == "«" else text.rfind(read, 0, len(text) - 1)
        if wrong_side >= 0 and text[wrong_side - 1 if read == "«" else wrong_side + 1].isalpha():
            fixed = text.replace(read, meant)
            if fixed.strip(quality.EDGE_PUNCT).lower() in vocab:
                return fixed
    core = text.strip(quality.EDGE_PUNCT)
    elided = ELIDED.match(core)
    if elided:  # "l'honme": the word after an elided article or pronoun
        return text.replace(core, elided.group("head") + corrected(elided.group("word")))
    if len(core) < 3 or not core.isalnum() or core.isdigit():
        return text
    if core.lower() in vocab:
        return text
    for read, meant in table()["pairs"]:
        fixed = core.replace(read, meant)
        if fixed != core and fixed.lower() in vocab:
            return text.replace(core, fixed)
    return text


def _symbol_repaired(text: str) -> str:
    """A UN symbol read with a digit for its series letter ("4/35/789": the grammar wants a
    letter first) or with letters in its numbers ("S/1h31h"), as the symbol it is."""
    digits = table()["digits"]
    for read, meant in table()["symbol_prefixes"]:
        rest = text[len(read):]
        shape = "".join(digits.get(c, c) for c in rest)
        if text.startswith(read) and rest[:1].isdigit() and SYMBOL_REST.match(shape) and not MONTH_YEAR.match(shape):
            text = str(meant) + rest
            break
    if not SYMBOL_START.match(text):
        return text
    parts = text.split("/")
    for i, part in enumerate(parts[1:], start=1):
        if sum(c.isdigit() for c in part) >= 2 and all(c.isdigit() or c in digits for c in part.rstrip(".,;")):
            parts[i] = "".join(digits.get(c, c) for c in part)
    return "/".join(parts)


def split_glued(text: str, x0: float, x1: float) -> list[tuple[str, tuple[float, float]]]:
    """A word Tesseract read with its neighbour ("PermanentObserver", "ofthe") as the two
    words, boxes shared by their characters: where a capital follows a small letter, or,
    when the lexicon knows both parts and not the whole, where a common short word stands
    at an end beside one of three letters or more."""
    vocab = known_words()
    core = text.strip(quality.EDGE_PUNCT)
    if len(core) < 4 or not core.isalpha() or core.lower() in vocab:
        return [(text, (x0, x1))]
    short = set(table()["glued_short_words"])
    lead = text.index(core)
    for cut in range(2, len(core) - 1):
        left, right = core[:cut], core[cut:]
        if left[-1].islower() and right[0].isupper() and len(left) >= 3 and len(right) >= 3:
            glued = True  # "NaimMuhammed": two names
        else:
            glued = (((left.lower() in short and len(right) >= 3) or (right.lower() in short and len(left) >= 3))
                     and left.lower() in vocab and right.lower() in vocab)
        if glued:
            split = lead + cut
            at = x0 + (x1 - x0) * split / len(text)
            return [(text[:split], (x0, at)), (text[split:], (at, x1))]
    return [(text, (x0, x1))]


def _probe_language(image: Image) -> str | None:
    """The language of a page without a text layer: its script by Tesseract's OSD; for
    Latin script, the page read with a multi-language model, then its job number's
    suffix or its common words."""
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = config.TESSERACT_CMD
    try:
        script = pytesseract.image_to_osd(image, output_type=pytesseract.Output.DICT).get("script", "Latin")
    except pytesseract.TesseractError:  # too little text to tell the script
        script = "Latin"
    if script in config.OCR_SCRIPT_MODELS:
        return config.OCR_SCRIPT_MODELS[script]
    text = pytesseract.image_to_string(image, lang=config.OCR_LATIN_PROBE)
    from ..masthead import JOB_NUMBER

    for match in JOB_NUMBER.finditer(text):
        suffix = lexicon.terms()["job_suffix_language"].get(match.group("suffix") or "")
        if suffix:
            return str(suffix)
    return lexicon.detect_language(text)


def _extend_time_limit(seconds: float) -> None:
    from ..run import extend_time_limit

    extend_time_limit(seconds)
