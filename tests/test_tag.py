"""Tag stage: gazetteer, countries, topics, junk filter, and a golden check on S/2016/871."""
from __future__ import annotations


import pytest
import spacy
from spacy.tokens import Span

from pipeline import config, folding, gazetteer, schemas, tag
from pipeline.tag import charsets, keys, matching, model_spans, patterns, phrases, pipelines, resources
from pipeline.types import Paragraph, Tokens



def paras(*texts: str) -> list[Paragraph]:
    return [Paragraph(i, "letter", "body", t, 1, 1) for i, t in enumerate(texts)]


def orgs(tags, para_id: int | None = None) -> set[str]:
    return {e.org_id for e in tags.entities if e.org_id and (para_id is None or e.para_id == para_id)}


def codes(tags) -> set[str]:
    return {e.country_code for e in tags.entities if e.country_code}


def topic_ids(tags) -> set[str]:
    return {t.topic_id for t in tags.topics}


@pytest.fixture(scope="session")
def fr_tags():
    """Tag a document through the French pipeline (model loaded once per session)."""
    return lambda *texts: tag.tag_document(paras(*texts), "fr")


# --- folding, keys and the phrase index (pure) -------------------------------------------
def test_fold_unifies_case_accents_apostrophes_and_arabic_letters():
    assert folding.match_form("SÉCURITÉ Internationale") == folding.match_form("securite internationale")
    assert folding.match_form("l’ONU") == folding.match_form("l'onu")
    assert folding.match_form("الأمم") == folding.match_form("الامم")
    assert folding.match_form("Шанхайской") == "шанхайской"  # й stays a letter


def test_russian_stem_conflates_case_forms():
    forms = ["Российская", "Российской", "Российскую"]
    assert len({folding.stem(folding.match_form(f), "ru") for f in forms}) == 1


@pytest.mark.parametrize("words, start, payload_text, hit", [
    (["with", "the", "CSTO.)"], 2, "CSTO", "CSTO"),                     # the sentence's punctuation is trimmed
    (["the", "Virgin", "Islands,", "U.S."], 1, "Virgin Islands, U.S.", "Virgin Islands, U.S."),  # the name's is kept
])
def test_a_hit_ends_where_its_name_ends(words, start, payload_text, hit):
    # a tokenizer may leave punctuation on a word (spaCy's Arabic one keeps "المتحدة)." whole)
    text = " ".join(words)
    tokens = Tokens(tuple(words), tuple(text.index(w) for w in words))
    found = matching.to_hit(tokens, phrases.Match(start, len(words), phrases.Payload("org", ("X",), payload_text)))
    assert (found.text, text[found.start:found.end]) == (hit, hit)


def test_phrase_index_finds_all_and_longest_first_keeps_the_longest():
    index = phrases.PhraseIndex()
    short = phrases.Payload("org", ("SCO",), "Organisation de Shanghai")
    full = phrases.Payload("org", ("SCO",), "Organisation de Shanghai pour la coopération")
    index.add(("organisation", "de", "shanghai"), short)
    index.add(("organisation", "de", "shanghai", "pour", "la", "cooperation"), full)
    words = "l organisation de shanghai pour la cooperation".split()
    found = index.find([(keys.Candidate(w),) for w in words])
    assert {m.payload for m in found} == {short, full}
    assert [m.payload for m in phrases.longest_first(found)] == [full]


# --- countries -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["Russian Federation", "Fédération de Russie", "la Russie", "Federación de Rusia",
                                  "Российская Федерация", "Российской Федерации", "الاتحاد الروسي", "俄罗斯联邦"])
def test_country_code_in_six_languages(name):
    assert gazetteer.country_code(name) == "RUS"


def test_country_code_variants_and_names():
    assert gazetteer.country_code("Iran (Islamic Republic of)") == "IRN"
    assert gazetteer.country_code("République arabe syrienne") == "SYR"
    assert gazetteer.country_code("Estado de Palestina") == "PSE"
    assert gazetteer.country_code("Atlantis") is None
    assert gazetteer.country_name("RUS") == "Russian Federation"
    assert gazetteer.country_name("BOL") == "Bolivia (Plurinational State of)"
    assert gazetteer.country_name("ZZZ") is None


