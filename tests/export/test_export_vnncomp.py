"""VNN-COMP directories: known answers, checked with onnxruntime and (if installed) Marabou."""

from __future__ import annotations

import csv

import pytest

from ermbit.checking.oracles import SolverOracles
from ermbit.export._common import parameters
from ermbit.export.vnncomp import build_benchmark
from ermbit.reductions.sat_to_relu import SatToRelu, sat_models
from ermbit.reductions.splitting_to_relu import SatToRelu2
from ermbit.solvers.sat.cdcl import is_satisfiable as is_sat
from tests.export._export_cases import FORMULAS

REDS = [SatToRelu(), SatToRelu2()]


def _bench(tmp_path):
    items, truth = [], {}
    for red in REDS:
        for name, cnf in FORMULAS[:2]:
            key = f"{red.name}-{name}"
            items.append((key, red.forward(cnf).instance))
            truth[key] = (red, cnf)
    build_benchmark(items, str(tmp_path), timeout=30)
    return truth


def test_layout_and_known_answers(tmp_path) -> None:
    pytest.importorskip("onnx")
    truth = _bench(tmp_path)
    rows = list(csv.reader(open(tmp_path / "instances.csv")))
    assert len(rows) == len(truth) and all(len(r) == 3 for r in rows)
    for o, v, _ in rows:
        assert (tmp_path / o).exists() and (tmp_path / v).exists()
    answers = dict(csv.reader(open(tmp_path / "answers.csv")))
    for key, (_, cnf) in truth.items():
        assert answers[key] == ("sat" if is_sat(cnf) else "unsat")


def test_lifted_theta_is_a_counterexample(tmp_path) -> None:
    np = pytest.importorskip("numpy")
    ort = pytest.importorskip("onnxruntime")
    truth = _bench(tmp_path)
    for key, (red, cnf) in truth.items():
        if not is_sat(cnf):
            continue
        t = red.forward(cnf)
        theta = t.instance.theta_of(red.lift(cnf, t, next(sat_models(cnf, SolverOracles()))))
        x = [[float(theta[p.edge][p.part == "b"]) for p in parameters(t.instance)]]
        y = ort.InferenceSession(str(tmp_path / "onnx" / f"{key}.onnx")).run(
            None, {"X": np.array(x)}
        )[0][0]
        labels = [float(v) for s in t.instance.samples for _, v in s.y]
        assert list(y) == labels


def test_marabou_agrees_with_the_known_answers(tmp_path) -> None:
    pytest.importorskip("maraboupy")
    from maraboupy import Marabou

    _bench(tmp_path)
    answers = dict(csv.reader(open(tmp_path / "answers.csv")))
    for key, want in answers.items():
        net = Marabou.read_onnx(str(tmp_path / "onnx" / f"{key}.onnx"))
        opts = Marabou.createOptions(verbosity=0, timeoutInSeconds=60)
        got = net.solve(
            verbose=False, options=opts, propertyFilename=str(tmp_path / "vnnlib" / f"{key}.vnnlib")
        )[0]
        assert got == want
