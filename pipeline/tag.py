"""Tag stage: organizations, States and UNBIS topics in a document's paragraphs.

The core is pure: data files -> phrase patterns -> a token trie (``PhraseIndex``) that
finds every pattern in a tokenized text. spaCy supplies tokenization (every language),
lemmas and the statistical NER (fr, en). Two pipeline components run the index:
``unsc_gazetteer`` (before ``ner``, so the model predicts around the names it knows) and
``unsc_topics``. Matching is on folded keys (case, accents, apostrophes, Arabic letter
variants), with a light stem per language (plural -s, Russian case endings, Arabic
clitics) and the model's lemma where there is one; acronyms match case-sensitively.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import re
import os
import pickle
import tempfile
import unicodedata
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import spacy
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.tokens import Doc, Span

from . import config, schemas
from .types import Entity, Paragraph, Tags, TopicHit

log = logging.getLogger(__name__)

LANGS = ("ar", "zh", "en", "fr", "ru", "es")
DATA_FILES = ("organizations.json", "countries.json", "topic_variants.json", "unbis.json")
CJK_LANGS = {"zh", "ja"}
FALLBACK_LANGUAGE = "xx"          # language None: a multilingual blank pipeline, every language's names

# --------------------------------------------------------------------------------------
# Folding and keys
# --------------------------------------------------------------------------------------
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'", "‐": "-", "‑": "-", "–": "-"})
ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640\u06d6-\u06ed]")
ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
ELISION = re.compile(r"^(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu|quoiqu)'(?=\w)", re.IGNORECASE)
ARABIC_PREFIXES = ("ولل", "فلل", "لل", "وب", "ول", "وك", "فب", "فل", "و", "ف", "ب", "ل", "ك")  # conjunctions, prepositions
RU_ENDINGS = tuple(sorted("""ями ами ого его ому ему ыми ими ой ей ий ый ая яя ое ее ые ие ую юю ом ем ах ях ам ям ов ев ы и а я у ю е о ь""".split(),
                          key=len, reverse=True))
KEEP_SHORT_I = "\ue000"  # й is a letter of its own, not и with an accent
LATIN_PLURAL = re.compile(r"(?<=\w{3})[sx]$")


@functools.lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Compare-form of a text: compatibility-normalized, lower case, no accents, one
    apostrophe and hyphen, Arabic letter variants and marks unified, ё -> е."""
    text = unicodedata.normalize("NFKC", text).translate(APOSTROPHES)
    text = ARABIC_MARKS.sub("", text).translate(ARABIC_LETTERS)
    text = text.casefold().replace("ё", "е").replace("й", KEEP_SHORT_I)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", text).replace(KEEP_SHORT_I, "й")


@functools.lru_cache(maxsize=200_000)
def stem(key: str, lang: str) -> str:
    """A light, rule-based stem of a folded word for languages whose names inflect."""
    if lang == "ru" and len(key) > 4 and key.isalpha():
        for end in RU_ENDINGS:
            if key.endswith(end) and len(key) - len(end) >= 3:
                return key[: -len(end)]
        return key
    if lang in ("fr", "en", "es", FALLBACK_LANGUAGE) and key.isalpha():
        return LATIN_PLURAL.sub("", key)
    return key


def is_cased(text: str) -> bool:
    """Whether the script of this text has letter case."""
    return any(c.isupper() or c.islower() for c in text if c.isalpha()) and text.lower() != text.upper()


@dataclass(frozen=True)
class Candidate:
    """One way to read a token: its key and how many characters of it to skip."""

    key: str
    skip: int = 0


@functools.lru_cache(maxsize=200_000)
def token_candidates(text: str, lemma: str, lang: str) -> tuple[Candidate, ...]:
    """Every key a text token can match a pattern token with: its exact form (for
    acronyms, prefixed "="), its folded stem, its lemma's stem, and the same after
    an elided article (l'ONU) or Arabic clitic (وللأمم) is taken off."""
    out: list[Candidate] = []
    norm = text.translate(APOSTROPHES)
    skips = [0]
    m = ELISION.match(norm)
    if m:
        skips.append(m.end())
    if norm.startswith("'") and len(norm) > 1:
        skips.append(1)
    for skip in skips:
        part = norm[skip:]
        out.append(Candidate("=" + part, skip))
        out.append(Candidate(stem(fold(part), lang), skip))
    if lemma and lemma != text:
        out.append(Candidate(stem(fold(lemma), lang)))
    if lang in ("ar", FALLBACK_LANGUAGE) and len(text) > 3:
        folded = fold(text)
        for prefix in ARABIC_PREFIXES:
            if folded.startswith(prefix) and len(folded) - len(prefix) >= 2:
                rest, skip = folded[len(prefix):], len(prefix)
                if prefix.endswith("لل"):  # li- + al-: the article's alif is not written
                    rest, skip = "ال" + rest, skip - 1
                out.append(Candidate(rest, skip))
    return tuple(dict.fromkeys(out))


