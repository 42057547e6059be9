"""``ermbit export`` and ``ermbit check --smt-model`` run in-process."""

from __future__ import annotations

import io

import pytest

from ermbit import formats
from ermbit.cli import main
from ermbit.export.run import run_smt
from ermbit.reductions.sat_to_relu import SatToRelu
from tests.export._export_cases import FORMULAS


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out=out, err=err), out.getvalue(), err.getvalue()


def test_export_every_format_and_check_a_z3_model(tmp_path) -> None:
    pytest.importorskip("z3")
    pytest.importorskip("onnx")
    t = SatToRelu().forward(FORMULAS[0][1])
    inst = tmp_path / "r.json"
    formats.write(inst, t.instance, meta=t.file_meta())
    for fmt in ("smt2", "mps", "lp", "onnx", "vnncomp"):
        code, out, err = _run("export", str(inst), "--format", fmt, "-o", str(tmp_path / fmt))
        assert code == 0, err
        assert "wrote" in out
    run = run_smt("z3", (tmp_path / "smt2").read_text(), timeout=30)
    (tmp_path / "model.txt").write_text(run.output)
    code, out, _ = _run("check", str(inst), "--smt-model", str(tmp_path / "model.txt"))
    assert code == 0 and "ACCEPTED" in out


def test_check_needs_exactly_one_witness_source(tmp_path) -> None:
    t = SatToRelu().forward(FORMULAS[0][1])
    inst = tmp_path / "r.json"
    formats.write(inst, t.instance)
    code, _, err = _run("check", str(inst))
    assert code == 2 and "--smt-model" in err


def test_vnncomp_refuses_other_instances(tmp_path) -> None:
    pytest.importorskip("onnx")
    t = SatToRelu().forward(FORMULAS[0][1])
    inst = tmp_path / "r.json"
    formats.write(inst, t.instance)  # no meta: the reduction is unknown
    code, _, err = _run("export", str(inst), "--format", "vnncomp", "-o", str(tmp_path / "v"))
    assert code == 2 and "vnncomp takes" in err


def test_gen_export_vnncomp_writes_answers_that_match_pysat(tmp_path) -> None:
    pytest.importorskip("onnx")
    import csv

    from ermbit.instances import generate
    from ermbit.solvers.sat.cdcl import is_satisfiable

    argv = ["gen", "random-kcnf", "n=4", "m=18", "k=3", "--seed", "3", "--count", "3"]
    code, _, err = _run(*argv, "--export", "vnncomp", "--out-dir", str(tmp_path))
    assert code == 0, err
    answers = dict(csv.reader(open(tmp_path / "answers.csv")))
    assert len(answers) == 3
    for seed in (3, 4, 5):
        cnf = generate("random-kcnf", {"n": "4", "m": "18", "k": "3"}, seed)
        want = "sat" if is_satisfiable(cnf) else "unsat"
        assert answers[f"random-kcnf-sat-to-relu-seed{seed}"] == want
