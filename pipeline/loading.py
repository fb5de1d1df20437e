"""Read the processed Parquet tables back into pandas, with analyst-friendly dtypes.

Dtypes of the loaded DataFrames (one rule per Arrow type, see :func:`to_frame`):

- ``string`` columns: pandas' Arrow-backed strings, ``"string[pyarrow]"`` (missing: ``pd.NA``);
  the columns in :data:`pipeline.schemas.CATEGORICAL_COLUMNS` (kind, section, label,
  language, doc_type, status, stage, source) are ``category`` instead.
- ``date32`` (documents.date, documents.letter_date): ``datetime64[ms]`` at midnight, so
  ``df.date.dt.year == 2016`` and ``df.date >= "2016-01-01"`` work (``.dt.date`` gives
  Python dates back).
- ``timestamp[us, UTC]``: ``datetime64[us, UTC]``.
- integers: pandas' nullable integers of the same width (``Int32``, ``Int16``), so a missing
  value never turns a column into floats; floats stay numpy floats.
- lists (documents.symbols, topics.matched, organizations.names_*): Python lists of str
  (``None`` where the list itself is null).

Only what is asked is read: one table, or some columns of it, through Parquet's column
projection. The files are plain Parquet written by pyarrow, so DuckDB and Polars read the
same files directly.

A run publishes the tables as one set (:mod:`pipeline.store`): :func:`load` resolves the
folder's ``current`` set once and reads every table from it, so that the tables it returns
belong together even while a run publishes; a set whose tables do not agree with its
manifest (or with each other) raises InconsistentTables.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import cast


import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import store
from .errors import InconsistentTables, TableNotFound, UsageError
from .schemas import CATEGORICAL_COLUMNS, TABLES

STRING_DTYPE = pd.StringDtype("pyarrow")

ColumnSelection = Sequence[str] | Mapping[str, Sequence[str]] | None


class Tables(Mapping[str, pd.DataFrame]):
    """The loaded tables, by name: ``tables["paragraphs"]`` or ``tables.paragraphs``."""

    def __init__(self, frames: Mapping[str, pd.DataFrame]):
        self._frames = dict(frames)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self._frames[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._frames)

    def __len__(self) -> int:
        return len(self._frames)

    def __getattr__(self, name: str) -> pd.DataFrame:
        try:
            frame: pd.DataFrame = self.__dict__["_frames"][name]
            return frame
        except KeyError:
            raise AttributeError(f"no table {name!r} loaded; loaded: {sorted(self)}") from None

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *self._frames]

    def __repr__(self) -> str:
        shapes = ", ".join(f"{name}: {len(frame)} rows" for name, frame in self._frames.items())
        return f"Tables({shapes})"


GENERATION_KEY = store.GENERATION_KEY


def table_path(processed: str | Path, name: str) -> Path:
    """Where table ``name`` lives in the processed folder."""
    return Path(processed) / f"{name}.parquet"


def published_set(processed: str | Path) -> Path:
    """The folder holding the processed folder's current set of tables, resolved once
    (the folder itself when it holds plain Parquet files)."""
    return store.current_generation(Path(processed)) or Path(processed)


def check_set(folder: Path, names: Sequence[str]) -> None:
    """Raise InconsistentTables unless the tables ``names`` of ``folder`` are one set:
    the row counts of its manifest, one generation stamped in every file."""
    manifest = store.read_manifest(folder) or {}
    generations = {}
    for name in names:
        path = table_path(folder, name)
        meta = pq.read_metadata(path)
        expected = manifest.get("rows", {}).get(name)
        if expected is not None and meta.num_rows != expected:
            raise InconsistentTables(f"{path}: {meta.num_rows} rows, but its set's manifest says {expected}: "
                                     "the tables were changed after the run published them (run it again)")
        stamp = (meta.metadata or {}).get(GENERATION_KEY)
        if stamp is not None:
            generations[name] = stamp.decode()
    if len(set(generations.values())) > 1:
        listed = ", ".join(f"{name} of run {g}" for name, g in sorted(generations.items()))
        raise InconsistentTables(f"{folder}: the tables come from different runs ({listed}); run the pipeline again")


def arrow_to_pandas_dtype(type_: pa.DataType) -> pd.api.extensions.ExtensionDtype | None:
    """The pandas extension dtype for an Arrow type, or None for pyarrow's default."""
    if pa.types.is_string(type_) or pa.types.is_large_string(type_):
        return STRING_DTYPE
    if pa.types.is_integer(type_):
        return cast(pd.api.extensions.ExtensionDtype, pd.api.types.pandas_dtype(str(type_).capitalize()))  # int32 -> Int32
    if pa.types.is_boolean(type_):
        return pd.BooleanDtype()  # nullable: a failed document's flags are unknown
    return None


