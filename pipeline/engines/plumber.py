"""The pdfplumber engine: each page's glyphs and rules, read through pdfminer with
pdfplumber's document as ``page.layout`` does, but without layout objects."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import config
from ..errors import PdfError, PipelineError, ResourceLimit
from ..layout import page_of
from ..types import Char, Page, Rule

if TYPE_CHECKING:
    import pdfplumber.page
    import pdfplumber.pdf

Box = tuple[float, float, float, float]  # x0, top, x1, bottom
# a glyph as the device keeps it: text, x0, y0, x1, y1 (pdfminer's bottom-left origin), size, font, upright
Glyph = tuple[str, float, float, float, float, float, str, bool]


def page_contents(page: pdfplumber.page.Page) -> tuple[list[Char], list[Box]]:
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

    chars: list[Char] = []
    rotated: list[Char] = []
    for text, x0, y0, x1, y1, size, fontname, upright in device.glyphs:
        left, top, right, bottom = flipped(x0, y0, x1, y1)
        (chars if upright else rotated).append(Char(text, left, right, top, bottom, round(size, 2), fontname))
    boxes: list[Box] = []
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
def _glyph_device() -> Any:
    """A pdfminer page aggregator that keeps glyphs as tuples (text, x0, y0, x1, y1, size,
    fontname, upright) with the geometry of pdfminer's ``LTChar``, and skips images."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdffont import PDFUnicodeNotDefined

    class GlyphDevice(PDFPageAggregator):
        def begin_page(self, page: Any, ctm: Any) -> None:
            super().begin_page(page, ctm)
            self.glyphs: list[Glyph] = []

        def render_image(self, name: str, stream: Any) -> None:
            pass

        def render_char(self, matrix: Any, font: Any, fontsize: float, scaling: float, rise: float, cid: int,
                        ncs: Any, graphicstate: Any) -> float:
            try:
                text = font.to_unichr(cid)
            except PDFUnicodeNotDefined:
                text = ""  # a glyph without Unicode (a kashida): its box, no text; not "(cid:NN)"
            adv: float = font.char_width(cid) * fontsize * scaling
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
            if len(self.glyphs) >= config.MAX_PAGE_CHARS:
                raise ResourceLimit(f"over {config.MAX_PAGE_CHARS:,} characters on page {self.pageno}")
            size = x1 - x0 if font.is_vertical() else y1 - y0
            self.glyphs.append((text, x0, y0, x1, y1, size, _font_name(font.fontname),
                                0 < a * d * scaling and b * c <= 0))
            return adv

    return GlyphDevice


def _font_name(name: object) -> str:
    return name.decode("latin-1") if isinstance(name, bytes) else str(name)


def page_rules(number: int, boxes: list[Box], page_width: float) -> list[Rule]:
    """Short horizontal rules: drawn lines, or rectangles thin enough to be lines."""
    return [Rule(number, x0, x1, top) for x0, top, x1, bottom in boxes
            if abs(bottom - top) <= 1.5 and 20 <= x1 - x0 <= page_width / 2.5]


def open_pdf(path: Path) -> pdfplumber.pdf.PDF:
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


def read_pages(path: Path) -> list[Page]:
    """Every page's words and rules (raises PdfError when the file cannot be read)."""
    pdf = open_pdf(path)
    try:
        pages = []
        for number, page in enumerate(pdf.pages, start=1):
            chars, boxes = page_contents(page)
            width = float(page.width)
            pages.append(page_of(number, width, float(page.height), chars, page_rules(number, boxes, width)))
            page.flush_cache()
        return pages
    except (PipelineError, MemoryError):  # a timeout, a PdfError already, or over the memory limit
        raise
    except Exception as exc:
        raise PdfError(path, f"unreadable page ({type(exc).__name__}: {exc})") from exc
    finally:
        pdf.close()
