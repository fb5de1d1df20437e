"""Meeting records: who said what. A turn opens with the speaker in bold and a colon
("Mr. Nebenzia (Russian Federation) (spoke in Russian):"); it runs until the next
label, a procedural paragraph (set in italics: "The meeting rose at 1 p.m."), or a
heading. The masthead's table of the President and the members gives each State its
role, and the President's State.
"""
from __future__ import annotations

import re
from typing import Sequence

from . import config, gazetteer, lexicon
from .layout import DOT_LEADER
from .types import Line, Paragraph, Participant, Role, SpeakerLabel, Speech, Word

PARENS = re.compile(r"\(\s*([^()]*?)\s*\)")
# a Chinese record's label is set with full-width marks: "主席（以英语发言）："
FULL_WIDTH = str.maketrans({"（": "(", "）": ")", "：": ":"})
COLON = re.compile(r"[:：]")


def speaker_label(lines: Sequence[Line]) -> SpeakerLabel | None:
    """The speaker's label opening a paragraph, or None: words in bold at its start
    (a name may wrap onto a second line), then parenthesised affiliation and language
    notes, then a colon."""
    words = [w for line in lines[:2] for w in line.words]
    texts = [w.text.translate(FULL_WIDTH) for w in words]
    bold: list[Word] = []
    for word, text in zip(words, texts):
        if not word.bold:
            break
        bold.append(word)
        if text.endswith(":"):
            break
    first = bold[0].text[:1] if bold else ""
    if not bold or len(bold) > config.MAX_SPEAKER_WORDS or not first.isalpha() or first.islower():
        return None  # a name opens with a capital, or a letter of a script without case
    after = words[len(bold):]
    if (after and after[0].bold) or (len(after) > 1 and texts[len(bold)] == ":" and after[1].bold):
        return None  # a heading in bold with a colon in it, not a name before a speech
    name = " ".join(texts[:len(bold)])
    rest = " ".join(texts[len(bold):len(bold) + 3 * config.MAX_SPEAKER_WORDS])
    notes: list[str]
    tail: str | None
    if name.endswith(":"):
        name, notes, tail = name[:-1], [], ""
    else:
        notes, tail = _notes(rest)
        if tail is None:
            return None
    name = name.strip()
    affiliation, spoke_in = None, None
    for note in notes:
        language = _spoke_in(note)
        if language:
            spoke_in = language
        elif affiliation is None:
            affiliation = note
    label = name + "".join(f" ({n})" for n in notes) + ":"
    return SpeakerLabel(name, affiliation, spoke_in, len(label))


def _notes(text: str) -> tuple[list[str], str | None]:
    """Parenthesised notes at the start of ``text`` and what follows the colon after
    them (None when no colon follows)."""
    notes = []
    rest = text.lstrip()
    while True:
        m = PARENS.match(rest)
        if not m:
            break
        notes.append(" ".join(m.group(1).split()))
        rest = rest[m.end():].lstrip()
    if not rest.startswith(":") or len(notes) > 2:
        return notes, None
    return notes, rest[1:]


def _spoke_in(note: str) -> str | None:
    """The language of "(spoke in French)", "(interpretation from Arabic)", …"""
    folded = lexicon.fold(note)
    for marker in lexicon.folded(lexicon.terms()["spoke_in_markers"]):
        if folded.startswith(marker):
            language = folded[len(marker):]
            for ending in lexicon.terms()["spoke_in_endings"]:  # "以英语发言": in English, spoke
                language = language.removesuffix(ending)
            return lexicon.language_from_name(language)
    return None


def strip_label(text: str, label: SpeakerLabel) -> str:
    """The paragraph's text without its label (it starts with the speaker's first word)."""
    colon = COLON.search(text, max(len(label.speaker) - 1, 0))
    if colon is None or colon.start() > label.length + config.SPEAKER_LABEL_SLACK:
        return text
    return text[colon.end():].lstrip()


def participants(lines: Sequence[Line]) -> list[Participant]:
    """The masthead table of a meeting record: "President: Mr. X . . . (State)", then
    "Members: State . . . Mr. Y" and one row a member."""
    t = lexicon.terms()["participant_roles"]
    out: list[Participant] = []
    role: str | None = None
    for line in lines:
        if not DOT_LEADER.search(line.text):
            continue
        left, right = (part.strip() for part in DOT_LEADER.split(line.text, maxsplit=1))
        head, colon, after = left.partition(":")
        if colon and lexicon.fold(head.strip()) in lexicon.folded(t["president"] + t["member"]):
            role = "president" if lexicon.fold(head.strip()) in lexicon.folded(t["president"]) else "member"
            left = after.strip()
        if role is None:
            continue
        if role == "president":
            representative, country = left, right.strip("() ")
        else:
            country, representative = left, right
        code = gazetteer.country_code(country)
        out.append(Participant(code, country, representative, role))  # type: ignore[arg-type]
        if role == "president":
            role = None  # the members' label opens their rows
    return out


def turns(paragraphs: Sequence[Paragraph], labels: dict[int, SpeakerLabel], italic: set[int],
          members: Sequence[Participant]) -> list[Speech]:
    """The speeches of a record: one a label, over the paragraphs up to the next label,
    procedural paragraph (``italic``) or heading."""
    president = next((p for p in members if p.role == "president"), None)
    member_codes = {p.country_code for p in members if p.role == "member" and p.country_code}
    speeches: list[Speech] = []
    current: list[Paragraph] = []
    label: SpeakerLabel | None = None

    def close() -> None:
        if label is not None and current:
            role, code = _role(label, member_codes, president)
            speeches.append(Speech(len(speeches), label.speaker, label.affiliation, code, role, label.spoke_in,
                                   current[0].para_id, current[-1].para_id,
                                   sum(len(p.text.split()) for p in current)))

    for para in paragraphs:
        if para.para_id in labels:
            close()
            label, current = labels[para.para_id], [para]
        elif label is not None and para.kind in ("body", "list_item", "table", "note") \
                and para.para_id not in italic:
            current.append(para)
        else:
            close()
            label, current = None, []
    close()
    return speeches


def _role(label: SpeakerLabel, member_codes: set[str], president: Participant | None) -> tuple[Role, str | None]:
    """The speaker's role and State."""
    roles = lexicon.terms()["speaker_roles"]
    speaker = lexicon.fold(label.speaker)
    if speaker in lexicon.folded(roles["president"]):
        return "president", president.country_code if president else None
    if speaker in lexicon.folded(roles["secretary_general"]):
        return "secretary_general", None
    if label.affiliation is None:
        return "briefer", None
    affiliation = lexicon.fold(label.affiliation)
    code = gazetteer.country_code(label.affiliation)
    if any(word in affiliation for word in lexicon.folded(lexicon.terms()["observer_words"])):
        return "observer", code
    if code:
        return ("member" if code in member_codes else "non_member"), code
    return "other", None
