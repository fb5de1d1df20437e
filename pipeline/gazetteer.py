"""The gazetteer: organizations and States with their names in the six UN languages
(``data/organizations.json``, ``data/countries.json``), and look-ups by any name. Both
segment (a letter's author) and tag (entities) read it from here."""
from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from typing import Any

from . import config
from .folding import match_form, stem

LANGS = ("ar", "zh", "en", "fr", "ru", "es")
NAME_ARTICLES = {"the", "la", "le", "les", "l", "el", "los", "las", "d", "de"}


@functools.cache
def data_file(name: str) -> dict[str, Any]:
    """A data file of pipeline/data, parsed once per process."""
    parsed: dict[str, Any] = json.loads((config.DATA_DIR / name).read_text(encoding="utf-8"))
    return parsed


def organizations() -> list[dict[str, Any]]:
    """The organizations' records (org_id, names and acronyms per language, parent)."""
    found: list[dict[str, Any]] = data_file("organizations.json")["organizations"]
    return found


def countries() -> list[dict[str, Any]]:
    """The States' and territories' records (ISO3 code, names per language)."""
    found: list[dict[str, Any]] = data_file("countries.json")["countries"]
    return found


def read() -> None:
    """Read the data files and build the look-up tables now (each once per process)."""
    _country_lookup(), _org_lookup(), org_by_id(), _country_names()


def name_key(name: str) -> str:
    """Key of a whole name for dictionary look-ups (any language, no tokenizer)."""
    words = re.findall(r"\w+", match_form(name))
    if words and words[0] in NAME_ARTICLES:
        words = words[1:]
    return " ".join(stem(w, "ru" if re.search("[а-я]", w) else "fr") for w in words)


def _name_table(records: Iterable[dict[str, Any]], key: str) -> dict[str, str]:
    """Folded name key -> record id, every language; "=ACRONYM" (case-sensitive) and
    "=ID" -> record id."""
    table: dict[str, str] = {}
    for record in records:
        for lang in LANGS:
            for name in record["names"].get(lang, []):
                table.setdefault(name_key(name), record[key])
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
    return table.get("=" + name) or table.get(name_key(name))


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
def org_by_id() -> dict[str, dict[str, Any]]:
    """org_id -> the organization's record."""
    return {o["org_id"]: o for o in organizations()}
