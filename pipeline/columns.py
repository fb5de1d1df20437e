"""Reading order from the page's own geometry: text columns found by their gutters.

A gutter is a vertical strip of white space that runs through a stack of lines, with
text that fills each side (a table's cells are ragged and lopsided; text columns are
full and balanced). Lines that cross the strip are full-width blocks (a masthead, a
title, a footnote) and keep their place; the stack between two such blocks is read
column by column, left to right (right to left on a right-to-left page). A column is
searched for gutters of its own, so three- and four-column pages read right too.
"""
from __future__ import annotations

import math
from itertools import accumulate
from typing import Sequence

from . import config
from .types import Region, Word

Row = list[Word]


def column_regions(words: Sequence[Word], rtl: bool = False) -> list[Region]:
    """A page's words as regions in reading order: full-width stacks and columns."""
    rows = _rows(words)
    return [region for region in _regions(rows, rtl, config.MAX_COLUMN_DEPTH) if region.words]


def _rows(words: Sequence[Word]) -> list[Row]:
    """Words on one baseline (within the line tolerance), top to bottom."""
    rows: list[Row] = []
    for word in sorted(words, key=lambda w: (w.bottom, w.x0)):
        if rows and word.bottom - rows[-1][0].bottom <= config.LINE_MERGE_TOLERANCE:
            rows[-1].append(word)
        else:
            rows.append([word])
    for row in rows:
        row.sort(key=lambda w: w.x0)
    return rows


def _regions(rows: list[Row], rtl: bool, depth: int) -> list[Region]:
    gutter = _find_gutter(rows) if depth > 0 and len(rows) >= 2 * config.MIN_COLUMN_LINES else None
    if gutter is None:
        return [Region([w for row in rows for w in row], 0, 1)]
    out: list[Region] = []
    for run, is_columns in _runs(rows, gutter):
        if not is_columns:
            out.append(Region([w for row in run for w in row], 0, 1))
            continue
        middle = (gutter[0] + gutter[1]) / 2
        sides = [[[w for w in row if w.x1 <= middle] for row in run],
                 [[w for w in row if w.x0 >= middle] for row in run]]
        columns: list[list[Word]] = []
        for side in (reversed(sides) if rtl else sides):
            inner = _regions([row for row in side if row], rtl, depth - 1)
            columns += [r.words for r in inner]
        out += [Region(ws, i, len(columns)) for i, ws in enumerate(columns)]
    return _merged_full_width(out)


def _merged_full_width(regions: list[Region]) -> list[Region]:
    out: list[Region] = []
    for region in regions:
        if out and region.columns == 1 and out[-1].columns == 1:
            out[-1] = Region(out[-1].words + region.words, 0, 1)
        else:
            out.append(region)
    return out


def _find_gutter(rows: list[Row]) -> tuple[float, float] | None:
    """The widest white strip of the page's x-profile that splits a stack of lines
    into columns, or None."""
    left = math.floor(min(row[0].x0 for row in rows))
    right = math.ceil(max(w.x1 for row in rows for w in row))
    narrowest = max(config.MIN_GUTTER_WIDTH, config.GUTTER_SPACE_RATIO * _word_space(rows))
    if right - left < 4 * narrowest:
        return None
    diff = [0] * (right - left + 2)
    for row in rows:
        for w in row:
            diff[int(w.x0) - left] += 1
            diff[math.ceil(w.x1) - left] -= 1
    profile = list(accumulate(diff))[:-1]
    ranked = sorted(profile)
    peak = ranked[int(len(ranked) * config.PROFILE_PEAK_SHARE)]
    low = peak * config.GUTTER_VALLEY_SHARE
    strips, start = [], None
    for x, count in enumerate(profile + [peak + 1]):
        if count <= low and start is None:
            start = x
        elif count > low and start is not None:
            if x - start >= narrowest and start > 0 and x < len(profile):
                strips.append((left + start, left + x))
            start = None
    if not strips:
        return None
    total = sum(profile)
    mass = list(accumulate(profile))
    candidates = [(g0, g1) for g0, g1 in strips
                  if min(mass[g0 - left], total - mass[g1 - left - 1]) >= total * config.MIN_SIDE_TEXT_SHARE]
    for gutter in sorted(candidates, key=lambda g: g[0] - g[1]):
        if any(is_columns for _, is_columns in _runs(rows, gutter)):
            return gutter
    return None


def _word_space(rows: list[Row]) -> float:
    """The usual space between two words of a line: a gutter is wider than the rivers
    of white that spaces may line up into (in typescript above all)."""
    gaps = sorted(b.x0 - a.x1 for row in rows for a, b in zip(row, row[1:]) if b.x0 - a.x1 > 0.5)
    return gaps[len(gaps) // 2] if gaps else 0.0


def _runs(rows: list[Row], gutter: tuple[float, float]) -> list[tuple[list[Row], bool]]:
    """The rows cut into stacks that the gutter runs through (columns, if they read as
    text) and rows that cross it."""
    g0, g1 = gutter
    out: list[tuple[list[Row], bool]] = []
    current: list[Row] = []
    for row in rows:
        crosses = any(w.x0 < g1 - 1 and w.x1 > g0 + 1 for w in row)
        if crosses:
            if current:
                out.append((current, _reads_as_columns(current, gutter)))
                current = []
            out.append(([row], False))
        else:
            current.append(row)
    if current:
        out.append((current, _reads_as_columns(current, gutter)))
    return out


def _reads_as_columns(rows: list[Row], gutter: tuple[float, float]) -> bool:
    """Whether the stack reads as text columns either side of the gutter: each side holds
    lines that run full (or is itself set in columns), and the columns are of a width."""
    sides = _sides(rows, gutter)
    if min(len(side) for side in sides) < config.MIN_COLUMN_LINES:
        return False
    found = [_columns_of(side) for side in sides]
    if None in found:
        return False
    widths = [width for _, width in found if width]  # type: ignore[misc]
    return min(widths) >= max(widths) * config.COLUMN_BALANCE


def _sides(rows: list[Row], gutter: tuple[float, float]) -> list[list[Row]]:
    middle = (gutter[0] + gutter[1]) / 2
    return [[part for row in rows if (part := [w for w in row if w.x1 <= middle])],
            [part for row in rows if (part := [w for w in row if w.x0 >= middle])]]


def _columns_of(side: list[Row]) -> tuple[int, float] | None:
    """How many columns a side holds and their width: the columns a gutter of its own
    splits it into, or one whose lines run full; None when it reads as neither."""
    inner = _find_gutter(side) if len(side) >= 2 * config.MIN_COLUMN_LINES else None
    if inner is not None:
        parts = [_columns_of(part) for part in _sides(side, inner) if part]
        if parts and None not in parts:
            count = sum(n for n, _ in parts)  # type: ignore[misc]
            return count, sum(n * w for n, w in parts) / count  # type: ignore[misc]
    x0 = min(part[0].x0 for part in side)
    width = max(part[-1].x1 for part in side) - x0
    full = sum(1 for part in side if part[-1].x1 - part[0].x0 >= width * config.COLUMN_FULL_LINE)
    return (1, width) if full >= len(side) * config.COLUMN_FILL else None
