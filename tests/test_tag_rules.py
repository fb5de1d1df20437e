"""``--ner rules`` without spaCy: the tokenizer rewritten from spaCy's rules gives spaCy's
tokens, the rules tagger spaCy's rules pipeline's tags, and a process that tags by
rules from the tag cache never imports spaCy."""
from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest

from pipeline import config, extract, segment, tag
from pipeline import versions as pipeline_versions
from pipeline.tag import charsets, pipelines, rules, tokenizer
from pipeline.types import Paragraph, Tokens
from tests.conftest import EXPECTED, FIXTURES

RULE_BASED = ["fr", "en", "es", "ar", "ru", "xx"]

# each step of spaCy's algorithm: white space runs, special cases whole and split by
# affixes ("):", "Mr."), prefixes and suffixes around them, infixes, URLs, elisions
ODD_TEXTS = [
    "", " ", "  leading", "trailing  ", "a  b", "a\n\nb", "\tx", "x \n y", "\u00a0nbsp\u00a0", ":)", "appealed): 1",
    "Minh/Mr. Dang", "a.m. and p.m.", "a. m.", "l'ONU d'Europe aujourd'hui", "n'est-ce pas ?", "U.S.A.'s",
    "http://www.un.org/fr/x.pdf, (www.un.org)", "e-mail: a@b.org.", "dyn-o-mite-dave", "« Conseil »", "(CSTO)-",
    "1990-1991", "S/2016/871.", "‘quoted’", "etc.)", "co-operation;", "1er", "Vol. 2, No. 3", ":-)", "(:", "<3",
    "'s", "don't", "can't.", "O'Neill's", "…", "—", "--", "''", "x/y", "A/RES/48/246", "1.5 °C.", "(MFA).",
]
FUZZ_PIECES = list("abcAZéàç'’-–—.,;:!?()[]«»\"/@%&*+=<>|$€0189  \n\t\u00a0") + [
    "http://", "www.", ".org", "l'", "aujourd'hui", "Mr.", "U.S.", ":)", "):", "a.m.", "n't", "'s", "e-mail",
    "etc.", "°C", "km²", "…", "--", "''"]


def fuzz_texts(seed: int, n: int = 2000) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(FUZZ_PIECES) for _ in range(rng.randint(1, 25))) for _ in range(n)]


@pytest.fixture(scope="module")
def fixture_paragraphs() -> list[str]:
    """The paragraphs of every born-digital fixture PDF, in every language there is."""
    texts: list[str] = []
    for pdf in sorted(FIXTURES.glob("*.pdf")) + sorted(FIXTURES.glob("*/*.pdf")):
        known = EXPECTED / f"{pdf.stem}.json"
        if known.exists() and not json.loads(known.read_text(encoding="utf-8")).get("has_text_layer", True):
            continue  # a scan: its text is OCR's
        doc = extract.extract_pdf(pdf)
        if doc.has_text_layer:
            texts += [p.text for p in segment.segment(doc).paragraphs]
    return texts


def spacy_tokens(nlp, text: str) -> Tokens:
    doc = nlp.make_doc(text)
    return Tokens(tuple(t.text for t in doc), tuple(t.idx for t in doc))


def ours(language: str) -> tokenizer.Tokenizer:
    found = tokenizer.rules_of(pipelines.build_nlp(language, "rules").tokenizer)
    assert found is not None
    with charsets.fast_compile(config.CACHE_DIR):
        return tokenizer.Tokenizer(found)


@pytest.mark.parametrize("language", RULE_BASED)
def test_the_tokenizer_gives_spacys_tokens(language, fixture_paragraphs):
    nlp, tokenize = pipelines.build_nlp(language, "rules"), ours(language)
    assert len(fixture_paragraphs) > 1000
    for text in fixture_paragraphs + ODD_TEXTS + fuzz_texts(RULE_BASED.index(language)):
        assert tokenize(text) == spacy_tokens(nlp, text), repr(text)


def test_a_special_case_that_affixes_split_is_put_back():
    tokenize = ours("en")
    assert tokenize("Minh/Mr. Dang").texts == ("Minh", "/", "Mr.", "Dang")  # "Mr." after an infix
    assert tokenize("appealed): 1").texts == ("appealed", "):", "1")
    assert tokenize("a  b\n").texts == ("a", " ", "b", "\n") and tokenize("a  b\n").starts == (0, 2, 3, 4)


def test_a_tokenizer_that_is_not_rule_based_stays_spacys():
    assert tokenizer.rules_of(pipelines.build_nlp("zh", "rules").tokenizer) is None
    assert rules.rules_tagger("zh") is None
    tags = tag.tag_document([Paragraph(0, "letter", "body", "联合国安全理事会和俄罗斯联邦", 1, 1)], "zh", "rules")
    assert {e.org_id or e.country_code for e in tags.entities} >= {"UNSC", "RUS"}


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_the_rules_tagger_tags_as_the_spacy_rules_pipeline(language, fixture_paragraphs):
    paragraphs = [Paragraph(i, "letter", "body", text, 1, 1) for i, text in enumerate(fixture_paragraphs)]
    tagger = rules.rules_tagger(language)
    assert tagger is not None
    with_spacy = tag._tag_with_spacy(paragraphs, language, "rules")
    assert len(with_spacy.entities) > 500 and len(with_spacy.topics) > 5  # not an empty comparison
    assert tagger.tag(paragraphs) == with_spacy


def test_tagging_by_rules_from_the_cache_imports_no_spacy():
    for language in ("fr", "en"):
        tag.load(language, "rules")  # the cache written, if it was not
    code = ("import sys; from pipeline import tag; from pipeline.types import Paragraph; "
            "p = [Paragraph(0, 'letter', 'body', \"L'OTSC et la Fédération de Russie\", 1, 1)]; "
            "print(sorted(e.org_id or e.country_code for e in tag.tag_document(p, 'fr', 'rules').entities)); "
            "tag.load('en', 'rules'); print('spacy' in sys.modules, 'thinc' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[:2] == ["['CSTO', 'RUS']", "False False"]


def test_the_rules_cache_key_follows_the_installed_model_and_spacy(monkeypatch):
    key = rules.rules_key("fr")
    assert rules.rules_key("fr") == key and rules.rules_key("en") != key
    versions = {"spacy": "3.8.0", "fr_core_news_sm": "3.8.0"}
    monkeypatch.setattr(pipeline_versions, "version", versions.get)
    before = rules.rules_key("fr")
    versions["fr_core_news_sm"] = "3.8.1"
    assert rules.rules_key("fr") != before
    del versions["fr_core_news_sm"]  # uninstalled: the blank pipeline's rules
    assert rules._model("fr") == "blank"
