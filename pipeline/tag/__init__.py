"""Tag stage: organizations, States and UNBIS topics in a document's paragraphs.

The core is pure: data files -> phrase patterns (``patterns``) -> a token trie
(``phrases.PhraseIndex``) that finds every pattern in a text's token readings
(``keys``), matched and kept by ``matching``. spaCy supplies tokenization (every
language) and the statistical NER (fr, en); a language's dictionary comes from its
lemmatizer's tables (``dictionary``). With the model, two pipeline components run the
index (``components``): ``unsc_gazetteer`` before the NER and ``unsc_topics``; the
model's own spans are filtered (``model_spans``). ``--ner rules`` runs without spaCy:
its tokenizer's rules and the compiled resources come from the tag cache (``rules``,
``tokenizer``). Rows are made by ``rows`` and ``topics``; compiled resources are
cached (``resources``, ``cache``).
"""
from __future__ import annotations

from collections.abc import Sequence

from .. import config, gazetteer
from ..folding import normalize_language
from ..types import Entity, NerMode, Paragraph, Tags, TopicHit
from .patterns import topic_rules, unbis
from .rows import organizations_table, unbis_topics_table
from .rules import rules_tagger
from .topics import topics_of

__all__ = ["load", "organizations_table", "read_data", "tag_document", "unbis_topics_table"]


def read_data(ner: NerMode = config.DEFAULT_NER) -> None:
    """Read the stage's data files and build their look-up tables now (each is built
    once per process, then kept)."""
    gazetteer.read()
    topic_rules(), unbis()
    if ner == "model":
        from .model_spans import span_rules

        span_rules()


def load(language: str | None, ner: NerMode = config.DEFAULT_NER) -> None:
    """Load what tagging a language takes now (once per process): its rules tagger, or
    its spaCy pipeline with the model or where the tokenizer is spaCy's alone."""
    if ner != "rules" or rules_tagger(normalize_language(language)) is None:
        from .pipelines import build_nlp

        build_nlp(language, ner)


def tag_document(paragraphs: Sequence[Paragraph], language: str | None, ner: NerMode = config.DEFAULT_NER) -> Tags:
    """Entities and topics of a document's paragraphs (offsets into Paragraph.text).
    ``ner="rules"``: the gazetteer and the topic rules only, no statistical model."""
    tagger = rules_tagger(normalize_language(language)) if ner == "rules" else None
    if tagger is not None:
        return tagger.tag(paragraphs)
    return _tag_with_spacy(paragraphs, language, ner)


def _tag_with_spacy(paragraphs: Sequence[Paragraph], language: str | None, ner: NerMode) -> Tags:
    from .model_spans import entities_of, needs_model
    from .ner_decoder import recognize
    from .pipelines import build_nlp, lexicon_of, one_blas_thread

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
        topics += topics_of(para.para_id, doc._.unsc_entities or [], doc._.unsc_topics or [])
    return Tags(entities=entities, topics=topics)
