"""The layout of an output folder, without Arrow: a no-change run only reads this.

``<out>/<table>.parquet`` are the published tables; ``<out>/.parts/<doc_id>/`` holds one
document's rows and ``meta.json`` (its content hash and the results version);
``<out>/.parts/sources.json`` records which files the published tables were made from.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

PARTS_DIR = ".parts"
PART_META = "meta.json"
SOURCES_FILE = "sources.json"
# every table of the folder (pipeline.schemas.TABLES declares them; a test keeps both equal)
TABLE_NAMES = ("documents", "paragraphs", "entities", "topics", "speeches", "participants", "errors",
               "organizations", "unbis_topics")


def read_part_meta(part: Path) -> dict | None:
    try:
        return json.loads((part / PART_META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def list_parts(out_dir: Path) -> dict[str, Path]:
    """Complete parts by doc_id (half-written temporary folders are ignored)."""
    parts = out_dir / PARTS_DIR
    if not parts.is_dir():
        return {}
    return {p.name: p for p in sorted(parts.iterdir()) if p.is_dir() and not p.name.startswith(".")
            and (p / PART_META).exists()}


def clean_stale_parts(out_dir: Path) -> None:
    """Remove temporary folders left by a killed run."""
    parts = out_dir / PARTS_DIR
    if parts.is_dir():
        for p in parts.iterdir():
            if p.name.startswith("."):
                shutil.rmtree(p, ignore_errors=True)


def remove_part(part: Path) -> None:
    shutil.rmtree(part, ignore_errors=True)


def published_sources(out_dir: Path) -> dict | None:
    """doc_id -> file names of the published tables, or None when not (fully) published."""
    try:
        return json.loads((out_dir / PARTS_DIR / SOURCES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def forget_published(out_dir: Path) -> None:
    """Called before publishing: a run killed half-way then leaves no record, and the
    next run publishes again."""
    (out_dir / PARTS_DIR / SOURCES_FILE).unlink(missing_ok=True)


def record_published(out_dir: Path, sources: dict) -> None:
    path = out_dir / PARTS_DIR / SOURCES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(sources, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def tables_missing(out_dir: Path) -> bool:
    return any(not (out_dir / f"{name}.parquet").exists() for name in TABLE_NAMES)