def test_countries_data_covers_member_states():
    rows = gazetteer.countries()
    assert len({r["code"] for r in rows}) == len(rows)
    assert sum(r["type"] == "member_state" for r in rows) == 193
    assert {"PSE", "VAT"} <= {r["code"] for r in rows if r["type"] == "observer_state"}
    for r in rows:
        if r["type"] != "territory":
            assert all(r["names"].get(lang) for lang in gazetteer.LANGS), r["code"]


# --- organizations on blank pipelines (es, ru, ar, zh) -------------------------------------------
def test_spanish_blank_pipeline():
    tags = tag.tag_document(paras(
        "La Organización de las Naciones Unidas (ONU) y el Consejo de Seguridad cooperan con la Federación de Rusia, "
        "la OTSC y la Unión Africana en la lucha contra el terrorismo y el tráfico de drogas."), "es")
    assert orgs(tags) == {"UN", "UNSC", "CSTO", "AU"}
    assert codes(tags) == {"RUS"}
    assert {"1001346", "1001786"} <= topic_ids(tags)


def test_russian_blank_pipeline_matches_case_forms():
    tags = tag.tag_document(paras(
        "Сотрудничество между Организацией Объединенных Наций и ОДКБ, Шанхайской организацией сотрудничества и "
        "Содружеством Независимых Государств в Совете Безопасности; Российской Федерации; борьба с терроризмом."), "ru")
    assert orgs(tags) == {"UN", "CSTO", "SCO", "CIS", "UNSC"}
    assert codes(tags) == {"RUS"}
    assert "1001346" in topic_ids(tags)


def test_arabic_blank_pipeline_strips_clitics_from_the_span():
    text = "التعاون بين الأمم المتحدة ومنظمة معاهدة الأمن الجماعي والاتحاد الروسي في مكافحة الإرهاب."
    tags = tag.tag_document(paras(text), "ar")
    assert orgs(tags) == {"UN", "CSTO"}
    assert codes(tags) == {"RUS"}
    csto = next(e for e in tags.entities if e.org_id == "CSTO")
    assert csto.text == "منظمة معاهدة الأمن الجماعي" == text[csto.start:csto.end]
    assert "1001346" in topic_ids(tags)
    tags = tag.tag_document(paras("رسالة موجهة إلى رئيس مجلس الأمن وللأمم المتحدة"), "ar")
    assert {(e.text, e.org_id) for e in tags.entities} == {("مجلس الأمن", "UNSC"), ("لأمم المتحدة", "UN")}


def test_chinese_blank_pipeline_matches_characters():
    tags = tag.tag_document(paras("安全理事会和集体安全条约组织、上海合作组织与俄罗斯联邦合作打击恐怖主义和毒品贩运。"), "zh")
    assert orgs(tags) == {"UNSC", "CSTO", "SCO"}
    assert codes(tags) == {"RUS"}
    assert {"1001346", "1001786"} <= topic_ids(tags)


def test_unknown_language_uses_every_language():
    tags = tag.tag_document(paras("The Collective Security Treaty Organization and the ОДКБ"), None)
    assert orgs(tags) == {"CSTO"}


# --- French: elision, longest match, parent, acronyms -------------------------------------------
def test_elision_span_is_the_name(fr_tags):
    text = "la coopération entre l’ONU et l'OTSC, de l ’ONU et d’États membres"
    tags = fr_tags(text)
    spans = sorted((e.text, e.org_id) for e in tags.entities if e.org_id)
    assert spans == [("ONU", "UN"), ("ONU", "UN"), ("OTSC", "CSTO")]
    for e in tags.entities:
        assert text[e.start:e.end] == e.text


