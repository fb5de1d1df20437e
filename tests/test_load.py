"""pipeline.loading: dtypes, projection, missing tables; the same files in DuckDB and Polars."""
from __future__ import annotations

import importlib
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import pipeline
from pipeline.errors import PipelineError, TableNotFound, UsageError
from pipeline.loading import STRING_DTYPE, Tables, empty_frame, load_table
from pipeline.schemas import CATEGORICAL_COLUMNS, TABLES
from tests.analyst_fixtures import write_synthetic_sample

load_module = importlib.import_module("pipeline.loading")

SCO_TERRORISM_2016_PANDAS = """
docs = t.documents[(t.documents.date.dt.year == 2016) & (t.documents.doc_type == "letter")]
sco = t.entities.loc[t.entities.org_id == "SCO", ["doc_id", "para_id"]].drop_duplicates()
terrorism = t.topics.loc[t.topics.topic_id == "1006475", ["doc_id", "para_id"]].drop_duplicates()
hits = (t.paragraphs.merge(docs[["doc_id", "symbol"]], on="doc_id")
        .merge(sco, on=["doc_id", "para_id"])
        .merge(terrorism, on=["doc_id", "para_id"]))
result = hits[["symbol", "para_id", "text"]].sort_values(["symbol", "para_id"])
"""

SCO_TERRORISM_2016_DUCKDB = """
SELECT d.symbol, p.para_id, p.text
FROM 'processed/paragraphs.parquet' p
JOIN 'processed/documents.parquet' d USING (doc_id)
WHERE year(d.date) = 2016 AND d.doc_type = 'letter'
  AND EXISTS (SELECT 1 FROM 'processed/entities.parquet' e
              WHERE e.doc_id = p.doc_id AND e.para_id = p.para_id AND e.org_id = 'SCO')
  AND EXISTS (SELECT 1 FROM 'processed/topics.parquet' t
              WHERE t.doc_id = p.doc_id AND t.para_id = p.para_id AND t.topic_id = '1006475')
ORDER BY d.symbol, p.para_id
"""


def present_tables(folder: Path) -> list[str]:
    """Tables whose file the folder has."""
    return [name for name in TABLES if (folder / f"{name}.parquet").is_file()]


def run_pandas_query(folder: Path) -> list[tuple]:
    """The README's pandas query on ``folder``, as (symbol, para_id, text) rows."""
    namespace = {"t": pipeline.load(folder)}
    exec(SCO_TERRORISM_2016_PANDAS, namespace)
    return [tuple(row) for row in namespace["result"].itertuples(index=False)]


def run_duckdb_query(folder: Path) -> list[tuple]:
    """The README's DuckDB query on ``folder``."""
    sql = SCO_TERRORISM_2016_DUCKDB.replace("'processed/", f"'{folder.as_posix()}/")
    return duckdb.connect().execute(sql).fetchall()


@pytest.fixture()
def synthetic(tmp_path: Path) -> Path:
    """The synthetic sample, whatever analyst_tables is."""
    return write_synthetic_sample(tmp_path / "processed")


def test_load_gives_every_present_table_with_its_schema_columns(analyst_tables: Path):
    tables = pipeline.load(analyst_tables)
    assert isinstance(tables, Tables)
    assert list(tables) == present_tables(analyst_tables)
    assert {"documents", "paragraphs", "entities", "topics"} <= set(tables)
    for name, frame in tables.items():
        assert list(frame.columns) == TABLES[name].names, name
        assert tables[name] is getattr(tables, name)


def expected_kind(field: pa.Field) -> str:
    """What dtype family load() promises for a schema field."""
    if field.name in CATEGORICAL_COLUMNS:
        return "category"
    if pa.types.is_string(field.type):
        return "string"
    if pa.types.is_list(field.type):
        return "list"
    if pa.types.is_date32(field.type):
        return "date"
    if pa.types.is_integer(field.type):
        return "nullable int"
    return "other"


@pytest.mark.parametrize("name", list(TABLES))
def test_dtypes_follow_the_documented_rules(analyst_tables: Path, name: str):
    if name not in present_tables(analyst_tables):
        pytest.skip(f"{name} not written for this sample")
    frame = load_table(analyst_tables, name)
    for field in TABLES[name]:
        column, kind = frame[field.name], expected_kind(field)
        if kind == "category":
            assert isinstance(column.dtype, pd.CategoricalDtype), field.name
        elif kind == "string":
            assert column.dtype == STRING_DTYPE, field.name
        elif kind == "list":
            assert column.dtype == object
            assert all(isinstance(v, list) for v in column.dropna()), field.name
        elif kind == "date":
            assert column.dtype == "datetime64[ms]", field.name
        elif kind == "nullable int":
            assert isinstance(column.dtype, pd.api.extensions.ExtensionDtype), field.name
            assert pd.api.types.is_integer_dtype(column.dtype), field.name


