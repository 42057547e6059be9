"""Every record of the training catalogue against the general solver and enumeration."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from ermbit.cli import main
from ermbit.errors import InputError
from ermbit.instances import generate
from ermbit.instances.training import CATALOGUE, TrainingRecord, training
from ermbit.solvers.erm._general_enum import count_points, enumerate_domain
from ermbit.solvers.erm.general import solve_general


def _points(rec: TrainingRecord) -> int:
    inst = rec.instance()
    return count_points(2 * len(inst.network.free_edges()), rec.min_bits or rec.beta)


def _param(rec: TrainingRecord, slow: bool) -> object:
    return pytest.param(rec, id=rec.name, marks=[pytest.mark.slow] if slow else [])


# a YES record whose minimum is not determined has no min-bits claim to check
SOLVER_CASES = [
    _param(r, r.heavy) for r in CATALOGUE.values() if r.min_bits is not None or not r.decision
]
ENUM_CASES = [_param(r, _points(r) > 4000) for r in CATALOGUE.values() if r.enumerable]


def _check(rec: TrainingRecord, min_bits: bool) -> None:
    inst = rec.instance()
    res = solve_general(inst, min_bits=min_bits)
    assert res.decision is rec.decision, rec.name
    if res.decision:
        ev = inst.evaluate(res.witness)
        assert ev.accepted and ev.enc_bits <= rec.beta
    if min_bits and rec.min_bits is not None:
        assert res.details["min_bits"] == rec.min_bits
        below = solve_general(rec.instance(rec.min_bits - 1))
        assert below.decision is False and below.details["proof"] != "witness"


@pytest.mark.parametrize("rec", CATALOGUE.values(), ids=lambda r: r.name)
def test_record_decision_against_the_general_solver(rec: TrainingRecord) -> None:
    _check(rec, min_bits=False)


@pytest.mark.parametrize("rec", SOLVER_CASES)
def test_record_min_bits_against_the_general_solver(rec: TrainingRecord) -> None:
    _check(rec, min_bits=True)


@pytest.mark.parametrize("rec", ENUM_CASES)
def test_record_against_enumeration(rec: TrainingRecord) -> None:
    truth = enumerate_domain(rec.instance())
    assert truth.decision is rec.decision
    assert truth.least_enc == rec.min_bits


def test_catalogue_covers_the_promised_problems() -> None:
    names = " ".join(CATALOGUE)
    for part in ("xor", "and", "or", "maj3", "par3", "fit-", "teacher"):
        assert part in names
    for part in ("xor", "and", "or", "maj3", "par3", "teacher"):
        kinds = {r.name.split("-")[1] for r in CATALOGUE.values() if r.name.startswith(part)}
        assert {"relu", "z2"} <= kinds, part
    assert all(r.why for r in CATALOGUE.values())


def test_family_and_gen_command(tmp_path: Path) -> None:
    assert generate("training", {"name": "xor-z2-1", "beta": "15"}).bit_bound == 15
    with pytest.raises(InputError, match="unknown training problem"):
        training("xor-tanh")
    path = tmp_path / "xor.json"
    out = io.StringIO()
    assert main(["gen", "training", "name=xor-z2-1", "-o", str(path)], out=out) == 0
    out = io.StringIO()
    assert main(["solve", str(path), "--min-bits", "--json"], out=out, err=io.StringIO()) == 0
    got = json.loads(out.getvalue())
    assert got["decision"] is True and got["min_bits"] == 15 and got["solver"] == "general"
    assert "general" in got["method"]


def test_solve_methods_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "xor.json"
    assert main(["gen", "training", "name=xor-relu-2", "-o", str(path)], out=io.StringIO()) == 0
    out = io.StringIO()
    assert main(["solve", str(path), "--json"], out=out, err=io.StringIO()) == 0
    auto = json.loads(out.getvalue())
    assert auto["decision"] is True and auto["method"].startswith("auto: general")
    out = io.StringIO()
    args = ["solve", str(path), "--method", "general", "--time-limit", "0", "--json"]
    assert main(args, out=out, err=io.StringIO()) == 4  # UNDECIDED has its own exit code
    stopped = json.loads(out.getvalue())
    assert stopped["decision"] is None and "time limit" in stopped["stopped"]
    err = io.StringIO()
    assert main(["solve", str(path), "--method", "pattern"], out=io.StringIO(), err=err) == 2
    assert "θ-dependent" in err.getvalue()


def test_the_majority_witness_of_the_docstring() -> None:
    from ermbit.network.erm import Witness

    theta = {(x, "h0"): (1, 0) for x in ("x1", "x2", "x3")}
    theta |= {(x, "h1"): (1, 0) for x in ("x1", "x2", "x3")}
    theta |= {("x1", "h0"): (1, -1), ("x1", "h1"): (1, -2), ("h0", "y"): (1, 0)}
    theta[("h1", "y")] = (-1, 0)
    ev = training("maj3-relu-2").evaluate(Witness.of(theta))
    assert ev.accepted and ev.loss == 0 and ev.enc_bits == CATALOGUE["maj3-relu-2"].beta == 43


def _fits_over_the_reals(name: str) -> bool:
    """z3's exact nonlinear real arithmetic on the record's network, any real θ."""
    import z3  # the peers extra, which the test command installs

    inst = training(name)
    net = inst.network
    var = {e.key: (z3.Real(f"w_{e.src}_{e.dst}"), z3.Real(f"b_{e.src}_{e.dst}")) for e in net.edges}
    solver = z3.Solver()
    for smp in inst.samples:
        val: dict[str, Any] = {}
        for v in net.topological_order():
            ins = net.in_edges(v)
            if not ins:
                val[v] = z3.RealVal(str(smp.inputs.get(v, 0)))
                continue
            z = sum(var[e.key][0] * val[e.src] + var[e.key][1] for e in ins)
            val[v] = z3.If(z > 0, z, 0) if str(net.activation(v)) == "ReLU" else z
        solver.add(*(val[v] == z3.RealVal(str(t)) for v, t in smp.y))
    return bool(solver.check() == z3.sat)


@pytest.mark.slow
def test_two_relu_units_over_the_reals_by_z3() -> None:
    """The second method of the two-unit records: majority-3 fits, parity-3 does not."""
    assert _fits_over_the_reals("maj3-relu-2")
    assert not _fits_over_the_reals("par3-relu-2")
