"""Every notebook runs from top to bottom, so none can rot."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def _run(path: Path) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=600, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    return notebook


def _text(notebook) -> str:
    return "\n".join(
        output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_on_demo_data(path, monkeypatch):
    monkeypatch.delenv("LIMITES_CAPA", raising=False)
    output = _text(_run(path))
    assert "Traceback" not in output


@pytest.mark.slow
def test_analysis_notebook_on_the_inegi_file(inegi_path, monkeypatch):
    monkeypatch.setenv("LIMITES_CAPA", str(inegi_path))
    output = _text(_run(NOTEBOOKS[0].parent / "analisis_limites.ipynb"))
    assert "570 municipios en el marco" in output
    assert "0 traslapes, 0 vacíos" in output
    assert "San Jacinto Amilpas: 8.607 km" in output


def test_there_is_a_notebook():
    assert NOTEBOOKS
