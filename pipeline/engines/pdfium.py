"""The pdfium engine: each page's glyphs and rules read through pypdfium2's C API, with
the geometry of the pdfplumber engine (its reference), two to four times faster.

Boxes: x0 is the glyph's origin and x1 the right edge of pdfium's *loose* box (origin plus
advance width), as pdfminer's; the tight box hugs the ink, so it would split words at
narrow glyphs and move every line's top and bottom with its letters. top and bottom come
from the baseline, the font's descent and the size, as pdfminer computes them (pdfium's
loose box spans the font's ascent to descent, which is not the font size).

The per-glyph loop and the word grouping run in C where the package's extension
(``_glyphs.c``) is built; :func:`page_chars` and :func:`pipeline.layout.words_from_chars`
are the reference it follows, and the reading wherever it is not built.
"""
from __future__ import annotations

import ctypes
import functools
import os
from ctypes import POINTER, c_char_p, c_double, c_float, c_int, c_ulong, c_void_p
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

from .. import config
from ..errors import PdfError, PipelineError, ResourceLimit
from ..layout import page_of, word_of
from ..types import Char, Page, Word
from .plumber import page_rules

_TEXT, _PATH, _FORM = 1, 2, 5           # FPDF_PAGEOBJ_*
_BEZIER, _MOVETO = 1, 2                 # FPDF_SEGMENT_BEZIERTO, FPDF_SEGMENT_MOVETO
_GENERATED = (0x20, 0x0A, 0x0D)         # the spaces and line breaks pdfium adds between words and lines
_LINE_END_HYPHEN = 0x02                 # pdfium's code for a hyphen that ends a line
_FONT_NAME_BUFFER = 256
_OVERHANG = 0.01  # pt: a loose box wider than the advance by more, up to the ink's edge, reaches the ink
# From Hebrew on, a letter's Unicode value maps back to one of several glyphs (an Arabic letter's
# contextual forms), whose width is not the drawn glyph's: the loose box is kept there.
_CONTEXTUAL_SCRIPTS = 0x0590


# a text object's font name, size, descent, upright, font handle and scale of its advances
_Font = tuple[str, float, float, bool, int, float]


class _FSRect(ctypes.Structure):
    _fields_ = [("left", c_float), ("top", c_float), ("right", c_float), ("bottom", c_float)]


class _FSMatrix(ctypes.Structure):
    _fields_ = [(name, c_float) for name in "abcdef"]


@functools.lru_cache(maxsize=1)
def _api() -> ctypes.CDLL:
    """pdfium's functions with lean prototypes: handles as plain integers (hashable, no
    pointer objects per call). A CDLL of its own, so that pypdfium2's prototypes stay as
    they are; importing pypdfium2 initialises the library."""
    import pypdfium2  # noqa: F401
    import pypdfium2_raw.bindings

    lib = ctypes.CDLL(pypdfium2_raw.bindings._libs["pdfium"]._name)
    handle, text = c_void_p, (c_void_p, c_int)
    for name, restype, argtypes in [
        ("FPDF_LoadDocument", handle, (c_char_p, c_char_p)), ("FPDF_CloseDocument", None, (handle,)),
        ("FPDF_GetLastError", c_ulong, ()), ("FPDF_GetPageCount", c_int, (handle,)),
        ("FPDF_LoadPage", handle, (handle, c_int)), ("FPDF_ClosePage", None, (handle,)),
        ("FPDF_GetPageWidthF", c_float, (handle,)), ("FPDF_GetPageHeightF", c_float, (handle,)),
        ("FPDFPage_GetMediaBox", c_int, (handle,) + (POINTER(c_float),) * 4),
        ("FPDFText_LoadPage", handle, (handle,)), ("FPDFText_ClosePage", None, (handle,)),
        ("FPDFText_CountChars", c_int, (handle,)), ("FPDFText_GetUnicode", ctypes.c_uint, text),
        ("FPDFText_IsGenerated", c_int, text), ("FPDFText_HasUnicodeMapError", c_int, text),
        ("FPDFText_GetTextObject", handle, text), ("FPDFText_GetLooseCharBox", c_int, text + (POINTER(_FSRect),)),
        ("FPDFText_GetCharOrigin", c_int, text + (POINTER(c_double),) * 2),
        ("FPDFText_GetMatrix", c_int, text + (POINTER(_FSMatrix),)),
        ("FPDFTextObj_GetFont", handle, (handle,)), ("FPDFTextObj_GetFontSize", c_int, (handle, POINTER(c_float))),
        ("FPDFFont_GetBaseFontName", c_ulong, (handle, c_char_p, c_ulong)),
        ("FPDFFont_GetDescent", c_int, (handle, c_float, POINTER(c_float))),
        ("FPDFText_GetCharBox", c_int, text + (POINTER(c_double),) * 4),
        ("FPDFFont_GetGlyphWidth", c_int, (handle, ctypes.c_uint, c_float, POINTER(c_float))),
        ("FPDFPage_CountObjects", c_int, (handle,)), ("FPDFPage_GetObject", handle, (handle, c_int)),
        ("FPDFFormObj_CountObjects", c_int, (handle,)), ("FPDFFormObj_GetObject", handle, (handle, c_ulong)),
        ("FPDFPageObj_GetType", c_int, (handle,)), ("FPDFPageObj_GetMatrix", c_int, (handle, POINTER(_FSMatrix))),
        ("FPDFPath_CountSegments", c_int, (handle,)), ("FPDFPath_GetPathSegment", handle, (handle, c_int)),
        ("FPDFPathSegment_GetPoint", c_int, (handle, POINTER(c_float), POINTER(c_float))),
        ("FPDFPathSegment_GetType", c_int, (handle,)), ("FPDFPathSegment_GetClose", c_int, (handle,)),
    ]:
        function = getattr(lib, name)
        function.restype, function.argtypes = restype, argtypes
    return lib


