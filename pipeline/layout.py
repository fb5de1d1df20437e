"""Page layout: glyphs to words, words to lines (superscripts resolved), and the
measures of a document's type (body size)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Iterable, Sequence

from . import config
from .columns import column_regions
from .scripts import RTL_CHAR, is_rtl, bidi_order, join_words, logical_order
from .types import Char, Line, Page, Rule, Word, font_style

FOOTNOTE_REF = re.compile(r"^(?:\d{1,3}|[*†‡§]+|[a-z])(?:[,\s]+(?:\d{1,3}|[a-z]))*,?$")


def page_of(number: int, width: float, height: float, chars: Sequence[Char], rules: list[Rule]) -> Page:
    """An engine's page: its chars grouped into words, and its glyphs without Unicode
    counted (kashida aside)."""
    return Page(number, width, height, words_from_chars(chars), rules, unmapped_glyphs(chars))


def unmapped_glyphs(chars: Sequence[Char]) -> int:
    """Glyphs without Unicode (they read as nothing) that are not kashida: a kashida
    stretches a justified Arabic word, so it stands between two Arabic letters."""
    if all(c.text for c in chars):
        return 0
    rows: dict[int, list[Char]] = {}
    for char in chars:
        rows.setdefault(round(char.bottom), []).append(char)
    count = 0
    for row in rows.values():
        row.sort(key=lambda c: c.x0)
        texts = [c.text for c in row]
        for i, text in enumerate(texts):
            if text:
                continue
            before = next((t for t in reversed(texts[:i]) if t), "")
            after = next((t for t in texts[i + 1:] if t), "")
            if not (RTL_CHAR.match(before[-1:]) and RTL_CHAR.match(after[:1])):
                count += 1
    return count


def words_from_chars(chars: Sequence[Char], x_tolerance: float = config.DEFAULT_X_TOLERANCE,
                     y_tolerance: float = config.DEFAULT_Y_TOLERANCE) -> list[Word]:
    """Group a page's chars into words, as pdfplumber's ``extract_words`` does with
    ``extra_attrs=["size", "fontname"]``: rows of chars whose tops are within
    ``y_tolerance``, split at spaces, gaps wider than ``x_tolerance`` and font changes.
    Chars drawn twice at about one place (faux bold) count once."""
    visible = sorted((c for c in chars if c.size >= config.MIN_GLYPH_SIZE), key=_top)  # smaller ones are
    # invisible helper text that would chain unrelated lines together
    rows: list[list[Char]] = []
    row_top = None
    for char in visible:
        if row_top is None or char.top - row_top > y_tolerance:
            rows.append([])
        row_top = char.top
        rows[-1].append(char)
    words: list[Word] = []
    shift = config.FAUX_BOLD_SHIFT
    for row in rows:
        row.sort(key=_left_right)
        current: list[Char] = []
        kept: list[Char] = []
        for char in row:
            # most chars stand clear of the last kept one: no need to look further back
            if kept and kept[-1].x0 >= char.x0 - shift * (char.x1 - char.x0) and _overprinted(char, kept, y_tolerance):
                continue
            kept.append(char)
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


def _top(char: Char) -> float:
    return char.top


def _left_right(char: Char) -> tuple[float, float]:
    return char.x0, char.x1


def _overprinted(char: Char, kept: list[Char], y_tolerance: float) -> bool:
    """Whether ``char`` repeats one of the row's chars left of it (``kept``, left to right)
    shifted by less than a fraction of its width: faux bold, a glyph drawn twice."""
    reach = char.x0 - config.FAUX_BOLD_SHIFT * (char.x1 - char.x0)
    for other in reversed(kept):
        if other.x0 < reach:
            return False
        if other.text == char.text and abs(other.top - char.top) <= y_tolerance:
            return True
    return False


def _word(chars: list[Char]) -> Word:
    return word_of([c.text for c in chars], chars[0].x0, max(c.x1 for c in chars), min(c.top for c in chars),
                   max(c.bottom for c in chars), float(chars[0].size), chars[0].fontname)


def word_of(glyphs: list[str], x0: float, x1: float, top: float, bottom: float, size: float, fontname: str) -> Word:
    """A word of ``glyphs`` (their texts, left to right as on the page) and its box."""
    return Word(logical_order(glyphs), x0, x1, top, bottom, size, fontname)


def make_line(page: int, words: list[Word]) -> Line:
    """A line of ``words`` (one baseline): text in reading order, box, size and style."""
    exact: dict[float, int] = {}  # letters per size; a word without any counts one
    for w in words:
        exact[w.size] = exact.get(w.size, 0) + (len(w.text) or 1)
    sizes: dict[float, int] = {}  # per size to a tenth of a point, in order of first use
    for key, letters in exact.items():
        key = round(key, 1)
        sizes[key] = sizes.get(key, 0) + letters
    size = max(sizes, key=sizes.__getitem__)  # the first of the most frequent, as Counter.most_common
    least = size * config.SUPERSCRIPT_RATIO
    body = [w for w in words if w.size >= least] or words
    words = sorted(words, key=_left)
    rtl = is_rtl(words)
    ordered = bidi_order(words) if rtl else words
    ocr = any(w.ocr for w in words)
    gap = column_gap(size, ocr)
    gaps = 0
    x1 = previous_x1 = words[0].x1
    for w in words:
        if w.x0 - previous_x1 > gap:
            gaps += 1
        previous_x1 = w.x1
        if previous_x1 > x1:
            x1 = previous_x1
    chars = bold = italic = 0
    top, bottom = body[0].top, body[0].bottom
    for w in body:
        n = len(w.text)
        chars += n
        is_bold, is_italic = font_style(w.fontname)
        if is_bold:
            bold += n
        if is_italic:
            italic += n
        if w.top < top:
            top = w.top
        if w.bottom > bottom:
            bottom = w.bottom
    return Line(
        page=page, words=tuple(ordered), text=join_words([w.text for w in ordered]),
        x0=words[0].x0, x1=x1, top=top, bottom=bottom, size=size,
        bold=bold > chars / 2, italic=italic > chars / 2, column_gaps=gaps, rtl=rtl, ocr=ocr,
    )


def _left(word: Word) -> float:
    return word.x0


def column_gap(size: float, ocr: bool) -> float:
    """The space between two words of a line that parts two columns: a typescript's
    double space after a sentence is wider than a typeset one, so OCR lines measure it
    in their type size."""
    return size * config.OCR_COLUMN_GAP_EMS if ocr else config.TABLE_COLUMN_GAP


def _superscripts_resolved(words: list[Word]) -> list[Word]:
    """Drop footnote references (small raised digits or marks after text) and glue
    ordinal suffixes ("21st") to their word. A raised mark that opens a line is kept:
    it is the marker of a footnote's own text."""
    if len(words) < 2:
        return words
    words = sorted(words, key=_left)
    line_size = max([w.size for w in words])
    least = line_size * config.SUPERSCRIPT_RATIO
    if all(w.size >= least for w in words):
        return words  # nothing raised: the common case
    line_bottom = max([w.bottom for w in words if w.size == line_size])
    out: list[Word] = []
    for word in words:
        raised = word.size < least and word.bottom < line_bottom - 1
        if not raised or not out or not (FOOTNOTE_REF.match(word.text) or word.text.isalpha()):
            out.append(word)
        elif word.text.isalpha() and word.text.islower() and out[-1].text[-1:].isdigit():
            prev = out.pop()
            out.append(replace(prev, text=prev.text + word.text, x1=word.x1))
        elif word.text.isalpha() and not word.text.islower():
            out.append(word)  # small capitals, not a reference
        # else: a footnote reference number or mark: dropped from the running text
    return out


