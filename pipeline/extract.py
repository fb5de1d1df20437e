"""Extract stage: a PDF's text as lines with page, position and font; the UN masthead;
running headers and footers removed.

The pure core works on :class:`Word` records (``lines_from_words``, ``read_masthead``,
``strip_page_furniture``); :func:`extract_pdf` is the thin shell around pdfplumber.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Sequence

from . import config, lexicon
from .errors import PdfError, PipelineError

RTL_CHAR = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
RTL_RUN_KEEP_LTR = re.compile(r"[0-9A-Za-z.,:/%\-]+")
SYMBOL = re.compile(r"\b(?:[A-Z]{1,8}(?:\.\d+)?)(?:/[A-Z0-9][A-Za-z0-9.\-()]*)+(?:\s*\*+)?")
SYMBOL_LINE = re.compile(rf"^\s*(?:{SYMBOL.pattern})(?:\s*[-–]\s*(?:{SYMBOL.pattern}))*\s*$")
JOB_NUMBER = re.compile(r"(?<![\d/])(?P<prefix>(?:[A-Z]{1,3}\.)?)(?P<digits>\d{2}-\d{5})(?:\s*\((?P<suffix>[A-Z])\))?")
BARCODE = re.compile(r"^\*\d{6,}\*$")
PAGE_MARKER = re.compile(r"^(?:-\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*-)?$")
DATE_STAMP = re.compile(r"^\d{6}$")
CONTINUATION = re.compile(r"^/(?:\.\.\.|…)$")
SPACED_SLASH = re.compile(r"(?<=[A-Za-z0-9]) ?/ ?(?=[A-Za-z0-9])")  # "S/ 2016 / 871": a spacing artefact
JOINT_SYMBOL_SEPARATOR = re.compile(r"\s*[-–]\s*(?=[A-Z]{1,8}/)")
FOOTNOTE_REF = re.compile(r"^(?:\d{1,3}|[*†‡§]+|[a-z])(?:[,\s]+(?:\d{1,3}|[a-z]))*,?$")


@dataclass(frozen=True)
class Word:
    """One word as pdfplumber sees it: text, box and font."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    fontname: str = ""

    @property
    def bold(self) -> bool:
        return "bold" in self.fontname.lower() or "black" in self.fontname.lower()

    @property
    def italic(self) -> bool:
        name = self.fontname.lower()
        return "italic" in name or "oblique" in name


@dataclass(frozen=True)
class Line:
    """A line of text on one page, words in reading order."""

    page: int
    words: tuple[Word, ...]
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    italic: bool
    column_gaps: int = 0  # gaps wider than config.TABLE_COLUMN_GAP: a table row's sign
    rtl: bool = False     # right-to-left script: words run from right to left

    def segments(self, min_gap: float) -> list[str]:
        """The line's text split where words stand more than ``min_gap`` apart, in
        reading order."""
        parts = self._split(min_gap)
        if self.rtl:
            parts = [bidi_order(part) for part in reversed(parts)]
        return [join_words([w.text for w in part]) for part in parts]

    def _split(self, min_gap: float) -> list[list[Word]]:
        words = sorted(self.words, key=lambda w: w.x0)
        parts, current = [], [words[0]]
        for prev, word in zip(words, words[1:]):
            if word.x0 - prev.x1 > min_gap:
                parts.append(current)
                current = []
            current.append(word)
        parts.append(current)
        return parts

    @property
    def cells(self) -> list[str]:
        """The line's text split at column gaps (for table rows)."""
        return self.segments(config.TABLE_COLUMN_GAP)


@dataclass(frozen=True)
class Rule:
    """A short horizontal rule drawn on a page (a footnote separator, a table border)."""

    page: int
    x0: float
    x1: float
    top: float