# The per-glyph calls, and their result types: integers and pointers only among their arguments
_PER_GLYPH = {"FPDFText_GetUnicode": ctypes.c_uint, "FPDFText_IsGenerated": c_int,
              "FPDFText_HasUnicodeMapError": c_int, "FPDFText_GetTextObject": c_void_p,
              "FPDFText_GetLooseCharBox": c_int, "FPDFText_GetCharOrigin": c_int, "FPDFText_GetCharBox": c_int}


@functools.lru_cache(maxsize=1)
def _per_glyph_api() -> dict[str, Callable[..., Any]]:
    """The per-glyph functions without argument types: ctypes then passes a c_void_p
    handle, a Python int (a C int) and byref pointers as they are, a third to half the
    cost of a checked call, which is most of reading a page."""
    functions: dict[str, Callable[..., Any]] = {}
    for name, restype in _PER_GLYPH.items():
        function = _api()[name]  # a new function object: _api()'s checked one stays as it is
        function.restype = restype
        functions[name] = function
    return functions


@functools.lru_cache(maxsize=1)
def native() -> ModuleType | None:
    """The C glyph reader bound to pdfium's library, or None where the extension is not
    built (a source checkout without a compiler): the Python reading is then used."""
    try:
        from . import _glyphs
    except ImportError:
        return None
    import pypdfium2_raw.bindings

    _api()  # pypdfium2 loaded and initialised
    _glyphs.bind(pypdfium2_raw.bindings._libs["pdfium"]._name)
    return _glyphs


def _open(path: Path) -> int:
    """pdfium's document handle, or the PdfError that says why there is none."""
    path = Path(path)
    if not path.exists():
        raise PdfError(path, "file not found")
    if path.stat().st_size == 0:
        raise PdfError(path, "empty file (0 bytes)")
    doc = _api().FPDF_LoadDocument(os.fsencode(path), None)  # the name's bytes as they are (not UTF-8 everywhere)
    if not doc:
        code = _api().FPDF_GetLastError()
        reason = {2: "not a PDF or damaged", 3: "damaged PDF", 4: "encrypted PDF (password)",
                  5: "unsupported security scheme"}.get(code, "unreadable PDF")
        raise PdfError(path, f"{reason} (pdfium error {code})")
    return int(doc)