def pattern_keys(tokens: Sequence[str], lang: str, exact: bool) -> tuple[str, ...]:
    """Keys of a pattern's tokens: exact forms for an acronym, folded stems otherwise."""
    if exact:
        return tuple("=" + t.translate(APOSTROPHES) for t in tokens)
    return tuple(stem(fold(t), lang) for t in tokens)


# --------------------------------------------------------------------------------------
# The phrase index (pure)
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Payload:
    """What a pattern stands for."""

    kind: str                 # org | country | topic
    ids: tuple[str, ...]      # org_id, ISO3 code, or UNBIS ids
    text: str                 # the pattern as written in the data
    exact: bool = False       # an acronym: matched case-sensitively
    score: float = 1.0        # evidence strength (topics)
    curated: bool = False     # a topic from the curated variants or single-word allow-list
    cap_initial: bool = False  # a proper name: the text must start with a capital


@dataclass(frozen=True)
class Match:
    """A pattern found in a token sequence: tokens [start, end), characters skipped at start."""

    start: int
    end: int
    payload: Payload
    skip: int = 0


@dataclass
class PhraseIndex:
    """A trie of pattern keys; finds every pattern occurrence in a candidate sequence."""

    root: dict = field(default_factory=dict)
    size: int = 0

    def add(self, keys: Sequence[str], payload: Payload) -> None:
        if not keys:
            return
        node = self.root
        for k in keys:
            node = node.setdefault(k, {})
        node.setdefault(None, []).append(payload)
        self.size += 1

    def find(self, tokens: Sequence[tuple[Candidate, ...]]) -> list[Match]:
        """All matches, at every start token, through every candidate reading (a token
        without candidates is white space: skipped inside a match)."""
        found: list[Match] = []
        for i in range(len(tokens)):
            for cand in tokens[i]:
                node = self.root.get(cand.key)
                if node is None:
                    continue
                self._walk(node, tokens, i, i + 1, cand.skip, found)
        return found

    def _walk(self, node: dict, tokens, start: int, j: int, skip: int, found: list[Match]) -> None:
        for payload in node.get(None, ()):
            found.append(Match(start, j, payload, skip))
        while j < len(tokens) and not tokens[j]:
            j += 1  # white space (a line break) inside a name is transparent
        if j >= len(tokens):
            return
        for cand in tokens[j]:
            if cand.skip:
                continue
            nxt = node.get(cand.key)
            if nxt is not None:
                self._walk(nxt, tokens, start, j + 1, skip, found)


