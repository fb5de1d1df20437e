"""spaCy's rule tokenizer without spaCy (pure): the same algorithm (white-space runs,
special cases, prefixes, suffixes, infixes, token and URL matches, then the special
cases that affixes had split) over the same rules, read once from a spaCy tokenizer
(:func:`rules_of`) and kept in the tag cache. ``--ner rules`` tokenizes with it, so a
process that tags by rules never imports spaCy (half a second of every start).

It follows ``spacy/tokenizer.pyx`` (3.8) step for step, as spaCy's own
``Tokenizer.explain`` does in Python; tests hold it to spaCy's tokens on every corpus
paragraph and on the cases that exercise each step."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..types import Tokens

Pattern = tuple[str, int]  # a regular expression's source and flags
MAX_CACHE = 100_000  # chunks whose tokens are kept (a paragraph's words repeat across a corpus)
WHITE_SPACE_RUNS = re.compile(r"\s+|\S+")  # \s is str.isspace, which spaCy splits on
# the pattern method each of a spaCy tokenizer's callables is
_METHODS = {"prefix_search": "search", "suffix_search": "search", "infix_finditer": "finditer",
            "token_match": "match", "url_match": "match"}


@dataclass(frozen=True)
class TokenizerRules:
    """What a spaCy rule tokenizer tokenizes with: its special cases (a chunk and the
    texts of its pieces) and the sources of its five patterns (None: not used)."""

    specials: dict[str, tuple[str, ...]]
    prefix: Pattern | None
    suffix: Pattern | None
    infix: Pattern | None
    token_match: Pattern | None
    url_match: Pattern | None
    faster_heuristics: bool = True


def rules_of(tokenizer: Any) -> TokenizerRules | None:
    """The rules of a spaCy ``Tokenizer`` whose patterns are regular expressions; None
    for any other (Chinese, Japanese, a custom callable): that one is spaCy's alone."""
    from spacy.attrs import ORTH  # the key of a special case's pieces' texts (spaCy is loaded: it made the tokenizer)

    if type(tokenizer).__name__ != "Tokenizer" or not hasattr(tokenizer, "rules"):
        return None
    patterns: list[Pattern | None] = []
    for name in ("prefix_search", "suffix_search", "infix_finditer", "token_match", "url_match"):
        function = getattr(tokenizer, name, None)
        owner = getattr(function, "__self__", None)
        if function is None:
            patterns.append(None)
        elif isinstance(owner, re.Pattern) and function.__name__ == _METHODS[name]:
            patterns.append((owner.pattern, owner.flags))
        else:
            return None
    specials = {chunk: tuple(piece[ORTH] if ORTH in piece else piece["ORTH"] for piece in pieces)
                for chunk, pieces in (tokenizer.rules or {}).items()}
    prefix, suffix, infix, token_match, url_match = patterns
    return TokenizerRules(specials, prefix, suffix, infix, token_match, url_match, bool(tokenizer.faster_heuristics))



def _compiled(pattern: Pattern | None, method: str) -> Callable[[str], Any] | None:
    if pattern is None:
        return None
    found: Callable[[str], Any] = getattr(re.compile(pattern[0], pattern[1]), method)
    return found