def read_pages(path: Path, use_native: bool = True) -> list[Page]:
    """Every page's words and rules (raises PdfError when pdfium cannot read the file);
    ``use_native=False`` reads them in Python even where the C reader is built."""
    api = _api()
    reader = native() if use_native else None
    doc = _open(path)
    try:
        pages = []
        for index in range(api.FPDF_GetPageCount(doc)):
            page = api.FPDF_LoadPage(doc, index)
            if not page:
                raise PdfError(path, f"unreadable page {index + 1}")
            try:
                pages.append(_read_page(api, page, index + 1, reader))
            finally:
                api.FPDF_ClosePage(page)
        return pages
    except PipelineError:
        raise
    except Exception as exc:
        raise PdfError(path, f"unreadable page ({type(exc).__name__}: {exc})") from exc
    finally:
        api.FPDF_CloseDocument(doc)


def _read_page(api: ctypes.CDLL, page: int, number: int, reader: ModuleType | None) -> Page:
    box = [c_float() for _ in range(4)]
    if api.FPDFPage_GetMediaBox(page, *map(ctypes.byref, box)):
        x0, y0, x1, y1 = (b.value for b in box)
        width, height, mb_y0 = x1 - x0, y1 - y0, y0  # pdfplumber's page size is the media box's
    else:
        width, height, mb_y0 = float(api.FPDF_GetPageWidthF(page)), float(api.FPDF_GetPageHeightF(page)), 0.0
    flip = height + 2 * mb_y0  # pdfplumber's top = height - (y - mediabox y0) + mediabox y0
    boxes = [(x0, flip - y1, x1, flip - y0) for x0, y0, x1, y1 in _path_boxes(api, page)]
    rules = page_rules(number, boxes, width)
    words = _native_words(api, reader, page, flip, number) if reader is not None else None
    if words is not None:
        return Page(number, width, height, words, rules, 0)
    return page_of(number, width, height, page_chars(api, page, flip, number), rules)


def _native_words(api: ctypes.CDLL, reader: ModuleType, page: int, flip: float, number: int) -> list[Word] | None:
    """The page's words read by the C reader, or None where a glyph reads as nothing (a
    kashida, an unmapped glyph): :func:`pipeline.layout.unmapped_glyphs` then counts
    them over the Python reading's chars."""
    textpage = _text_page(api, page, number)
    if not textpage:
        return []
    known: dict[tuple[int, float], tuple[str, float]] = {}
    try:
        found, unmapped = reader.page_words(
            textpage, flip, lambda index, obj: _font(api, textpage, index, obj, known), config.DEFAULT_X_TOLERANCE,
            config.DEFAULT_Y_TOLERANCE, config.MIN_GLYPH_SIZE, config.FAUX_BOLD_SHIFT)
    finally:
        api.FPDFText_ClosePage(textpage)
    if unmapped:
        return None
    words = [Word(text, x0, x1, top, bottom, size, font) if isinstance(text, str)
             else word_of(text, x0, x1, top, bottom, size, font) for text, x0, x1, top, bottom, size, font in found]
    return [w for w in words if w.text]  # a lone tatweel or mark reads as nothing, as in words_from_chars


def _text_page(api: ctypes.CDLL, page: int, number: int) -> int:
    """The page's text page handle (0 where it has none); raises ResourceLimit for a page
    of over MAX_PAGE_CHARS glyphs (page ``number``)."""
    textpage = api.FPDFText_LoadPage(page)
    if not textpage:
        return 0
    if api.FPDFText_CountChars(textpage) > config.MAX_PAGE_CHARS:
        api.FPDFText_ClosePage(textpage)
        raise ResourceLimit(f"over {config.MAX_PAGE_CHARS:,} characters on page {number}")
    return int(textpage)


