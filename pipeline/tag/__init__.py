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

from .. import config, gazetteer
from ..types import Entity, Paragraph, Tags, TopicHit
from .model_spans import span_rules
from .patterns import topic_rules, unbis
from .pipelines import build_nlp, lexicon_of
from .rows import entities_of, organizations_table, unbis_topics_table
from .topics import topics_of

__all__ = ["tag_document", "organizations_table", "unbis_topics_table", "read_data", "build_nlp"]


def read_data() -> None:
    """Read the stage's data files and build their look-up tables now (each is built
    once per process, then kept)."""
    gazetteer.read()
    topic_rules(), unbis()
    span_rules()


def tag_document(paragraphs: Sequence[Paragraph], language: str | None) -> Tags:
    """Entities and topics of a document's paragraphs (offsets into Paragraph.text)."""
    nlp = build_nlp(language)
    lexicon = lexicon_of(language)
    entities: list[Entity] = []
    topics: list[TopicHit] = []
    texts = [p.text or "" for p in paragraphs]
    for para, doc in zip(paragraphs, nlp.pipe(texts, batch_size=config.NLP_BATCH_SIZE)):
        entities += entities_of(para.para_id, doc, lexicon)
        topics += topics_of(para.para_id, doc)
    return Tags(entities=entities, topics=topics)
