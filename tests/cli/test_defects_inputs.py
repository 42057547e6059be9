"""Regression tests for input handling of issue 13 (C3 DIMACS limits, U4 input items).

Huge declared sizes and decompression bombs are refused while reading, before memory is
used; harmless oddities (a Latin-1 comment, a formula on standard input) are accepted.
"""

from __future__ import annotations

import gzip
import io
import os
import stat
import sys
from pathlib import Path

import pytest

from ermbit.cnf import CNF
from ermbit.errors import BudgetExceeded, DimacsError, InputError
from tests.cli._run import run


def test_c3_huge_header_is_refused_while_reading(tmp_path: Path) -> None:
    p = tmp_path / "big.cnf"
    p.write_text("p cnf 1099511627776 1\n1 2 0\n")
    code, _, err = run("count", str(p))
    assert code == 2 and "ERMBIT_MAX_VARS" in err and ":1:" in err


def test_c3_the_variable_limit_can_be_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = tmp_path / "f.cnf"
    p.write_text("p cnf 20 1\n1 2 0\n")
    monkeypatch.setenv("ERMBIT_MAX_VARS", "10")
    with pytest.raises(DimacsError, match="over the limit of 10"):
        CNF.read(p)
    monkeypatch.setenv("ERMBIT_MAX_VARS", "20")
    assert CNF.read(p).num_vars == 20
    monkeypatch.setenv("ERMBIT_MAX_VARS", "lots")
    with pytest.raises(InputError, match="ERMBIT_MAX_VARS"):
        CNF.read(p)


def test_c3_gzip_bomb_is_stopped_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = b"p cnf 2 1\n" + b"c " + b"x" * 2_000_000 + b"\n1 2 0\n"
    p = tmp_path / "bomb.cnf.gz"
    p.write_bytes(gzip.compress(text))
    assert p.stat().st_size < 20_000  # small on disk
    monkeypatch.setenv("ERMBIT_MAX_INPUT_BYTES", "1000000")
    code, _, err = run("count", str(p))
    assert code == 2 and "ERMBIT_MAX_INPUT_BYTES" in err and "1000000 bytes" in err
    monkeypatch.setenv("ERMBIT_MAX_INPUT_BYTES", "3000000")
    assert run("count", str(p))[:2] == (0, "3\n")


def test_c3_pigeonhole_1000_by_1000_is_refused_before_building() -> None:
    from ermbit.instances import generate

    with pytest.raises(BudgetExceeded, match="max_clauses"):
        generate("pigeonhole", {"pigeons": "1000", "holes": "1000"})
    f = generate("pigeonhole", {"pigeons": "3", "holes": "2"})
    assert len(f.clauses) == 3 + 3 * 1 + 2 * 3  # type: ignore[attr-defined]


def test_c3_gen_refuses_a_formula_count_could_not_read(tmp_path: Path) -> None:
    out = tmp_path / "huge.cnf"
    args = ["random-kcnf", "n=1000000000", "m=5", "k=3", "--seed", "1", "-o", str(out)]
    code, _, err = run("gen", *args)
    assert code == 2 and "ERMBIT_MAX_VARS" in err and not out.exists()


def test_u4_latin1_comment_is_accepted(tmp_path: Path) -> None:
    p = tmp_path / "l.cnf"
    p.write_bytes(b"c caf\xe9 de Jos\xe9\np cnf 2 1\n1 2 0\n")
    f = CNF.read(p)
    assert f.comments == ("café de José",) and run("count", str(p))[:2] == (0, "3\n")


def test_u4_count_reads_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("p cnf 3 1\n1 2 0\n"))
    assert run("count", "-")[:2] == (0, "6\n")


def test_written_files_keep_ordinary_permissions(tmp_path: Path) -> None:
    p = tmp_path / "f.cnf"
    CNF(1, ((1,),)).write(p)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(p.stat().st_mode) == 0o666 & ~mask