def test_empty_frame_has_the_loaded_dtypes(analyst_tables: Path):
    loaded, empty = load_table(analyst_tables, "documents"), empty_frame("documents")
    assert empty.empty
    assert empty.dtypes.astype(str).to_dict() == loaded.dtypes.astype(str).to_dict()


def test_one_table_and_some_columns_read_only_that(analyst_tables: Path, monkeypatch):
    reads: list[tuple[str, list[str] | None]] = []
    real_read = load_module.pq.read_table

    def spy(path, columns=None, **kwargs):
        reads.append((Path(path).name, columns))
        return real_read(path, columns=columns, **kwargs)

    monkeypatch.setattr(load_module.pq, "read_table", spy)
    tables = pipeline.load(analyst_tables, tables=["paragraphs"], columns=["doc_id", "text"])
    assert list(tables) == ["paragraphs"]
    assert list(tables.paragraphs.columns) == ["doc_id", "text"]
    assert reads == [("paragraphs.parquet", ["doc_id", "text"])]


def test_columns_by_table(analyst_tables: Path):
    tables = pipeline.load(analyst_tables, tables=["documents", "topics"],
                           columns={"documents": ["doc_id", "date"]})
    assert list(tables.documents.columns) == ["doc_id", "date"]
    assert list(tables.topics.columns) == TABLES["topics"].names


def test_one_column_list_applies_to_each_table(analyst_tables: Path):
    tables = pipeline.load(analyst_tables, tables=["paragraphs", "entities"],
                           columns=["doc_id", "para_id", "label"])
    assert list(tables.paragraphs.columns) == ["doc_id", "para_id"]
    assert list(tables.entities.columns) == ["doc_id", "para_id", "label"]


def test_missing_table_file_raises_table_not_found_naming_it(tmp_path: Path):
    with pytest.raises(TableNotFound, match=r"paragraphs\.parquet") as caught:
        pipeline.load(tmp_path, tables=["paragraphs"])
    assert isinstance(caught.value, PipelineError)
    with pytest.raises(TableNotFound, match=r"documents\.parquet"):
        pipeline.load(tmp_path / "nowhere")


@pytest.mark.parametrize("kwargs", [
    {"tables": ["paragraph"]},
    {"tables": ["paragraphs"], "columns": ["txt"]},
    {"tables": ["paragraphs"], "columns": {"documents": ["doc_id"]}},
    {"tables": ["paragraphs"], "columns": "text"},
])
def test_bad_names_raise_usage_error(analyst_tables: Path, kwargs: dict):
    with pytest.raises(UsageError):
        pipeline.load(analyst_tables, **kwargs)


@pytest.mark.parametrize("name", list(TABLES))
def test_files_open_as_they_are_in_duckdb_and_polars(analyst_tables: Path, name: str):
    path = analyst_tables / f"{name}.parquet"
    if not path.is_file():
        pytest.skip(f"{name} not written for this sample")
    metadata = pq.read_schema(path).metadata or {}
    assert b"pandas" not in metadata, "pandas-only metadata in the file"
    rows = pq.ParquetFile(path).metadata.num_rows

    relation = duckdb.connect().execute(f"SELECT * FROM read_parquet('{path.as_posix()}')")
    assert [c[0] for c in relation.description] == TABLES[name].names
    assert len(relation.fetchall()) == rows

    frame = pl.read_parquet(path)
    assert frame.columns == TABLES[name].names
    assert frame.height == rows
    for field in TABLES[name]:
        if pa.types.is_date32(field.type):
            assert frame.schema[field.name] == pl.Date
        if pa.types.is_list(field.type):
            assert frame.schema[field.name] == pl.List(pl.String)


def test_readme_query_pandas_and_duckdb_agree(analyst_tables: Path):
    assert run_pandas_query(analyst_tables) == run_duckdb_query(analyst_tables)


def test_readme_query_finds_the_sco_terrorism_paragraph(synthetic: Path):
    expected = [("S/2016/871", 1)]
    assert [row[:2] for row in run_pandas_query(synthetic)] == expected
    assert [row[:2] for row in run_duckdb_query(synthetic)] == expected


def test_from_pipeline_import_load_gives_the_function(analyst_tables: Path):
    importlib.import_module("pipeline.loading")
    from pipeline import load

    assert isinstance(load(analyst_tables, tables=["documents"]), Tables)
