"""The dictionary of a language, from its lemmatizer's tables (no tagger runs)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the tables are read with spaCy once, then kept in the tag cache
    from spacy.language import Language

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
    _memo: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, nlp: Language) -> Lexicon:
        """The dictionary of a trained pipeline, from its lemmatizer's files (the
        component itself is not loaded); empty for a blank pipeline."""
        from spacy.lookups import Lookups

        folder = Path(nlp.path) / "lemmatizer" / "lookups" if nlp.path else None
        if folder is None or not (folder / "lookups.bin").exists():
            return cls()
        lookups = Lookups().from_disk(folder)
        if not lookups.has_table("lemma_index"):
            return cls()
        index, rules, exceptions = (lookups.get_table(name) if lookups.has_table(name) else {}
                                    for name in ("lemma_index", "lemma_rules", "lemma_exc"))
        # the forms of one lemma share one tuple (French: 35,000 tuples for 176,000 forms),
        # which the tag cache then stores once: a third sooner to read back in every process
        shared: dict[tuple[str, ...], tuple[str, ...]] = {}
        return cls({pos: frozenset(index[pos]) for pos in PARTS_OF_SPEECH if pos in index},
                   {pos: tuple((old, new) for old, new in rules[pos] if old) for pos in PARTS_OF_SPEECH if pos in rules},
                   {pos: {key: shared.setdefault(tuple(forms), tuple(forms)) for key, forms in exceptions[pos].items()}
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
        parts: frozenset[str] = self._memo[key]
        return parts

    def is_common(self, word: str) -> bool:
        """Whether the word is a dictionary word (or an inflection of one)."""
        return bool(self.parts_of_speech(word))

    def nominal_lemma(self, word: str) -> str:
        """The lemma of a word read as a noun, else as an adjective ("" if neither)."""
        key = ("lemma", word)
        if key not in self._memo:
            w = word.lower()
            self._memo[key] = next((found[0] for pos in NOMINAL if (found := self.lemmas(w, pos))), "")
        lemma: str = self._memo[key]
        return lemma
