"""Tests of ermbit.instances.slp_families.random_slp: determinism, shape, parameters."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ermbit.errors import InputError, InputTypeError
from ermbit.instances import FAMILIES, generate
from ermbit.instances.slp_families import random_slp
from ermbit.slp import OPS, SLP, evaluate
from tests.profiles import examples


@examples(40)
@given(st.integers(0, 12), st.integers(0, 2**32), st.sampled_from(["+", "-*", "+-*", "**+"]))
def test_gates_chain_on_the_previous_one(gates: int, seed: int, ops: str) -> None:
    p = random_slp(gates, seed=seed, ops=ops)
    assert isinstance(p, SLP) and p.length == gates and p.a0 == 1
    assert p == random_slp(gates, seed=seed, ops=ops)
    for i, g in enumerate(p.gates, 1):
        assert g.op in set(ops) and i - 1 in (g.j, g.k) and 0 <= min(g.j, g.k)


def test_seeds_vary_the_program_and_all_ops_occur() -> None:
    programs = {random_slp(6, seed=s).gates for s in range(20)}
    assert len(programs) > 15
    assert {g.op for s in range(20) for g in random_slp(6, seed=s).gates} == set(OPS)


def test_a0_is_an_exact_rational() -> None:
    p = random_slp(3, seed=1, a0="2/3", ops="+")
    # a chain of additions: a_i >= a_{i-1} + a_0, and every value is an integer times a_0
    ratio = evaluate(p) * 3 / 2
    assert p.a0 == Fraction(2, 3) and ratio.denominator == 1 and ratio >= 4
    with pytest.raises(InputTypeError):
        random_slp(2, seed=0, a0=0.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"gates": -1, "seed": 0}, InputError, "gates: must be >= 0"),
        ({"gates": 2, "seed": -1}, InputError, "seed: must be >= 0"),
        ({"gates": 2, "seed": 0, "ops": ""}, InputError, "ops"),
        ({"gates": 2, "seed": 0, "ops": "+/"}, InputError, "ops"),
        ({"gates": 2, "seed": 0, "ops": 3}, InputTypeError, "ops"),
        ({"gates": 2.0, "seed": 0}, InputTypeError, "gates"),
    ],
)
def test_bad_parameters_are_refused(kwargs: dict, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        random_slp(**kwargs)


def test_generate_parses_command_line_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    if "random-slp" not in FAMILIES:
        monkeypatch.setitem(FAMILIES, "random-slp", (random_slp, "gates [a0] [ops], seed"))
    p = generate("random-slp", {"gates": "5", "a0": "1/2", "ops": "*"}, seed=4)
    assert p == random_slp(5, seed=4, a0="1/2", ops="*")