@dataclass
class Masthead:
    """The UN masthead of a document's first page. Unknown fields are None."""

    symbol: str | None = None
    symbols: list[str] = field(default_factory=list)
    organ: str | None = None
    distribution: str | None = None
    date: dt.date | None = None
    language: str | None = None
    original_language: str | None = None
    job_number: str | None = None


@dataclass
class ExtractedDocument:
    """What the extract stage hands to the segmenter."""

    page_count: int
    page_sizes: list[tuple[float, float]]
    lines: list[Line]           # body lines in reading order: masthead, headers, footers removed
    rules: list[Rule]
    masthead: Masthead
    has_text_layer: bool


# --- words to lines -------------------------------------------------------------------

def join_words(words: Sequence[str]) -> str:
    """Words joined with spaces, except next to a CJK character (Chinese text has none)."""
    out = ""
    for word in words:
        if out and not (lexicon.CJK.match(out[-1]) or lexicon.CJK.match(word[0])):
            out += " "
        out += word
    return out


def logical_order(glyphs: Sequence[str]) -> str:
    """A word's glyph texts, given left to right as they stand on the page, in the order
    a reader reads them. Right-to-left script is reversed glyph by glyph, so that a
    ligature's letters ("لأ") keep their order; runs of digits and Latin inside it keep
    theirs. Presentation forms, tatweel and directional marks are folded away."""
    text = "".join(glyphs)
    if RTL_CHAR.search(text):
        runs: list[list[str]] = []
        for glyph in reversed(glyphs):
            ltr = bool(RTL_RUN_KEEP_LTR.fullmatch(glyph))
            if runs and ltr and runs[-1][0] == "ltr":
                runs[-1][1].insert(0, glyph)
            else:
                runs.append(["ltr" if ltr else "rtl", [glyph]])
        text = "".join("".join(run) for _, run in runs)
        return lexicon.TATWEEL_AND_MARKS.sub("", unicodedata.normalize("NFKC", text))
    return text.translate(LIGATURES)


def bidi_order(words: Sequence[Word]) -> list[Word]:
    """Words of a right-to-left line (given left to right) in reading order: reversed,
    except that runs of left-to-right words (a symbol, a number) keep their order.
    Punctuation between two left-to-right words joins their run; elsewhere it flows
    with the line, its marks reversed too ("." ")" left of an Arabic word read ")."). """
    kinds = ["R" if RTL_CHAR.search(w.text) else "L" if re.search(r"[^\W_]", w.text) else "N" for w in words]
    for i, kind in enumerate(kinds):
        if kind == "N":
            before = next((k for k in reversed(kinds[:i]) if k != "N"), "R")
            after = next((k for k in kinds[i + 1:] if k != "N"), "R")
            kinds[i] = "L" if before == after == "L" else "n"
    out: list[Word] = []
    run: list[Word] = []
    for word, kind in zip(reversed(words), reversed(kinds)):
        if kind == "L":
            run.append(word)
            continue
        out += reversed(run)
        run = []
        out.append(replace(word, text=word.text[::-1]) if kind == "n" else word)
    return out + list(reversed(run))


def _is_rtl(words: Sequence[Word]) -> bool:
    rtl = sum(len(RTL_CHAR.findall(w.text)) for w in words)
    return rtl > sum(len(w.text) for w in words) / 2


def _make_line(page: int, words: list[Word]) -> Line:
    sizes = Counter()
    for w in words:
        sizes[round(w.size, 1)] += max(len(w.text), 1)
    size = sizes.most_common(1)[0][0]
    body = [w for w in words if w.size >= size * config.SUPERSCRIPT_RATIO] or words
    words = sorted(words, key=lambda w: w.x0)
    rtl = _is_rtl(words)
    ordered = bidi_order(words) if rtl else words
    gaps = sum(1 for a, b in zip(words, words[1:]) if b.x0 - a.x1 > config.TABLE_COLUMN_GAP)
    chars = sum(len(w.text) for w in body)
    return Line(
        page=page, words=tuple(ordered), text=join_words([w.text for w in ordered]),
        x0=min(w.x0 for w in words), x1=max(w.x1 for w in words),
        top=min(w.top for w in body), bottom=max(w.bottom for w in body), size=size,
        bold=sum(len(w.text) for w in body if w.bold) > chars / 2,
        italic=sum(len(w.text) for w in body if w.italic) > chars / 2,
        column_gaps=gaps, rtl=rtl,
    )


