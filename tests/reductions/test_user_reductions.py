"""User reductions are loaded by module name or from a file path, never via sys.path."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ermbit.checking.verifier import verify
from ermbit.cnf import CNF
from ermbit.errors import InputError
from ermbit.reductions import load

SOURCE = """
from ermbit.reductions.sat_to_nae import SatToNae


class MySatToNae(SatToNae):
    name = "my-sat-to-nae"
"""


def test_a_reduction_loads_from_a_file_without_touching_sys_path(tmp_path: Path) -> None:
    path = tmp_path / "my_reduction.py"
    path.write_text(SOURCE, encoding="utf-8")
    before = list(sys.path)
    red = load(f"{path}:MySatToNae")
    assert sys.path == before
    assert red.name == "my-sat-to-nae"
    report = verify(red, CNF(2, ((1, 2),)))
    assert report.passed and any(c.name == "claim" and c.passed for c in report.checks)


def test_a_module_in_the_working_directory_is_not_found_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cwd_only_reduction.py").write_text(SOURCE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    before = list(sys.path)
    with pytest.raises(InputError, match="pass its path"):
        load("cwd_only_reduction:MySatToNae")
    assert sys.path == before


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no file"):
        load(f"{tmp_path / 'nothere.py'}:X")
