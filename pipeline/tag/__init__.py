"""Tag stage: organizations, States and UNBIS topics in a document's paragraphs.

The core is pure: data files -> phrase patterns (``patterns``) -> a token trie
(``phrases.PhraseIndex``) that finds every pattern in a text's token readings
(``keys``). spaCy supplies tokenization (every language) and the statistical NER
(fr, en); a language's dictionary comes from its lemmatizer's tables (``dictionary``).
Two pipeline components run the index (``components``): ``unsc_gazetteer`` before the
NER and ``unsc_topics``. The model's own spans are filtered (``model_spans``); rows are
made by ``rows`` and ``topics``; compiled resources are cached (``resources``, ``cache``).
"""
from __future__ import annotations

from collections.abc import Sequence

from . import lean_spacy  # noqa: F401  (first: spaCy imported without its command line)
from .. import config, gazetteer
from ..types import Entity, NerMode, Paragraph, Tags, TopicHit
from .model_spans import needs_model, span_rules
from .ner_decoder import recognize
from .patterns import topic_rules, unbis
from .pipelines import build_nlp, lexicon_of, one_blas_thread
from .rows import entities_of, organizations_table, unbis_topics_table
from .topics import topics_of

__all__ = ["build_nlp", "organizations_table", "read_data", "tag_document", "unbis_topics_table"]


def read_data() -> None:
    """Read the stage's data files and build their look-up tables now (each is built
    once per process, then kept)."""
    gazetteer.read()
    topic_rules(), unbis()
    span_rules()


def tag_document(paragraphs: Sequence[Paragraph], language: str | None, ner: NerMode = config.DEFAULT_NER) -> Tags:
    """Entities and topics of a document's paragraphs (offsets into Paragraph.text).
    ``ner="rules"``: the gazetteer and the topic rules only, no statistical model."""
    nlp = build_nlp(language, ner)
    lexicon = lexicon_of(language, ner)
    docs = [nlp.make_doc(p.text or "") for p in paragraphs]
    for name, component in nlp.pipeline:
        if name == "ner":  # batched, on the prose where it can find something
            wanted = [doc for para, doc in zip(paragraphs, docs)
                      if para.kind not in config.NER_SKIPPED_KINDS and needs_model(doc, lexicon)]
            with one_blas_thread():
                recognize(component, wanted, config.NLP_BATCH_SIZE)
        else:
            docs = [component(doc) for doc in docs]
    entities: list[Entity] = []
    topics: list[TopicHit] = []
    for para, doc in zip(paragraphs, docs):
        entities += entities_of(para.para_id, doc, lexicon)
        topics += topics_of(para.para_id, doc)
    return Tags(entities=entities, topics=topics)