def _superscripts_resolved(words: list[Word]) -> list[Word]:
    """Drop footnote references (small raised digits or marks after text) and glue
    ordinal suffixes ("21st") to their word. A raised mark that opens a line is kept:
    it is the marker of a footnote's own text."""
    if len(words) < 2:
        return words
    words = sorted(words, key=lambda w: w.x0)
    line_size = max(w.size for w in words)
    line_bottom = max(w.bottom for w in words if w.size == line_size)
    out: list[Word] = []
    for word in words:
        raised = word.size < line_size * config.SUPERSCRIPT_RATIO and word.bottom < line_bottom - 1
        if not raised or not out or not (FOOTNOTE_REF.match(word.text) or word.text.isalpha()):
            out.append(word)
        elif word.text.isalpha() and word.text.islower() and out[-1].text[-1:].isdigit():
            prev = out.pop()
            out.append(replace(prev, text=prev.text + word.text, x1=word.x1))
        elif word.text.isalpha() and not word.text.islower():
            out.append(word)  # small capitals, not a reference
        # else: a footnote reference number or mark: dropped from the running text
    return out


def lines_from_words(page: int, words: Iterable[Word]) -> list[Line]:
    """Group a page's words into lines, top to bottom. Superscripts join the line they
    stand on; their references are dropped."""
    tol = config.LINE_MERGE_TOLERANCE
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (round(w.bottom, 1), w.x0)):
        for row in reversed(rows[-4:]):
            if abs(word.bottom - row[-1].bottom) <= tol and abs(word.size - row[-1].size) < 1.5:
                row.append(word)
                break
        else:
            rows.append([word])
    rows.sort(key=lambda row: max(w.bottom for w in row))
    baseline_rows: list[list[Word]] = []  # words of several sizes on one baseline
    for row in rows:
        last = baseline_rows[-1] if baseline_rows else None
        if last and abs(max(w.bottom for w in row) - max(w.bottom for w in last)) <= tol:
            last.extend(row)
        else:
            baseline_rows.append(row)
    rows = baseline_rows
    rows = _merge_small_rows(rows)
    return [_make_line(page, _superscripts_resolved(row)) for row in rows if row]


def _merge_small_rows(rows: list[list[Word]]) -> list[list[Word]]:
    """A row of small words that overlaps a row of bigger ones vertically is superscript
    (or subscript) text of that row."""
    def box(row: list[Word]) -> tuple[float, float, float, float, float]:
        return (min(w.x0 for w in row), max(w.x1 for w in row), min(w.top for w in row),
                max(w.bottom for w in row), max(w.size for w in row))

    boxes = [box(row) for row in rows]
    hosts: dict[int, int] = {}
    for i, (x0, x1, top, bottom, size) in enumerate(boxes):
        if len(rows[i]) > 3:
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(rows) and j not in hosts:
                hx0, hx1, htop, hbottom, hsize = boxes[j]
                if (htop < (top + bottom) / 2 < hbottom and size < hsize * config.SUPERSCRIPT_RATIO
                        and x0 >= hx0 - 12 and x1 <= hx1 + 12):
                    hosts[i] = j
                    break
    for i, j in hosts.items():
        rows[j].extend(rows[i])
    return [row for i, row in enumerate(rows) if i not in hosts]


# --- page furniture -----------------------------------------------------------------

def _strip_recycle(text: str) -> str:
    for phrase in lexicon.terms()["recycle"]:
        text = text.replace(phrase, " ")
    return text


