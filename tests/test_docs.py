"""The README's data dictionary is the one generated from pipeline/schemas.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.docs import data_dictionary_markdown, main, readme_block, replace_block
from pipeline.schemas import TABLES

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_data_dictionary_is_up_to_date():
    assert README.is_file(), f"{README} is missing"
    block = readme_block(README.read_text(encoding="utf-8"))
    assert block is not None, "README.md has no <!-- data-dictionary:start/end --> markers"
    assert block == data_dictionary_markdown(), (
        "README's data dictionary differs from pipeline/schemas.py; "
        "run: python -m pipeline.docs --write README.md")


def test_dictionary_has_every_table_column_meaning_and_example():
    sections = data_dictionary_markdown().split("### ")[1:]
    assert [s.split("\n", 1)[0] for s in sections] == [f"`{name}`" for name in TABLES]
    for section, schema in zip(sections, TABLES.values()):
        for field in schema:
            row = next(line for line in section.splitlines() if line.startswith(f"| `{field.name}` |"))
            assert field.metadata[b"doc"].decode().replace("|", "\\|") in row
            assert field.metadata[b"example"].decode().replace("|", "\\|") in row


def test_replace_block_keeps_the_rest_of_the_readme():
    readme = "# Title\n\nintro\n\n<!-- data-dictionary:start -->\nold\n<!-- data-dictionary:end -->\n\nend\n"
    updated = replace_block(readme, "new table\n")
    assert updated.startswith("# Title\n\nintro\n\n") and updated.endswith("\n\nend\n")
    assert readme_block(updated) == "new table\n"
    assert readme_block("no markers") is None


def test_check_fails_on_a_stale_readme_and_write_fixes_it(tmp_path: Path, capsys: pytest.CaptureFixture):
    readme = tmp_path / "README.md"
    readme.write_text(replace_block("# R\n", "stale\n"), encoding="utf-8")
    assert main(["--check", str(readme)]) == 1
    assert main(["--write", str(readme)]) == 0
    assert main(["--check", str(readme)]) == 0
    assert readme.read_text(encoding="utf-8").startswith("# R\n")
