"""A tiny PDF writer for test inputs the sample corpus lacks: plain (non-UN) documents,
very long ones, encrypted ones (:func:`write_pdf`: pages of Helvetica lines), and pages
laid out piece by piece (:func:`write_layout_pdf`: text placed at x/top in a font and size,
rules), for the layout rules: columns, tables, centred titles, hanging indents, faux bold."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

# the standard 14 fonts need no file; STSong-Light is Adobe's predefined Chinese CID font
LATIN_FONTS = ("Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Times-Roman", "Times-Bold", "Times-Italic")
CJK_FONT = "STSong-Light"
ASCENT = 0.8  # of the font size: a baseline this far below a glyph's top


@dataclass(frozen=True)
class Text:
    """A run of text whose glyph tops stand ``top`` points below the page's top edge."""

    x: float
    top: float
    text: str
    size: float = 11.0
    font: str = "Helvetica"


@dataclass(frozen=True)
class HRule:
    """A horizontal rule ``top`` points below the page's top edge (a footnote separator)."""

    x0: float
    x1: float
    top: float


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _assemble(objects: Sequence[bytes], trailer_extra: str = "", extra_objects: Sequence[bytes] = ()) -> bytes:
    """Number the objects from 1 (the catalog first) and write the file with its xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate([*objects, *extra_objects], start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R{trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(content: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


def write_pdf(path: Path, pages: Sequence[Sequence[str]], encrypt: bool = False) -> Path:
    """Write ``pages`` (each a list of lines) as a PDF. With ``encrypt`` the file carries a
    standard security handler whose user password is not empty: readers must refuse it."""
    objects: list[bytes] = []
    n_pages = len(pages)
    font_id = 3
    page_ids = [4 + 2 * i for i in range(n_pages)]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for i, lines in enumerate(pages):
        content = "BT /F1 11 Tf 14 TL 72 720 Td " + " ".join(f"({_escape(l)}) Tj T*" for l in lines) + " ET"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 {font_id} 0 R >> >> "
                       f"/Contents {page_ids[i] + 1} 0 R >>".encode())
        objects.append(_stream(content.encode("latin-1", "replace")))
    if not encrypt:
        path.write_bytes(_assemble(objects))
        return path
    handler = (f"<< /Filter /Standard /V 1 /R 2 /O <{'ab' * 32}> /U <{'cd' * 32}> /P -4 >>").encode()
    extra = f" /Encrypt {len(objects) + 1} 0 R /ID [<{'01' * 16}> <{'01' * 16}>]"
    path.write_bytes(_assemble(objects, extra, [handler]))
    return path


def write_stream_pdf(path: Path, content: bytes, filters: str = "") -> Path:
    """A one-page PDF whose content stream is ``content``, already encoded by ``filters``
    (e.g. ``/Filter /FlateDecode``): bombs and other hostile pages."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"
               b" /Contents 5 0 R >>",
               b"<< /Length %d %s >>\nstream\n" % (len(content), filters.encode()) + content + b"\nendstream"]
    path.write_bytes(_assemble(objects))
    return path


def _font_object(name: str) -> bytes:
    if name == CJK_FONT:
        return (b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts "
                b"[<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
                b"/Ordering (GB1) /Supplement 2 >> /DW 1000 /FontDescriptor << /Type /FontDescriptor /FontName "
                b"/STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 "
                b"/CapHeight 880 /StemV 93 >> >>] >>")
    if name not in LATIN_FONTS:
        raise ValueError(f"pdfgen has no font {name!r}")
    return f"<< /Type /Font /Subtype /Type1 /BaseFont /{name} /Encoding /WinAnsiEncoding >>".encode()


def _show(item: Text, font_key: str, height: float) -> str:
    baseline = height - item.top - item.size * ASCENT
    if item.font == CJK_FONT:
        shown = "<" + item.text.encode("utf-16-be").hex() + ">"
    else:
        shown = "(" + _escape(item.text) + ")"
    return f"BT /{font_key} {item.size:g} Tf {item.x:.2f} {baseline:.2f} Td {shown} Tj ET"