def is_furniture(text: str, symbols: Sequence[str] = ()) -> bool:
    """Whether a header or footer line is page furniture: the symbol, page markers,
    the job number with its dates, the barcode, "Please recycle", "/..."."""
    rest = _strip_recycle(text)
    for symbol in symbols:
        rest = rest.replace(symbol, " ")
    rest = JOB_NUMBER.sub(" ", rest)
    words = lexicon.terms()["page_words"]
    rest = re.sub(r"(?i)(?:^|\s)(?:" + "|".join(re.escape(w) for w in words) + r")\s*\d+(?:\s*页)?", " ", rest)
    tokens = rest.split()
    if not tokens:
        return True
    return all(
        BARCODE.match(t) or PAGE_MARKER.match(t) or DATE_STAMP.match(t) or CONTINUATION.match(t)
        or SYMBOL_LINE.match(t) or t in {"-", "–", "|"}
        for t in tokens)


def _normalized(text: str) -> str:
    return re.sub(r"\d+", "#", text).strip()


def strip_page_furniture(lines: list[Line], page_heights: Sequence[float],
                         symbols: Sequence[str]) -> list[Line]:
    """Remove running headers and footers: lines in the top or bottom band of a page that
    are furniture, or that repeat (digits aside) in that band on several pages."""
    def in_band(line: Line) -> bool:
        height = page_heights[line.page - 1]
        return line.top < height * config.HEADER_BAND or line.bottom > height * (1 - config.FOOTER_BAND)

    band_texts = Counter(_normalized(l.text) for l in lines if in_band(l))
    repeated = {t for t, n in band_texts.items()
                if n >= 3 and n >= len(page_heights) / 2 and len(page_heights) >= 3}
    return [l for l in lines
            if not (in_band(l) and (is_furniture(l.text, symbols) or _normalized(l.text) in repeated))]


# --- masthead -----------------------------------------------------------------------

def _symbols_in(text: str) -> list[str]:
    """Symbols in ``text``, a joint one split ("A/47/60-S/23329"), asterisks dropped."""
    found = [re.sub(r"\s*\*+$", "", m.group(0)).strip() for m in SYMBOL.finditer(text)]
    return [part for symbol in found for part in JOINT_SYMBOL_SEPARATOR.split(symbol)]


def _masthead_symbol_words(words: Sequence[Word]) -> list[str]:
    """Symbols typeset in pieces: a big "A" followed by "/INF/76/1" in a smaller size."""
    return [a.text + b.text
            for a in words if re.fullmatch(r"[A-Z]{1,3}", a.text)
            for b in words if b.text.startswith("/") and 0 <= b.x0 - a.x1 < 1.5
            and b.top < a.bottom and b.bottom > a.top]


