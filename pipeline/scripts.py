"""Scripts as a reader reads them: right-to-left text put in reading order (glyph by
glyph, bidi runs), compatibility ligatures folded, and words joined with spaces except
beside CJK characters (Chinese text has none)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Sequence

from . import lexicon
from .types import Word

RTL_CHAR = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


RTL_RUN_KEEP_LTR = re.compile(r"[0-9A-Za-z.,:/%\-]+")


LATIN_LIGATURES = re.compile("[\ufb00-\ufb06]")  # ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ: their letters, as NFKC spells them


def join_words(words: Sequence[str]) -> str:
    """Words joined with spaces, except next to a CJK character (Chinese text has none)."""
    spaced = " ".join(words)
    if not lexicon.CJK.search(spaced):
        return spaced
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
    if text.isascii():  # most words: neither right-to-left nor a ligature
        return text
    if RTL_CHAR.search(text):
        runs: list[tuple[str, list[str]]] = []
        for glyph in reversed(glyphs):
            ltr = bool(RTL_RUN_KEEP_LTR.fullmatch(glyph))
            if runs and ltr and runs[-1][0] == "ltr":
                runs[-1][1].insert(0, glyph)
            else:
                runs.append(("ltr" if ltr else "rtl", [glyph]))
        text = "".join("".join(run) for _, run in runs)
        return lexicon.TATWEEL_AND_MARKS.sub("", unicodedata.normalize("NFKC", text))
    return LATIN_LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)


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


def is_rtl(words: Sequence[Word]) -> bool:
    """Whether most of the words' letters are of a right-to-left script."""
    text = "".join([w.text for w in words])
    return len(RTL_CHAR.findall(text)) > len(text) / 2