def page_chars(api: ctypes.CDLL, page: int, flip: float, number: int = 1) -> list[Char]:
    """The page's glyphs as Chars, top-left origin (``flip`` minus pdf y). pdfium's
    generated spaces and line breaks are left out; a glyph without Unicode (a kashida
    that stretches a justified Arabic word) keeps its box and reads as nothing; rotated
    glyphs are margin labels, dropped unless most of the page is set that way. Raises
    ResourceLimit for a page of over MAX_PAGE_CHARS glyphs (page ``number``)."""
    textpage = _text_page(api, page, number)
    if not textpage:
        return []
    count = api.FPDFText_CountChars(textpage)
    fast, glyphs = _per_glyph_api(), c_void_p(textpage)  # the unchecked calls take the handle as an object
    get_unicode, get_object = fast["FPDFText_GetUnicode"], fast["FPDFText_GetTextObject"]
    is_generated, map_error = fast["FPDFText_IsGenerated"], fast["FPDFText_HasUnicodeMapError"]
    loose_box, get_origin = fast["FPDFText_GetLooseCharBox"], fast["FPDFText_GetCharOrigin"]
    rect, ox, oy = _FSRect(), c_double(), c_double()
    rect_ref, ox_ref, oy_ref = ctypes.byref(rect), ctypes.byref(ox), ctypes.byref(oy)
    fonts: dict[int, _Font] = {}
    known: dict[tuple[int, float], tuple[str, float]] = {}
    advances: dict[tuple[int, int], float] = {}  # (font, code): advance per unit of scale
    get_width, width = api.FPDFFont_GetGlyphWidth, c_float()
    width_ref = ctypes.byref(width)
    get_ink, ink = fast["FPDFText_GetCharBox"], [c_double() for _ in range(4)]  # left, right, bottom, top
    ink_refs = [ctypes.byref(edge) for edge in ink]
    upright: list[Char] = []
    rotated: list[Char] = []
    last: tuple[float, float, int] | None = None  # the previous glyph's origin and text object
    try:
        for i in range(count):
            code = get_unicode(glyphs, i)
            loose_box(glyphs, i, rect_ref)
            left, right = rect.left, rect.right
            if code in _GENERATED and (left == right or is_generated(glyphs, i)):
                continue  # pdfium's own spaces: generated, or empty ones where a right-to-left run turns
            obj = get_object(glyphs, i)
            font = fonts.get(obj)
            if font is None:
                font = fonts[obj] = _font(api, textpage, i, obj, known)
            fontname, size, descent, straight, handle, scale = font
            get_origin(glyphs, i, ox_ref, oy_ref)
            # the origin, but the box's left edge for glyphs pdfium gives their text object's
            # origin, over half a box width to their left (a dot leader set with a character spacing)
            x, y = ox.value, oy.value
            if x < left - (right - left) / 2:
                x = left
            text = "" if code == 0 or map_error(glyphs, i) else "-" if code == _LINE_END_HYPHEN else chr(code)
            target = upright if straight else rotated
            if (x, y, obj) == last and target:  # a ligature's letters share one glyph (and its box)
                glyph = target.pop()
                target.append(Char(glyph.text + text, glyph.x0, max(glyph.x1, right), glyph.top, glyph.bottom, size, fontname))
                continue
            last = (x, y, obj)
            key = (handle, code)
            advance = advances.get(key)
            if advance is None:
                advance = advances[key] = width.value if get_width(handle, code, 1.0, width_ref) else 0.0
            x1 = right
            if (code < _CONTEXTUAL_SCRIPTS and 0 < advance * scale < x1 - x - _OVERHANG
                    and (ink[1].value if get_ink(glyphs, i, *ink_refs) else 0.0) >= x1 - _OVERHANG):
                x1 = x + advance * scale  # the loose box reaches the ink overhanging the advance (an italic "f")
            bottom = flip - y - descent
            target.append(Char(text, x, x1, bottom - size, bottom, size, fontname))
    finally:
        api.FPDFText_ClosePage(textpage)
    return upright if len(upright) >= len(rotated) else upright + rotated