def read_masthead(lines: Sequence[Line], first_page_words: Sequence[Word], page_height: float,
                  footer_lines: Sequence[Line]) -> tuple[Masthead, int]:
    """Read the masthead from page 1's top lines. Returns it and how many of ``lines``
    (page 1's, in order) belong to it."""
    t = lexicon.terms()
    head = Masthead()
    last = -1
    symbols: list[str] = []
    organs: list[str] = []
    pending_distribution = False
    segments = [(i, text) for i, line in enumerate(lines) if line.top <= page_height * config.MASTHEAD_BAND
                for text in line.segments(config.MASTHEAD_COLUMN_GAP)]
    for i, text in segments:
        line = lines[i]
        text = SPACED_SLASH.sub("/", text.strip())
        folded = lexicon.fold(text)
        if SYMBOL_LINE.match(text):
            symbols += _symbols_in(text)
            last = i
        elif folded.startswith(tuple(t["distribution_markers"])):
            head.distribution = _distribution(folded)
            pending_distribution = head.distribution is None
            last = i
        elif pending_distribution and _distribution(folded):
            head.distribution = _distribution(folded)
            pending_distribution = False
            last = i
        elif folded.startswith(lexicon.folded(t["original_markers"])):
            named = re.split(r"[:：]", text, 1)[-1]
            head.original_language = next(
                (code for part in re.split(r"[/,;]| and | et | y ", named) if (code := lexicon.language_from_name(part))), None)
            last = i
        elif head.date is None and (hit := lexicon.find_date(text)) and hit[1] == 0 and hit[2] >= len(text) - 1:
            head.date = hit[0]
            last = i
        elif lexicon.language_from_name(text) and len(text) < 30:
            head.language = lexicon.language_from_name(text)
            last = i
        elif folded in lexicon.folded(t["organs"]):
            organs.append(text)
            last = i
        elif folded in t["united_nations"] or _doubled(folded) in t["united_nations"]:
            last = i
        elif len(text) <= 3 and line.size >= 14:  # the big series letter of a split symbol
            last = i
    symbols = _unique(_masthead_symbol_words(first_page_words) + symbols)
    head.symbols = symbols
    head.symbol = symbols[0] if symbols else None
    head.organ = "; ".join(_unique(organs)) or None
    for line in footer_lines:
        m = JOB_NUMBER.search(line.text)
        if m:
            head.job_number = m.group("prefix") + m.group("digits")
            suffix_language = t["job_suffix_language"].get(m.group("suffix") or "")
            head.language = suffix_language or head.language
            break
    return head, last + 1


def _doubled(text: str) -> str:
    """Undo faux-bold text drawn twice ("UUNNIITTEEDD" -> "united")."""
    return "".join(text[i] for i in range(0, len(text), 2)) if len(text) % 2 == 0 and all(
        text[i] == text[i + 1] for i in range(0, len(text) - 1, 2) if text[i] != " ") else text


