"""The batched NER decoder (pipeline.tag.ner_decoder) sets exactly the entities that
spaCy's own EntityRecognizer.pipe sets: on the paragraphs of fixture PDFs in English
and French (with the gazetteer's preset entities), on edge cases, and on models it was
not written for; with its decoding steps in C (_ner.c) and in numpy, each test runs
with both (the ``native`` fixture)."""
from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from pipeline import config, segment
from pipeline.tag import ner_decoder
from pipeline.tag.pipelines import build_nlp

BATCH = config.NLP_BATCH_SIZE
EDGE_TEXTS = ["", " ", "Mali", "  \n\n ", "The Security Council and the African Union met in Addis Ababa.",
              "United Nations Organization Stabilization Mission in the Democratic Republic of the Congo (MONUSCO)"]


def _prepared(language: str, texts: list[str]) -> tuple[object, list[Doc]]:
    """The language's NER and the texts as the tag stage hands them to it (the gazetteer's
    preset entities set)."""
    nlp = build_nlp(language, "model")
    docs = [nlp.make_doc(text) for text in texts]
    for name, component in nlp.pipeline:
        if name == "ner":
            return component, docs
        docs = [component(doc) for doc in docs]
    raise AssertionError(f"no NER in the {language} pipeline")


def _annotations(docs: list[Doc]) -> list[tuple[object, ...]]:
    return [(tuple((e.start, e.end, e.label_, e.kb_id_) for e in doc.ents),
             tuple(t.ent_iob for t in doc), tuple(t.ent_type for t in doc)) for doc in docs]


@pytest.fixture(params=[True, False], ids=["c-steps", "numpy-steps"])
def native(request: pytest.FixtureRequest) -> bool:
    """Whether the decoder steps in C (the C extension, built by `make install`)."""
    return bool(request.param)


def _both(recognizer: object, docs: list[Doc], native: bool, batch_size: int = BATCH) -> tuple[list[object], list[object]]:
    by_spacy = [doc.copy() for doc in docs]
    by_decoder = [doc.copy() for doc in docs]
    for _ in recognizer.pipe(by_spacy, batch_size=batch_size):  # type: ignore[attr-defined]
        pass
    ner_decoder.recognize(recognizer, by_decoder, batch_size, use_native=native)
    return _annotations(by_spacy), _annotations(by_decoder)


def test_the_c_steps_are_built():
    """`make install` builds pipeline/tag/_ner.c: without it the NER decodes in numpy."""
    assert ner_decoder.native() is not None


@pytest.mark.parametrize("relative, language", [("sample/S_2016_871_fr.pdf", "fr"),
                                                ("sample/A_HRC_WG.6_7_ITA_1_fr.pdf", "fr"),
                                                ("sample/A_80_604_Add.1_en.pdf", "en"),
                                                ("sc/S_PV.10100_en.pdf", "en")])
def test_same_entities_as_spacy_on_fixture_paragraphs(extracted, relative, language, native):
    texts = [p.text for p in segment.segment(extracted(relative)).paragraphs] + EDGE_TEXTS
    recognizer, docs = _prepared(language, texts)
    assert ner_decoder.supported(recognizer)
    by_spacy, by_decoder = _both(recognizer, docs, native)
    assert by_decoder == by_spacy
    assert any(entities for entities, _, _ in by_spacy)  # the comparison saw entities


def test_same_entities_for_any_batch_size_and_one_long_document(extracted, native):
    paragraphs = [p.text for p in segment.segment(extracted("sample/S_2016_871_fr.pdf")).paragraphs]
    recognizer, docs = _prepared("fr", paragraphs + ["\n".join(paragraphs)])
    for batch_size in (1, 3, 200):
        by_spacy, by_decoder = _both(recognizer, docs, native, batch_size)
        assert by_decoder == by_spacy, batch_size


def test_preset_entities_are_kept_as_the_parser_keeps_them(native):
    recognizer, docs = _prepared("en", ["The Collective Security Treaty Organization and the Russian Federation"
                                        " spoke for the Commonwealth of Independent States in New York."])
    presets = [(e.start, e.end, e.label_) for e in docs[0].ents]
    assert presets  # the gazetteer found names before the NER
    by_spacy, by_decoder = _both(recognizer, docs, native)
    assert by_decoder == by_spacy
    kept = {(start, end, label) for start, end, label, _ in by_decoder[0][0]}
    assert set(presets) <= kept


