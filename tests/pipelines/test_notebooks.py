"""The notebooks under docs/notebooks (jupytext percent scripts) execute cleanly in a
Jupyter kernel; their own cells assert what they show (counts, exact XOR fits, growth)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.py"))


def test_there_is_a_notebook_per_chain() -> None:
    names = {p.stem for p in NOTEBOOKS}
    assert {"sharp_sat_gradient_bit", "sharp_sat_erm_bit", "sat_relu", "dichotomy"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jupytext  # the dev extra installs it (and nbclient, ipykernel)
    from nbclient import NotebookClient

    # the kernel is a child process: it must import this checkout's ermbit
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    nb = jupytext.read(path)
    assert len(nb.cells) >= 4
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    ).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
