#!/usr/bin/env python3
"""Compare two processed folders table by table, ignoring when and by which version the
rows were made: a refactor that changes no output prints "identical".

usage: python tools/compare_outputs.py OLD_DIR NEW_DIR
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

VOLATILE = {"processed_at", "pipeline_version", "at"}
TABLES = ("documents", "paragraphs", "entities", "topics", "errors", "speeches", "participants")


def frame(folder: Path, name: str) -> pd.DataFrame | None:
    path = folder / f"{name}.parquet"
    if not path.exists():
        return None
    df = pd.read_parquet(path)
    df = df.drop(columns=[c for c in df.columns if c in VOLATILE])
    keys = [c for c in ("source_file", "doc_id", "para_id", "speech_id", "start", "topic_id") if c in df.columns]
    df = df.sort_values(keys).reset_index(drop=True) if keys else df
    return df.astype(object).map(str)


def main(old: Path, new: Path) -> int:
    differing = 0
    for name in TABLES:
        a, b = frame(old, name), frame(new, name)
        if a is None and b is None:
            continue
        if a is None or b is None:
            print(f"{name}: only in {'new' if a is None else 'old'}")
            differing += 1
            continue
        common = [c for c in a.columns if c in b.columns]
        extra = sorted(set(a.columns) ^ set(b.columns))
        if len(a) != len(b):
            print(f"{name}: {len(a)} rows -> {len(b)} rows" + (f"; columns differ: {extra}" if extra else ""))
            differing += 1
            continue
        diff = (a[common] != b[common]).any(axis=1)
        if diff.any():
            print(f"{name}: {int(diff.sum())} of {len(a)} rows differ, e.g.")
            for i in list(diff[diff].index)[:3]:
                cols = [c for c in common if a.at[i, c] != b.at[i, c]]
                for c in cols[:3]:
                    print(f"  row {i} {c}: {a.at[i, c][:120]!r} -> {b.at[i, c][:120]!r}")
            differing += 1
        elif extra:
            print(f"{name}: same rows; columns added or removed: {extra}")
    print("identical" if not differing else f"{differing} tables differ")
    return 1 if differing else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
