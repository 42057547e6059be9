"""Every exact ERM_bit solver answers one SolveResult, with its documented details keys."""

from __future__ import annotations

import pytest

from ermbit.errors import InputError
from ermbit.network.erm import ERMInstance, Sample
from ermbit.network.model import Network, NetworkBuilder
from ermbit.reductions.pinning import pin_instance
from ermbit.solvers.erm.dispatch import solve_erm
from ermbit.solvers.erm.general import solve_general
from ermbit.solvers.erm.pattern import solve_pl
from ermbit.solvers.erm.pinned import solve_pinned
from ermbit.solvers.erm.result import SolveResult


def _linear() -> ERMInstance:
    net = Network.from_specs({"x": "id", "y": "id"}, [("x", "y", 0, 0)], ["y"])
    return ERMInstance(net, [Sample.of({"x": 1}, {"y": 5}), Sample.of({"x": 2}, {"y": 9})], 0, 20)


def _pinned() -> ERMInstance:
    nb = NetworkBuilder()
    for v, a in (("s", "id"), ("U", "z**2"), ("o", "id")):
        nb.add_node(v, a)
    nb.add_edge("s", "U", 1, 0, frozen=True)
    nb.add_edge("U", "o", 3, 1, frozen=True)
    main = (Sample.of({"s": 2}, {"o": 13}, "exact"),)
    return pin_instance(ERMInstance(nb.build(["o"]), main, 0, 0))


PL_KEYS = {"exhausted", "patterns_tried", "lp_calls", "learned_clauses", "seconds", "bit_bound"}


def test_every_solver_answers_a_solve_result() -> None:
    pl, pinned, general = solve_pl(_linear()), solve_pinned(_pinned()), solve_general(_linear())
    for res in (pl, pinned, general):
        assert isinstance(res, SolveResult) and res.decision is True
        assert res.witness is not None and res.enc_bits == res.witness.enc()
    assert pl.solver == "pl-pattern-search" and set(pl.details) == PL_KEYS | {"stats"}
    assert pinned.solver == "presolve+symmetries"
    assert set(pinned.details) == {"candidates", "max_value_bits"}
    assert general.solver == "general" and set(general.details) == {"proof", "statistics"}
    assert solve_erm(_linear()).details.keys() == pl.details.keys()
    assert solve_erm(_pinned()) == pinned


def test_json_keeps_the_fields_on_top_and_details_beside_them() -> None:
    js = solve_pl(_linear(), certify=True).to_json()
    assert {"decision", "loss", "enc_bits", "witness", "solver", "explanation"} <= set(js)
    assert PL_KEYS <= set(js) and "certificate" not in js  # a YES has no refutation


def test_details_may_not_shadow_a_field() -> None:
    with pytest.raises(InputError, match="shadow"):
        SolveResult(None, None, None, None, "why", "demo", {"loss": 0})
