"""Small record types passed between the stages."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    """One paragraph in reading order (a row of the paragraphs table, without doc_id)."""

    para_id: int
    section: str            # letter | annex | enclosure
    kind: str               # title | heading | body | list_item | signature | note | footnote | table
    text: str
    page_start: int
    page_end: int
    number: str | None = None


@dataclass(frozen=True)
class Entity:
    """A named entity in one paragraph (a row of the entities table, without doc_id)."""

    para_id: int
    start: int
    end: int
    text: str
    label: str              # ORG | GPE | LOC | PERSON
    org_id: str | None = None
    country_code: str | None = None
    canonical_name: str | None = None
    source: str = "gazetteer"  # gazetteer | model


@dataclass(frozen=True)
class TopicHit:
    """A UNBIS concept found in one paragraph (a row of the topics table, without doc_id)."""

    para_id: int
    topic_id: str
    topic_label: str
    score: float
    matched: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Tags:
    """What the tag stage finds in one document."""

    entities: list[Entity]
    topics: list[TopicHit]
