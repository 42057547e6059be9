"""MPS/LP export read by HiGHS: feasible exactly when the formula is satisfiable."""

from __future__ import annotations

import pytest

from ermbit import exact
from ermbit.errors import BudgetExceeded, InputError
from ermbit.export._milp import build_milp
from ermbit.export.mps import to_lp, to_mps, witness_from_solution
from ermbit.export.run import run_highs
from ermbit.network.erm import ERMInstance, Sample
from ermbit.network.model import NetworkBuilder
from ermbit.reductions.sat_to_relu import SatToRelu
from ermbit.reductions.splitting_to_relu import SatToRelu2, _lift_scale
from ermbit.solvers.sat.cdcl import is_satisfiable as is_sat
from tests.export._export_cases import FORMULAS


def _solve(tmp_path, inst: ERMInstance, fmt: str, box=None):
    m = build_milp(inst, box=box)
    path = tmp_path / f"model.{fmt}"
    path.write_text(to_mps(m) if fmt == "mps" else to_lp(m))
    return run_highs(str(path), timeout=30)


@pytest.mark.parametrize("name,cnf", FORMULAS)
@pytest.mark.parametrize("fmt", ["mps", "lp"])
def test_highs_feasible_iff_satisfiable_sat_to_relu(tmp_path, name, cnf, fmt) -> None:
    pytest.importorskip("highspy")
    t = SatToRelu().forward(cnf)
    run = _solve(tmp_path, t.instance, fmt)
    assert run.status == ("feasible" if is_sat(cnf) else "infeasible")
    if run.status == "feasible":
        wit, ok = witness_from_solution(t.instance, run.values or {})
        assert ok and t.instance.accepts(wit)
        assert cnf.satisfied_by(SatToRelu().back(cnf, t, wit))


@pytest.mark.parametrize(
    "name,cnf", [pytest.param(*FORMULAS[0], marks=pytest.mark.slow), FORMULAS[1]]
)
def test_highs_on_sat_to_relu2_in_the_lift_box(tmp_path, name, cnf) -> None:
    pytest.importorskip("highspy")
    t = SatToRelu2().forward(cnf)
    run = _solve(tmp_path, t.instance, "mps", box=_lift_scale(t.splitting))
    assert run.status == ("feasible" if is_sat(cnf) else "infeasible")
    if run.status == "feasible":
        wit, _ = witness_from_solution(t.instance, run.values or {})
        assert t.instance.evaluate(wit).loss == 0


def test_big_m_comes_from_tightened_bounds() -> None:
    """R1's r_i = ReLU(2t − 1): the box gives |2t − 1| ≤ 2·(2^K+...) but the labels of a_i and
    b_i force t ∈ [0, 1], so the exact LP bounds the pre-activation by [−1, 1]."""
    from ermbit.cnf import CNF

    t = SatToRelu().forward(CNF(3, ((1, 2, 3),)))
    m = build_milp(t.instance)
    assert m.tightened >= 3
    big = max(abs(v) for r in m.rows if r.name.startswith(("hi", "lo")) for v in r.coeffs.values())
    assert big <= 2
    assert max(abs(lo) for lo, _, _ in m.cols.values()) > big  # the box itself is wider


def test_refusals_name_the_reason() -> None:
    nb = NetworkBuilder()
    nb.add_node("s")
    nb.add_node("h", "z**2")
    nb.add_edge("s", "h")
    inst = ERMInstance(nb.build(["h"]), (Sample.of({"s": 1}, {"h": 1}),), 0, 20)
    with pytest.raises(InputError, match="degree 2"):
        build_milp(inst)
    with pytest.raises(InputError, match="gamma"):
        build_milp(ERMInstance(inst.network, inst.samples, 1, 20))


def test_huge_bounds_are_refused_with_their_size() -> None:
    nb = NetworkBuilder()
    for v, a in (("s", "id"), ("h", "id"), ("r", "relu")):
        nb.add_node(v, a)
    nb.add_edge("s", "h")
    nb.add_edge("h", "r", 1, 0, frozen=True)
    nb.add_node("o", "relu")
    nb.add_edge("r", "o", -1, 1, frozen=True)
    inst = ERMInstance(nb.build(["o"]), (Sample.of({"s": 1}, {"o": 1}, "hinge"),), 0, 200)
    with pytest.raises(BudgetExceeded) as err:
        build_milp(inst)
    assert err.value.predicted > 49
    m = build_milp(inst, box=exact.Q(8))
    assert any("RESTRICTED" in n for n in m.notes)


@pytest.mark.parametrize("fmt", ["mps", "lp"])
def test_denominator_grid_gives_witnesses_on_the_grid(tmp_path, fmt) -> None:
    pytest.importorskip("highspy")
    t = SatToRelu().forward(FORMULAS[2][1])
    m = build_milp(t.instance, grid=3)
    assert any("grid" in n for n in m.notes)
    path = tmp_path / f"g.{fmt}"
    path.write_text(to_mps(m) if fmt == "mps" else to_lp(m))
    run = run_highs(str(path), timeout=30)
    assert run.status == "feasible"
    wit, ok = witness_from_solution(t.instance, run.values or {})
    assert ok
    assert all((3 * v).denominator == 1 for pair in wit.as_dict().values() for v in pair)
    with pytest.raises(InputError, match="grid"):
        build_milp(t.instance, grid=0)
