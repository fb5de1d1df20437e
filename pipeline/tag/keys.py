"""The keys a token or a pattern is matched by (pure): a token's every reading (exact
form for acronyms, folded stem, lemma, without an elided article or an Arabic clitic)."""
from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..folding import APOSTROPHES, FALLBACK_LANGUAGE, match_form, stem

ELISION = re.compile(r"^(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu|quoiqu)'(?=\w)", re.IGNORECASE)
ARABIC_PREFIXES = ("ولل", "فلل", "لل", "وب", "ول", "وك", "فب", "فل", "و", "ف", "ب", "ل", "ك")  # conjunctions, prepositions


@dataclass(frozen=True)
class Candidate:
    """One way to read a token: its key and how many characters of it to skip."""

    key: str
    skip: int = 0


@functools.lru_cache(maxsize=200_000)
def token_candidates(text: str, lemma: str, lang: str) -> tuple[Candidate, ...]:
    """Every key a text token can match a pattern token with: its exact form (for
    acronyms, prefixed "="), its folded stem, its lemma's stem, and the same after
    an elided article (l'ONU) or Arabic clitic (وللأمم) is taken off."""
    out: list[Candidate] = []
    norm = text.translate(APOSTROPHES)
    skips = [0]
    m = ELISION.match(norm)
    if m:
        skips.append(m.end())
    if norm.startswith("'") and len(norm) > 1:
        skips.append(1)
    for skip in skips:
        part = norm[skip:]
        out.append(Candidate("=" + part, skip))
        out.append(Candidate(stem(match_form(part), lang), skip))
    if lemma and lemma != text:
        out.append(Candidate(stem(match_form(lemma), lang)))
    if lang in ("ar", FALLBACK_LANGUAGE) and len(text) > 3:
        folded = match_form(text)
        for prefix in ARABIC_PREFIXES:
            if folded.startswith(prefix) and len(folded) - len(prefix) >= 2:
                rest, skip = folded[len(prefix):], len(prefix)
                if prefix.endswith("لل"):  # li- + al-: the article's alif is not written
                    rest, skip = "ال" + rest, skip - 1
                out.append(Candidate(rest, skip))
    return tuple(dict.fromkeys(out))


def pattern_keys(tokens: Sequence[str], lang: str, exact: bool) -> tuple[str, ...]:
    """Keys of a pattern's tokens: exact forms for an acronym, folded stems otherwise."""
    if exact:
        return tuple("=" + t.translate(APOSTROPHES) for t in tokens)
    return tuple(stem(match_form(t), lang) for t in tokens)