def longest_first(matches: Iterable[Match]) -> list[Match]:
    """Non-overlapping matches, longest first, then leftmost (like spacy.util.filter_spans)."""
    chosen: list[Match] = []
    taken: set[int] = set()
    for m in sorted(matches, key=lambda m: (-(m.end - m.start), m.start, m.payload.exact)):
        if not taken.intersection(range(m.start, m.end)):
            chosen.append(m)
            taken.update(range(m.start, m.end))
    return sorted(chosen, key=lambda m: m.start)


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _load(name: str) -> dict:
    """A data file, parsed once per process."""
    return json.loads((config.DATA_DIR / name).read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def organizations() -> list[dict]:
    return _load("organizations.json")["organizations"]


@functools.lru_cache(maxsize=1)
def countries() -> list[dict]:
    return _load("countries.json")["countries"]


@functools.lru_cache(maxsize=1)
def topic_rules() -> dict:
    return _load("topic_variants.json")


@functools.lru_cache(maxsize=1)
def unbis() -> dict[str, dict]:
    return _load("unbis.json")["topics"]


def read_data() -> None:
    """Read the stage's data files and build their look-up tables now (each is built
    once per process, then kept)."""
    organizations(), countries(), topic_rules(), unbis()
    _country_lookup(), _org_lookup(), _org_by_id(), _span_rules()


@functools.lru_cache(maxsize=1)
def data_version() -> str:
    """Short hash of the data files, so runs reprocess when the data change."""
    h = hashlib.sha256()
    for name in DATA_FILES:
        h.update((config.DATA_DIR / name).read_bytes())
    return h.hexdigest()[:12]


def _name_key(name: str) -> str:
    """Key of a whole name for dictionary look-ups (any language, no tokenizer)."""
    words = re.findall(r"\w+", fold(name))
    if words and words[0] in NAME_ARTICLES:
        words = words[1:]
    return " ".join(stem(w, "ru" if re.search("[а-я]", w) else "fr") for w in words)


NAME_ARTICLES = {"the", "la", "le", "les", "l", "el", "los", "las", "d", "de"}


def _name_table(records: Iterable[dict], key: str) -> dict[str, str]:
    """Folded name key -> record id, every language; "=ACRONYM" (case-sensitive) and
    "=ID" -> record id."""
    table: dict[str, str] = {}
    for record in records:
        for lang in LANGS:
            for name in record["names"].get(lang, []):
                table.setdefault(_name_key(name), record[key])
            for acronym in record.get("acronyms", {}).get(lang, []):
                table.setdefault("=" + acronym, record[key])
        table.setdefault("=" + record[key], record[key])
    return table


@functools.lru_cache(maxsize=1)
def _country_lookup() -> dict[str, str]:
    return _name_table(countries(), "code")


@functools.lru_cache(maxsize=1)
def _org_lookup() -> dict[str, str]:
    return _name_table(organizations(), "org_id")


def _lookup(table: dict[str, str], name: str) -> str | None:
    name = (name or "").strip()
    if not name:
        return None
    return table.get("=" + name) or table.get(_name_key(name))


def country_code(name: str) -> str | None:
    """Any-language State name or variant -> ISO3 ("Fédération de Russie" -> "RUS")."""
    return _lookup(_country_lookup(), name)


@functools.lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    return {c["code"]: c["name_en"] for c in countries()}


def country_name(code: str) -> str | None:
    """ISO3 -> English UN short name ("RUS" -> "Russian Federation")."""
    return _country_names().get((code or "").strip().upper())


def org_id_for(name: str) -> str | None:
    """Any-language organization name or acronym -> org_id (names folded, acronyms exact)."""
    return _lookup(_org_lookup(), name)


@functools.lru_cache(maxsize=1)
def _org_by_id() -> dict[str, dict]:
    return {o["org_id"]: o for o in organizations()}


# --------------------------------------------------------------------------------------
# Patterns from data (pure given a tokenizer)
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PatternSpec:
    """A phrase to look for, before tokenization."""

    text: str
    payload: Payload


def _langs_for(lang: str) -> tuple[str, ...]:
    return LANGS if lang not in LANGS else (lang,)


def entity_specs(lang: str) -> list[PatternSpec]:
    """Organization names and acronyms, and State names, in the document's language."""
    specs: list[PatternSpec] = []
    for o in organizations():
        for lg in _langs_for(lang):
            for n in o["names"].get(lg, []):
                specs.append(PatternSpec(n, Payload("org", (o["org_id"],), n, cap_initial=n[:1].isupper())))
            for a in o.get("acronyms", {}).get(lg, []):
                specs.append(PatternSpec(a, Payload("org", (o["org_id"],), a, exact=True)))
    for c in countries():
        for lg in _langs_for(lang):
            for n in c["names"].get(lg, []):
                specs.append(PatternSpec(n, Payload("country", (c["code"],), n, cap_initial=n[:1].isupper())))
    return specs


def _label_ok(label: str, n_tokens: int, lang: str, ident: str, rules: dict) -> bool:
    if ident in rules["single_word"]:
        return True
    if lang in CJK_LANGS:
        return len(label) >= config.TOPIC_MIN_LABEL_CHARS_CJK
    return n_tokens >= config.TOPIC_MIN_LABEL_TOKENS


@functools.lru_cache(maxsize=1)
def _topic_filter() -> dict:
    rules = topic_rules()
    entity_names = {_name_key(n) for o in organizations() for ns in o["names"].values() for n in ns}
    entity_names |= {_name_key(n) for c in countries() for ns in c["names"].values() for n in ns}
    excluded = set(rules.get("generic_ids", []))
    for ident, t in unbis().items():
        micros = t.get("micro") or []
        if any(m.startswith(tuple(rules.get("excluded_microthesauri", []))) for m in micros):
            excluded.add(ident)
        elif _name_key(t["labels"].get("en") or "") in entity_names:
            excluded.add(ident)
    return {"excluded": excluded, "single_word": set(rules.get("single_word_labels", []))}


def topic_specs(lang: str, tokenize) -> list[PatternSpec]:
    """UNBIS labels (multiword, not geographic nor an organization's name) and curated
    variants, in the document's language."""
    rules = _topic_filter()
    specs: list[PatternSpec] = []
    for lg in _langs_for(lang):
        for ident, t in unbis().items():
            label = t["labels"].get(lg)
            if not label or ident in rules["excluded"]:
                continue
            label = label.strip()
            n = sum(1 for tok in tokenize(label) if not tok.is_punct)
            if _label_ok(label, n, lg, ident, rules):
                specs.append(PatternSpec(label, Payload("topic", (ident,), label, score=config.TOPIC_SCORE_LABEL,
                                                        curated=ident in rules["single_word"])))
        for variant, ids in topic_rules()["variants"].get(lg, {}).items():
            specs.append(PatternSpec(variant, Payload("topic", tuple(ids), variant, score=config.TOPIC_SCORE_VARIANT,
                                                      curated=True)))
    return specs


def compile_index(specs: Iterable[PatternSpec], tokenize, lang: str) -> PhraseIndex:
    """Tokenize each pattern with the document language's tokenizer into the trie."""
    index = PhraseIndex()
    for spec in specs:
        tokens = [t.text for t in tokenize(spec.text) if not t.is_space]
        index.add(pattern_keys(tokens, lang, spec.payload.exact), spec.payload)
    return index


# --------------------------------------------------------------------------------------
# The dictionary of a language (from its lemmatizer's tables; no tagger runs)
# --------------------------------------------------------------------------------------
PARTS_OF_SPEECH = ("noun", "adj", "verb", "adv", "adp", "aux", "cconj", "det", "pron", "sconj", "propn", "num")
NOMINAL = ("noun", "adj")  # topic labels and names are noun phrases


@dataclass
class Lexicon:
    """A language's dictionary, read from its rule lemmatizer's tables: per part of
    speech, the lemma index, the suffix rules that lead to it and the irregular forms.
    The tag stage runs no tagger (40% of the stage's time, for two uses); these
    tables give it the lemmas of nouns and adjectives, and tell dictionary words from
    names."""

    index: dict[str, frozenset[str]] = field(default_factory=dict)
    rules: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    exceptions: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # irregular form -> lemmas
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, nlp: Language) -> "Lexicon":
        """The dictionary of a trained pipeline, from its lemmatizer's files (the
        component itself is not loaded); empty for a blank pipeline."""
        folder = Path(nlp.path) / "lemmatizer" / "lookups" if nlp.path else None
        if folder is None or not (folder / "lookups.bin").exists():
            return cls()
        lookups = Lookups().from_disk(folder)
        if not lookups.has_table("lemma_index"):
            return cls()
        index, rules, exceptions = (lookups.get_table(name) if lookups.has_table(name) else {}
                                    for name in ("lemma_index", "lemma_rules", "lemma_exc"))
        return cls({pos: frozenset(index[pos]) for pos in PARTS_OF_SPEECH if pos in index},
                   {pos: tuple((old, new) for old, new in rules[pos] if old) for pos in PARTS_OF_SPEECH if pos in rules},
                   {pos: {key: tuple(forms) for key, forms in exceptions[pos].items()}
                    for pos in PARTS_OF_SPEECH if pos in exceptions})

    def lemmas(self, word: str, pos: str) -> tuple[str, ...]:
        """Lemmas of a lower-case word read as this part of speech (none: it can't be one)."""
        index = self.index.get(pos, frozenset())
        found = list(self.exceptions.get(pos, {}).get(word, ()))
        if word in index:
            found.append(word)
        found += [form for old, new in self.rules.get(pos, ()) if word.endswith(old)
                  and (form := word[: len(word) - len(old)] + new) in index]
        return tuple(dict.fromkeys(found))

    def parts_of_speech(self, word: str) -> frozenset[str]:
        """Every part of speech the word can be, by the dictionary (empty: not a word of it)."""
        key = ("pos", word)
        if key not in self._memo:
            w = word.lower()
            self._memo[key] = frozenset(pos for pos in self.index.keys() | self.exceptions.keys() if self.lemmas(w, pos))
        return self._memo[key]

    def is_common(self, word: str) -> bool:
        """Whether the word is a dictionary word (or an inflection of one)."""
        return bool(self.parts_of_speech(word))

    def nominal_lemma(self, word: str) -> str:
        """The lemma of a word read as a noun, else as an adjective ("" if neither)."""
        key = ("lemma", word)
        if key not in self._memo:
            w = word.lower()
            self._memo[key] = next((found[0] for pos in NOMINAL if (found := self.lemmas(w, pos))), "")
        return self._memo[key]


