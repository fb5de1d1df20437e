"""UN Security Council documents (PDF) to analysis-ready Parquet tables.

Stages: :mod:`pipeline.extract` (PDF to lines and masthead), :mod:`pipeline.segment`
(lines to paragraphs), :mod:`pipeline.tag` (organizations, States, UNBIS topics) and
:mod:`pipeline.write` (Parquet tables). :func:`load` (:mod:`pipeline.loading`) reads the tables back into pandas.
"""
from __future__ import annotations

# typing.TYPE_CHECKING, without importing typing: a no-change run needs nothing else of it
# (3 ms of its 30). Type checkers take the name as true; the package's modules import it from
# here (set before the first of them, config, is imported).
TYPE_CHECKING = False

from .config import PIPELINE_VERSION as __version__  # noqa: E402

if TYPE_CHECKING:
    from .loading import load

__all__ = ["__version__", "load"]


def __getattr__(name: str) -> object:
    """``from pipeline import load`` without importing pandas until it is used."""
    if name == "load":
        from .loading import load

        return load
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
