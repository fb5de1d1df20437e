"""The gazetteer and the topic rules on a text's tokens (pure, no spaCy): every token's
readings, the phrase indices' matches, the matches kept, as hits in character offsets.
The spaCy components (``components``) and the rules tagger (``rules``) both run these."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .. import config, gazetteer
from ..folding import is_cased, match_form
from ..types import Tokens
from .dictionary import Lexicon
from .keys import Candidate, token_candidates
from .phrases import Match, Payload, PhraseIndex, longest_first


@dataclass(frozen=True)
class Hit:
    """A gazetteer or topic match, in character offsets of the text."""

    start: int
    end: int
    text: str
    payload: Payload
    inflected: bool = False


ReadingCache = dict[str, tuple[Candidate, ...]]  # a token text's readings, in one language
Ranged = tuple[Hit, tuple[int, int]]  # a hit and its token range
TRAILING = ".,;:)»”\"'"


def readings(tokens: Tokens, lang: str, lexicon: Lexicon, cache: ReadingCache) -> list[tuple[Candidate, ...]]:
    """Every token's readings (none for white space); ``cache`` keeps them per token text
    across texts."""
    found: list[tuple[Candidate, ...]] = []
    for text in tokens.texts:
        known = cache.get(text)
        if known is None:
            known = cache[text] = () if text.isspace() else token_candidates(text, lexicon.nominal_lemma(text), lang)
        found.append(known)
    return found


def span_text(tokens: Tokens, start: int, end: int) -> str:
    """The text of tokens [start, end), the one space between two tokens included."""
    texts, starts = tokens.texts, tokens.starts
    parts = [texts[start]]
    for i in range(start + 1, end):
        if starts[i] > starts[i - 1] + len(texts[i - 1]):
            parts.append(" ")
        parts.append(texts[i])
    return "".join(parts)


def caps_text(tokens: Tokens) -> bool:
    """Whether the text is mostly capitals (a typewritten title, a heading)."""
    text = "".join(tokens.texts)
    upper, lower = sum(map(str.isupper, text)), sum(map(str.islower, text))
    return upper + lower > 0 and upper / (upper + lower) > config.CAPS_TEXT_RATIO


def to_hit(tokens: Tokens, m: Match) -> Hit:
    """A match in character offsets, trailing punctuation that the pattern lacks left out."""
    start = tokens.starts[m.start] + m.skip
    end = tokens.starts[m.end - 1] + len(tokens.texts[m.end - 1])
    text = span_text(tokens, m.start, m.end)[m.skip:]
    while text and text[-1] in TRAILING and not m.payload.text.endswith(text[-1]):
        end -= 1
        text = text[:-1]
    inflected = _surface(text) != _surface(m.payload.text)
    return Hit(start, end, text, m.payload, inflected)


def _surface(text: str) -> str:
    """Folded text without spacing, to tell an exact label from an inflected one."""
    return re.sub(r"[\s'-]+", "", match_form(text))


def _acceptable(tokens: Tokens, m: Match, shouting: bool) -> bool:
    p = m.payload
    first = tokens.texts[m.start][m.skip:]
    if p.exact and shouting and len(p.text) <= config.SHORT_ACRONYM_LEN:
        return False
    if p.cap_initial and is_cased(first) and not first[:1].isupper():
        return False
    return True


def gazetteer_hits(tokens: Tokens, found: Sequence[tuple[Candidate, ...]], index: PhraseIndex
                   ) -> tuple[list[Ranged], list[Ranged]]:
    """Longest non-overlapping entity matches in the tokens (``found``: their readings),
    and the parent organizations named at the end of a body's name ("Comité exécutif de
    la CEI" also names the CEI), nested in them."""
    shouting = caps_text(tokens)
    matches = [m for m in index.find(found) if _acceptable(tokens, m, shouting)]
    chosen = longest_first(matches)
    parents: list[Ranged] = []
    for m in chosen:
        parent = gazetteer.org_by_id().get(m.payload.ids[0], {}).get("parent") if m.payload.kind == "org" else None
        inner = [n for n in matches if n.payload.kind == "org" and n.payload.ids[0] == parent
                 and m.start < n.start and n.end == m.end]
        if inner:
            parents.append((to_hit(tokens, inner[0]), (inner[0].start, inner[0].end)))
    return [(to_hit(tokens, m), (m.start, m.end)) for m in chosen], parents


def topic_hits(tokens: Tokens, found: Sequence[tuple[Candidate, ...]], index: PhraseIndex) -> list[Hit]:
    """UNBIS concepts (labels and curated variants) in the tokens (``found``: their
    readings), longest first."""
    return [to_hit(tokens, m) for m in longest_first(index.find(found))]
