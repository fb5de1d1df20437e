"""The compare-form names and labels are matched by: ``match_form`` (case, accents,
apostrophes, Arabic letter variants; it may change the text's length) and ``stem``
(a light per-language stem). ``lexicon.fold`` is the other fold: it keeps the text's
length, for offsets, and is what the layout's vocabulary is compared by."""
from __future__ import annotations

import functools
import re
import unicodedata

FALLBACK_LANGUAGE = "xx"  # language None: a multilingual blank pipeline, every language's names


def normalize_language(language: str | None) -> str:
    """ISO 639-1 code in lower case; None or empty -> the multilingual fallback."""
    return (language or "").strip().lower() or FALLBACK_LANGUAGE

APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'", "‐": "-", "‑": "-", "–": "-"})
ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640\u06d6-\u06ed]")
ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
RU_ENDINGS = tuple(sorted("""ями ами ого его ому ему ыми ими ой ей ий ый ая яя ое ее ые ие ую юю ом ем ах ях ам ям ов ев ы и а я у ю е о ь""".split(),
                          key=len, reverse=True))
KEEP_SHORT_I = "\ue000"  # й is a letter of its own, not и with an accent
LATIN_PLURAL = re.compile(r"(?<=\w{3})[sx]$")


@functools.lru_cache(maxsize=200_000)
def match_form(text: str) -> str:
    """Compare-form of a text: compatibility-normalized, lower case, no accents, one
    apostrophe and hyphen, Arabic letter variants and marks unified, ё -> е, й kept.
    Not length-preserving (marks and ligatures go): offsets come from the tokens."""
    text = unicodedata.normalize("NFKC", text).translate(APOSTROPHES)
    text = ARABIC_MARKS.sub("", text).translate(ARABIC_LETTERS)
    text = text.casefold().replace("ё", "е").replace("й", KEEP_SHORT_I)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", text).replace(KEEP_SHORT_I, "й")


@functools.lru_cache(maxsize=200_000)
def stem(key: str, lang: str) -> str:
    """A light, rule-based stem of a folded word for languages whose names inflect."""
    if lang == "ru" and len(key) > 4 and key.isalpha():
        for end in RU_ENDINGS:
            if key.endswith(end) and len(key) - len(end) >= 3:
                return key[: -len(end)]
        return key
    if lang in ("fr", "en", "es", FALLBACK_LANGUAGE) and key.isalpha():
        return LATIN_PLURAL.sub("", key)
    return key


def is_cased(text: str) -> bool:
    """Whether the script of this text has letter case."""
    return any(c.isupper() or c.islower() for c in text if c.isalpha()) and text.lower() != text.upper()


def within_edits(a: str, b: str, most: int) -> bool:
    """Whether ``a`` becomes ``b`` in at most ``most`` single-character edits (inserted,
    deleted or replaced: Levenshtein), computed in the band of width ``most``."""
    if abs(len(a) - len(b)) > most:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [most + 1] * len(b)
        for j in range(max(1, i - most), min(len(b), i + most) + 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != b[j - 1]))
        if min(current) > most:
            return False
        previous = current
    return previous[-1] <= most
