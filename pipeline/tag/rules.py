"""``--ner rules`` without spaCy: the language's tokenizer rules (``tokenizer``) and
compiled resources are read from the tag cache, and the gazetteer and topic rules run
on the tokens (``matching``). spaCy is imported only to compile them, once per install
and data version, or for a language whose tokenizer is not rule-based (Chinese)."""
from __future__ import annotations

import functools
import gc
from collections.abc import Sequence
from dataclasses import dataclass

from .. import config, versions
from ..types import Entity, Paragraph, Tags, TopicHit
from .cache import cached
from .charsets import fast_compile
from .matching import ReadingCache, gazetteer_hits, readings, topic_hits
from .resources import Resources, compiled_key, pipeline_resources
from .rows import gazetteer_entity
from .tokenizer import Tokenizer, TokenizerRules, rules_of
from .topics import topics_of


@dataclass
class RulesResources:
    """What tagging a language by rules needs: its spaCy tokenizer's rules (None: not a
    rule-based tokenizer) and the compiled resources."""

    tokenizer: TokenizerRules | None
    resources: Resources


class RulesTagger:
    """The gazetteer and topic rules of one language, on its tokenizer's tokens."""

    def __init__(self, lang: str, rules: TokenizerRules, resources: Resources) -> None:
        with fast_compile(config.CACHE_DIR):  # a long pattern's code comes from the cache
            self.tokenizer = Tokenizer(rules)
        self.lang, self.resources = lang, resources
        self.cache: ReadingCache = {}

    def tag(self, paragraphs: Sequence[Paragraph]) -> Tags:
        """Entities and topics of a document's paragraphs (offsets into Paragraph.text)."""
        entities: list[Entity] = []
        topics: list[TopicHit] = []
        resources = self.resources
        for para in paragraphs:
            tokens = self.tokenizer(para.text or "")
            found = readings(tokens, self.lang, resources.lexicon, self.cache)
            chosen, parents = gazetteer_hits(tokens, found, resources.entities)
            names = [hit for hit, _ in chosen + parents]
            entities += sorted((gazetteer_entity(para.para_id, hit) for hit in names), key=lambda e: (e.start, e.end))
            topics += topics_of(para.para_id, names, topic_hits(tokens, found, resources.topics))
        return Tags(entities=entities, topics=topics)


@functools.cache
def rules_tagger(lang: str) -> RulesTagger | None:
    """The rules tagger of a language (``lang`` normalized), built once per process from
    the tag cache; None where the tokenizer is spaCy's alone. What it holds lives as
    long as the process: frozen out of the garbage collector's passes, as the spaCy
    pipelines are."""
    found = cached(config.CACHE_DIR, f"rules-{lang}", rules_key(lang), RulesResources, lambda: compile_rules(lang))
    if found.tokenizer is None:
        return None
    tagger = RulesTagger(lang, found.tokenizer, found.resources)
    gc.collect(1)
    gc.freeze()
    return tagger


def compile_rules(lang: str) -> RulesResources:
    """A language's rules resources, compiled with its spaCy pipeline."""
    from .pipelines import build_nlp  # spaCy: only when the cache lacks them

    nlp = build_nlp(lang, "rules")
    return RulesResources(rules_of(nlp.tokenizer), pipeline_resources(nlp, lang))


def rules_key(lang: str) -> str:
    """What a language's rules resources depend on, read without importing spaCy: the
    installed versions of spaCy and of the language's model (or none), and what every
    compiled resource depends on."""
    return compiled_key((lang, versions.version("spacy") or "", _model(lang)))


def _model(lang: str) -> str:
    name = config.SPACY_MODELS.get(lang)
    for candidate in (name, *config.SPACY_MODEL_ALIASES.get(name, ())) if name else ():
        version = versions.version(candidate)
        if version:
            return f"{candidate}=={version}"
    return "blank"
