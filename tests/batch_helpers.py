"""Helpers of the batch tests: the tables of an output folder, comparable frames, and a
run in another process stopped at a synchronisation point."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from pipeline import store
from tests.conftest import ROOT


def tables(out):
    return {name: pd.read_parquet(out / f"{name}.parquet")
            for name in ("documents", "paragraphs", "entities", "topics", "errors")}


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.drop(columns=[c for c in ("processed_at", "at") if c in frame])
    frame = frame.map(lambda v: tuple(v) if hasattr(v, "__len__") and not isinstance(v, str) else v)
    return frame.sort_values(list(frame.columns)[:3]).reset_index(drop=True)


DEADLINE = 120  # s: what a test waits at most for a process to reach a point (not a timing assert)


def wait_for(predicate, what: str):
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in found]


def run_then_block(raw: Path, out: Path, markers: Path, patch: str, **options) -> subprocess.Popen:
    """A run in another process whose ``patch`` (``module.function``) writes a marker file
    named after its process when called, then blocks for ever (after the real call for
    ``write.publish``)."""
    module, function = patch.rsplit(".", 1)
    code = f"""
import os, time, pathlib
from pipeline import {module} as target
real = target.{function}
def blocked(*args, **kwargs):
    {'real(*args, **kwargs)' if function == 'publish' else ''}
    pathlib.Path({str(markers)!r}, str(os.getpid())).write_text("")
    time.sleep(3600)
target.{function} = blocked
from pipeline.run import run
run({str(raw)!r}, {str(out)!r}, report=False, **{options!r})
"""
    markers.mkdir(exist_ok=True)
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stderr=subprocess.DEVNULL)


def leftovers(out: Path) -> list[str]:
    """Temporary files and folders of a run, anywhere in the output folder."""
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.name.startswith(store.TEMP_PREFIX)
                  or (p.parent.name == store.PARTS_DIR and p.name.startswith(".")))