def _font(api: ctypes.CDLL, textpage: int, index: int, obj: int, known: dict[tuple[int, float], tuple[str, float]]
          ) -> _Font:
    """A text object's font name, size on the page (pt), descent (pt, negative), whether
    it stands upright, its font handle and the scale of its advance widths (font size
    times the horizontal scale); pdfminer's size is the font size times the vertical scale.
    ``known`` holds the name and descent of each font and size met on the page: a page
    has dozens of text objects in a few fonts."""
    matrix, font_size = _FSMatrix(), c_float()
    api.FPDFText_GetMatrix(textpage, index, ctypes.byref(matrix))
    api.FPDFTextObj_GetFontSize(obj, ctypes.byref(font_size))
    font = api.FPDFTextObj_GetFont(obj)
    size = abs(font_size.value * (matrix.d if abs(matrix.d) >= abs(matrix.c) else matrix.c))
    straight = matrix.a * matrix.d > 0 and matrix.b * matrix.c <= 0
    scale = font_size.value * matrix.a
    key = (font, size)
    if key not in known:
        buffer = ctypes.create_string_buffer(_FONT_NAME_BUFFER)
        name = buffer.value.decode("latin-1") if api.FPDFFont_GetBaseFontName(font, buffer, _FONT_NAME_BUFFER) else ""
        standard = _standard_fonts().get(name)
        if standard is not None:  # pdfminer's names and metrics for the standard 14 fonts and their aliases
            known[key] = standard[0], standard[1] * size / 1000
        else:
            descent = c_float()
            api.FPDFFont_GetDescent(font, size, ctypes.byref(descent))
            known[key] = name, descent.value
    name, descent_pt = known[key]
    return name, round(size, 2), descent_pt, straight, font, scale


@functools.lru_cache(maxsize=1)
def _standard_fonts() -> dict[str, tuple[str, float]]:
    """Font name to pdfminer's (name, descent in 1/1000 em) for the standard fonts
    (Times-Roman, Arial, ...): pdfminer takes these from its own metrics, not the PDF's."""
    from pdfminer.fontmetrics import FONT_METRICS

    return {name: (str(descriptor["FontName"]), float(str(descriptor.get("Descent", 0))))
            for name, (descriptor, _) in FONT_METRICS.items()}


def _path_boxes(api: ctypes.CDLL, page: int) -> list[tuple[float, float, float, float]]:
    """The boxes (x0, y0, x1, y1, pdf space) of the page's straight lines and
    rectangles, one per subpath as pdfminer splits them; curves are left out."""
    boxes: list[tuple[float, float, float, float]] = []
    stack = [(api.FPDFPage_GetObject(page, i), (1.0, 0.0, 0.0, 1.0, 0.0, 0.0))
             for i in reversed(range(api.FPDFPage_CountObjects(page)))]
    matrix = _FSMatrix()
    while stack:
        obj, outer = stack.pop()
        kind = api.FPDFPageObj_GetType(obj)
        if kind not in (_PATH, _FORM):
            continue
        own = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f) \
            if api.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)) else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        combined = _multiply(own, outer)
        if kind == _FORM:
            stack.extend((api.FPDFFormObj_GetObject(obj, i), combined)
                         for i in reversed(range(api.FPDFFormObj_CountObjects(obj))))
        else:
            boxes.extend(_subpath_boxes(api, obj, combined))
    return boxes


def _subpath_boxes(api: ctypes.CDLL, obj: int, m: tuple[float, ...]) -> list[tuple[float, float, float, float]]:
    """pdfminer's LTLine (two points) and LTRect (four corners, axis-aligned) boxes of
    one path object."""
    subpaths: list[list[tuple[float, float]]] = []
    curved, closed = set(), set()
    x, y = c_float(), c_float()
    a, b, c, d, e, f = m
    for i in range(api.FPDFPath_CountSegments(obj)):
        segment = api.FPDFPath_GetPathSegment(obj, i)
        kind = api.FPDFPathSegment_GetType(segment)
        api.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        if kind == _MOVETO or not subpaths:
            subpaths.append([])
        if kind == _BEZIER:
            curved.add(len(subpaths) - 1)
        if api.FPDFPathSegment_GetClose(segment):
            closed.add(len(subpaths) - 1)
        subpaths[-1].append((a * x.value + c * y.value + e, b * x.value + d * y.value + f))
    boxes = []
    for n, points in enumerate(subpaths):
        if n in curved:
            continue
        if len(points) == 5 and points[4] == points[0]:
            points, rect = points[:4], True
        else:
            rect = len(points) == 4 and n in closed
        if len(points) == 2 or (rect and _axis_aligned(points)):
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            boxes.append((min(xs), min(ys), max(xs), max(ys)))
    return boxes


def _axis_aligned(points: list[tuple[float, float]]) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    return (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)


def _multiply(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, float, float, float, float, float]:
    """The matrix m then n (PDF's row-vector convention)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)
