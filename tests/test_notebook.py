"""notebooks/explore.ipynb runs top to bottom in a fresh kernel, offline, and is committed without outputs."""
from __future__ import annotations

from pathlib import Path

import pytest

INSTALL = "pip install -e '.[test]'"
nbformat = pytest.importorskip("nbformat", reason=f"the notebook test needs nbformat ({INSTALL})")
nbclient = pytest.importorskip("nbclient", reason=f"the notebook test needs nbclient ({INSTALL})")
pytest.importorskip("ipykernel", reason=f"the notebook test needs ipykernel ({INSTALL})")
pytest.importorskip("pandas", reason=f"the notebook needs pandas ({INSTALL})")

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore.ipynb"


def _text(output) -> str:
    """The text of one cell output: stream text, or the plain and HTML forms of a result."""
    if output.get("output_type") == "stream":
        return output.get("text", "")
    data = output.get("data", {})
    return "".join(str(data.get(kind, "")) for kind in ("text/plain", "text/html"))


@pytest.fixture(scope="module")
def executed():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError, naming the cell, when a cell fails
    return notebook


def test_committed_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)


def test_every_step_has_a_heading():
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    for before, cell in zip(cells, cells[1:], strict=False):
        if cell.cell_type == "code" and before.cell_type == "code":
            continue  # a step may take several code cells
        if cell.cell_type == "code":
            assert before.cell_type == "markdown", cell.source


def test_runs_without_errors(executed):
    outputs = [output for cell in executed.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output for output in outputs if output.get("output_type") == "error"]
    assert all(cell.execution_count for cell in executed.cells if cell.cell_type == "code")


def test_outputs_show_the_graph(executed):
    text = "\n".join(_text(output) for cell in executed.cells if cell.cell_type == "code"
                     for output in cell.outputs)
    assert "Scott Bessent" in text
    assert "2 documents" in text
    assert "Treasury Secretary" in text  # the roles data frame
    assert "shortest path(s)" in text  # Scott Bessent and China are connected
    assert "<iframe srcdoc=" in text and "vis.Network" in text  # the view, inline and self-contained
