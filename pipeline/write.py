"""Write stage: records to Arrow tables with the schemas of :mod:`pipeline.schemas`,
and Parquet files written so that a reader only ever sees a whole old or a whole new file.

Each document's rows are kept as a *part* (``<out>/.parts/<doc_id>/<table>.arrow``: Arrow
IPC files, which the pipeline alone reads, written and read seven times sooner than
Parquet); the published tables are the parts concatenated, streamed one part at a time.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable, Sequence

import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from . import config, schemas, store
from .errors import DamagedPart
from .types import ExtractedDocument, LetterInfo, Segmented, Tags


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _table(schema: pa.Schema, rows: Sequence[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist([{name: row.get(name) for name in schema.names} for row in rows], schema=schema)


def _records_table(schema: pa.Schema, records: Sequence[Any], doc_id: str) -> pa.Table:
    """A table of records (dataclasses, a field per column) of one document, built a
    column at a time: a dict per row through ``dataclasses.asdict`` (a deep copy of
    each) took five times as long."""
    n = len(records)
    return pa.Table.from_arrays([pa.array([doc_id] * n if f.name == "doc_id" else [getattr(r, f.name) for r in records],
                                          type=f.type) for f in schema], schema=schema)


def document_base(doc_id: str, source_file: str, sha256: str, version: str) -> dict[str, Any]:
    """The documents columns every row has, whatever became of the document."""
    return {"doc_id": doc_id, "source_file": source_file, "source_files": [source_file], "sha256": sha256,
            "pipeline_version": version, "processed_at": utc_now()}


def document_row(base: dict[str, Any], doc: ExtractedDocument, seg: Segmented) -> dict[str, Any]:
    """The documents row of a processed document: its masthead and text source (from
    the ExtractedDocument), its letter's anatomy and, for a meeting record, the meeting."""
    masthead, letter = doc.masthead, seg.letter
    record = letter.doc_type == "meeting_record"
    return {
        **base, "page_count": doc.page_count, "text_source": doc.text_source, "ocr_confidence": doc.ocr_confidence,
        "text_quality": doc.layer_quality, "symbol": masthead.symbol, "symbols": masthead.symbols or None,
        "reissue": masthead.reissue, "organ": masthead.organ, "distribution": masthead.distribution,
        "date": masthead.date, "language": masthead.language, "original_language": masthead.original_language,
        "job_number": masthead.job_number, "session": masthead.session, "agenda_items": masthead.agenda_items or None,
        "title": letter.title, "letter_date": letter.letter_date, "author": letter.author,
        "addressee": letter.addressee, "addressees": list(letter.addressees) or None, "doc_type": letter.doc_type,
        "meeting_number": masthead.meeting_number if record else None, "meeting_date": masthead.date if record else None,
        "meeting_time": masthead.meeting_time if record else None, "resumption": masthead.resumption,
        "president": seg.president,
        "status": "ok",
    }


def error_tables(base: dict[str, Any], stage: str, error: str, message: str, *, status: str = "failed",
                 page_count: int | None = None) -> dict[str, pa.Table]:
    """The tables of a document that gave no paragraphs: its documents row with
    ``status`` and one errors row."""
    return document_tables({**base, "status": status, "page_count": page_count}, Segmented([], LetterInfo()), None,
                           [problem_row(base, stage, error, message)])


def problem_row(base: dict[str, Any], stage: str, error: str, message: str) -> dict[str, Any]:
    """An errors row. A processed document (status ok) may have some too: warnings, such
    as an engine that gave way to pdfplumber."""
    return {"source_file": base["source_file"], "sha256": base["sha256"], "stage": stage, "error": error,
            "message": store.readable(message), "at": utc_now()}


def document_tables(document: dict[str, Any], seg: Segmented, tags: Tags | None,
                    errors: Sequence[dict[str, Any]] = ()) -> dict[str, pa.Table]:
    """One document's rows as Arrow tables. ``document`` holds the documents columns."""
    doc_id = document["doc_id"]
    return {
        "documents": _table(schemas.DOCUMENTS, [{**document, "n_paragraphs": len(seg.paragraphs)}]),
        "paragraphs": _records_table(schemas.PARAGRAPHS, seg.paragraphs, doc_id),
        "speeches": _records_table(schemas.SPEECHES, seg.speeches, doc_id),
        "participants": _records_table(schemas.PARTICIPANTS, seg.participants, doc_id),
        "entities": _records_table(schemas.ENTITIES, tags.entities if tags else [], doc_id),
        "topics": _records_table(schemas.TOPICS, tags.topics if tags else [], doc_id),
        "errors": _table(schemas.ERRORS, list(errors)),
    }