def write_layout_pdf(path: Path, pages: Sequence[Sequence[Text | HRule]],
                     width: float = 612, height: float = 792) -> Path:
    """Write pages of placed text runs and rules as a PDF (deterministic bytes)."""
    fonts = sorted({item.font for page in pages for item in page if isinstance(item, Text)})
    keys = {name: f"F{i + 1}" for i, name in enumerate(fonts)}
    first_font = 3
    first_page = first_font + len(fonts)
    page_ids = [first_page + 2 * i for i in range(len(pages))]
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{' '.join(f'{i} 0 R' for i in page_ids)}] /Count {len(pages)} >>".encode()]
    objects += [_font_object(name) for name in fonts]
    resources = " ".join(f"/{keys[name]} {first_font + i} 0 R" for i, name in enumerate(fonts))
    for page_id, items in zip(page_ids, pages):
        ops = []
        for item in items:
            if isinstance(item, HRule):
                ops.append(f"0.5 w {item.x0:.2f} {height - item.top:.2f} m {item.x1:.2f} {height - item.top:.2f} l S")
            else:
                ops.append(_show(item, keys[item.font], height))
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width:g} {height:g}] "
                       f"/Resources << /Font << {resources} >> >> /Contents {page_id + 1} 0 R >>".encode())
        objects.append(_stream("\n".join(ops).encode("latin-1")))
    path.write_bytes(_assemble(objects))
    return path


def text_width(text: str, font: str = "Helvetica", size: float = 11.0) -> float:
    """The advance of ``text`` in a standard font (pdfminer's metrics), or of CJK ones."""
    if font == CJK_FONT:
        return len(text) * size
    from pdfminer.fontmetrics import FONT_METRICS

    widths = FONT_METRICS[font][1]
    return sum(widths.get(c, 500) for c in text) * size / 1000


Run = tuple[str, str]          # text and font, drawn without a gap
Token = tuple[Run, ...]         # a word: runs glued together (a bold name, its regular colon)


def tokens(text: str, font: str = "Helvetica") -> list[Token]:
    """The words of ``text`` in one font."""
    return [((word, font),) for word in text.split()]


def token_width(token: Token, size: float) -> float:
    return sum(text_width(text, font, size) for text, font in token)


def wrap(words: Sequence[Token], width: float, size: float = 11.0, first_indent: float = 0) -> list[list[Token]]:
    """Greedy line breaking of ``words`` into lines no wider than ``width``."""
    lines: list[list[Token]] = [[]]
    used = first_indent
    for word in words:
        space = text_width(" ", word[0][1], size) if lines[-1] else 0
        if lines[-1] and used + space + token_width(word, size) > width:
            lines.append([])
            used, space = 0.0, 0.0
        lines[-1].append(word)
        used += space + token_width(word, size)
    return [line for line in lines if line]


def set_line(x: float, top: float, width: float, words: Sequence[Token], size: float = 11.0,
             stretch: bool = True) -> list[Text]:
    """One line of words from ``x``; with ``stretch`` the gaps widen so that it ends at
    ``x + width`` (a justified line), else they are one space."""
    gap = text_width(" ", words[0][0][1], size)
    if stretch and len(words) > 1:
        gap = (width - sum(token_width(w, size) for w in words)) / (len(words) - 1)
    items, pos = [], x
    for word in words:
        for text, font in word:
            items.append(Text(round(pos, 2), top, text, size, font))
            pos += text_width(text, font, size)
        pos += gap
    return items


def justified(x: float, top: float, width: float, lines: Sequence[Sequence[Token]], size: float = 11.0,
              leading: float = 14.0, first_indent: float = 0) -> list[Text]:
    """Lines set between ``x`` and ``x + width``, all but the last stretched to the right
    margin, as a word processor justifies a paragraph."""
    items: list[Text] = []
    for n, line in enumerate(lines):
        indent = first_indent if n == 0 else 0
        items += set_line(x + indent, top + n * leading, width - indent, line, size, stretch=n < len(lines) - 1)
    return items


def paragraph(x: float, top: float, width: float, text: str, size: float = 11.0, font: str = "Helvetica",
              leading: float = 14.0, first_indent: float = 0) -> list[Text]:
    """``text`` in one font, wrapped to ``width`` and justified (see :func:`justified`)."""
    return justified(x, top, width, wrap(tokens(text, font), width, size, first_indent), size, leading, first_indent)