@dataclass
class Resources:
    """What the tag components of one language use, compiled from the data files, the
    pipeline's tokenizer and its lemmatizer's tables."""

    entities: PhraseIndex
    topics: PhraseIndex
    lexicon: Lexicon


def compile_resources(nlp: Language, lang: str) -> Resources:
    return Resources(compile_index(entity_specs(lang), nlp.tokenizer, lang),
                     compile_index(topic_specs(lang, nlp.tokenizer), nlp.tokenizer, lang),
                     Lexicon.of(nlp))


_RESOURCES: "weakref.WeakKeyDictionary[Language, Resources]" = weakref.WeakKeyDictionary()


def pipeline_resources(nlp: Language, lang: str) -> Resources:
    """A pipeline's resources: compiled once per process, or read from the cache
    (compiling them takes seconds, longer than tagging a short letter)."""
    if nlp not in _RESOURCES:
        _RESOURCES[nlp] = cached_resources(nlp, lang, config.CACHE_DIR)
    return _RESOURCES[nlp]


def resources_key(nlp: Language, lang: str) -> str:
    """What the compiled resources depend on: the language, spaCy and the model, the
    data files and the code that compiles them."""
    h = hashlib.sha256()
    for part in (lang, spacy.__version__, nlp.meta.get("name", ""), nlp.meta.get("version", ""), data_version()):
        h.update(f"{part}\0".encode())
    for module in (__file__, config.__file__):
        h.update(Path(module).read_bytes())
    return h.hexdigest()[:16]


