"""Topic rows: one per UNBIS concept of a paragraph, scored from its matches' evidence."""
from __future__ import annotations

from collections.abc import Sequence

from .. import config
from ..types import TopicHit
from .matching import Hit
from .patterns import unbis

def _evidence(hit: Hit, names: list[tuple[int, int]]) -> float:
    """Strength of one topic match: its pattern's score, less when inflected; inside an
    organization's name only curated topics count, at a discount."""
    score = hit.payload.score * (config.TOPIC_INFLECTED_FACTOR if hit.inflected else 1.0)
    if any(s <= hit.start and hit.end <= e for s, e in names):
        score = score * config.TOPIC_IN_NAME_FACTOR if hit.payload.curated else 0.0
    return score


def topics_of(para_id: int, entities: Sequence[Hit], topics: Sequence[Hit]) -> list[TopicHit]:
    """One row per UNBIS id in the paragraph (its gazetteer ``entities`` and ``topics``
    hits); score = noisy-or of its matches' evidence."""
    labels = unbis()
    names = [(h.start, h.end) for h in entities if h.payload.kind == "org"]
    found: dict[str, list[tuple[Hit, float]]] = {}
    for hit in topics:
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
