"""A tiny PDF writer for test inputs the sample corpus lacks: plain (non-UN) documents,
very long ones, encrypted ones. Pages hold lines of Helvetica text."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


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
        stream = content.encode("latin-1", "replace")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 {font_id} 0 R >> >> "
                       f"/Contents {page_ids[i] + 1} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    encryption = None
    if encrypt:
        encryption = (f"<< /Filter /Standard /V 1 /R 2 /O <{'ab' * 32}> /U <{'cd' * 32}> /P -4 >>").encode()
    path.write_bytes(serialize(objects, encryption))
    return path


def write_stream_pdf(path: Path, content: bytes, filters: str = "") -> Path:
    """A one-page PDF whose content stream is ``content``, already encoded by ``filters``
    (e.g. ``/Filter /FlateDecode``): bombs and other hostile pages."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"
               b" /Contents 5 0 R >>",
               b"<< /Length %d %s >>\nstream\n" % (len(content), filters.encode()) + content + b"\nendstream"]
    path.write_bytes(serialize(objects))
    return path


def serialize(objects: Sequence[bytes], encryption: bytes | None = None) -> bytes:
    """The bytes of a PDF of ``objects`` (object 1 the catalog), with its cross-references."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    trailer_extra = ""
    if encryption is not None:
        offsets.append(len(out))
        out += f"{len(objects) + 1} 0 obj\n".encode() + encryption + b"\nendobj\n"
        trailer_extra = f" /Encrypt {len(objects) + 1} 0 R /ID [<{'01' * 16}> <{'01' * 16}>]"
    xref = len(out)
    out += f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R{trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
