"""The phrase index (pure): a trie of pattern keys that finds every pattern in a
sequence of token readings, and the choice of the longest non-overlapping matches."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .keys import Candidate


@dataclass(frozen=True)
class Payload:
    """What a pattern stands for."""

    kind: str                 # org | country | topic
    ids: tuple[str, ...]      # org_id, ISO3 code, or UNBIS ids
    text: str                 # the pattern as written in the data
    exact: bool = False       # an acronym: matched case-sensitively
    score: float = 1.0        # evidence strength (topics)
    curated: bool = False     # a topic from the curated variants or single-word allow-list
    cap_initial: bool = False  # a proper name: the text must start with a capital


@dataclass(frozen=True)
class Match:
    """A pattern found in a token sequence: tokens [start, end), characters skipped at start."""

    start: int
    end: int
    payload: Payload
    skip: int = 0


Readings = Sequence[tuple[Candidate, ...]]


@dataclass
class PhraseIndex:
    """A trie of pattern keys; finds every pattern occurrence in a candidate sequence."""

    root: dict[Any, Any] = field(default_factory=dict)
    size: int = 0

    def add(self, keys: Sequence[str], payload: Payload) -> None:
        if not keys:
            return
        node = self.root
        for k in keys:
            node = node.setdefault(k, {})
        node.setdefault(None, []).append(payload)
        self.size += 1

    def find(self, tokens: Readings) -> list[Match]:
        """All matches, at every start token, through every candidate reading (a token
        without candidates is white space: skipped inside a match)."""
        found: list[Match] = []
        start, walk = self.root.get, self._walk  # bound once: most tokens start no pattern
        for i, candidates in enumerate(tokens):
            for cand in candidates:
                node = start(cand.key)
                if node is not None:
                    walk(node, tokens, i, i + 1, cand.skip, found)
        return found

    def _walk(self, node: dict[Any, Any], tokens: Readings, start: int, j: int, skip: int,
              found: list[Match]) -> None:
        for payload in node.get(None, ()):
            found.append(Match(start, j, payload, skip))
        while j < len(tokens) and not tokens[j]:
            j += 1  # white space (a line break) inside a name is transparent
        if j >= len(tokens):
            return
        for cand in tokens[j]:
            if cand.skip:
                continue
            nxt = node.get(cand.key)
            if nxt is not None:
                self._walk(nxt, tokens, start, j + 1, skip, found)


def longest_first(matches: Iterable[Match]) -> list[Match]:
    """Non-overlapping matches, longest first, then leftmost, a name before an acronym
    (spacy.util.filter_spans' order, on matches rather than spans)."""
    chosen: list[Match] = []
    taken: set[int] = set()
    for m in sorted(matches, key=lambda m: (-(m.end - m.start), m.start, m.payload.exact)):
        if not taken.intersection(range(m.start, m.end)):
            chosen.append(m)
            taken.update(range(m.start, m.end))
    return sorted(chosen, key=lambda m: m.start)
