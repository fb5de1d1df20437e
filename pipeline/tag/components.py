"""The two spaCy components: ``unsc_gazetteer`` (before ``ner``, so that the model
predicts around the names it knows) and ``unsc_topics``, both running a phrase index on
the doc's token readings."""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import config, gazetteer
from ..folding import is_cased, match_form
from .dictionary import Lexicon
from .keys import Candidate, token_candidates
from .phrases import Match, Payload, PhraseIndex, longest_first
from .resources import pipeline_resources


@dataclass(frozen=True)
class Hit:
    """A gazetteer or topic match, in character offsets of the doc's text."""

    start: int
    end: int
    text: str
    payload: Payload
    inflected: bool = False


Readings = dict[int, tuple[Candidate, ...]]  # a token text's (orth id's) readings, in one pipeline


def doc_candidates(doc: Doc, lang: str, lexicon: Lexicon, readings: Readings | None = None) -> list[tuple[Candidate, ...]]:
    """Every token's readings, computed once per doc and shared by the components;
    ``readings`` keeps them per token text across docs (no Token object per token)."""
    # user_data takes any hashable key (spaCy's own are tuples) though it is typed dict[str, Any]
    cached: list[tuple[Candidate, ...]] | None = doc.user_data.get(("unsc_candidates", lang))  # type: ignore[call-overload]
    if cached is None or len(cached) != len(doc):
        readings = {} if readings is None else readings
        cached = []
        for orth in doc.to_array(ORTH).tolist():
            found = readings.get(orth)
            if found is None:
                lexeme = doc.vocab[orth]
                text = lexeme.text
                found = readings[orth] = () if lexeme.is_space else token_candidates(text, lexicon.nominal_lemma(text), lang)
            cached.append(found)
        doc.user_data[("unsc_candidates", lang)] = cached  # type: ignore[index]
    return cached


def caps_text(doc: Doc) -> bool:
    """Whether the text is mostly capitals (a typewritten title, a heading). The letters
    are counted in the tokens' texts: ``doc.text`` holds the same letters, but spaCy builds
    it anew at each access, a Token object per token (a tenth of the rules' time)."""
    strings = doc.vocab.strings
    text = "".join([strings[orth] for orth in doc.to_array(ORTH).tolist()])
    upper, lower = sum(map(str.isupper, text)), sum(map(str.islower, text))
    return upper + lower > 0 and upper / (upper + lower) > config.CAPS_TEXT_RATIO


TRAILING = ".,;:)»”\"'"


def to_hit(doc: Doc, m: Match) -> Hit:
    """A match in character offsets, trailing punctuation that the pattern lacks left out."""
    start = doc[m.start].idx + m.skip
    end = doc[m.end - 1].idx + len(doc[m.end - 1].text)
    text = doc[m.start:m.end].text[m.skip:]
    while text and text[-1] in TRAILING and not m.payload.text.endswith(text[-1]):
        end -= 1
        text = text[:-1]
    inflected = _surface(text) != _surface(m.payload.text)
    return Hit(start, end, text, m.payload, inflected)


def _surface(text: str) -> str:
    """Folded text without spacing, to tell an exact label from an inflected one."""
    return re.sub(r"[\s'-]+", "", match_form(text))


def _acceptable(doc: Doc, m: Match, shouting: bool) -> bool:
    p = m.payload
    first = doc[m.start].text[m.skip:]
    if p.exact and shouting and len(p.text) <= config.SHORT_ACRONYM_LEN:
        return False
    if p.cap_initial and is_cased(first) and not first[:1].isupper():
        return False
    return True


Ranged = tuple[Hit, tuple[int, int]]  # a hit and its token range


def gazetteer_hits(doc: Doc, index: PhraseIndex, lang: str, lexicon: Lexicon,
                   readings: Readings | None = None) -> tuple[list[Ranged], list[Ranged]]:
    """Longest non-overlapping entity matches, and the parent organizations named at the
    end of a body's name ("Comité exécutif de la CEI" also names the CEI), nested in them."""
    shouting = caps_text(doc)
    matches = [m for m in index.find(doc_candidates(doc, lang, lexicon, readings)) if _acceptable(doc, m, shouting)]
    chosen = longest_first(matches)
    parents: list[Ranged] = []
    for m in chosen:
        parent = gazetteer.org_by_id().get(m.payload.ids[0], {}).get("parent") if m.payload.kind == "org" else None
        inner = [n for n in matches if n.payload.kind == "org" and n.payload.ids[0] == parent
                 and m.start < n.start and n.end == m.end]
        if inner:
            parents.append((to_hit(doc, inner[0]), (inner[0].start, inner[0].end)))
    return [(to_hit(doc, m), (m.start, m.end)) for m in chosen], parents


if not Doc.has_extension("unsc_entities"):
    Doc.set_extension("unsc_entities", default=None)
if not Doc.has_extension("unsc_ranges"):
    Doc.set_extension("unsc_ranges", default=None)
if not Doc.has_extension("unsc_topics"):
    Doc.set_extension("unsc_topics", default=None)


PRESET_LABELS = {"org": "ORG", "country": "GPE"}  # the label of a gazetteer hit preset for the NER, by kind


class _IndexComponent:
    """Runs one of the language's phrase indices over a doc's token readings."""

    def __init__(self, lang: str, index: PhraseIndex, lexicon: Lexicon):
        self.lang, self.index, self.lexicon = lang, index, lexicon
        self.readings: Readings = {}


class GazetteerComponent(_IndexComponent):
    """Finds known organizations and States; sets them as doc.ents for the NER to respect."""

    def __init__(self, nlp: Language, lang: str):
        resources = pipeline_resources(nlp, lang)
        super().__init__(lang, resources.entities, resources.lexicon)

    def __call__(self, doc: Doc) -> Doc:
        chosen, parents = gazetteer_hits(doc, self.index, self.lang, self.lexicon, self.readings)
        doc._.unsc_entities = [h for h, _ in chosen + parents]
        doc._.unsc_ranges = {rng for _, rng in chosen + parents}
        doc.ents = [Span(doc, s, e, label=PRESET_LABELS[h.payload.kind]) for h, (s, e) in chosen]
        return doc


class TopicComponent(_IndexComponent):
    """Finds UNBIS concepts (labels and curated variants)."""

    def __init__(self, nlp: Language, lang: str):
        resources = pipeline_resources(nlp, lang)
        super().__init__(lang, resources.topics, resources.lexicon)

    def __call__(self, doc: Doc) -> Doc:
        matches = longest_first(self.index.find(doc_candidates(doc, self.lang, self.lexicon, self.readings)))
        doc._.unsc_topics = [to_hit(doc, m) for m in matches]
        return doc


@Language.factory("unsc_gazetteer", default_config={"lang": "xx"})
def make_gazetteer(nlp: Language, name: str, lang: str) -> GazetteerComponent:
    return GazetteerComponent(nlp, lang)


@Language.factory("unsc_topics", default_config={"lang": "xx"})
def make_topics(nlp: Language, name: str, lang: str) -> TopicComponent:
    return TopicComponent(nlp, lang)
