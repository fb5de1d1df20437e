"""The spaCy pipeline of a language: its trained model with the NER alone (fr, en) or
a blank one, the gazetteer before the NER and the topic matcher last."""
from __future__ import annotations

import contextlib
import functools
import gc
import logging
from collections.abc import Callable, Iterator
from typing import Any

from . import lean_spacy  # noqa: F401  (first: spaCy imported without its command line)
import spacy
from spacy.attrs import IDS, IS_LEFT_PUNCT, IS_PUNCT, IS_SPACE, IS_STOP
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import registry
from thinc.api import NumpyOps
from threadpoolctl import ThreadpoolController

from .. import config
from ..folding import FALLBACK_LANGUAGE, normalize_language
from ..types import NerMode
from . import components, ner_decoder  # noqa: F401  (components registers the factories)
from .charsets import fast_compile
from .components import PRESET_LABELS
from .dictionary import Lexicon
from .resources import pipeline_resources

log = logging.getLogger(__name__)


EMPTY_TOKENIZER = "unsc.empty_tokenizer.v1"
# What the gazetteer, the topic rules and the compiling of their patterns read of a word
# besides its text: a pipeline without the statistical model computes only these when it
# meets a new word (spaCy computes 23 attributes, a Python call each: half of a fresh
# process's tokenizing). A pipeline with the NER adds the model's features (read from
# the model) and what its spans' filters read (model_spans).
RULES_LEXICAL_ATTRIBUTES = (IS_SPACE, IS_PUNCT)
MODEL_SPAN_ATTRIBUTES = (IS_LEFT_PUNCT, IS_STOP)


def _empty_tokenizer() -> Callable[[Language], Any]:
    """A tokenizer without rules, for a trained pipeline to load its own into: spaCy
    builds the language's default tokenizer first (its thousands of special cases, a
    quarter of a second for English) and then resets it all to load the model's."""
    return lambda nlp: Tokenizer(nlp.vocab)


registry.tokenizers.register(EMPTY_TOKENIZER, func=_empty_tokenizer)


def _load_model(lang: str, ner: NerMode) -> Language | None:
    """The language's trained pipeline (its tokenizer and lemmatizer tables), with its
    NER unless ``ner`` is "rules"."""
    name = config.SPACY_MODELS.get(lang)
    if not name:
        return None
    excluded = [*config.TAG_EXCLUDED_COMPONENTS, *config.TAG_EXCLUDED_DATA,
                *(config.TAG_EXCLUDED_WITHOUT_MODEL if ner == "rules" else ())]
    for candidate in (name, *config.SPACY_MODEL_ALIASES.get(name, ())):
        try:
            with fast_compile(config.CACHE_DIR):
                nlp = spacy.load(candidate, exclude=excluded, config={"nlp": {"tokenizer": {"@tokenizers": EMPTY_TOKENIZER}}})
                if not _has_rules(nlp.tokenizer):  # a package without its tokenizer's file
                    nlp = spacy.load(candidate, exclude=excluded)
        except OSError:
            continue
        if "ner" in nlp.pipe_names:
            _prepare_ner(nlp.get_pipe("ner"))
        return nlp
    log.warning("spaCy model %s for %r is not installed: tagging with rules only", name, lang)
    return None


def _has_rules(tokenizer: Any) -> bool:
    return bool(tokenizer.rules or tokenizer.prefix_search or tokenizer.suffix_search or tokenizer.infix_finditer)


def _prepare_ner(recognizer: Any) -> None:
    """The NER made ready once, before any document (``recognizer``: a TrainablePipe,
    which spaCy types as a plain callable)."""
    # spaCy widens the NER's output layer for a preset label it lacks (the French model has
    # no GPE) when the first document brings one: done here, every document is read by the
    # same model, whatever came before it in the process
    for label in PRESET_LABELS.values():
        if label not in recognizer.labels:
            recognizer.add_label(label)
    # numpy's BLAS multiplies the NER's matrices faster than blis, thinc's default (its
    # kernels are tuned to the CPU): the same spans, a third sooner (one_blas_thread)
    ops = NumpyOps(use_blis=False)
    for node in recognizer.model.walk():
        node.ops = ops
    # what the first document would load (each worker again): the C decoding steps, the
    # BLAS thread controller
    ner_decoder.native(), _blas()


@functools.cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """numpy's BLAS on one thread while the NER runs: the workers already use every core,
    and OpenBLAS threads that spin on a busy machine made the NER slower than blis."""
    with _blas().limit(limits=1, user_api="blas"):
        yield


def build_nlp(language: str | None, ner: NerMode = "model") -> Language:
    """The tag pipeline of a language: its trained model (fr, en) without the components
    the stage doesn't use (nor its NER, for ``ner="rules"``), or a blank pipeline; the
    gazetteer before the NER and the topic matcher last. Built once per process,
    language and mode; what the process holds then is frozen out of the garbage
    collector's passes (``gc.freeze``: it is freed as ever when unreferenced, but a cycle
    among it is never collected)."""
    return _build_nlp(normalize_language(language), ner)


@functools.cache
def _build_nlp(lang: str, ner: NerMode) -> Language:
    nlp = _load_model(lang, ner)
    if nlp is None:
        try:
            nlp = spacy.blank(lang)
        except ImportError:  # a code spaCy doesn't know: the multilingual tokenizer
            nlp = spacy.blank(FALLBACK_LANGUAGE)
    before: dict[str, Any] = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    read = lexical_attributes(nlp)
    if read is not None:
        vocab: Any = nlp.vocab  # spaCy's type stub of Vocab lacks lex_attr_getters
        vocab.lex_attr_getters = {attr: vocab.lex_attr_getters[attr] for attr in read if attr in vocab.lex_attr_getters}
    nlp.add_pipe("unsc_gazetteer", config={"lang": lang}, **before)
    nlp.add_pipe("unsc_topics", config={"lang": lang})
    # The pipeline lives as long as the process: its hundreds of thousands of objects are
    # kept out of the garbage collector's passes, which went over them all again and
    # again (a tenth of a long run's time); the young garbage is collected first
    gc.collect(1)
    gc.freeze()
    return nlp


def lexical_attributes(nlp: Language) -> tuple[int, ...] | None:
    """What the stage reads of a word in this pipeline besides its text (None: all of
    spaCy's, for a model whose features are not found where spaCy's models keep them)."""
    if "ner" not in nlp.pipe_names:
        return RULES_LEXICAL_ATTRIBUTES
    recognizer: Any = nlp.get_pipe("ner")  # a TrainablePipe, which spaCy types as a plain callable
    features = [node.attrs["columns"] for node in recognizer.model.walk() if node.name == "extract_features"]
    if len(features) != 1 or not all(column in IDS for column in features[0]):
        return None
    return RULES_LEXICAL_ATTRIBUTES + MODEL_SPAN_ATTRIBUTES + tuple(IDS[column] for column in features[0])


def lexicon_of(language: str | None, ner: NerMode = "model") -> Lexicon:
    """The dictionary of a language's pipeline (empty without a lemmatizer)."""
    return pipeline_resources(build_nlp(language, ner), normalize_language(language)).lexicon


