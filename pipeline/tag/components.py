"""The two spaCy components: ``unsc_gazetteer`` (before ``ner``, so that the model
predicts around the names it knows) and ``unsc_topics``, both running a phrase index on
the doc's token readings."""
from __future__ import annotations

from . import lean_spacy  # noqa: F401  (first: spaCy imported without its command line)
from spacy.attrs import IDX, ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..types import Tokens
from .dictionary import Lexicon
from .keys import Candidate
from .matching import ReadingCache, gazetteer_hits, readings, topic_hits
from .phrases import PhraseIndex
from .resources import pipeline_resources


def doc_tokens(doc: Doc) -> Tokens:
    """A doc's tokens, read from its arrays (no Token object per token)."""
    strings = doc.vocab.strings
    if not len(doc):
        return Tokens((), ())
    columns = doc.to_array([ORTH, IDX]).T.tolist()
    return Tokens(tuple([strings[orth] for orth in columns[0]]), tuple(columns[1]))


def doc_readings(doc: Doc, lang: str, lexicon: Lexicon, cache: ReadingCache) -> tuple[Tokens, list[tuple[Candidate, ...]]]:
    """A doc's tokens and their readings, computed once per doc and shared by the components."""
    # user_data takes any hashable key (spaCy's own are tuples) though it is typed dict[str, Any]
    found: tuple[Tokens, list[tuple[Candidate, ...]]] | None = doc.user_data.get(("unsc_readings", lang))  # type: ignore[call-overload]
    if found is None or len(found[0].texts) != len(doc):
        tokens = doc_tokens(doc)
        found = doc.user_data[("unsc_readings", lang)] = (tokens, readings(tokens, lang, lexicon, cache))  # type: ignore[index]
    return found


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
        self.cache: ReadingCache = {}


class GazetteerComponent(_IndexComponent):
    """Finds known organizations and States; sets them as doc.ents for the NER to respect."""

    def __init__(self, nlp: Language, lang: str):
        resources = pipeline_resources(nlp, lang)
        super().__init__(lang, resources.entities, resources.lexicon)

    def __call__(self, doc: Doc) -> Doc:
        chosen, parents = gazetteer_hits(*doc_readings(doc, self.lang, self.lexicon, self.cache), self.index)
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
        doc._.unsc_topics = topic_hits(*doc_readings(doc, self.lang, self.lexicon, self.cache), self.index)
        return doc


@Language.factory("unsc_gazetteer", default_config={"lang": "xx"})
def make_gazetteer(nlp: Language, name: str, lang: str) -> GazetteerComponent:
    return GazetteerComponent(nlp, lang)


@Language.factory("unsc_topics", default_config={"lang": "xx"})
def make_topics(nlp: Language, name: str, lang: str) -> TopicComponent:
    return TopicComponent(nlp, lang)
