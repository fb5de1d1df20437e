"""The UN layout's vocabulary in six languages (``data/un_terms.json``) and the small
language-aware parsers built on it: dates, language names, language detection."""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache, cache
from typing import Any

from . import config

CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
TATWEEL_AND_MARKS = re.compile(r"[\u0640\u00ad\u200c-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


@lru_cache(maxsize=1)
def terms() -> dict[str, Any]:
    """The parsed vocabulary file."""
    parsed: dict[str, Any] = json.loads((config.DATA_DIR / "un_terms.json").read_text(encoding="utf-8"))
    return parsed


def fold(text: str) -> str:
    """Lower case, accents and typographic apostrophes folded: the layout vocabulary's
    compare-form. It keeps the text's length (one character for one) unless the text
    has compatibility characters or loose combining marks, so offsets found in it hold
    in the text where the lengths agree (``find_date`` checks). Names and topic labels
    are compared by ``folding.match_form``, which also unifies Arabic letters and keeps й."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").lower())
    return "".join(c for c in text if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _month_numbers() -> dict[str, int]:
    months = {fold(name): i + 1 for names in terms()["months"].values() for i, name in enumerate(names)}
    months.update({fold(k): v for k, v in terms()["month_variants"].items()})
    return months


@lru_cache(maxsize=1)
def _date_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    names = sorted(_month_numbers(), key=len, reverse=True)
    month = "(?P<month>" + "|".join(re.escape(n) for n in names) + ")"
    levant = r"(?:[^\d\s/]+(?:\s[^\d\s/]+)?\s?/\s?)?"  # Arabic "تشرين الأول/أكتوبر": keep the second name
    day_first = re.compile(
        rf"(?<!\d)(?P<day>\d{{1,2}})(?:er|st|nd|rd|th)?\.?\s+(?:de\s+)?{levant}{month}\.?,?\s+(?:de\s+)?(?P<year>\d{{4}})(?!\d)")
    month_first = re.compile(rf"\b{month}\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})(?!\d)")
    cjk = re.compile(r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日")
    return day_first, month_first, cjk


def find_date(text: str) -> tuple[dt.date, int, int] | None:
    """The first full date written in ``text`` in any of the six languages, with its span."""
    folded = fold(text)  # same length as text for the scripts we meet: NFKD only drops marks
    if len(folded) != len(text):
        folded = text.lower()
    found = []
    for pattern in _date_patterns():
        m = pattern.search(folded)
        if m:
            found.append(m)
    for m in sorted(found, key=lambda m: m.start()):
        month = m.group("month")
        number = int(month) if month.isdigit() else _month_numbers().get(month)
        if number is None:
            continue
        try:
            return dt.date(int(m.group("year")), number, int(m.group("day"))), m.start(), m.end()
        except (TypeError, ValueError):
            continue
    return None


def parse_date(text: str) -> dt.date | None:
    """The first full date in ``text``, or None."""
    hit = find_date(text)
    return hit[0] if hit else None


@lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    return {fold(name): code for code, names in terms()["language_names"].items() for name in names}


@lru_cache(maxsize=1)
def _leading_preposition() -> re.Pattern[str]:
    return re.compile(r"^(?:" + "|".join(map(re.escape, terms()["language_prepositions"])) + r")\s+")


@lru_cache(maxsize=1)
def list_separator() -> re.Pattern[str]:
    """What separates the items of a list written out: "/", ",", ";" or "and" in any of
    the six languages."""
    joiners = "|".join(re.escape(j) for j in terms()["list_joiners"])
    return re.compile(rf"[/,;、]|\s(?:{joiners})\s")


@lru_cache(maxsize=1)
def language_names() -> tuple[str, ...]:
    """Every language's name in the six languages, folded ("anglais", "francais", ...)."""
    return tuple(sorted(_language_names()))


def language_from_name(word: str) -> str | None:
    """ISO 639-1 code of a language named in any of the six languages ("russe" -> "ru")."""
    word = fold(word).strip(" .:;,[]()")
    word = _leading_preposition().sub("", word)  # "en français", "на русском"
    return _language_names().get(word)


SCRIPTS = ((ARABIC, "ar"), (CJK, "zh"), (CYRILLIC, "ru"))
OTHER_SCRIPT = re.compile("|".join(pattern.pattern for pattern, _ in SCRIPTS))
LATIN_LETTER = re.compile(r"[A-Za-zÀ-ÿ]")
LOWER_WORD = re.compile(r"[a-zà-ÿ]+")


def detect_language(text: str) -> str | None:
    """The language ``text`` is written in, by script and then by common words."""
    if not text.strip():
        return None
    if OTHER_SCRIPT.search(text):  # else no script outnumbers the Latin letters: not counted
        scripts: Counter[str] = Counter({code: len(pattern.findall(text)) for pattern, code in SCRIPTS})
        code, count = scripts.most_common(1)[0]
        if count > len(LATIN_LETTER.findall(text)):
            return code
    words = Counter(LOWER_WORD.findall(text.lower()))
    scores = {lang: sum(words[w] for w in stop) for lang, stop in terms()["stopwords"].items()
              if lang in ("en", "fr", "es")}
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] > 0 else None


def folded(phrases: Sequence[str]) -> tuple[str, ...]:
    """The vocabulary's phrases folded, once for each list."""
    return _folded(tuple(phrases))


@cache
def _folded(phrases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(fold(p) for p in phrases)


def starts_with_any(text: str, phrases: Sequence[str]) -> bool:
    """Whether folded ``text`` starts with one of the folded ``phrases``."""
    prefixes = folded(phrases)
    text = text.lstrip(" ([«\"“")
    room = max(map(len, prefixes), default=0) + 16
    head = fold(text[:room])  # folding works char by char: the start is enough
    if len(head) < room - 16 and len(text) > room:  # combining marks took up the room
        head = fold(text)
    return head.startswith(prefixes)


@cache
def _run_on_words(language: str | None) -> frozenset[str]:
    lists = {k: v for k, v in terms()["run_on_words"].items() if not k.startswith("_")}
    if language is None:
        return frozenset(fold(w) for words in lists.values() for w in words)
    return frozenset(fold(w) for w in lists.get(language, ()))


def runs_on(text: str, language: str | None) -> bool:
    """Whether ``text`` ends with a word no sentence ends with in ``language`` (an
    article, a preposition: "addressed to the"); any language's when it is unknown."""
    words = text.split()
    return bool(words) and fold(words[-1]) in _run_on_words(language)