class Tokenizer:
    """Tokenizes a text as spaCy's tokenizer with the same rules does."""

    def __init__(self, rules: TokenizerRules) -> None:
        self.specials = rules.specials
        self.prefix_search = _compiled(rules.prefix, "search")
        self.suffix_search = _compiled(rules.suffix, "search")
        self.infix_finditer = _compiled(rules.infix, "finditer")
        self.token_match = _compiled(rules.token_match, "match")
        self.url_match = _compiled(rules.url_match, "match")
        self.cache: dict[str, tuple[str, ...]] = {}
        # the special cases that affixes split (spaCy's special matcher): their pieces
        # as the affix rules alone cut them, found in the tokens afterwards
        self.split_specials: dict[str, list[tuple[str, ...]]] = {}
        for chunk in sorted(self.specials):
            if (not rules.faster_heuristics or self._prefix_length(chunk) or self._suffix_length(chunk)
                    or self._infixes(chunk) or " " in chunk):
                pieces = tuple(self._tokenize(chunk, with_specials=False)[0])
                if pieces:
                    self.split_specials.setdefault(pieces[0], []).append(pieces)

    def __call__(self, text: str) -> Tokens:
        texts, starts = self._tokenize(text, with_specials=True)
        if self.split_specials:
            self._apply_split_specials(text, texts, starts)
        return Tokens(tuple(texts), tuple(starts))

    def _tokenize(self, text: str, with_specials: bool) -> tuple[list[str], list[int]]:
        texts: list[str] = []
        starts: list[int] = []
        chunk_tokens = self._chunk if with_specials else self._affix_tokens
        for run in WHITE_SPACE_RUNS.finditer(text):
            start, chunk = run.start(), run.group()
            if chunk[0] == " " and texts:  # one space after a token is its trailing space
                start, chunk = start + 1, chunk[1:]
                if not chunk:
                    continue
            for piece in chunk_tokens(chunk):
                texts.append(piece)
                starts.append(start)
                start += len(piece)
        return texts, starts

    # --- one chunk (a run of non-space, or of space) --------------------------------

    def _chunk(self, chunk: str) -> tuple[str, ...]:
        found = self.specials.get(chunk) or self.cache.get(chunk)
        if found is None:
            found = self._affix_tokens(chunk, with_specials=True)
            if len(self.cache) < MAX_CACHE:
                self.cache[chunk] = found
        return found

    def _affix_tokens(self, chunk: str, with_specials: bool = False) -> tuple[str, ...]:
        prefixes: list[str] = []
        suffixes: list[str] = []
        rest = self._split_affixes(chunk, prefixes, suffixes, with_specials)
        return (*prefixes, *self._attach(rest, with_specials), *reversed(suffixes))

    def _split_affixes(self, string: str, prefixes: list[str], suffixes: list[str], with_specials: bool) -> str:
        specials = self.specials if with_specials else {}
        last_size = -1
        while string and len(string) != last_size:
            if self.token_match and self.token_match(string):
                break
            if string in specials:
                break
            last_size = len(string)
            pre_len = self._prefix_length(string)
            if pre_len:
                prefix, minus_pre = string[:pre_len], string[pre_len:]
                if minus_pre and minus_pre in specials:
                    prefixes.append(prefix)
                    return minus_pre
            suf_len = self._suffix_length(string[pre_len:])
            if suf_len:
                suffix, minus_suf = string[-suf_len:], string[:-suf_len]
                if minus_suf and minus_suf in specials:
                    suffixes.append(suffix)
                    return minus_suf
            if pre_len and suf_len and pre_len + suf_len <= len(string):
                string = string[pre_len:-suf_len]
                prefixes.append(prefix)
                suffixes.append(suffix)
            elif pre_len:
                string = minus_pre
                prefixes.append(prefix)
            elif suf_len:
                string = minus_suf
                suffixes.append(suffix)
        return string

    def _attach(self, string: str, with_specials: bool) -> tuple[str, ...]:
        if not string:
            return ()
        if with_specials and string in self.specials:
            return self.specials[string]
        if with_specials and string in self.cache:
            return self.cache[string]
        if (self.token_match and self.token_match(string)) or (self.url_match and self.url_match(string)):
            return (string,)
        matches = self._infixes(string)
        if not matches:
            return (string,)
        out: list[str] = []
        start = 0
        for match in matches:
            infix_start, infix_end = match.start(), match.end()
            if infix_start == 0:
                continue  # an infix at the very start is no split
            if infix_start != start:
                out.append(string[start:infix_start])
            if infix_start != infix_end:
                out.append(string[infix_start:infix_end])
            start = infix_end
        if string[start:]:
            out.append(string[start:])
        return tuple(out)

    def _prefix_length(self, string: str) -> int:
        match = self.prefix_search(string) if self.prefix_search else None
        return match.end() - match.start() if match is not None else 0

    def _suffix_length(self, string: str) -> int:
        match = self.suffix_search(string) if self.suffix_search else None
        return match.end() - match.start() if match is not None else 0

    def _infixes(self, string: str) -> list[re.Match[str]]:
        return list(self.infix_finditer(string)) if self.infix_finditer else []

    # --- the special cases affixes split ----------------------------------------------

    def _apply_split_specials(self, text: str, texts: list[str], starts: list[int]) -> None:
        """Put back, in place, a special case whose chunk the affix rules cut (spaCy's
        ``_apply_special_cases``): every occurrence of its pieces, the longest (then
        leftmost) first and none overlapping, whose text is the special case."""
        spans: list[tuple[int, int]] = []
        for i, piece in enumerate(texts):
            for pieces in self.split_specials.get(piece, ()):
                end = i + len(pieces)
                if tuple(texts[i:end]) == pieces:
                    spans.append((i, end))
        if not spans:
            return
        seen: set[int] = set()
        kept: list[tuple[int, int]] = []
        for start, end in sorted(spans, key=lambda span: (span[0] - span[1], span[0])):
            if start not in seen and end - 1 not in seen:
                kept.append((start, end))
            seen.update(range(start, end))
        for start, end in sorted(kept, reverse=True):  # from the end: earlier indices stay put
            chunk = text[starts[start]:starts[end - 1] + len(texts[end - 1])]
            special = self.specials.get(chunk)
            if special is None:
                continue
            offsets, at = [], starts[start]
            for piece in special:
                offsets.append(at)
                at += len(piece)
            texts[start:end], starts[start:end] = special, offsets