def _distribution(folded: str) -> str | None:
    for value, words in lexicon.terms()["distribution_values"].items():
        if any(re.search(rf"(?<!\w){re.escape(lexicon.fold(w))}(?!\w)", folded) for w in words):
            return value
    return None


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --- the I/O shell --------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Char:
    """One glyph of a page: text, box and font (top-left origin, as pdfplumber)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    fontname: str


LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "ft", "ﬆ": "st"})


def words_from_chars(chars: Sequence[Char], x_tolerance: float = config.DEFAULT_X_TOLERANCE,
                     y_tolerance: float = config.DEFAULT_Y_TOLERANCE) -> list[Word]:
    """Group a page's chars into words, as pdfplumber's ``extract_words`` does with
    ``extra_attrs=["size", "fontname"]``: rows of chars whose tops are within
    ``y_tolerance``, split at spaces, gaps wider than ``x_tolerance`` and font changes.
    Chars drawn twice at one place (faux bold) count once."""
    seen: set[tuple[str, int, int]] = set()
    unique = []
    for char in chars:
        key = (char.text, round(char.x0), round(char.top))
        if char.size < config.MIN_GLYPH_SIZE:
            continue  # invisible helper text; it would chain unrelated lines together
        if key not in seen:
            seen.add(key)
            unique.append(char)
    rows: list[list[Char]] = []
    row_top = None
    for char in sorted(unique, key=lambda c: c.top):
        if row_top is None or char.top - row_top > y_tolerance:
            rows.append([])
        row_top = char.top
        rows[-1].append(char)
    words: list[Word] = []
    for row in rows:
        current: list[Char] = []
        for char in sorted(row, key=lambda c: (c.x0, c.x1)):
            if current and (char.x0 - current[-1].x1 > x_tolerance or char.size != current[-1].size
                            or char.fontname != current[-1].fontname):
                words.append(_word(current))
                current = []
            if char.text.isspace():
                if current and char.size >= current[-1].size / 2:
                    words.append(_word(current))
                    current = []
                continue
            current.append(char)
        if current:
            words.append(_word(current))
    return [w for w in words if w.text]  # a lone tatweel or mark reads as nothing


def _word(chars: list[Char]) -> Word:
    text = logical_order([c.text for c in chars])  # chars come sorted left to right
    return Word(text, chars[0].x0, max(c.x1 for c in chars), min(c.top for c in chars),
                max(c.bottom for c in chars), float(chars[0].size), chars[0].fontname)


def page_contents(page) -> tuple[list[Char], list[tuple[float, float, float, float]]]:
    """A pdfplumber page's chars and line/rectangle boxes. The page's content stream is
    run through pdfminer with pdfplumber's document and resource manager, as
    ``page.layout`` does, but each glyph becomes a ``Char`` at once: pdfminer's layout
    objects and pdfplumber's per-char dicts (colours, marked content, …) are most of the
    cost of reading a page, and nothing here uses them."""
    from pdfminer.layout import LTContainer, LTLine, LTRect
    from pdfminer.pdfinterp import PDFPageInterpreter

    device = _glyph_device()(page.pdf.rsrcmgr, pageno=page.page_number)
    PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    height = float(page.height)
    mb_x0, mb_top = float(page.mediabox[0]), float(page.mediabox[1])

    def flipped(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        """pdfminer's bottom-left box to pdfplumber's top-left one (x0, top, x1, bottom)."""
        return x0 + mb_x0, height - y1 + mb_top, x1 + mb_x0, height - y0 + mb_top

    chars, rotated = [], []
    for text, x0, y0, x1, y1, size, fontname, upright in device.glyphs:
        left, top, right, bottom = flipped(x0, y0, x1, y1)
        (chars if upright else rotated).append(Char(text, left, right, top, bottom, round(size, 2), fontname))
    boxes = []
    stack = list(reversed(device.get_result()._objs))
    while stack:
        obj = stack.pop()
        if isinstance(obj, (LTLine, LTRect)):
            boxes.append(flipped(obj.x0, obj.y0, obj.x1, obj.y1))
        elif isinstance(obj, LTContainer):
            stack.extend(reversed(obj._objs))
    # rotated glyphs are margin labels, unless the whole page is set that way
    return (chars if len(chars) >= len(rotated) else chars + rotated), boxes


@functools.lru_cache(maxsize=1)
def _glyph_device() -> type:
    """A pdfminer page aggregator that keeps glyphs as tuples (text, x0, y0, x1, y1, size,
    fontname, upright) with the geometry of pdfminer's ``LTChar``, and skips images."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdffont import PDFUnicodeNotDefined

    class GlyphDevice(PDFPageAggregator):
        def begin_page(self, page, ctm) -> None:
            super().begin_page(page, ctm)
            self.glyphs: list[tuple] = []

        def render_image(self, name, stream) -> None:
            pass

        def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate) -> float:
            try:
                text = font.to_unichr(cid)
            except PDFUnicodeNotDefined:
                text = self.handle_undefined_char(font, cid)
            adv = font.char_width(cid) * fontsize * scaling
            if font.is_vertical():
                vx, vy = font.char_disp(cid)
                vx = fontsize * 0.5 if vx is None else vx * fontsize * 0.001
                vy = (1000 - vy) * fontsize * 0.001
                (lx, ly), (ux, uy) = (-vx, vy + rise + adv), (-vx + fontsize, vy + rise)
            else:
                descent = font.get_descent() * fontsize
                (lx, ly), (ux, uy) = (0, descent + rise), (adv, descent + rise + fontsize)
            a, b, c, d, e, f = matrix
            x0, y0 = a * lx + c * ly + e, b * lx + d * ly + f
            x1, y1 = a * ux + c * uy + e, b * ux + d * uy + f
            x0, x1 = (x1, x0) if x1 < x0 else (x0, x1)
            y0, y1 = (y1, y0) if y1 < y0 else (y0, y1)
            if text:
                size = x1 - x0 if font.is_vertical() else y1 - y0
                self.glyphs.append((text, x0, y0, x1, y1, size, _font_name(font.fontname),
                                    0 < a * d * scaling and b * c <= 0))
            return adv

    return GlyphDevice


