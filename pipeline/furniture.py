"""Running headers and footers: page furniture told from the body by what it says and
where it repeats."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from . import config, lexicon
from .folding import within_edits
from .masthead import JOB_NUMBER, SYMBOL_LINE
from .layout import make_line
from .types import Line, Word

BARCODE = re.compile(r"^\*\d{6,}\*$")
PAGE_MARKER = re.compile(r"^(?:-\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*-)?$")
DATE_STAMP = re.compile(r"^\d{6}$")
CONTINUATION = re.compile(r"^/(?:\.\.\.|…)$")


def _strip_recycle(text: str) -> str:
    for phrase in lexicon.terms()["recycle"]:
        text = text.replace(phrase, " ")
    return text


def is_furniture(text: str, symbols: Sequence[str] = (), any_symbol: bool = True) -> bool:
    """Whether a header or footer line is page furniture: the symbol, page markers,
    the job number with its dates, the barcode, "Please recycle", "/...", or the
    language of the version standing alone (a stacked header's "English"). With
    ``any_symbol`` a symbol other than the document's own counts too (a line of
    symbols is a header; a piece of a line that is one may be a footnote's text)."""
    if lexicon.language_from_name(text) and len(text) < 30:
        return True
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
        or (any_symbol and SYMBOL_LINE.match(t)) or t in {"-", "–", "|"}
        for t in tokens)


def is_misread_furniture(text: str, symbols: Sequence[str] = ()) -> bool:
    """Whether an OCR'd header or footer line is furniture misread: the whole of it, or
    each of its words, a letter or so (one in ``OCR_FURNITURE_CHARS_PER_EDIT``) off one
    of the document's symbols or a language's name, or a page word before a number
    ("4/35/1789" for "A/35/789", "Frangais", "Enql ish", "Pago 5")."""
    names = (*lexicon.folded(symbols), *lexicon.language_names())
    tokens = text.split()
    if _near_any(lexicon.fold("".join(tokens)), names):
        return True
    page_words = lexicon.folded(lexicon.terms()["page_words"])
    for i, token in enumerate(tokens):
        before_number = i + 1 < len(tokens) and PAGE_MARKER.match(tokens[i + 1]) is not None
        if not (is_furniture(token, symbols) or _near_any(lexicon.fold(token), names)
                or (before_number and _near_any(lexicon.fold(token), page_words))):
            return False
    return bool(tokens)


def _near_any(word: str, names: Sequence[str]) -> bool:
    return any(within_edits(word, name, len(name) // config.OCR_FURNITURE_CHARS_PER_EDIT) for name in names)


def _repeat_key(text: str) -> str:
    """A header's words without its numbers, in any order: the running header of even
    pages ("S/PV.8699 Maintenance of … 09/01/2020") and of odd pages ("09/01/2020
    Maintenance of … S/PV.8699") are one header."""
    return " ".join(sorted(re.findall(r"[^\W\d_]+", text.casefold())))


def strip_page_furniture(lines: list[Line], page_heights: Sequence[float],
                         symbols: Sequence[str], job_number: str | None = None) -> list[Line]:
    """Remove running headers and footers from the top and bottom bands of the pages:
    pieces of a line (words set apart by a wide gap) that are furniture, or whose words
    (numbers aside, in any order) stand in that band on most pages; and the document's
    job number wherever it stands (a disclaimer box lifts it above the band). A line
    keeps what is left of it."""
    def judged(line: Line) -> bool:
        height = page_heights[line.page - 1]
        return line.top < height * config.HEADER_BAND or line.bottom > height * (1 - config.FOOTER_BAND) or \
            bool(job_number and job_number in line.text)

    banded = {id(line): _pieces(line) for line in lines if judged(line)}
    pages_of: dict[str, set[int]] = {}
    for line in lines:
        for piece in banded.get(id(line), ()):
            pages_of.setdefault(_repeat_key(_text(piece)), set()).add(line.page)
        if id(line) in banded:
            pages_of.setdefault(_repeat_key(line.text), set()).add(line.page)
    least = max(config.MIN_REPEATED_HEADER_PAGES, len(page_heights) * config.REPEATED_HEADER_SHARE)
    repeated = {key for key, pages in pages_of.items() if key and len(pages) >= least}

    def furniture(text: str, ocr: bool, whole: bool = False) -> bool:
        return (is_furniture(text, symbols, any_symbol=whole) or _repeat_key(text) in repeated
                or _job_line(text, job_number) or (ocr and is_misread_furniture(text, symbols)))

    out = []
    for line in lines:
        pieces = banded.get(id(line))
        if pieces is None:
            out.append(line)
        elif not furniture(line.text, line.ocr, whole=True):
            kept = [w for piece in pieces if not furniture(_text(piece), line.ocr) for w in piece]
            if len(kept) == len(line.words):
                out.append(line)
            elif kept:
                out.append(replace(make_line(line.page, kept), column=line.column, columns=line.columns))
    return out


def strip_continuation_marks(lines: list[Line], widths: Sequence[float]) -> list[Line]:
    """Remove each page's continuation mark: the "/..." that a UN typescript sets at the
    right margin below the last line of every page but the last, which OCR reads as
    anything ("Jase", "[ose", "fers", "/.."). It is told by where it stands, not by what
    it says: a page's lowest line, on a page that another follows, short
    (``CONTINUATION_MAX_CHARS`` letters and marks, no digit: page numbers are furniture of
    their own) and starting right of ``CONTINUATION_MIN_X`` of the page's width, where no
    line of left-to-right text begins."""
    lowest: dict[int, Line] = {}
    for line in lines:
        if line.page not in lowest or line.top > lowest[line.page].top:
            lowest[line.page] = line
    marks = {id(line) for page, line in lowest.items() if page < len(widths) and _continuation_mark(line, widths[page - 1])}
    return [line for line in lines if id(line) not in marks] if marks else lines


def _continuation_mark(line: Line, width: float) -> bool:
    compact = "".join(line.text.split())
    return (0 < len(compact) <= config.CONTINUATION_MAX_CHARS and not any(c.isdigit() for c in compact)
            and line.x0 >= width * config.CONTINUATION_MIN_X
            and not line.rtl)  # a right-to-left paragraph's short last line stands at the right margin


def _job_line(text: str, job_number: str | None) -> bool:
    """A short line that carries the document's job number: the footer's, whatever an old
    OCR layer made of its dates and marks beside it ("90-08730 1921a (E) Ja..")."""
    return job_number is not None and job_number in text and len(text.split()) <= config.MAX_JOB_LINE_TOKENS


def _pieces(line: Line) -> list[list[Word]]:
    """The line's words in runs set apart by gaps wider than the furniture gap."""
    words = sorted(line.words, key=lambda w: w.x0)
    pieces = [[words[0]]]
    for prev, word in zip(words, words[1:]):
        if word.x0 - prev.x1 > config.FURNITURE_PIECE_GAP:
            pieces.append([])
        pieces[-1].append(word)
    return pieces


def _text(words: Sequence[Word]) -> str:
    return " ".join(w.text for w in words)
