"""Entity rows of gazetteer hits, and the reference tables (organizations, UNBIS topics)."""
from __future__ import annotations

import pyarrow as pa

from .. import gazetteer, schemas
from ..gazetteer import LANGS
from ..types import Entity
from .matching import Hit
from .patterns import unbis


def gazetteer_entity(para_id: int, hit: Hit) -> Entity:
    """The entity row of a gazetteer hit: its organization or State, by id."""
    ident = hit.payload.ids[0]
    if hit.payload.kind == "org":
        return Entity(para_id, hit.start, hit.end, hit.text, "ORG", org_id=ident,
                      canonical_name=gazetteer.org_by_id()[ident]["name_en"])
    return Entity(para_id, hit.start, hit.end, hit.text, "GPE", country_code=ident, canonical_name=gazetteer.country_name(ident))


def organizations_table() -> pa.Table:
    """The gazetteer as a table (schemas.ORGANIZATIONS)."""
    rows = []
    for o in gazetteer.organizations():
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
