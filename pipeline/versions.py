"""Installed distributions' versions, read from their ``.dist-info`` folders' names.

A wheel installs ``{name}-{version}.dist-info`` (PEP 427, PEP 376), so one listing of
each ``sys.path`` folder gives every version. ``importlib.metadata`` parses each
distribution's METADATA file instead: importing it and asking for eight versions is
a third of a no-change rerun.
"""
from __future__ import annotations

import functools
import os
import re
import sys

_SEPARATORS = re.compile(r"[-_.]+")


def _normalized(name: str) -> str:
    """A distribution name as PEP 503 compares them ("pdfminer.six" = "pdfminer_six")."""
    return _SEPARATORS.sub("-", name).lower()


@functools.cache
def installed() -> dict[str, str]:
    """Normalized distribution name -> version; the first on ``sys.path`` wins, as for
    ``importlib.metadata``."""
    versions: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in entries:
            if entry.endswith(".dist-info") and "-" in entry:
                name, _, version = entry[: -len(".dist-info")].partition("-")
                versions.setdefault(_normalized(name), version)
    return versions


def version(name: str) -> str | None:
    """The installed version of distribution ``name``, or None."""
    return installed().get(_normalized(name))
