#!/usr/bin/env python3
"""Gazetteer hits of the hand-written PhraseIndex against spaCy's PhraseMatcher on a
custom NORM (the same folded stem as a token's key), on the six letters of S/2016/871
(tests/fixtures/letter_*.pdf and the French original). Prints the counts and every hit
that one finds and the other does not.

usage: python tools/compare_matchers.py [FRENCH_PDF]
"""
from __future__ import annotations

import sys
from pathlib import Path

from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from pipeline import extract, segment
from pipeline.folding import match_form, normalize_language, stem
from pipeline.tag import patterns, pipelines

ROOT = Path(__file__).resolve().parents[1]


def normed(nlp, text: str, lang: str):
    doc = nlp.make_doc(text)
    for token in doc:
        token.norm_ = stem(match_form(token.text), lang)
    return doc


def phrase_matcher(nlp, lang: str) -> tuple[PhraseMatcher, PhraseMatcher]:
    """Names on NORM, acronyms on ORTH (case-sensitive), from the same specs."""
    names, acronyms = PhraseMatcher(nlp.vocab, attr="NORM"), PhraseMatcher(nlp.vocab, attr="ORTH")
    for spec in patterns.entity_specs(lang):
        key = f"{spec.payload.kind}:{spec.payload.ids[0]}"
        if spec.payload.exact:
            acronyms.add(key, [nlp.make_doc(spec.text)])
        else:
            names.add(key, [normed(nlp, spec.text, lang)])
    return names, acronyms


def main(french: Path) -> int:
    pdfs = sorted((ROOT / "tests" / "fixtures").glob("letter_*.pdf")) + [french]
    ours_total = theirs_total = 0
    for pdf in pdfs:
        doc = extract.extract_pdf(pdf)
        lang = normalize_language(doc.masthead.language)
        nlp = pipelines.build_nlp(lang)
        names, acronyms = phrase_matcher(nlp, lang)
        paragraphs, _ = segment.segment(doc)
        for para in paragraphs:
            tagged = nlp.get_pipe("unsc_gazetteer")(nlp.make_doc(para.text))
            ours = {(h.start, h.end, f"{h.payload.kind}:{h.payload.ids[0]}") for h in tagged._.unsc_entities}
            normed_doc = normed(nlp, para.text, lang)
            spans = [normed_doc[s:e] for _, s, e in names(normed_doc) + acronyms(normed_doc)]
            labels = {(s, e): nlp.vocab.strings[m] for m, s, e in names(normed_doc) + acronyms(normed_doc)}
            theirs = {(sp.start_char, sp.end_char, labels[(sp.start, sp.end)]) for sp in filter_spans(spans)}
            ours_total, theirs_total = ours_total + len(ours), theirs_total + len(ours & theirs)
            for start, end, key in sorted(ours - theirs):
                print(f"{pdf.name}: only PhraseIndex: {para.text[start:end]!r} {key}")
            for start, end, key in sorted(theirs - ours):
                print(f"{pdf.name}: only PhraseMatcher: {para.text[start:end]!r} {key}")
    print(f"PhraseMatcher finds {theirs_total} of the PhraseIndex's {ours_total} hits")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus" / "S_2016_871_fr.pdf"))
