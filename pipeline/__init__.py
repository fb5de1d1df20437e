"""UN Security Council documents (PDF) to analysis-ready Parquet tables.

Stages: :mod:`pipeline.extract` (PDF to lines and masthead), :mod:`pipeline.segment`
(lines to paragraphs), :mod:`pipeline.tag` (organizations, States, UNBIS topics) and
:mod:`pipeline.write` (Parquet tables). :func:`load` reads the tables back into pandas.
"""
from __future__ import annotations

__version__ = "0.1.0"

from .load import load  # noqa: E402  (binds the function over the submodule's name)

__all__ = ["__version__", "load"]
