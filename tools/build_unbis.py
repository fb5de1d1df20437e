"""Build pipeline/data/unbis.json from the UNBIS Thesaurus scrape in ../shared/unbis.

Offline helper, never run by the pipeline:
    python tools/build_unbis.py ../shared/unbis
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

LANGS = ("ar", "zh", "en", "fr", "ru", "es")


def micro_key(identifier: str) -> str:
    """Microthesaurus id 010300 -> hierarchy key 01.03.00."""
    return f"{identifier[0:2]}.{identifier[2:4]}.{identifier[4:6]}"


def build(src: Path) -> dict[str, Any]:
    topics = json.loads((src / "all_topics.json").read_text(encoding="utf-8"))["topics"]
    nodes = json.loads((src / "hierarchy.json").read_text(encoding="utf-8"))["nodes"]
    labels = {n["key"]: n["attributes"]["label"] for n in nodes}
    rows = {}
    for t in topics:
        ident = t["identifier"]
        micros = [r for r in t.get("related", []) if len(r) == 6]
        if len(ident) == 6:
            micros = [ident]
        micro = labels.get(micro_key(micros[0])) if micros else None
        domain = labels.get(micros[0][:2]) if micros else None
        rows[ident] = {
            "labels": {lang: t["labels"].get(lang) for lang in LANGS},
            "micro": [m for m in micros],
            "microthesaurus": micro,
            "domain": domain,
        }
    return {"source": "UNBIS Thesaurus (metadata.un.org/thesaurus)", "topics": rows}


if __name__ == "__main__":
    out = Path(__file__).resolve().parents[1] / "pipeline" / "data" / "unbis.json"
    data = build(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/unbis"))
    out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True), encoding="utf-8")
    print(f"{out}: {len(data['topics'])} concepts")
