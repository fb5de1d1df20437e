"""spaCy imported without its command line (imported for its effect, before any other
module of the stage imports spaCy).

``import spacy`` imports ``spacy.cli`` for one name, ``spacy.info``, and with it typer,
weasel, requests and their own imports (360 of the 1,080 modules a process then holds), a third of spaCy's
import time (0.2 to 0.3 s in every process: a 1-worker run, each head start, ``make bench``'s
"process start"), for commands the pipeline never runs (it downloads nothing). While
spaCy is imported, ``spacy.cli`` and ``spacy.cli.info`` are stand-ins; once it is, they
are taken away again, so that a later ``import spacy.cli`` (a notebook, ``python -m
spacy``) imports the real package, as do ``spacy.cli`` (through the module's
``__getattr__``) and ``spacy.info`` on first use. Where
spaCy is imported already, or its import needs more of ``spacy.cli`` than ``info`` (another
version), spaCy is imported as it is.
"""
from __future__ import annotations

import importlib
import sys
import types
from typing import Any


def info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``: spaCy's own, imported on first use."""
    from spacy.cli.info import info as real_info

    return real_info(*args, **kwargs)


def _cli_on_first_use(name: str) -> Any:
    """``spacy``'s module ``__getattr__``: ``spacy.cli`` imported when first asked for."""
    if name == "cli":
        return importlib.import_module("spacy.cli")
    raise AttributeError(f"module 'spacy' has no attribute {name!r}")


def import_spacy() -> types.ModuleType:
    """The ``spacy`` module, imported now without ``spacy.cli`` if it was not yet."""
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    cli = types.ModuleType("spacy.cli")
    cli.__path__ = []  # a package, whose submodules are not found while it stands in
    cli_info = types.ModuleType("spacy.cli.info")
    cli_info.info = info  # type: ignore[attr-defined]
    stand_ins = {"spacy.cli": cli, "spacy.cli.info": cli_info}
    sys.modules.update(stand_ins)
    try:
        import spacy
    except (ImportError, AttributeError):  # a spaCy that needs more of its CLI to import
        _forget(stand_ins)
        import spacy  # what imported before the failure is kept; the rest is imported now
    else:
        _forget(stand_ins)
        if vars(spacy).get("cli") is cli:
            delattr(spacy, "cli")
        if "cli" not in vars(spacy) and "__getattr__" not in vars(spacy):
            vars(spacy)["__getattr__"] = _cli_on_first_use
    return spacy


def _forget(stand_ins: dict[str, types.ModuleType]) -> None:
    for name, module in stand_ins.items():
        if sys.modules.get(name) is module:
            del sys.modules[name]


import_spacy()
