"""Every notebook in docs/ runs top to bottom, and its stored outputs match a fresh run.

The site shows the outputs stored in each notebook (mkdocs-jupyter with
``execute: false``), so a stale output would be a number no code produced.
``make update-examples`` re-executes the notebooks and stores fresh outputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from tests.paths import DOCS, ROOT

NOTEBOOKS = sorted(DOCS.rglob("*.ipynb"))
TIMEOUT_S = 300


def comparable_outputs(cell: Any) -> list[dict[str, Any]]:
    """Return a cell's outputs without the fields that change from run to run."""
    kept = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            text = "".join(output["text"])
            # A kernel may flush one print in several chunks: compare the whole text.
            if kept and kept[-1].get("stream") == output["name"]:
                kept[-1]["text"] += text
            else:
                kept.append({"stream": output["name"], "text": text})
        elif output["output_type"] in {"execute_result", "display_data"}:
            data = output.get("data", {})
            kept.append({"data": {k: v for k, v in data.items() if k == "text/plain"}})
        else:  # an error: never expected, keep it whole so the diff shows it
            kept.append(dict(output))
    return kept


def execute(path: Path) -> nbformat.NotebookNode:
    """Execute a copy of the notebook in a fresh kernel, in its own folder."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return notebook


@pytest.mark.parametrize(
    "path", NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS]
)
def test_notebook_outputs_are_reproduced(path: Path, request, monkeypatch) -> None:
    # The kernel is a new process without pytest's import path: `churn` must come
    # from the installed package, as it does for a reader.
    monkeypatch.delenv("PYTHONPATH", raising=False)
    stored = nbformat.read(path, as_version=4)
    fresh = execute(path)
    if request.config.getoption("update_examples"):
        for cell in fresh.cells:
            if cell.cell_type == "code":
                cell.metadata = {}
        nbformat.write(fresh, path)
        return
    code_cells = [c for c in stored.cells if c.cell_type == "code"]
    assert all(c.get("outputs") for c in code_cells if "print(" in c.source), (
        f"{path.name} has a printing cell with no stored output: "
        "run `make update-examples`"
    )
    for number, (old, new) in enumerate(zip(stored.cells, fresh.cells, strict=True)):
        assert comparable_outputs(old) == comparable_outputs(new), (
            f"{path.name}, cell {number}: stored output differs from a fresh run; "
            "run `make update-examples` if the change is intended"
        )


def test_notebooks_were_found() -> None:
    assert NOTEBOOKS, "no notebooks under docs/: the notebook harness tests nothing"