def to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as a DataFrame with the dtypes documented in this module."""
    frame = table.to_pandas(
        types_mapper=arrow_to_pandas_dtype, date_as_object=False, ignore_metadata=True
    )
    for field in table.schema:
        if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            frame[field.name] = pd.Series(
                table.column(field.name).to_pylist(), index=frame.index, dtype=object
            )
        elif field.name in CATEGORICAL_COLUMNS:
            frame[field.name] = frame[field.name].astype("category")
    return frame


def check_table_name(name: str) -> None:
    """Raise UsageError unless ``name`` is one of the pipeline's tables."""
    if name not in TABLES:
        raise UsageError(f"unknown table {name!r}; tables: {', '.join(TABLES)}")


def check_columns(name: str, columns: Iterable[str]) -> None:
    """Raise UsageError if a column is not in table ``name``'s schema."""
    unknown = [c for c in columns if c not in TABLES[name].names]
    if unknown:
        raise UsageError(f"table {name!r} has no column {', '.join(map(repr, unknown))}")


def load_table(
    processed: str | Path, name: str, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """Read one table (optionally only ``columns``) from the processed folder."""
    check_table_name(name)
    if columns is not None:
        check_columns(name, columns)
    folder = published_set(processed)
    path = table_path(folder, name)
    if not path.is_file():
        raise TableNotFound(table_path(processed, name), name)
    check_set(folder, [name])
    return to_frame(pq.read_table(path, columns=list(columns) if columns is not None else None))


def empty_frame(name: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """An empty DataFrame of table ``name`` with the same dtypes :func:`load_table` gives."""
    check_table_name(name)
    schema = TABLES[name]
    if columns is not None:
        check_columns(name, columns)
        schema = pa.schema([schema.field(c) for c in columns])
    return to_frame(schema.empty_table())


def load_or_empty(
    processed: str | Path, name: str, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """Like :func:`load_table`, but an empty DataFrame when the table's file is absent."""
    try:
        return load_table(processed, name, columns)
    except TableNotFound:
        return empty_frame(name, columns)


def tables_present(processed: str | Path) -> list[str]:
    """Names of the tables whose file exists in the processed folder, in schema order."""
    return [name for name in TABLES if table_path(processed, name).is_file()]


def columns_for(name: str, columns: ColumnSelection) -> list[str] | None:
    """The columns to read of table ``name`` given load()'s ``columns`` argument."""
    if columns is None:
        return None
    if isinstance(columns, Mapping):
        return list(columns[name]) if name in columns else None
    return [c for c in columns if c in TABLES[name].names]


def check_selection(names: Sequence[str], columns: ColumnSelection) -> None:
    """Raise UsageError if ``columns`` names a table or column that will not be read."""
    if columns is None:
        return
    if isinstance(columns, Mapping):
        stray = [t for t in columns if t not in names]
        if stray:
            raise UsageError(f"columns given for tables not loaded: {', '.join(stray)}")
        return
    if isinstance(columns, str):
        raise UsageError("columns must be a list of names, not one string")
    stray = [c for c in columns if not any(c in TABLES[n].names for n in names)]
    if stray:
        raise UsageError(f"no loaded table has column {', '.join(map(repr, stray))}")


def load(
    processed: str | Path = "processed",
    tables: Sequence[str] | str | None = None,
    columns: ColumnSelection = None,
) -> Tables:
    """Load processed tables as pandas DataFrames.

    ``tables``: names to load (one name may be given as a str); None loads every table
    whose file is present (TableNotFound if there is none). An explicitly named table whose
    file is missing raises TableNotFound. ``columns``: either ``{table: [column, ...]}``, or
    one list of columns: each table then keeps those of the listed columns it has.
    """
    if isinstance(tables, str):
        tables = [tables]
    try:
        return _load_set(processed, published_set(processed), tables, columns)
    except FileNotFoundError:  # two runs published since the set was resolved: once more
        return _load_set(processed, published_set(processed), tables, columns)


def _load_set(processed: str | Path, folder: Path, tables: Sequence[str] | None,
              columns: ColumnSelection) -> Tables:
    if tables is None:
        names = tables_present(folder)
        if not names:
            raise TableNotFound(table_path(processed, "documents"), "documents")
    else:
        names = list(tables)
        for name in names:
            check_table_name(name)
            if not table_path(folder, name).is_file():
                raise TableNotFound(table_path(processed, name), name)
    check_selection(names, columns)
    check_set(folder, names)
    return Tables({name: load_table(folder, name, columns_for(name, columns)) for name in names})