def test_longest_match_wins(fr_tags):
    tags = fr_tags("l’Office des Nations Unies contre la drogue et le crime et l’Organisation de Shanghai pour la coopération")
    assert orgs(tags) == {"UNODC", "SCO"}
    assert [e.text for e in tags.entities if e.org_id == "SCO"] == ["Organisation de Shanghai pour la coopération"]


def test_parent_named_at_the_end_of_a_body(fr_tags):
    assert orgs(fr_tags("le Vice-Président du Comité exécutif de la CEI")) == {"CIS_EXECUTIVE_COMMITTEE", "CIS"}


def test_acronyms_are_case_sensitive_and_ignored_in_capitals():
    tags = tag.tag_document(paras("Who knows who the WHO will send?", "THE MEMBERS OF THE COUNCIL WHO ATTENDED"), "en")
    assert orgs(tags, 0) == {"WHO"}
    assert orgs(tags, 1) == set()


def test_names_need_a_capital(fr_tags):
    assert orgs(fr_tags("les nations unies de la forêt")) == set()


# --- model spans -----------------------------------------------------------------------------
def test_junk_model_spans_are_dropped(fr_tags):
    tags = fr_tags("(Signé) V. Churkin", "Document de réflexion", "Le Comité a examiné la question.")
    bad = {"Signé", "Document", "Comité", "Document de réflexion"}
    assert not [e for e in tags.entities if e.text in bad]


def test_model_labels_are_mapped_and_countries_get_codes():
    nlp = spacy.blank("fr")
    doc = nlp("Serguei Ivanov a visité le Kirghizistan avec Zorglub Industries pendant la Coupe du Monde")
    doc._.unsc_entities, doc._.unsc_ranges = [], set()
    doc.ents = [Span(doc, 0, 2, "PER"), Span(doc, 5, 6, "LOC"), Span(doc, 7, 9, "ORG"), Span(doc, 11, 14, "MISC")]
    got = {(e.text, e.label, e.country_code, e.org_id, e.source) for e in model_spans.entities_of(0, doc)}
    assert got == {("Serguei Ivanov", "PERSON", None, None, "model"), ("Kirghizistan", "GPE", "KGZ", None, "model"),
                   ("Zorglub Industries", "ORG", None, None, "model")}


def test_junk_rules_generalize():
    nlp = spacy.blank("en")
    doc = nlp("the secretary met the Permanent Representative")
    assert model_spans.model_span_is_junk(doc[0:2])          # no capital
    assert model_spans.model_span_is_junk(doc[3:6])          # only title words
    assert not model_spans.model_span_is_junk(nlp("Zorglub Industries")[0:2])
    assert model_spans.model_span_is_junk(nlp("A/HRC/WG.6/7/ITA/1")[0:1])  # a document symbol


def test_heading_markers_are_trimmed_from_model_spans():
    nlp = spacy.blank("fr")
    doc = nlp("B. Zorglub Industries et I.")
    doc._.unsc_entities, doc._.unsc_ranges = [], set()
    doc.ents = [Span(doc, 0, 3, "ORG"), Span(doc, 4, 5, "PER")]
    assert [(e.text, e.label) for e in model_spans.entities_of(0, doc)] == [("Zorglub Industries", "ORG")]


def model_span(text: str, start: int, end: int, label: str, language: str = "fr"):
    """A doc of the language's tokenizer with one model span over tokens [start, end)."""
    doc = pipelines.build_nlp(language).make_doc(text)
    doc._.unsc_entities, doc._.unsc_ranges = [], set()
    doc.ents = [Span(doc, start, end, label)]
    return doc


def test_without_a_tagger_names_are_told_by_their_capitals():
    lexicon = pipelines.lexicon_of("fr")
    kept = model_spans.entities_of(0, model_span("Il a saisi la Cour constitutionnelle hier.", 4, 6, "ORG"), lexicon)
    assert [e.text for e in kept] == ["Cour constitutionnelle"]   # a capital no rule asks for
    opening = model_span("Cour constitutionnelle a statué.", 0, 2, "ORG")
    assert model_spans.entities_of(0, opening, lexicon) == []                # a capital any sentence start takes


