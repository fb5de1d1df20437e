"""Text-layer quality: is a page's text layer worth reading, or is it old OCR garbage?

Two measures of a page's words: the share of its words that the language's lexicon
knows (the spaCy model's vocabulary strings, read without loading spaCy) and the share
of its words that hold garbage (stray symbols, punctuation inside a word: "addre;ssed",
"Pgrmanr~nt"). A page whose layer knows too few words or holds too many garbled ones is
read again by OCR.
"""
from __future__ import annotations

import importlib.util
import json
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Sequence

from . import config, lexicon
from .types import LayerQuality, Word

# a stray symbol anywhere, or punctuation between two letters ("addre;ssed", "t&S%!cr")
GARBLED = re.compile(r"[~^|\\{}<>=_#`¢£¥\ufffd]|(?<=[^\W\d_])[^\w\s'’\-.,@&/](?=[^\W\d_])")
EDGE_PUNCT = "\"'’‘“”«»()[]{}.,;:!?*-–—"


@cache
def vocabulary(language: str) -> frozenset[str]:
    """Lower-case words the spaCy model of ``language`` has seen (empty without a model)."""
    names = (config.SPACY_MODELS.get(language, ""), *config.SPACY_MODEL_ALIASES.get(config.SPACY_MODELS.get(language, ""), ()))
    for name in filter(None, names):
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        for strings in Path(next(iter(spec.submodule_search_locations))).glob("*/vocab/strings.json"):
            words = json.loads(strings.read_text(encoding="utf-8"))
            return frozenset(w.lower() for w in words if w.isalpha())
    return frozenset()


WORD_PARTS = re.compile(r"[-'’]")


@lru_cache(maxsize=1 << 16)  # a document repeats its words; bounded for an archive's run
def _judged(text: str, language: str | None) -> tuple[bool, bool] | None:
    """Whether a word is known to the language's lexicon and whether it is garbled, or
    None for a word that need not be a dictionary word (symbols, numbers, one letter)."""
    token = text.strip(EDGE_PUNCT)
    if len(token) < 2 or not any(c.isalpha() for c in token):
        return None
    # Chinese runs a line's words and punctuation together: its "words" are not judged
    garbled = bool(GARBLED.search(token)) and not lexicon.CJK.search(token)
    return _known(token, vocabulary(language) if language else frozenset()), garbled


def _known(token: str, vocab: frozenset[str]) -> bool:
    if "/" in token or any(c.isdigit() for c in token):
        return True  # a symbol or a number: not the lexicon's to judge
    parts = [p for p in WORD_PARTS.split(token.lower()) if p]
    return bool(parts) and all(p in vocab or p.isdigit() for p in parts)


def measure(words: Sequence[Word], language: str | None) -> LayerQuality:
    """The quality figures of one page's text layer (``language``: ISO code, or None)."""
    tokens = known = garbled = 0
    for word in words:
        judged = _judged(word.text, language)
        if judged is not None:
            tokens += 1
            known += judged[0]
            garbled += judged[1]
    if not tokens:
        return LayerQuality(None, 0.0, 0)
    has_vocabulary = bool(vocabulary(language)) if language else False
    return LayerQuality(known / tokens if has_vocabulary else None, garbled / tokens, tokens)


def is_poor(quality: LayerQuality) -> bool:
    """A layer that fails the test: too few known words or too much garbage."""
    if quality.tokens < config.OCR_MIN_TOKENS_FOR_TEST:
        return False  # too little text to judge (a page number, a signature)
    return ((quality.known_share is not None and quality.known_share < config.OCR_MIN_KNOWN_WORD_SHARE)
            or quality.garbled_share > config.OCR_MAX_GARBLED_WORD_SHARE)


def page_language(words: Sequence[Word]) -> str | None:
    """The language a page's text layer is written in."""
    return lexicon.detect_language(" ".join(w.text for w in words))
