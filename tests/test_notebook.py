"""notebooks/01-explore-letters.ipynb: stored without outputs, runs top to bottom."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient


NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "01-explore-letters.ipynb"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CELL_TIMEOUT = 120


@pytest.fixture()
def this_python_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A 'python3' kernel spec that runs this interpreter (the venv's), found first."""
    from ipykernel.kernelspec import install

    install(kernel_name="python3", prefix=str(tmp_path))
    spec = json.loads((tmp_path / "share/jupyter/kernels/python3/kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))
    return "python3"


def test_notebook_is_stored_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    assert code_cells
    assert all(c.outputs == [] and c.execution_count is None for c in code_cells)


def test_notebook_runs_top_to_bottom(analyst_tables: Path, this_python_kernel: str,
                                     monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PROCESSED_DIR", str(analyst_tables))
    ARTIFACTS.mkdir(exist_ok=True)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(notebook, kernel_name=this_python_kernel, timeout=CELL_TIMEOUT,
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    nbformat.write(notebook, ARTIFACTS / NOTEBOOK.name)
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("processed without error" in o.get("text", "") for o in outputs)
    assert any("image/png" in o.get("data", {}) for o in outputs), "no chart was drawn"
