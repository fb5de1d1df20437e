"""The README's data dictionary, generated from :mod:`pipeline.schemas`.

``python -m pipeline.docs`` prints it; ``--write README.md`` replaces the block between
the markers; ``--check README.md`` exits 1 when that block is out of date.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyarrow as pa

from .schemas import CATEGORICAL_COLUMNS, DOCUMENT_TABLES, REFERENCE_TABLES, TABLES

START_MARKER = "<!-- data-dictionary:start -->"
END_MARKER = "<!-- data-dictionary:end -->"

TABLE_INTROS = {
    **{name: "Made from the documents; one row group per document." for name in DOCUMENT_TABLES},
    "errors": "One row per file or stage that failed, with the reason.",
    **{name: "Reference table shipped with the pipeline." for name in REFERENCE_TABLES},
}


def type_name(type_: pa.DataType) -> str:
    """A short readable name of an Arrow type: ``list<string>``, ``timestamp[us, UTC]``."""
    if pa.types.is_list(type_) or pa.types.is_large_list(type_):
        return f"list<{type_name(type_.value_type)}>"
    if pa.types.is_timestamp(type_):
        return f"timestamp[{type_.unit}, {type_.tz}]" if type_.tz else f"timestamp[{type_.unit}]"
    if pa.types.is_date32(type_):
        return "date32"
    return str(type_)


def cell(text: str) -> str:
    """Text made safe for one Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def field_meta(field: pa.Field[pa.DataType], key: str) -> str:
    """One metadata entry ("doc" or "example") of a schema field, as text."""
    return (field.metadata or {}).get(key.encode(), b"").decode()


def column_row(field: pa.Field[pa.DataType]) -> str:
    """The Markdown table row documenting one column."""
    type_text = type_name(field.type)
    if field.name in CATEGORICAL_COLUMNS:
        type_text += " (category in pandas)"
    example = field_meta(field, "example")
    return (f"| `{field.name}` | {cell(type_text)} | {cell(field_meta(field, 'doc'))} | "
            f"{'`' + cell(example) + '`' if example else ''} |")


def table_markdown(name: str, schema: pa.Schema) -> str:
    """The Markdown section of one table: heading, file, intro and column table."""
    lines = [f"### `{name}`", "", f"`processed/{name}.parquet`. {TABLE_INTROS.get(name, '')}".rstrip(),
             "", "| column | type | meaning | example |", "| --- | --- | --- | --- |"]
    lines += [column_row(field) for field in schema]
    return "\n".join(lines)


def data_dictionary_markdown() -> str:
    """The data dictionary: every table, every column with type, meaning and example."""
    return "\n\n".join(table_markdown(name, schema) for name, schema in TABLES.items()) + "\n"


def marked_block(markdown: str) -> str:
    """The dictionary between its README markers."""
    return f"{START_MARKER}\n{markdown.rstrip()}\n{END_MARKER}"


def readme_block(readme: str) -> str | None:
    """The text between the markers in a README, or None without both markers."""
    start, end = readme.find(START_MARKER), readme.find(END_MARKER)
    if start < 0 or end < start:
        return None
    return readme[start + len(START_MARKER):end].strip("\n") + "\n"


def replace_block(readme: str, markdown: str) -> str:
    """The README with its marked block replaced by ``markdown`` (appended if absent)."""
    start, end = readme.find(START_MARKER), readme.find(END_MARKER)
    if start < 0 or end < start:
        return readme.rstrip("\n") + "\n\n" + marked_block(markdown) + "\n"
    return readme[:start] + marked_block(markdown) + readme[end + len(END_MARKER):]


def main(argv: list[str] | None = None) -> int:
    """CLI: print the dictionary, or write/check it in a README."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.docs", description=__doc__)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", metavar="README", type=Path, help="replace the marked block")
    action.add_argument("--check", metavar="README", type=Path, help="exit 1 if the block differs")
    args = parser.parse_args(argv)
    markdown = data_dictionary_markdown()
    if args.write:
        text = args.write.read_text(encoding="utf-8") if args.write.exists() else ""
        args.write.write_text(replace_block(text, markdown), encoding="utf-8")
    elif args.check:
        if readme_block(args.check.read_text(encoding="utf-8")) != markdown:
            print(f"{args.check}: data dictionary out of date; run python -m pipeline.docs "
                  f"--write {args.check}", file=sys.stderr)
            return 1
    else:
        sys.stdout.write(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
