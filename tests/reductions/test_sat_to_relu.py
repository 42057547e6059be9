"""SAT → ReLU ERM_bit by direct gadgets (Thm 1.4 R1), checked against brute force."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given

from ermbit.checking.verifier import verify
from ermbit.cnf import CNF
from ermbit.errors import InputError
from ermbit.exact import Q
from ermbit.network.erm import Witness
from ermbit.reductions.sat_to_relu import SatToRelu
from ermbit.solvers.erm.pattern import solve_pl
from tests.profiles import examples
from tests.strategies import brute_count, cnfs
from tests.verified import assert_verified


def _models(cnf: CNF) -> list[tuple[bool, ...]]:
    return [
        a
        for a in itertools.product((False, True), repeat=cnf.num_vars)
        if all(any(a[abs(l) - 1] == (l > 0) for l in c) for c in cnf.clauses)
    ]


@examples(40)
@given(cnfs(max_vars=5, max_clauses=6, max_width=3))
def test_lift_gives_admissible_zero_loss_witnesses_and_back_inverts(cnf: CNF) -> None:
    red = SatToRelu()
    t = red.forward(cnf)
    assert t.instance.bit_bound == 5 * cnf.num_vars
    for model in _models(cnf)[:6]:
        w = red.lift(cnf, t, model)
        ev = t.instance.evaluate(w)
        assert ev.loss == 0 and ev.admissible and ev.enc_bits <= 5 * cnf.num_vars
        assert red.back(cnf, t, w) == model


@examples(40)
@given(cnfs(max_vars=5, max_clauses=7, max_width=3))
def test_solver_decides_and_back_gives_a_model(cnf: CNF) -> None:
    red = SatToRelu()
    t = red.forward(cnf)
    res = solve_pl(t.instance)
    assert res.decision is (brute_count(cnf) > 0)
    if res.decision:
        assert t.instance.accepts(res.witness)
        assert cnf.satisfied_by(red.back(cnf, t, res.witness))
    else:
        assert res.details["exhausted"]


@examples(20)
@given(cnfs(max_vars=4, max_clauses=5, max_width=3))
def test_generic_verifier_passes(cnf: CNF) -> None:
    report = verify(SatToRelu(), cnf)
    assert_verified(report)


@examples(8)
@given(cnfs(max_vars=3, max_clauses=4, max_width=3))
def test_generic_verifier_passes_pinned(cnf: CNF) -> None:
    report = verify(SatToRelu(pinned=True), cnf)
    assert_verified(report)


def test_pinned_form_is_all_trainable_and_fixes_the_bias() -> None:
    cnf = CNF(2, ((1, 2), (-1, -2)))
    red = SatToRelu(pinned=True)
    t = red.forward(cnf)
    assert not t.instance.network.frozen_edges() and t.pinned
    assert t.instance.bit_bound > 5 * cnf.num_vars  # + θ* on the pinned edges + slack
    res = solve_pl(t.instance)
    assert res.decision is True
    theta = res.witness.as_dict()
    assert all(theta[("s", f"v{i}")][1] == 0 for i in (1, 2))  # the baseline pins b = 0
    assert cnf.satisfied_by(red.back(cnf, t, res.witness))
    assert t.instance.accepts(red.lift(cnf, t, (True, False)))


def test_the_gadgets_allow_exactly_zero_and_one() -> None:
    # no clauses: L(t) = 0 iff every gadget outputs 0 iff t ∈ {0, 1}
    t = SatToRelu().forward(CNF(1, ()))
    for value in ("-1", "0", "1/4", "1/2", "3/4", "1", "3/2", "2"):
        loss = t.instance.loss(Witness.of({("s", "v1"): (value, 0)}))
        assert (loss == 0) is (Q(value) in (0, 1)), value
    # the split of t_1 between w and b does not matter, only the sum
    assert t.instance.loss(Witness.of({("s", "v1"): ("3/4", "1/4")})) == 0


def test_clause_gadget_reads_negative_literals() -> None:
    cnf = CNF(2, ((-1, 2),))  # falsified only by x1 = 1, x2 = 0
    t = SatToRelu().forward(cnf)
    for a in itertools.product((0, 1), repeat=2):
        w = Witness.of({("s", f"v{i}"): (a[i - 1], 0) for i in (1, 2)})
        assert (t.instance.loss(w) == 0) is cnf.satisfied_by(tuple(map(bool, a)))


def test_empty_clause_and_unsatisfiable_formulas() -> None:
    for cnf in (CNF(2, ((),)), CNF(1, ((1,), (-1,))), CNF(0, ((),))):
        res = solve_pl(SatToRelu().forward(cnf).instance)
        assert res.decision is False and res.details["exhausted"]


def test_back_refuses_a_fractional_value() -> None:
    cnf = CNF(1, ())
    t = SatToRelu().forward(cnf)
    with pytest.raises(InputError, match="t_1"):
        SatToRelu().back(cnf, t, Witness.of({("s", "v1"): ("1/2", 0)}))
    with pytest.raises(InputError, match="truth values"):
        SatToRelu().lift(cnf, t, (True, False))


def test_options_and_meta() -> None:
    with pytest.raises(TypeError):
        SatToRelu(pinned="yes")  # type: ignore[arg-type]
    t = SatToRelu().forward(CNF(3, ((1, 2, 3),)))
    meta = t.file_meta()
    assert meta["reduction"] == "sat-to-relu" and meta["variables"] == 3
    assert t.size_summary()["samples"] == 1
