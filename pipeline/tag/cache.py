"""The cache of compiled tag resources: one file per language and key."""
from __future__ import annotations

import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


def cached(cache_dir: Path, stem: str, key: str, kind: type[T], compile_: Callable[[], T]) -> T:
    """``stem-key`` read from ``cache_dir``, or compiled and written there (atomically;
    an unreadable file is compiled again, an unwritable folder only costs the time;
    files of the same stem under another key are removed)."""
    path = cache_dir / f"{stem}-{key}.pickle"
    try:
        with open(path, "rb") as fh:
            found = pickle.load(fh)
        if isinstance(found, kind):
            return found
    except FileNotFoundError:
        pass
    except Exception as exc:  # a truncated or foreign file: compile again
        log.warning("tag cache %s unreadable (%s: %s): compiled again", path, type(exc).__name__, exc)
    value = compile_()
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=cache_dir, prefix=f".{path.name}.", delete=False) as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.chmod(fh.name, 0o644)
        os.replace(fh.name, path)
        for stale in cache_dir.glob(f"{stem}-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError as exc:
        log.info("tag cache not written to %s: %s", cache_dir, exc)
    return value