def test_an_untrained_model_ties_everywhere_and_still_agrees(native):
    nlp = spacy.blank("en")
    recognizer = nlp.add_pipe("ner")
    for label in ("ORG", "GPE", "PERSON"):
        recognizer.add_label(label)
    nlp.initialize()
    docs = [nlp.make_doc(text) for text in EDGE_TEXTS * 3]
    assert ner_decoder.supported(recognizer)
    by_spacy, by_decoder = _both(recognizer, docs, native)
    assert by_decoder == by_spacy


def test_a_model_of_another_shape_is_left_to_spacy(native):
    nlp = spacy.blank("en")
    recognizer = nlp.add_pipe("beam_ner", config={"beam_width": 4})
    recognizer.add_label("ORG")
    nlp.initialize()
    assert not ner_decoder.supported(recognizer)
    docs = [nlp.make_doc(text) for text in EDGE_TEXTS]
    by_spacy, by_decoder = _both(recognizer, docs, native)
    assert by_decoder == by_spacy


def test_labels_the_model_never_saw_score_as_the_batch_minimum(native):
    nlp = spacy.blank("en")
    recognizer = nlp.add_pipe("ner")
    recognizer.add_label("ORG")
    nlp.initialize()
    recognizer.add_label("GPE")  # after training: its moves are unseen
    unseen = sorted(recognizer.model.attrs["unseen_classes"])
    assert unseen
    upper = recognizer.model.get_ref("upper")
    bias = upper.get_param("b").copy()
    bias[:] = -1.0
    bias[unseen] = 1.0  # the unseen moves would win, were their scores not lowered
    upper.set_param("b", bias)
    ner_decoder._decoder.cache_clear()
    docs = [nlp.make_doc(text) for text in EDGE_TEXTS]
    by_spacy, by_decoder = _both(recognizer, docs, native)
    assert by_decoder == by_spacy
    assert not any("GPE" in str(entities) for entities, _, _ in by_decoder)


def test_a_preset_label_the_model_lacks_widens_it_as_spacy_does(native):
    nlp = spacy.blank("en")
    recognizer = nlp.add_pipe("ner")
    recognizer.add_label("ORG")
    nlp.initialize()
    ner_decoder._decoder.cache_clear()
    doc = nlp.make_doc("The Security Council met in Geneva.")
    doc.set_ents([doc.char_span(4, 20, label="NORP")], default="unmodified")
    ner_decoder.recognize(recognizer, [doc], BATCH, use_native=native)
    assert "NORP" in recognizer.labels
    assert [(e.text, e.label_) for e in doc.ents][:1] == [("Security Council", "NORP")]


def test_a_model_without_labels_is_left_to_spacy(native):
    nlp = spacy.blank("en")
    recognizer = nlp.add_pipe("ner")
    nlp.initialize()
    assert not ner_decoder.supported(recognizer)
    docs = [nlp.make_doc(text) for text in EDGE_TEXTS]
    by_spacy, by_decoder = _both(recognizer, docs, native)
    assert by_decoder == by_spacy


def test_a_label_widening_the_model_in_a_later_sub_batch_agrees_with_spacy(native):
    def fresh() -> tuple[object, list[Doc]]:
        nlp = spacy.blank("en")
        recognizer = nlp.add_pipe("ner")
        recognizer.add_label("ORG")
        nlp.initialize()
        texts = ["Mali", "The Council met.", "It met in Geneva.", "The Security Council met in Geneva today."]
        docs = [nlp.make_doc(text) for text in texts]
        longest = docs[-1]  # sorted by length, it falls in the last sub-batch
        longest.set_ents([longest.char_span(4, 20, label="NORP")], default="unmodified")
        return recognizer, docs

    ner_decoder._decoder.cache_clear()
    by_spacy_ner, by_spacy = fresh()
    by_decoder_ner, by_decoder = fresh()
    for _ in by_spacy_ner.pipe(by_spacy, batch_size=4):  # type: ignore[attr-defined]
        pass
    ner_decoder.recognize(by_decoder_ner, by_decoder, 4, use_native=native)
    assert "NORP" in by_decoder_ner.labels  # type: ignore[attr-defined]
    assert _annotations(by_decoder) == _annotations(by_spacy)
