"""The statistical model's spans: labels mapped, edges trimmed, junk dropped, and the
States and organizations among them identified through the gazetteer."""
from __future__ import annotations

import functools
import re

from . import lean_spacy  # noqa: F401  (first: spaCy imported without its command line)
from spacy.tokens import Doc, Span, Token

from .. import gazetteer
from ..folding import is_cased, match_form
from ..types import Entity, Label
from .dictionary import Lexicon
from .rows import gazetteer_entity

MODEL_LABELS: dict[str, Label] = {"ORG": "ORG", "PER": "PERSON", "PERSON": "PERSON", "LOC": "LOC", "GPE": "GPE"}  # others dropped


@functools.lru_cache(maxsize=1)
def span_rules() -> dict[str, set[str]]:
    rules = gazetteer.data_file("organizations.json").get("model_span_rules", {})
    return {k: {match_form(w) for w in v} for k, v in rules.items()}


ENUMERATOR = re.compile(r"^(?:[IVXLC]+|[A-Za-z]|\d+(?:\.\d+)*)[.)]$")  # "A.", "IV.", "2.1." heading markers


def _trim(span: Span, lexicon: Lexicon | None = None) -> tuple[int, int] | None:
    """Token range of a model span without heading markers, articles and connectors at
    its edges ("the", "l'", "of"), edge punctuation and a verb run into its end, or None
    if nothing is left."""
    rules = span_rules()
    lead = rules.get("leading_words", set())
    s, e = span.start, span.end
    doc = span.doc
    while s < e and (doc[s].is_punct or doc[s].is_space or match_form(doc[s].text) in lead or ENUMERATOR.match(doc[s].text)):
        s += 1
    while e > s and (doc[e - 1].is_punct or doc[e - 1].is_space or match_form(doc[e - 1].text) in lead
                     or _runs_on(doc[e - 1], lexicon)):
        e -= 1
    return (s, e) if s < e else None


def _runs_on(token: Token, lexicon: Lexicon | None) -> bool:
    """A lower-case word at a name's end that the dictionary knows only as a verb: the
    sentence going on after the name ("la Chambre des députés procède"). Unknown words
    stay: the dictionaries have gaps ("torture" is not in the French one)."""
    if lexicon is None or not (token.text.isalpha() and token.text.islower()):
        return False
    parts = lexicon.parts_of_speech(token.text)
    return bool(parts) and parts <= {"verb", "aux"}


SENTENCE_OPENERS = {"(", "[", "«", "“", '"', "'", ".", "!", "?", "…", ":"}


def _capital_by_position(token: Token) -> bool:
    """Whether the token stands where any word takes a capital: a text or sentence start,
    or after an opening bracket or quote."""
    if token.i == 0 or token.is_sent_start:
        return True
    prev = token.doc[token.i - 1]
    return prev.is_left_punct or prev.text in SENTENCE_OPENERS or bool(ENUMERATOR.match(prev.text))


def reads_as_name(token: Token, lexicon: Lexicon | None) -> bool:
    """Whether a word reads as part of a name, without a tagger: an acronym, a capital
    where the language doesn't need one, or a capitalized word that neither the dictionary
    nor the stop words know ("The", "We" opening a sentence: the lemmatizer's tables
    leave function words out)."""
    text = token.text
    if len(text) > 1 and text.isupper():
        return True
    if not text[:1].isupper():
        return False
    return not _capital_by_position(token) or not ((lexicon and lexicon.is_common(text)) or token.is_stop)


PERSON_LABELS = {"PER", "PERSON"}


def model_span_is_junk(span: Span, lexicon: Lexicon | None = None) -> bool:
    """Rules that generalize: no capital letter, a lone dictionary word capitalized (a
    sentence start, a heading: "Signé", "Document"), no word that reads as a name, made
    only of titles/generic words, a "person" made of dictionary words (a title), or too
    short."""
    rules = span_rules()
    text = span.text
    if len(text) < 2 or not any(c.isalpha() for c in text):
        return True
    if is_cased(text) and not any(c.isupper() for c in text):
        return True
    words = [t for t in span if not t.is_punct]
    if "/" in text:  # a document symbol or a broken line, not a name
        return True
    if lexicon and len(words) == 1 and not words[0].text.isupper() and lexicon.is_common(words[0].text) \
            and (_capital_by_position(words[0]) or "-" not in words[0].text):
        return True
    if all(match_form(t.text) in rules.get("generic_words", set()) or match_form(t.text) in rules.get("leading_words", set())
           or t.is_stop for t in words):
        return True
    if not any(reads_as_name(t, lexicon) for t in words):
        return True  # "Cour constitutionnelle" opening a sentence: nothing marks it as a name
    if span.label_ in PERSON_LABELS and lexicon and all(
            lexicon.is_common(t.text) or t.is_stop or match_form(t.text) in rules.get("leading_words", set()) for t in words):
        return True  # "Président de la République": a title, not somebody's name
    return False


def model_entity(para_id: int, span: Span, lexicon: Lexicon | None = None) -> Entity | None:
    label = MODEL_LABELS.get(span.label_)
    if label is None:
        return None
    rng = _trim(span, lexicon)
    if rng is None:
        return None
    span = Span(span.doc, rng[0], rng[1], label=span.label)
    if is_cased(span.text) and not span.text[:1].isupper():
        return None
    code = gazetteer.country_code(span.text) if label in ("GPE", "LOC", "ORG") else None
    if code:
        return Entity(para_id, span.start_char, span.end_char, span.text, "GPE", country_code=code,
                      canonical_name=gazetteer.country_name(code), source="model")
    if model_span_is_junk(span, lexicon):
        return None
    if label == "GPE":
        label = "LOC"
    org = gazetteer.org_id_for(span.text) if label == "ORG" else None
    canonical = gazetteer.org_by_id()[org]["name_en"] if org else None
    return Entity(para_id, span.start_char, span.end_char, span.text, label, org_id=org, canonical_name=canonical,
                  source="model")


def needs_model(doc: Doc, lexicon: Lexicon) -> bool:
    """Whether the NER could add an entity the gazetteer did not find: a word outside
    the gazetteer's names that reads as a name (an acronym, a capital no position asks
    for, a capitalized word the dictionary doesn't know). A model span is kept only if
    it holds such a word (model_span_is_junk), so elsewhere the NER's work is thrown away."""
    covered = {i for start, end in doc._.unsc_ranges or () for i in range(start, end)}
    return any(token.i not in covered and reads_as_name(token, lexicon) for token in doc)


def entities_of(para_id: int, doc: Doc, lexicon: Lexicon | None = None) -> list[Entity]:
    """A tagged doc's entities: the gazetteer's, then the model's other spans that pass
    the junk filter."""
    out = [gazetteer_entity(para_id, h) for h in doc._.unsc_entities or []]
    ours = doc._.unsc_ranges or set()
    for span in doc.ents:
        if (span.start, span.end) in ours:
            continue
        ent = model_entity(para_id, span, lexicon)
        if ent is not None:
            out.append(ent)
    return sorted(out, key=lambda e: (e.start, e.end))
