"""Regression tests for the usability defects of issue 13 (U2–U4).

Flags that were accepted and ignored, sources a reduction could not read, outputs its
own tools refused, long runs without a warning, and text that does not compile.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ermbit.cli import main
from ermbit.cnf import CNF
from ermbit.slp import SLP
from tests.cli._run import run


@pytest.fixture
def slp_file(tmp_path: Path) -> Path:
    cnf = tmp_path / "f.cnf"
    CNF(2, ((1, 2),)).write(cnf)
    out = tmp_path / "c.json"
    assert run("reduce", "sat-to-slp", str(cnf), "-o", str(out))[0] == 0
    return out


def test_u2_promise_sets_the_gap_of_the_promise_reductions(slp_file: Path, tmp_path: Path) -> None:
    j = json.loads(slp_file.read_text())["meta"]["count_bits"]["offset"]
    out = tmp_path / "e.json"
    argv = ["bitslp-to-erm", str(slp_file), "--bit", str(j), "--promise", "1,3"]
    assert run("reduce", *argv, "-o", str(out))[0] == 0
    doc = json.loads(out.read_text())
    assert doc["gamma"] == "1" and doc["promise"] == ["1", "3"]


def test_u2_a_flag_the_reduction_does_not_take_is_named(slp_file: Path, tmp_path: Path) -> None:
    cnf = tmp_path / "f.cnf"
    code, _, err = run("reduce", "sat-to-slp", str(cnf), "--promise", "1,3", "-o", "x.json")
    assert code == 2 and "--promise" in err and "sat-to-slp" in err


def test_u2_reduce_pin_reads_its_own_source_kind(tmp_path: Path) -> None:
    cnf, relu, pinned = tmp_path / "f.cnf", tmp_path / "r.json", tmp_path / "p.json"
    CNF(2, ((1, 2),)).write(cnf)
    assert run("reduce", "sat-to-relu", str(cnf), "-o", str(relu))[0] == 0
    code, _, err = run("reduce", "pin", str(relu), "-o", str(pinned))
    assert code == 0, err
    code, out, _ = run("solve", str(pinned), "--json")
    assert code == 0 and json.loads(out)["decision"] is True


def test_u2_huge_metadata_is_written_as_strings(tmp_path: Path) -> None:
    from ermbit import formats

    p = tmp_path / "m.json"
    big = 3**20000
    formats.write(p, SLP(1, [("+", 0, 0)]), meta={"offset": big, "small": 5})
    meta = json.loads(p.read_text())["meta"]
    assert meta["offset"] == str(big) and meta["small"] == 5


def test_u2_cli_json_writes_huge_ints_as_strings() -> None:
    from ermbit.cli._base import emit_json

    out = io.StringIO()
    emit_json(out, {"count": 1 << 20000, "small": 7, "rows": [{"x": 1 << 20000}]})
    doc = json.loads(out.getvalue())
    assert doc["count"] == str(1 << 20000) and doc["small"] == 7
    assert doc["rows"][0]["x"] == str(1 << 20000)


@pytest.mark.parametrize("j", [0, 1, 2, 3])
def test_u2_solve_bitslp_to_erm_without_product_gates(tmp_path: Path, j: int) -> None:
    from ermbit import formats
    from ermbit.slp import bit

    slp = SLP(1, [("+", 0, 0), ("+", 1, 0)])  # 3, no '*' gate: an all-linear network
    formats.write(tmp_path / "a.json", slp)
    out = tmp_path / "e.json"
    assert (
        run("reduce", "bitslp-to-erm", str(tmp_path / "a.json"), "--bit", str(j), "-o", str(out))[0]
        == 0
    )
    code, text, err = run("solve", str(out), "--json")
    assert code == 0, err
    assert json.loads(text)["decision"] is (bit(slp, j) == 1)


def test_u3_via_is_refused_before_memory_is_used(tmp_path: Path) -> None:
    import resource

    from ermbit.instances import generate

    p = tmp_path / "m12.cnf"
    generate("random-kcnf", {"n": "6", "m": "12", "k": "3"}, 3).write(p)  # type: ignore[attr-defined]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for via in ("backprop", "erm"):
        code, _, err = run("count", str(p), "--via", via)
        assert code == 3 and "--budget-bits" in err and "predicted" in err
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 200_000  # the old refusal came after 1-1.4 GB


def test_u3_bounded_warns_and_is_refused_up_front(tmp_path: Path) -> None:
    p = tmp_path / "b.cnf"
    p.write_text("p cnf 4 3\n1 2 -3 0\n-1 3 0\n2 4 0\n")
    out, err = io.StringIO(), io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(err):
        code = main(["count", str(p), "--via", "backprop", "--bounded"], out=out, err=err)
    assert code == 3 and "note: --bounded" in err.getvalue()


def test_u3_auto_counts_one_wide_clause_without_ganak(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from ermbit.solvers.sat import _components, ganak

    def no_ganak(*a: object, **k: object) -> None:
        raise AssertionError("Ganak was started for a component dpll counts at once")

    monkeypatch.setattr(ganak, "GanakRun", no_ganak)
    monkeypatch.setattr(_components._ganak, "available", lambda: True)
    p = tmp_path / "w.cnf"
    CNF(1000, (tuple(range(1, 1001)),)).write(p)
    assert run("count", str(p))[:2] == (0, f"{(1 << 1000) - 1}\n")
    # two wide clauses sharing x1 (one component of 60 variables, once raced with Ganak):
    # 2^60 minus the 2^30 with x1..x30 false, minus the 2^29 with x1 true, x31..x60 false
    CNF(60, (tuple(range(1, 31)), (-1, *range(31, 61)))).write(p)
    assert run("count", str(p))[:2] == (0, f"{(1 << 60) - (1 << 30) - (1 << 29)}\n")


def test_u4_unknown_family_is_named_unknown() -> None:
    code, _, err = run("verify", "sat-to-nae", "--family", "nosuch")
    assert code == 2 and "unknown family 'nosuch'" in err and "default sizes" not in err


@pytest.mark.parametrize("argv", [["count", "-", "--via", "backprop"], ["slp", "x.json", "--sign"]])
def test_u4_negative_budget_bits_refused(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(*argv, "--budget-bits", "-5")
    err = capsys.readouterr().err  # argparse reports usage errors on sys.stderr
    assert code == 2 and "--budget-bits" in err and ">= 0" in err


def test_u4_negative_bit_bound_refused(tmp_path: Path) -> None:
    from ermbit.errors import InputError
    from ermbit.network.erm import ERMInstance
    from ermbit.network.model import Network

    net = Network([("s", "id"), ("v", "relu")], [("s", "v", 1, 0)], ["v"])
    with pytest.raises(InputError, match="bit_bound: must be >= 0, got -5"):
        ERMInstance(net, (), 0, -5)


def test_u4_latex_escapes_specials_and_compiles(tmp_path: Path) -> None:
    from ermbit.pipelines.explain import CHAINS

    parts = []
    for chain in CHAINS:
        code, text, _ = run("explain", chain, "--format", "latex")
        assert code == 0 and text.isascii()
        # the claims' specials are escaped (the whole document is compiled below)
        assert re.search(r"(?<!\\)#", text) is None
        (tmp_path / f"{chain}.tex").write_text(text)
        parts.append(f"\\input{{{chain}}}")
    if shutil.which("pdflatex"):  # the fragment must compile where LaTeX is installed
        doc = (
            "\\documentclass{article}\\usepackage{amsmath,amssymb}\\begin{document}\n"
            + "\n".join(parts)
            + "\n\\end{document}\n"
        )
        (tmp_path / "doc.tex").write_text(doc)
        res = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
            cwd=tmp_path,
            capture_output=True,
            timeout=120,
        )
        assert res.returncode == 0, res.stdout[-2000:]


def test_u2_sat_to_slp_on_6000_clauses_writes_its_metadata(tmp_path: Path) -> None:
    from ermbit import formats
    from ermbit.instances import generate

    cnf, out = tmp_path / "big.cnf", tmp_path / "big.json"
    generate("random-kcnf", {"n": "12", "m": "6000", "k": "3"}, 1).write(cnf)  # type: ignore[attr-defined]
    code, text, err = run("reduce", "sat-to-slp", str(cnf), "-o", str(out))
    assert code == 0, err
    assert "-bit number" in text and len(text) < 1000  # the summary line stays readable
    meta = json.loads(out.read_text())["meta"]
    offset = meta["count_bits"]["offset"]
    assert isinstance(offset, str) and int(offset).bit_length() > 14000
    assert formats.read(out).obj.length > 6000  # and the file reads back
