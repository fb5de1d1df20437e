"""Patterns from the data files (pure given a tokenizer): organization and State names,
UNBIS labels and curated topic variants, compiled into phrase indices."""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # patterns are tokenized with spaCy when the tag cache is built
    from spacy.tokens import Doc

from .. import config, gazetteer
from ..gazetteer import LANGS, name_key
from .keys import pattern_keys
from .phrases import Payload, PhraseIndex

CJK_LANGS = {"zh", "ja"}
Tokenize = Callable[[str], "Doc"]


def topic_rules() -> dict[str, Any]:
    """The curated topic rules (variants, allow-lists, exclusions)."""
    return gazetteer.data_file("topic_variants.json")


def unbis() -> dict[str, dict[str, Any]]:
    """The UNBIS Thesaurus concepts by id."""
    found: dict[str, dict[str, Any]] = gazetteer.data_file("unbis.json")["topics"]
    return found


@dataclass(frozen=True)
class PatternSpec:
    """A phrase to look for, before tokenization."""

    text: str
    payload: Payload


def _langs_for(lang: str) -> tuple[str, ...]:
    return LANGS if lang not in LANGS else (lang,)


def entity_specs(lang: str) -> list[PatternSpec]:
    """Organization names and acronyms, and State names, in the document's language."""
    specs: list[PatternSpec] = []
    for o in gazetteer.organizations():
        for lg in _langs_for(lang):
            for n in o["names"].get(lg, []):
                specs.append(PatternSpec(n, Payload("org", (o["org_id"],), n, cap_initial=n[:1].isupper())))
            for a in o.get("acronyms", {}).get(lg, []):
                specs.append(PatternSpec(a, Payload("org", (o["org_id"],), a, exact=True)))
    for c in gazetteer.countries():
        for lg in _langs_for(lang):
            for n in c["names"].get(lg, []):
                specs.append(PatternSpec(n, Payload("country", (c["code"],), n, cap_initial=n[:1].isupper())))
    return specs


def _label_ok(label: str, n_tokens: int, lang: str, ident: str, rules: dict[str, Any]) -> bool:
    if ident in rules["single_word"]:
        return True
    if lang in CJK_LANGS:
        return len(label) >= config.TOPIC_MIN_LABEL_CHARS_CJK
    return n_tokens >= config.TOPIC_MIN_LABEL_TOKENS


@functools.lru_cache(maxsize=1)
def _topic_filter() -> dict[str, Any]:
    rules = topic_rules()
    entity_names = {name_key(n) for o in gazetteer.organizations() for ns in o["names"].values() for n in ns}
    entity_names |= {name_key(n) for c in gazetteer.countries() for ns in c["names"].values() for n in ns}
    excluded = set(rules.get("generic_ids", []))
    for ident, t in unbis().items():
        micros = t.get("micro") or []
        if any(m.startswith(tuple(rules.get("excluded_microthesauri", []))) for m in micros):
            excluded.add(ident)
        elif name_key(t["labels"].get("en") or "") in entity_names:
            excluded.add(ident)
    return {"excluded": excluded, "single_word": set(rules.get("single_word_labels", []))}


def topic_specs(lang: str, tokenize: Tokenize) -> list[PatternSpec]:
    """UNBIS labels (multiword, not geographic nor an organization's name) and curated
    variants, in the document's language."""
    rules = _topic_filter()
    specs: list[PatternSpec] = []
    for lg in _langs_for(lang):
        for ident, t in unbis().items():
            label = t["labels"].get(lg)
            if not label or ident in rules["excluded"]:
                continue
            label = label.strip()
            n = sum(1 for tok in tokenize(label) if not tok.is_punct)
            if _label_ok(label, n, lg, ident, rules):
                specs.append(PatternSpec(label, Payload("topic", (ident,), label, score=config.TOPIC_SCORE_LABEL,
                                                        curated=ident in rules["single_word"])))
        for variant, ids in topic_rules()["variants"].get(lg, {}).items():
            specs.append(PatternSpec(variant, Payload("topic", tuple(ids), variant, score=config.TOPIC_SCORE_VARIANT,
                                                      curated=True)))
    return specs


def compile_index(specs: Iterable[PatternSpec], tokenize: Tokenize, lang: str) -> PhraseIndex:
    """Tokenize each pattern with the document language's tokenizer into the trie."""
    index = PhraseIndex()
    for spec in specs:
        tokens = [t.text for t in tokenize(spec.text) if not t.is_space]
        index.add(pattern_keys(tokens, lang, spec.payload.exact), spec.payload)
    return index
