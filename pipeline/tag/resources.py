"""What the tag components of a language use (phrase indices, dictionary), compiled
from the data files, the pipeline's tokenizer and its lemmatizer's tables, once per
process or read from the cache."""
from __future__ import annotations

import functools
import hashlib
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # compiled with a spaCy pipeline; read back from the cache without one
    from spacy.language import Language

from .. import config
from .cache import cached
from .dictionary import Lexicon
from .patterns import compile_index, entity_specs, topic_specs
from .phrases import PhraseIndex

DATA_FILES = ("organizations.json", "countries.json", "topic_variants.json", "unbis.json")


@dataclass
class Resources:
    """A language's compiled resources."""

    entities: PhraseIndex
    topics: PhraseIndex
    lexicon: Lexicon


def compile_resources(nlp: Language, lang: str) -> Resources:
    return Resources(compile_index(entity_specs(lang), nlp.tokenizer, lang),
                     compile_index(topic_specs(lang, nlp.tokenizer), nlp.tokenizer, lang),
                     Lexicon.of(nlp))


_RESOURCES: weakref.WeakKeyDictionary[Language, Resources] = weakref.WeakKeyDictionary()


def pipeline_resources(nlp: Language, lang: str) -> Resources:
    """A pipeline's resources: compiled once per process, or read from the cache
    (compiling them takes seconds, longer than tagging a short letter)."""
    if nlp not in _RESOURCES:
        _RESOURCES[nlp] = cached_resources(nlp, lang, config.CACHE_DIR)
    return _RESOURCES[nlp]


@functools.lru_cache(maxsize=1)
def data_version() -> str:
    """Short hash of the data files, so runs reprocess when the data change."""
    h = hashlib.sha256()
    for name in DATA_FILES:
        h.update((config.DATA_DIR / name).read_bytes())
    return h.hexdigest()[:12]


def resources_key(nlp: Language, lang: str) -> str:
    """What the compiled resources depend on: the language, spaCy and the model, the
    data files and the code that compiles them."""
    import spacy

    return compiled_key((lang, spacy.about.__version__, nlp.meta.get("name", ""), nlp.meta.get("version", "")))


def compiled_key(parts: Iterable[str]) -> str:
    """A cache key of what the tag stage compiles: ``parts`` (the language, spaCy, the
    model), the data files and the code that compiles them."""
    h = hashlib.sha256()
    for part in (*parts, data_version()):
        h.update(f"{part}\0".encode())
    code = sorted(Path(__file__).parent.glob("*.py")) + [config.PACKAGE_DIR / n for n in ("config.py", "folding.py", "gazetteer.py")]
    for module in code:
        h.update(module.read_bytes())
    return h.hexdigest()[:16]


def cached_resources(nlp: Language, lang: str, cache_dir: Path) -> Resources:
    """Resources read from ``cache_dir``, or compiled and written there."""
    return cached(cache_dir, f"tag-{lang}", resources_key(nlp, lang), Resources, lambda: compile_resources(nlp, lang))
