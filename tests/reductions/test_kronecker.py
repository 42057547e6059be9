"""#SAT → SLP, permanent → SLP and the bounded-value rewriting (docs:
constructions/kronecker.md–4.3).

Ground truth is brute force written here or in tests.strategies; the SLP side is read
by plain gmpy2-free Python integer arithmetic on the evaluated value.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ermbit.checking.verifier import verify
from ermbit.cnf import CNF
from ermbit.errors import InputError
from ermbit.reductions.bnslp import SlpToBnslp
from ermbit.reductions.perm_to_slp import PermToSlp
from ermbit.reductions.sat_to_slp import SatToSlp, kronecker_parameters
from ermbit.slp import SLP, evaluate, evaluate_int, values
from tests.profiles import examples
from tests.strategies import brute_count, cnfs
from tests.strategies_slp import slps
from tests.verified import assert_verified


def _block(value: int, offset: int, width: int) -> int:
    return (int(value) >> offset) % (1 << width)


def test_spec_vector_x1_or_x2() -> None:
    t = SatToSlp().forward(CNF(2, ((1, 2),)))
    assert kronecker_parameters(CNF(2, ((1, 2),))) == (4, 4, 2)
    assert int(evaluate_int(t.slp)) == 17**3 == 4913
    assert _block(evaluate_int(t.slp), t.offset, t.width) == 3


def test_spec_vector_tautology_counts_all_assignments() -> None:
    t = SatToSlp().forward(CNF(2, ((1, -1),)))
    assert _block(evaluate_int(t.slp), t.offset, t.width) == 4


@pytest.mark.parametrize(
    ("cnf", "expected"),
    [(CNF(3, ()), 8), (CNF(0, ()), 1), (CNF(2, ((1,), ())), 0), (CNF(1, ((),)), 0)],
)
def test_edge_cases(cnf: CNF, expected: int) -> None:
    t = SatToSlp().forward(cnf)
    assert _block(evaluate_int(t.slp), t.offset, t.width) == expected == brute_count(cnf)


@examples(80)
@given(cnfs(max_vars=6, max_clauses=5, max_width=3))
def test_kronecker_count_equals_brute_force(cnf: CNF) -> None:
    t = SatToSlp().forward(cnf)
    assert _block(evaluate_int(t.slp), t.offset, t.width) == brute_count(cnf)
    assert t.file_meta()["count_bits"] == {"offset": t.offset, "width": t.width}


@examples(25)
@given(cnfs(max_vars=5, max_clauses=4, max_width=3))
def test_generic_verifier_accepts_sat_to_slp(cnf: CNF) -> None:
    report = verify(SatToSlp(), cnf)
    assert_verified(report)


def test_balanced_products_keep_gate_count_small() -> None:
    cnf = CNF(10, tuple((i, -(i % 10 + 1), (i + 3) % 10 + 1) for i in range(1, 11)))
    t = SatToSlp().forward(cnf)
    # B = 6, K = 10 + 10*2 + 1: powers cost O(log) gates each, products O(occurrences).
    assert t.slp.length < 400


def _permanent(a: tuple[tuple[int, ...], ...]) -> int:
    n = len(a)
    return sum(all(a[i][p[i]] for i in range(n)) for p in itertools.permutations(range(n)))


matrices = st.integers(1, 5).flatmap(
    lambda n: st.lists(
        st.lists(st.integers(0, 1), min_size=n, max_size=n).map(tuple), min_size=n, max_size=n
    ).map(tuple)
)


def test_permanent_spec_vector() -> None:
    t = PermToSlp().forward(((1, 1), (1, 1)))
    assert int(evaluate_int(t.slp)) == 520**2 == 270400
    assert _block(evaluate_int(t.slp), t.offset, t.width) == 2


@examples(60)
@given(matrices)
def test_permanent_equals_brute_force(a: tuple[tuple[int, ...], ...]) -> None:
    t = PermToSlp().forward(a)
    assert _block(evaluate_int(t.slp), t.offset, t.width) == _permanent(a)


@pytest.mark.parametrize("bad", [(), ((1, 0),), ((1, 2), (0, 1)), ((True, 0), (0, 1))])
def test_permanent_rejects_bad_matrices(bad: object) -> None:
    with pytest.raises(InputError, match="matrix"):
        PermToSlp().forward(bad)  # type: ignore[arg-type]


@examples(60)
@given(slps(max_gates=6, integer=True))
def test_bnslp_values_bounded_and_shift_exact(p: SLP) -> None:
    if p.a0 != 1:
        with pytest.raises(InputError, match="a0"):
            SlpToBnslp().forward(p)
        return
    q = SlpToBnslp().forward(p)
    assert q.slp.a0 == Fraction(1, 2**q.m)
    assert q.m >= max(p.length, 1)
    assert all(abs(v) <= 1 for v in values(q.slp))
    assert evaluate(q.slp) * Fraction(2) ** q.shift == evaluate(p)
    # bit j of n_P is bit j - shift of the output (Lemma A.4/A.5)
    from ermbit.exact import bit

    for j in range(0, 6):
        assert bit(evaluate(q.slp), j - q.shift) == bit(evaluate(p), j)