def test_a_title_is_not_a_person_and_a_verb_is_not_part_of_a_name():
    lexicon = pipelines.lexicon_of("fr")
    title = model_span("Le texte du Président de la République est paru.", 3, 7, "PER")
    assert model_spans.entities_of(0, title, lexicon) == []
    person = model_span("Le texte de Serguei Ivanov est paru.", 3, 5, "PER")
    assert [e.text for e in model_spans.entities_of(0, person, lexicon)] == ["Serguei Ivanov"]
    run_on = model_span("Ensuite, la Chambre des députés procède au vote.", 3, 7, "ORG")
    assert [e.text for e in model_spans.entities_of(0, run_on, lexicon)] == ["Chambre des députés"]


def test_the_dictionary_comes_from_the_lemmatizer_tables():
    en, fr = pipelines.lexicon_of("en"), pipelines.lexicon_of("fr")
    assert en.nominal_lemma("children") == "child"
    assert fr.nominal_lemma("internationaux") == "international"
    assert fr.parts_of_speech("procède") == {"verb"}
    assert fr.is_common("Ministère") and not fr.is_common("Zorglub")
    assert not pipelines.lexicon_of("es").is_common("ministerio")   # a blank pipeline has no dictionary


def test_the_stage_runs_the_ner_alone():
    assert pipelines.build_nlp("fr").pipe_names == ["unsc_gazetteer", "ner", "unsc_topics"]
    assert pipelines.build_nlp("en").pipe_names == ["unsc_gazetteer", "ner", "unsc_topics"]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_models_tokenizer_is_the_one_it_was_saved_with(language):
    """The pipeline loads the model's tokenizer into an empty one (not into the language's
    defaults, built only to be reset): the same rules, patterns and exceptions as
    spaCy's own loading gives."""
    name = config.SPACY_MODELS[language]
    names = (name, *config.SPACY_MODEL_ALIASES.get(name, ()))
    package = next(n for n in names if spacy.util.is_package(n))
    loaded = spacy.load(package, exclude=list(config.TAG_EXCLUDED_COMPONENTS) + ["ner"])
    ours = pipelines.build_nlp(language, "rules").tokenizer
    assert ours.to_bytes(exclude=["vocab"]) == loaded.tokenizer.to_bytes(exclude=["vocab"])
    assert ours.rules and ours.prefix_search is not None  # the model's exceptions and patterns are there