def cached_resources(nlp: Language, lang: str, cache_dir: Path) -> Resources:
    """Resources read from ``cache_dir``, or compiled and written there (atomically; an
    unreadable file is compiled again, an unwritable folder only costs the time)."""
    path = cache_dir / f"tag-{lang}-{resources_key(nlp, lang)}.pickle"
    try:
        with open(path, "rb") as fh:
            found = pickle.load(fh)
        if isinstance(found, Resources):
            return found
    except FileNotFoundError:
        pass
    except Exception as exc:  # a truncated or foreign file: compile again
        log.warning("tag cache %s unreadable (%s: %s): compiled again", path, type(exc).__name__, exc)
    resources = compile_resources(nlp, lang)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=cache_dir, prefix=f".{path.name}.", delete=False) as fh:
            pickle.dump(resources, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.chmod(fh.name, 0o644)
        os.replace(fh.name, path)
        for stale in cache_dir.glob(f"tag-{lang}-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError as exc:
        log.info("tag cache not written to %s: %s", cache_dir, exc)
    return resources


# --------------------------------------------------------------------------------------
# Running the index on a Doc
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hit:
    """A gazetteer or topic match, in character offsets of the doc's text."""

    start: int
    end: int
    text: str
    payload: Payload
    inflected: bool = False


def doc_candidates(doc: Doc, lang: str, lexicon: Lexicon) -> list[tuple[Candidate, ...]]:
    """Every token's readings, computed once per doc and shared by the components."""
    cached = doc.user_data.get(("unsc_candidates", lang))
    if cached is None or len(cached) != len(doc):
        cached = [() if t.is_space else token_candidates(t.text, lexicon.nominal_lemma(t.text), lang) for t in doc]
        doc.user_data[("unsc_candidates", lang)] = cached
    return cached


def caps_text(doc: Doc) -> bool:
    """Whether the text is mostly capitals (a typewritten title, a heading)."""
    text = doc.text  # spaCy builds it anew at each access
    upper, lower = sum(map(str.isupper, text)), sum(map(str.islower, text))
    return upper + lower > 0 and upper / (upper + lower) > config.CAPS_TEXT_RATIO


TRAILING = ".,;:)»”\"'"


def _to_hit(doc: Doc, m: Match) -> Hit:
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
    return re.sub(r"[\s'-]+", "", fold(text))


def _acceptable(doc: Doc, m: Match, shouting: bool) -> bool:
    p = m.payload
    first = doc[m.start].text[m.skip:]
    if p.exact and shouting and len(p.text) <= config.SHORT_ACRONYM_LEN:
        return False
    if p.cap_initial and is_cased(first) and not first[:1].isupper():
        return False
    return True


def gazetteer_hits(doc: Doc, index: PhraseIndex, lang: str, lexicon: Lexicon) -> list[tuple[Hit, tuple[int, int]]]:
    """Longest non-overlapping entity matches, plus the parent organization named at the
    end of a body's name ("Comité exécutif de la CEI" also names the CEI)."""
    shouting = caps_text(doc)
    matches = [m for m in index.find(doc_candidates(doc, lang, lexicon)) if _acceptable(doc, m, shouting)]
    chosen = longest_first(matches)
    out: list[tuple[Hit, tuple[int, int]]] = [(_to_hit(doc, m), (m.start, m.end)) for m in chosen]
    for m in chosen:
        parent = _org_by_id().get(m.payload.ids[0], {}).get("parent") if m.payload.kind == "org" else None
        inner = [n for n in matches if n.payload.kind == "org" and n.payload.ids[0] == parent
                 and m.start < n.start and n.end == m.end]
        if inner:
            out.append((_to_hit(doc, inner[0]), (inner[0].start, inner[0].end)))
    return out


if not Doc.has_extension("unsc_entities"):
    Doc.set_extension("unsc_entities", default=None)
if not Doc.has_extension("unsc_ranges"):
    Doc.set_extension("unsc_ranges", default=None)
if not Doc.has_extension("unsc_topics"):
    Doc.set_extension("unsc_topics", default=None)


class GazetteerComponent:
    """Finds known organizations and States; sets them as doc.ents for the NER to respect."""

    def __init__(self, nlp: Language, lang: str):
        self.lang = lang
        resources = pipeline_resources(nlp, lang)
        self.index, self.lexicon = resources.entities, resources.lexicon

    def __call__(self, doc: Doc) -> Doc:
        hits = gazetteer_hits(doc, self.index, self.lang, self.lexicon)
        doc._.unsc_entities = [h for h, _ in hits]
        doc._.unsc_ranges = {rng for _, rng in hits}
        spans = [Span(doc, s, e, label="ORG" if h.payload.kind == "org" else "GPE") for h, (s, e) in hits]
        doc.ents = spacy.util.filter_spans(spans)
        return doc


class TopicComponent:
    """Finds UNBIS concepts (labels and curated variants)."""

    def __init__(self, nlp: Language, lang: str):
        self.lang = lang
        resources = pipeline_resources(nlp, lang)
        self.index, self.lexicon = resources.topics, resources.lexicon

    def __call__(self, doc: Doc) -> Doc:
        matches = longest_first(self.index.find(doc_candidates(doc, self.lang, self.lexicon)))
        doc._.unsc_topics = [_to_hit(doc, m) for m in matches]
        return doc


@Language.factory("unsc_gazetteer", default_config={"lang": "xx"})
def make_gazetteer(nlp: Language, name: str, lang: str) -> GazetteerComponent:
    return GazetteerComponent(nlp, lang)


@Language.factory("unsc_topics", default_config={"lang": "xx"})
def make_topics(nlp: Language, name: str, lang: str) -> TopicComponent:
    return TopicComponent(nlp, lang)


# --------------------------------------------------------------------------------------
# Pipelines
# --------------------------------------------------------------------------------------
@contextlib.contextmanager
def charsets_optimized_once() -> Iterator[None]:
    """Memoize the regex compiler's character-set optimizer for a while. spaCy's French
    tokenizer exceptions compile a 1.4 MB pattern that repeats one Unicode letter class
    some two hundred times: optimizing each distinct class once takes 2 s off the 3 s
    the French model takes to load, in every process. The optimizer is a pure
    function, so the compiled patterns are the same; on a Python without it, nothing
    changes."""
    compiler = getattr(re, "_compiler", None)
    original = getattr(compiler, "_optimize_charset", None)
    if original is None:
        yield
        return
    memo: dict = {}

    def optimize(charset, iscased=None, fixup=None, fixes=None):
        try:
            key = (tuple(charset), iscased, fixup, id(fixes))
            found = memo.get(key)
        except TypeError:  # a set item that can't be a key
            return original(charset, iscased, fixup, fixes)
        if found is None:
            found = memo[key] = original(charset, iscased, fixup, fixes)
        return list(found[0]), found[1]

    compiler._optimize_charset = optimize
    try:
        yield
    finally:
        compiler._optimize_charset = original


def _load_model(lang: str) -> Language | None:
    name = config.SPACY_MODELS.get(lang)
    if not name:
        return None
    for candidate in (name, *config.SPACY_MODEL_ALIASES.get(name, ())):
        try:
            with charsets_optimized_once():
                nlp = spacy.load(candidate, exclude=list(config.TAG_EXCLUDED_COMPONENTS))
        except OSError:
            continue
        return nlp
    log.warning("spaCy model %s for %r is not installed: tagging with rules only", name, lang)
    return None


def normalize_language(language: str | None) -> str:
    """ISO 639-1 code in lower case; None or empty -> the multilingual fallback."""
    return (language or "").strip().lower() or FALLBACK_LANGUAGE


def build_nlp(language: str | None) -> Language:
    """The tag pipeline of a language: its trained model (fr, en) without the components
    the stage doesn't use, or a blank pipeline; the gazetteer before the NER and the topic
    matcher last. Built once per process and language."""
    return _build_nlp(normalize_language(language))


@functools.lru_cache(maxsize=None)
def _build_nlp(lang: str) -> Language:
    nlp = _load_model(lang)
    if nlp is None:
        try:
            nlp = spacy.blank(lang)
        except ImportError:  # a code spaCy doesn't know: the multilingual tokenizer
            nlp = spacy.blank(FALLBACK_LANGUAGE)
    before = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    nlp.add_pipe("unsc_gazetteer", config={"lang": lang}, **before)
    nlp.add_pipe("unsc_topics", config={"lang": lang})
    return nlp


def lexicon_of(language: str | None) -> Lexicon:
    """The dictionary of a language's pipeline (empty without a lemmatizer)."""
    return pipeline_resources(build_nlp(language), normalize_language(language)).lexicon


# --------------------------------------------------------------------------------------
# Model spans: label mapping and junk filter
# --------------------------------------------------------------------------------------
MODEL_LABELS = {"ORG": "ORG", "PER": "PERSON", "PERSON": "PERSON", "LOC": "LOC", "GPE": "GPE"}  # others dropped


@functools.lru_cache(maxsize=1)
def _span_rules() -> dict:
    rules = _load("organizations.json").get("model_span_rules", {})
    return {k: {fold(w) for w in v} for k, v in rules.items()}


ENUMERATOR = re.compile(r"^(?:[IVXLC]+|[A-Za-z]|\d+(?:\.\d+)*)[.)]$")  # "A.", "IV.", "2.1." heading markers


def _trim(span: Span, lexicon: Lexicon | None = None) -> tuple[int, int] | None:
    """Token range of a model span without heading markers, articles and connectors at
    its edges ("the", "l'", "of"), edge punctuation and a verb run into its end, or None
    if nothing is left."""
    rules = _span_rules()
    lead = rules.get("leading_words", set())
    s, e = span.start, span.end
    doc = span.doc
    while s < e and (doc[s].is_punct or doc[s].is_space or fold(doc[s].text) in lead or ENUMERATOR.match(doc[s].text)):
        s += 1
    while e > s and (doc[e - 1].is_punct or doc[e - 1].is_space or fold(doc[e - 1].text) in lead
                     or _runs_on(doc[e - 1], lexicon)):
        e -= 1
    return (s, e) if s < e else None


def _runs_on(token, lexicon: Lexicon | None) -> bool:
    """A lower-case word at a name's end that the dictionary knows only as a verb: the
    sentence going on after the name ("la Chambre des députés procède"). Unknown words
    stay: the dictionaries have gaps ("torture" is not in the French one)."""
    if lexicon is None or not (token.text.isalpha() and token.text.islower()):
        return False
    parts = lexicon.parts_of_speech(token.text)
    return bool(parts) and parts <= {"verb", "aux"}


SENTENCE_OPENERS = {"(", "[", "«", "“", '"', "'", ".", "!", "?", "…", ":"}


def _capital_by_position(token) -> bool:
    """Whether the token stands where any word takes a capital: a text or sentence start,
    or after an opening bracket or quote."""
    if token.i == 0 or token.is_sent_start:
        return True
    prev = token.doc[token.i - 1]
    return prev.is_left_punct or prev.text in SENTENCE_OPENERS or bool(ENUMERATOR.match(prev.text))


def _reads_as_name(token, lexicon: Lexicon | None) -> bool:
    """Whether a word reads as part of a name, without a tagger: an acronym, a capital
    where the language doesn't need one, or a capitalized word no dictionary knows."""
    text = token.text
    if len(text) > 1 and text.isupper():
        return True
    if not text[:1].isupper():
        return False
    return not _capital_by_position(token) or not (lexicon and lexicon.is_common(text))


PERSON_LABELS = {"PER", "PERSON"}


def model_span_is_junk(span: Span, lexicon: Lexicon | None = None) -> bool:
    """Rules that generalize: no capital letter, a lone dictionary word capitalized (a
    sentence start, a heading: "Signé", "Document"), no word that reads as a name, made
    only of titles/generic words, a "person" made of dictionary words (a title), or too
    short."""
    rules = _span_rules()
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
    if all(fold(t.text) in rules.get("generic_words", set()) or fold(t.text) in rules.get("leading_words", set())
           or t.is_stop for t in words):
        return True
    if not any(_reads_as_name(t, lexicon) for t in words):
        return True  # "Cour constitutionnelle" opening a sentence: nothing marks it as a name
    if span.label_ in PERSON_LABELS and lexicon and all(
            lexicon.is_common(t.text) or t.is_stop or fold(t.text) in rules.get("leading_words", set()) for t in words):
        return True  # "Président de la République": a title, not somebody's name
    return False


def _model_entity(para_id: int, span: Span, lexicon: Lexicon | None = None) -> Entity | None:
    label = MODEL_LABELS.get(span.label_)
    if label is None:
        return None
    rng = _trim(span, lexicon)
    if rng is None:
        return None
    span = Span(span.doc, rng[0], rng[1], label=span.label)
    if is_cased(span.text) and not span.text[:1].isupper():
        return None
    code = country_code(span.text) if label in ("GPE", "LOC", "ORG") else None
    if code:
        return Entity(para_id, span.start_char, span.end_char, span.text, "GPE", country_code=code,
                      canonical_name=country_name(code), source="model")
    if model_span_is_junk(span, lexicon):
        return None
    if label == "GPE":
        label = "LOC"
    org = org_id_for(span.text) if label == "ORG" else None
    canonical = _org_by_id()[org]["name_en"] if org else None
    return Entity(para_id, span.start_char, span.end_char, span.text, label, org_id=org, canonical_name=canonical,
                  source="model")


def _gazetteer_entity(para_id: int, hit: Hit) -> Entity:
    ident = hit.payload.ids[0]
    if hit.payload.kind == "org":
        return Entity(para_id, hit.start, hit.end, hit.text, "ORG", org_id=ident,
                      canonical_name=_org_by_id()[ident]["name_en"])
    return Entity(para_id, hit.start, hit.end, hit.text, "GPE", country_code=ident, canonical_name=country_name(ident))


def entities_of(para_id: int, doc: Doc, lexicon: Lexicon | None = None) -> list[Entity]:
    """Gazetteer entities, then the model's other spans that pass the junk filter."""
    out = [_gazetteer_entity(para_id, h) for h in doc._.unsc_entities or []]
    ours = doc._.unsc_ranges or set()
    for span in doc.ents:
        if (span.start, span.end) in ours:
            continue
        ent = _model_entity(para_id, span, lexicon)
        if ent is not None:
            out.append(ent)
    return sorted(out, key=lambda e: (e.start, e.end))


def _evidence(hit: Hit, names: list[tuple[int, int]]) -> float:
    """Strength of one topic match: its pattern's score, less when inflected; inside an
    organization's name only curated topics count, at a discount."""
    score = hit.payload.score * (config.TOPIC_INFLECTED_FACTOR if hit.inflected else 1.0)
    if any(s <= hit.start and hit.end <= e for s, e in names):
        score = score * config.TOPIC_IN_NAME_FACTOR if hit.payload.curated else 0.0
    return score


def topics_of(para_id: int, doc: Doc) -> list[TopicHit]:
    """One row per UNBIS id in the paragraph; score = noisy-or of its matches' evidence."""
    labels = unbis()
    names = [(h.start, h.end) for h in doc._.unsc_entities or [] if h.payload.kind == "org"]
    found: dict[str, list[tuple[Hit, float]]] = {}
    for hit in doc._.unsc_topics or []:
        score = _evidence(hit, names)
        if score <= 0:
            continue
        for ident in hit.payload.ids:
            found.setdefault(ident, []).append((hit, score))
    rows = []
    for ident, scored in found.items():
        hits = [h for h, _ in scored]
        miss = 1.0
        for _, score in scored:
            miss *= 1.0 - score
        matched = tuple(dict.fromkeys(h.text for h in hits))
        rows.append(TopicHit(para_id, ident, labels[ident]["labels"]["en"], round(1.0 - miss, 3), matched))
    return rows


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------
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


def organizations_table() -> pa.Table:
    """The gazetteer as a table (schemas.ORGANIZATIONS)."""
    rows = []
    for o in organizations():
        row = {"org_id": o["org_id"], "name_en": o["name_en"], "type": o["type"], "parent": o.get("parent")}
        for lang in LANGS:
            row[f"names_{lang}"] = list(o["names"].get(lang, []))
        row["acronyms"] = list(dict.fromkeys(a for lang in LANGS for a in o.get("acronyms", {}).get(lang, [])))
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=schemas.ORGANIZATIONS)


def unbis_topics_table() -> pa.Table:
    """The UNBIS Thesaurus concepts (schemas.UNBIS_TOPICS)."""
    rows = []
    for ident, t in sorted(unbis().items()):
        row = {"topic_id": ident, **{f"label_{lang}": t["labels"].get(lang) for lang in LANGS},
               "microthesaurus": t.get("microthesaurus"), "domain": t.get("domain")}
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=schemas.UNBIS_TOPICS)