def _font_name(name) -> str:
    return name.decode("latin-1") if isinstance(name, bytes) else str(name)


def page_rules(number: int, boxes, page_width: float) -> list[Rule]:
    """Short horizontal rules: drawn lines, or rectangles thin enough to be lines."""
    return [Rule(number, x0, x1, top) for x0, top, x1, bottom in boxes
            if abs(bottom - top) <= 1.5 and 20 <= x1 - x0 <= page_width / 2.5]


def open_pdf(path: Path):
    """Open a PDF with pdfplumber, turning every way it can fail into a PdfError."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect, PDFEncryptionError
    from pdfminer.pdfparser import PDFSyntaxError

    path = Path(path)
    if not path.exists():
        raise PdfError(path, "file not found")
    if path.stat().st_size == 0:
        raise PdfError(path, "empty file (0 bytes)")
    with open(path, "rb") as fh:
        if b"%PDF" not in fh.read(1024):
            raise PdfError(path, "not a PDF (no %PDF header)")
    try:
        pdf = pdfplumber.open(path)
        _ = len(pdf.pages)
        return pdf
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise PdfError(path, f"encrypted PDF ({type(exc).__name__})") from exc
    except PDFSyntaxError as exc:
        raise PdfError(path, f"damaged PDF ({exc})") from exc
    except PipelineError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types on broken files
        raise PdfError(path, f"unreadable PDF ({type(exc).__name__}: {exc})") from exc


def extract_pdf(path: Path) -> ExtractedDocument:
    """Read a PDF into lines, masthead and rules (raises PdfError when it cannot)."""
    pdf = open_pdf(path)
    try:
        pages_words, sizes, rules = [], [], []
        for number, page in enumerate(pdf.pages, start=1):
            sizes.append((float(page.width), float(page.height)))
            chars, boxes = page_contents(page)
            pages_words.append(words_from_chars(chars))
            rules += page_rules(number, boxes, float(page.width))
            page.flush_cache()
    except PipelineError:  # a timeout, or a PdfError already
        raise
    except Exception as exc:
        raise PdfError(path, f"unreadable page ({type(exc).__name__}: {exc})") from exc
    finally:
        pdf.close()
    return assemble(pages_words, sizes, rules)


def assemble(pages_words: Sequence[Sequence[Word]], sizes: Sequence[tuple[float, float]],
             rules: Sequence[Rule] = ()) -> ExtractedDocument:
    """The pure core of extraction: per-page words to body lines and masthead."""
    n_chars = sum(len(w.text) for words in pages_words for w in words)
    if n_chars < config.MIN_CHARS_FOR_TEXT_LAYER:
        return ExtractedDocument(len(sizes), list(sizes), [], list(rules), Masthead(), False)
    heights = [h for _, h in sizes]
    pages = [lines_from_words(n, words) for n, words in enumerate(pages_words, start=1)]
    first = pages[0] if pages else []
    footers = [l for lines in pages for l in lines if l.bottom > heights[l.page - 1] * (1 - config.FOOTER_BAND)]
    masthead, n_head = read_masthead(first, pages_words[0] if pages_words else [], heights[0] if heights else 0, footers)
    if masthead.language is None:
        body_text = " ".join(l.text for lines in pages for l in lines[:60])
        masthead.language = lexicon.detect_language(body_text)
    lines = [l for lines in pages for l in lines]
    lines = lines[n_head:]
    lines = strip_page_furniture(lines, heights, masthead.symbols)
    return ExtractedDocument(len(sizes), list(sizes), lines, list(rules), masthead, True)


def body_size(lines: Sequence[Line]) -> float:
    """The font size most of the text is set in."""
    sizes = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0