def test_spacy_is_imported_without_its_command_line_which_stays_importable():
    """The stage imports spaCy without ``spacy.cli`` (typer, weasel, requests: a third of
    its import); ``spacy.cli`` and ``spacy.info`` still reach the real one when used."""
    import subprocess
    import sys

    code = ("import sys, pipeline.tag.pipelines, spacy; "
            "print(sorted(m for m in ('spacy.cli', 'typer', 'weasel', 'requests') if m in sys.modules)); "
            "print(callable(spacy.cli.download), 'typer' in sys.modules); "
            "print(spacy.info(silent=True)['spacy_version'] == spacy.__version__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[:3] == ["[]", "True True", "True"]


def test_the_rules_pipeline_tokenizes_as_the_models_own_without_its_vocabulary():
    """``--ner rules`` loads no model vocabulary (the strings the NER was trained on): the
    same tokens and the same tags as the pipeline loaded with it."""
    text = ("L'ONU et l'Organisation du Traité de sécurité collective (OTSC) ont dit : «c'est-à-dire» "
            "aujourd'hui, M. Dupont, le 12 mars 2016, à New York (S/2016/871).")
    ours = pipelines.build_nlp("fr", "rules")
    assert len(ours.vocab.strings) < 40_000  # not the model's 148,000
    name = config.SPACY_MODELS["fr"]
    package = next(n for n in (name, *config.SPACY_MODEL_ALIASES.get(name, ())) if spacy.util.is_package(n))
    full = spacy.load(package, exclude=list(config.TAG_EXCLUDED_COMPONENTS) + ["ner"])
    assert len(full.vocab.strings) > 100_000
    assert [t.text for t in ours.make_doc(text)] == [t.text for t in full.make_doc(text)]
    tags = tag.tag_document([Paragraph(0, "letter", "body", text, 1, 1, None)], "fr", "rules")
    assert {(e.text, e.org_id or e.country_code) for e in tags.entities} >= {("ONU", "UN"), ("OTSC", "CSTO")}


def test_a_pipeline_without_the_model_computes_only_what_the_rules_read_of_a_word():
    """A new word's lexeme in a pipeline without the NER gets only the attributes the rules
    read (white space, punctuation); the model's pipeline keeps spaCy's all, for its features."""
    rules = pipelines.build_nlp("en", "rules")
    assert set(rules.vocab.lex_attr_getters) == set(pipelines.RULES_LEXICAL_ATTRIBUTES)
    doc = rules.make_doc("Zorglubian , «words» unseen\n")
    assert [t.is_punct for t in doc] == [False, True, True, False, True, False, False]
    assert [t.is_space for t in doc] == [False] * 6 + [True]
    model = pipelines.build_nlp("en")
    from spacy.attrs import NORM, PREFIX, SHAPE, SUFFIX  # the NER's features
    assert set(model.vocab.lex_attr_getters) == {*pipelines.RULES_LEXICAL_ATTRIBUTES, *pipelines.MODEL_SPAN_ATTRIBUTES,
                                                 NORM, PREFIX, SUFFIX, SHAPE}
    # nor the strings of the words the model was trained on; its lookups (the NER's NORM) stay
    assert len(model.vocab.strings) < 40_000 and model.vocab.lookups.has_table("lexeme_norm")  # not its 84,000


def test_the_ner_multiplies_with_numpys_blas_on_one_thread():
    from threadpoolctl import threadpool_info

    # a State preset by the gazetteer ("GPE", a label the French model lacks) would make the
    # NER widen its output layer at the first document with one: it is widened on loading
    assert {"ORG", "GPE"} <= set(pipelines.build_nlp("fr").get_pipe("ner").labels)
    tag.tag_document([Paragraph(0, "letter", "body", "La France et M. Zorglub ont signé.", 1, 1, None)], "fr")
    for language in ("fr", "en"):
        assert [node.name for node in pipelines.build_nlp(language).get_pipe("ner").model.walk() if node.ops.use_blis] == []
    with pipelines.one_blas_thread():
        assert {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"} == {1}


# --- compiled resources and their cache ---------------------------------------------------------
def test_resources_are_cached_and_compiled_again_when_unreadable_or_stale(tmp_path, monkeypatch):
    nlp = pipelines.build_nlp("es")
    fresh = resources.cached_resources(nlp, "es", tmp_path)
    [written] = tmp_path.glob("tag-es-*.cache")
    assert resources.cached_resources(nlp, "es", tmp_path) == fresh            # read back, the same
    written.write_bytes(b"not a cache file")
    assert resources.cached_resources(nlp, "es", tmp_path) == fresh            # unreadable: compiled again
    assert written.read_bytes() != b"not a cache file"
    monkeypatch.setattr(resources, "data_version", lambda: "other data")
    resources.cached_resources(nlp, "es", tmp_path)
    assert [p.name for p in tmp_path.glob("tag-es-*.cache")] != [written.name]  # stale: replaced


class Planted:
    """A pickle that, once loaded, would write a file: the attack on the cache."""

    def __init__(self, target):
        self.target = str(target)

    def __reduce__(self):
        return (open, (self.target, "w"))


def test_a_planted_or_tampered_cache_file_is_not_loaded_but_compiled_again(tmp_path):
    import pickle

    from pipeline.tag import cache

    nlp = pipelines.build_nlp("es")
    fresh = resources.cached_resources(nlp, "es", tmp_path)
    [written] = tmp_path.glob("tag-es-*.cache")
    ran = tmp_path / "the planted code ran"
    planted = pickle.dumps(Planted(ran))
    for forged in (planted,                                                          # a bare pickle
                   cache.MAGIC + bytes(32) + planted,                                # a guessed tag
                   written.read_bytes()[:-1] + bytes([written.read_bytes()[-1] ^ 1])):  # one bit flipped
        written.write_bytes(forged)
        assert resources.cached_resources(nlp, "es", tmp_path) == fresh
        assert not ran.exists()
        assert written.read_bytes() != forged                                        # compiled and rewritten
    assert stat_mode(written) == stat_mode(tmp_path / cache.KEY_FILE) == 0o600


def stat_mode(path) -> int:
    return path.stat().st_mode & 0o777


def test_a_key_open_to_other_users_disables_the_cache(tmp_path):
    from pipeline.tag import cache

    nlp = pipelines.build_nlp("es")
    resources.cached_resources(nlp, "es", tmp_path)
    (tmp_path / cache.KEY_FILE).chmod(0o644)  # anyone could forge a tag with it
    for written in tmp_path.glob("tag-es-*.cache"):
        written.unlink()
    assert resources.cached_resources(nlp, "es", tmp_path) == resources.compile_resources(nlp, "es")
    assert not list(tmp_path.glob("tag-es-*.cache"))                                # nothing read, nothing written


def test_the_cache_lives_in_the_users_cache_folder(monkeypatch, tmp_path):
    import importlib

    monkeypatch.delenv("PIPELINE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert importlib.reload(config).CACHE_DIR == tmp_path / "unsc-pipeline"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert importlib.reload(config).CACHE_DIR == config.Path.home() / ".cache" / "unsc-pipeline"
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path / "mine"))
    assert importlib.reload(config).CACHE_DIR == tmp_path / "mine"
    monkeypatch.undo()
    importlib.reload(config)


def test_memoized_charsets_compile_to_the_same_regex_code():
    import re
    from spacy.lang.char_classes import ALPHA

    pattern = "|".join(f"(?:^[{ALPHA}]+-{word}[{ALPHA}]*$)" for word in ("anti", "contre", "sous", "vice"))
    parsed = lambda: re._parser.parse(pattern, re.IGNORECASE | re.UNICODE)
    plain = re._compiler._code(parsed(), re.IGNORECASE | re.UNICODE)
    with charsets.charsets_optimized_once():
        memoized = re._compiler._code(parsed(), re.IGNORECASE | re.UNICODE)
        again = re._compiler._code(parsed(), re.IGNORECASE | re.UNICODE)
    assert plain == memoized == again
    assert re._compiler._optimize_charset.__module__ == "re._compiler"  # restored


def _long_pattern() -> str:
    from spacy.lang.char_classes import ALPHA

    words = [f"w{i:05d}" for i in range(charsets.LONG_PATTERN // len(ALPHA) + 2)]
    return "|".join(f"(?:^[{ALPHA}]+-{word}[{ALPHA}]*$)" if i % 2 else f"(?P<g{i}>{word}x)" for i, word in enumerate(words))


def test_a_long_pattern_compiles_once_then_comes_from_the_cache(tmp_path, monkeypatch):
    import re

    pattern = _long_pattern()
    assert len(pattern) >= charsets.LONG_PATTERN
    plain = re._compiler.compile(pattern, re.IGNORECASE)
    with charsets.fast_compile(tmp_path):
        first = re._compiler.compile(pattern, re.IGNORECASE)
    assert list(tmp_path.glob("regex-*.cache"))
    monkeypatch.setattr(charsets, "compiled_code", lambda *a: pytest.fail("compiled again"))
    with charsets.fast_compile(tmp_path):
        again = re._compiler.compile(pattern, re.IGNORECASE)
        short = re._compiler.compile("(?P<x>a)b", 0)  # short patterns: compiled as ever
    assert re._compiler.compile.__module__ == "re._compiler"  # restored
    assert short.groupindex == {"x": 1}
    for compiled in (first, again):
        assert (compiled.pattern, compiled.flags, compiled.groups, compiled.groupindex) == \
               (plain.pattern, plain.flags, plain.groups, plain.groupindex)
    for text in ("Anti-w00001x", "w00000x", "W00000X", "x-w00003", "w00003", "é-w00005à", ""):
        assert [m and (m.span(), m.groups()) for m in (first.match(text), again.match(text))] == \
               [(m := plain.match(text)) and (m.span(), m.groups())] * 2


def test_cached_code_is_the_compilers_own():
    import array
    import re

    pattern = _long_pattern()
    code = array.array("I")
    code.frombytes(charsets.compiled_code(pattern, re.IGNORECASE).code)
    assert code.tolist() == list(re._compiler._code(re._parser.parse(pattern, re.IGNORECASE), re.IGNORECASE))


def test_an_unwritable_cache_only_costs_time(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")
    nlp = pipelines.build_nlp("es")
    assert resources.cached_resources(nlp, "es", blocked / "cache") == resources.compile_resources(nlp, "es")


# --- topics ------------------------------------------------------------------------------------
def test_topics_match_irregular_plurals_through_the_dictionary():
    tags = tag.tag_document(paras("He spoke of children soldiers."), "en")
    assert "1000946" in topic_ids(tags)  # CHILD SOLDIERS
def test_topics_match_folded_and_inflected_forms(fr_tags):
    tags = fr_tags("LA SECURITE INTERNATIONALE", "le trafic de drogue et les armes légères", "la criminalite organisee")
    assert {"1003337", "1001786", "1005937", "1004663"} <= topic_ids(tags)
    for t in tags.topics:
        assert 0 < t.score <= 1 and t.matched and t.topic_label


def test_generic_and_geographic_concepts_are_not_topics(fr_tags):
    tags = fr_tags("au titre du point de l’ordre du jour, en Asie centrale et en Afghanistan")
    assert topic_ids(tags) == set()


def test_topic_label_inside_an_organization_name_does_not_count():
    tags = tag.tag_document(paras("the Financial Action Task Force"), "en")
    assert "1006378" not in topic_ids(tags)  # TASK FORCES


# --- tables and version ---------------------------------------------------------------------------
def test_organizations_table():
    table = tag.organizations_table()
    assert table.schema.equals(schemas.ORGANIZATIONS)
    assert table.num_rows > 100
    ids = table.column("org_id").to_pylist()
    assert len(ids) == len(set(ids))
    assert {"UN", "UNSC", "UNGA", "CSTO", "SCO", "CIS", "AU", "EU", "OSCE", "LAS", "ASEAN", "UNASUR", "UNRCCA", "CTC",
            "CTED", "UNODC", "RATS", "INTERPOL", "IOM", "UNHCR", "FATF", "CIS_EXECUTIVE_COMMITTEE"} <= set(ids)
    for row in table.to_pylist():
        assert row["names_en"] and row["names_fr"], row["org_id"]
        assert row["parent"] is None or row["parent"] in ids


def test_unbis_topics_table():
    table = tag.unbis_topics_table()
    assert table.schema.equals(schemas.UNBIS_TOPICS)
    row = next(r for r in table.to_pylist() if r["topic_id"] == "1006475")
    assert row["label_en"] == "TERRORISM" and row["label_fr"] == "TERRORISME"
    assert row["microthesaurus"].startswith("14.04.02") and row["domain"].startswith("14")


def test_data_version_is_a_short_stable_hash():
    v = resources.data_version()
    assert len(v) == 12 and int(v, 16) >= 0
    assert v == resources.data_version()


def test_topic_variants_point_at_unbis_concepts():
    known = set(patterns.unbis())
    variants = patterns.topic_rules()["variants"]
    assert set(variants) == set(gazetteer.LANGS)
    for lang, table in variants.items():
        for text, ids in table.items():
            assert ids and set(ids) <= known, (lang, text)


# --- golden: S/2016/871 (fr) ----------------------------------------------------------------------
def test_golden_s_2016_871(fr_tags, letter_gold):
    gold = letter_gold
    tags = fr_tags(*[p["text"] for p in gold["paragraphs"]])
    tp = fp = fn = 0
    for i, p in enumerate(gold["paragraphs"]):  # as eval/score.py counts them
        want = set(p.get("orgs", []))
        ok = want | set(p.get("orgs_optional", []))
        got = orgs(tags, i)
        tp, fp, fn = tp + len(got & want), fp + len(got - ok), fn + len(want - got)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert 2 * precision * recall / (precision + recall) >= 0.9
    got = topic_ids(tags)
    groups = gold["topics_required"]
    assert sum(bool(got & set(g)) for g in groups) / len(groups) >= 0.9
    allowed = {t for g in groups for t in g} | set(gold.get("topics_allowed", []))
    assert len(got & allowed) / len(got) >= 0.8
    for e in tags.entities:
        assert gold["paragraphs"][e.para_id]["text"][e.start:e.end] == e.text


def test_line_break_inside_a_name(fr_tags):
    tags = fr_tags("l’Organisation de\nShanghai pour la coopération et la lutte contre le\nterrorisme")
    assert [e.text for e in tags.entities if e.org_id] == ["Organisation de\nShanghai pour la coopération"]
    assert "1001346" in topic_ids(tags)


# --- modes: the statistical NER only where it can add something, or not at all --------------
def test_the_model_runs_only_where_a_word_outside_the_gazetteer_reads_as_a_name():
    nlp, lexicon = pipelines.build_nlp("fr"), pipelines.lexicon_of("fr")
    gazetteer_only = lambda text: nlp.get_pipe("unsc_gazetteer")(nlp.make_doc(text))
    assert not model_spans.needs_model(gazetteer_only("Le Conseil de sécurité et la Fédération de Russie."), lexicon)
    assert model_spans.needs_model(gazetteer_only("Le Conseil de sécurité et M. Serguei Ivanov."), lexicon)
    assert model_spans.needs_model(gazetteer_only("le représentant de la Zorglubie"), lexicon)


@pytest.mark.parametrize("text, wanted", [
    ("We thank them. They agreed with it.", False),  # stop words where any word takes a capital
    ("We thank Mr. Zorglub.", True),
])
def test_a_sentence_opening_stop_word_is_no_name(text, wanted):
    nlp, lexicon = pipelines.build_nlp("en"), pipelines.lexicon_of("en")
    assert model_spans.needs_model(nlp.get_pipe("unsc_gazetteer")(nlp.make_doc(text)), lexicon) is wanted


def test_rules_mode_keeps_the_gazetteer_and_topics_and_drops_the_model():
    texts = ("M. Serguei Ivanov, Secrétaire général de l'Organisation du Traité de sécurité collective, "
             "a rencontré le Conseil de sécurité sur la lutte contre le terrorisme.",)
    full = tag.tag_document(paras(*texts), "fr")
    rules = tag.tag_document(paras(*texts), "fr", ner="rules")
    assert "ner" not in pipelines.build_nlp("fr", "rules").pipe_names
    assert {e.source for e in full.entities} == {"gazetteer", "model"}
    assert rules.entities == [e for e in full.entities if e.source == "gazetteer"]
    assert rules.topics == full.topics


def test_a_run_in_another_ner_mode_reprocesses(tmp_path):
    from pipeline.run import run

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "letter_en.pdf").write_bytes((config.PROJECT_DIR / "tests" / "fixtures" / "letter_en.pdf").read_bytes())
    out = tmp_path / "out"
    assert run(raw, out, workers=1, report=False, ner="rules").processed == 1
    assert run(raw, out, workers=1, report=False, ner="rules").skipped == 1
    assert run(raw, out, workers=1, report=False, ner="model").processed == 1


def test_the_model_does_not_read_tables_and_footnotes():
    text = "M. Serguei Ivanov a rencontré M. Vladimir Voronkov à Douchanbé."
    kinds = ("body", "table", "footnote")
    tags = tag.tag_document([Paragraph(i, "letter", kind, text, 1, 1) for i, kind in enumerate(kinds)], "fr")
    assert {e.para_id for e in tags.entities if e.source == "model"} == {0}