def page_lines(page: int, words: Sequence[Word]) -> list[Line]:
    """A page's lines in reading order: column by column where the page is set in
    columns (:mod:`pipeline.columns`), each line told its column."""
    regions = column_regions(words, rtl=is_rtl(words))
    if len(regions) == 1:
        return lines_from_words(page, regions[0].words)
    return [replace(line, column=region.column, columns=region.columns)
            for region in regions for line in lines_from_words(page, region.words)]


def lines_from_words(page: int, words: Iterable[Word]) -> list[Line]:
    """Group a page's words into lines, top to bottom. Superscripts join the line they
    stand on; their references are dropped."""
    tol = config.LINE_MERGE_TOLERANCE
    rows: list[list[Word]] = []
    for word in sorted(words, key=_row_order):
        for row in reversed(rows[-4:]):
            last = row[-1]
            if abs(word.bottom - last.bottom) <= tol and abs(word.size - last.size) < 1.5:
                row.append(word)
                break
        else:
            rows.append([word])
    lows = [max([w.bottom for w in row]) for row in rows]
    baseline_rows: list[list[Word]] = []  # words of several sizes on one baseline
    baseline_low = 0.0
    for i in sorted(range(len(rows)), key=lows.__getitem__):
        if baseline_rows and abs(lows[i] - baseline_low) <= tol:
            baseline_rows[-1].extend(rows[i])
            baseline_low = max(baseline_low, lows[i])
        else:
            baseline_rows.append(rows[i])
            baseline_low = lows[i]
    return [make_line(page, _superscripts_resolved(row)) for row in _merge_small_rows(baseline_rows) if row]


def _row_order(word: Word) -> tuple[float, float]:
    return round(word.bottom, 1), word.x0


def _merge_small_rows(rows: list[list[Word]]) -> list[list[Word]]:
    """A row of small words that overlaps a row of bigger ones vertically is superscript
    (or subscript) text of that row."""
    boxes = [_row_box(row) for row in rows]
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
    if not hosts:
        return rows
    for i, j in hosts.items():
        rows[j].extend(rows[i])
    return [row for i, row in enumerate(rows) if i not in hosts]


def _row_box(row: list[Word]) -> tuple[float, float, float, float, float]:
    """A row's left, right, top, bottom and largest size."""
    first = row[0]
    x0, x1, top, bottom, size = first.x0, first.x1, first.top, first.bottom, first.size
    for w in row:
        if w.x0 < x0:
            x0 = w.x0
        if w.x1 > x1:
            x1 = w.x1
        if w.top < top:
            top = w.top
        if w.bottom > bottom:
            bottom = w.bottom
        if w.size > size:
            size = w.size
    return x0, x1, top, bottom, size


def body_size(lines: Sequence[Line]) -> float:
    """The font size most of the text is set in."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def line_segments(line: Line, min_gap: float) -> list[str]:
    """The line's text split where words stand more than ``min_gap`` apart, in reading
    order."""
    words = sorted(line.words, key=_left)
    parts: list[list[Word]] = [[words[0]]]
    for prev, word in zip(words, words[1:]):
        if word.x0 - prev.x1 > min_gap:
            parts.append([])
        parts[-1].append(word)
    if line.rtl:
        parts = [bidi_order(part) for part in reversed(parts)]
    return [join_words([w.text for w in part]) for part in parts]


DOT_LEADER = re.compile(r"\s*(?:\.\s*){4,}")


def line_cells(line: Line) -> list[str]:
    """The line's text split at column gaps and dot leaders (for table rows)."""
    return [cell for segment in line_segments(line, column_gap(line.size, line.ocr))
            for cell in DOT_LEADER.split(segment) if cell.strip()]