# --- files ----------------------------------------------------------------------------

GENERATION_KEY = store.GENERATION_KEY
PART_SUFFIX = ".arrow"


def write_part(out_dir: Path, doc_id: str, tables: dict[str, pa.Table], meta: dict[str, Any]) -> Path:
    """Store one document's tables as a part (:func:`pipeline.store.write_part`)."""
    options = ipc.IpcWriteOptions(compression=config.PART_COMPRESSION)

    def write_tables(folder: Path) -> None:
        for name, table in tables.items():
            with pa.OSFile(str(folder / f"{name}{PART_SUFFIX}"), "wb") as sink, \
                    ipc.new_file(sink, table.schema, options=options) as writer:
                writer.write_table(table)

    return store.write_part(out_dir, doc_id, write_tables, meta)


def publish(folder: Path, generation: str, parts: Iterable[Path], source_files: dict[str, list[str]],
            reference: dict[str, pa.Table], problems: Sequence[dict[str, Any]] = ()) -> dict[str, int]:
    """Write the set of tables into ``folder``: the parts concatenated, a row group's worth
    in memory at a time, the ``problems`` of the scan (errors rows of files that are no document)
    and the ``reference`` tables. ``source_files`` gives each doc_id's current file names
    (the first is source_file). Every table is stamped with ``generation``. Returns the
    row counts."""
    parts = list(parts)
    counts = {}
    for name, schema in {**schemas.DOCUMENT_TABLES, "errors": schemas.ERRORS}.items():
        rows = 0
        stamped = _stamped(schema, generation)
        with pq.ParquetWriter(folder / f"{name}.parquet", stamped, compression="zstd") as writer:
            group: list[pa.Table] = []  # parts' rows gathered into row groups of about ROW_GROUP_ROWS
            pending = 0
            for part in parts:
                path = part / f"{name}{PART_SUFFIX}"
                if not path.exists():
                    continue
                table = _with_source_files(_read_part(path, schema), source_files.get(part.name, []))
                if table.num_rows:
                    group.append(table.replace_schema_metadata(stamped.metadata))
                    rows += table.num_rows
                    pending += table.num_rows
                if pending >= config.ROW_GROUP_ROWS:
                    writer.write_table(pa.concat_tables(group))
                    group, pending = [], 0
            if name == "errors" and problems:
                group.append(_table(stamped, list(problems)))
                rows += len(problems)
            if group:
                writer.write_table(pa.concat_tables(group))
        counts[name] = rows
    for name, table in reference.items():
        pq.write_table(table.cast(_stamped(schemas.TABLES[name], generation)), folder / f"{name}.parquet",
                       compression="zstd")
        counts[name] = table.num_rows
    return counts


def _stamped(schema: pa.Schema, generation: str) -> pa.Schema:
    return schema.with_metadata({**(schema.metadata or {}), GENERATION_KEY: generation.encode()})


def _read_part(path: Path, schema: pa.Schema) -> pa.Table:
    """A part's table, cast to ``schema`` (a part is of the current version, whose schemas
    are these); raises DamagedPart for a file that does not read back so."""
    try:
        with pa.OSFile(str(path), "rb") as source:
            table = ipc.open_file(source).read_all()
        return table if table.schema.equals(schema) else table.cast(schema)
    except (OSError, pa.ArrowException) as exc:
        raise DamagedPart(path.parent, f"{path.name}: {exc}") from exc


def _with_source_files(table: pa.Table, names: list[str]) -> pa.Table:
    """Point a part's rows at the files that hold its content now (renames, copies).
    ``names`` may hold surrogate escapes (a name that is not UTF-8): the tables get its
    readable form, and documents.source_file_hex its exact bytes."""
    if not names or "source_file" not in table.column_names:
        return table
    columns = {"source_file": pa.array([store.readable(names[0])] * table.num_rows, pa.string()),
               "source_files": pa.array([[store.readable(n) for n in names]] * table.num_rows, pa.list_(pa.string())),
               "source_file_hex": pa.array([store.name_hex(names[0])] * table.num_rows, pa.string())}
    for name, column in columns.items():
        if name in table.column_names:
            index = table.schema.get_field_index(name)
            table = table.set_column(index, table.schema.field(index), column)
    return table
