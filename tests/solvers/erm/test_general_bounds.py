"""Interval bounds of the general search are sound: every value a completion can take lies
in the interval, and the loss bound never exceeds a loss some point of the intervals has."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ermbit.exact import Q
from ermbit.network.activations import Identity, PiecewiseLinear, Polynomial, ReLU
from ermbit.network.erm import Loss
from ermbit.solvers.erm._general_bounds import (
    act_image,
    act_range,
    affine,
    loss_lower_bound,
    total,
)
from tests.profiles import examples

small = st.fractions(min_value=-6, max_value=6, max_denominator=4).map(Q)


@st.composite
def activations(draw: Any) -> Any:
    kind = draw(st.sampled_from(["id", "relu", "pl", "poly"]))
    if kind == "id":
        return Identity()
    if kind == "relu":
        return ReLU()
    if kind == "poly":
        return Polynomial(tuple(draw(st.lists(small, min_size=1, max_size=4))))
    bps = sorted(set(draw(st.lists(small, min_size=1, max_size=3))))
    n = len(bps) + 1
    slopes = tuple(draw(st.lists(small, min_size=n, max_size=n)))
    intercepts = tuple(draw(st.lists(small, min_size=n, max_size=n)))
    return PiecewiseLinear(tuple(bps), slopes, intercepts)


@st.composite
def intervals_with_point(draw: Any) -> tuple[Any, Any]:
    z = draw(small)
    lo = draw(st.one_of(st.none(), st.just(z), small.map(lambda d: z - abs(d))))
    hi = draw(st.one_of(st.none(), st.just(z), small.map(lambda d: z + abs(d))))
    return (lo, hi), z


def _inside(v: Any, iv: tuple[Any, Any]) -> bool:
    lo, hi = iv
    return (lo is None or lo <= v) and (hi is None or v <= hi)


@examples(300)
@given(activations(), intervals_with_point())
def test_the_image_contains_every_value(act: Any, pair: tuple[Any, Any]) -> None:
    iv, z = pair
    assert _inside(act(z), act_image(act, iv))
    assert _inside(act(z), act_range(act))


@examples(200)
@given(intervals_with_point(), small, small, intervals_with_point())
def test_affine_and_sums(pair: Any, w: Any, b: Any, other: Any) -> None:
    (iv, z), (iv2, z2) = pair, other
    assert _inside(w * z + b, affine(iv, w, b))
    assert _inside(z + z2, total([iv, iv2]))


@examples(300)
@given(
    st.sampled_from(["squared", "half_squared", "exact", "hinge"]),
    st.lists(intervals_with_point(), min_size=1, max_size=3),
    st.lists(small, min_size=3, max_size=3),
)
def test_the_loss_bound_is_below_the_loss_of_a_point(kind: str, pairs: Any, labels: Any) -> None:
    names = [f"v{k}" for k in range(len(pairs))]
    ivs = {v: iv for v, (iv, _) in zip(names, pairs, strict=True)}
    out = {v: z for v, (_, z) in zip(names, pairs, strict=True)}
    if kind == "hinge":
        labels = [Q(1) if t >= 0 else Q(-1) for t in labels]
    y = dict(zip(names, labels, strict=False))
    loss = Loss(kind)
    assert loss_lower_bound(loss, ivs, y) <= loss.value(out, y)


def test_a_point_interval_is_exact() -> None:
    loss = Loss("squared")
    ivs = {"a": (Q(2), Q(2))}
    assert loss_lower_bound(loss, ivs, {"a": Q(5)}) == 9 == loss.value({"a": Q(2)}, {"a": Q(5)})


def test_the_data_set_cut() -> None:
    """y = relu(1 − relu(h1) − relu(h2)) with h2 unknown: h1 = 1/2 already gives y ≤ 1/2,
    so the label 1 costs ≥ 1/4; h1 ≤ 0 leaves y = 1 possible."""
    r2 = act_range(ReLU())
    for h1, least in ((Q(1, 2), Q(1, 4)), (Q(-3), Q(0))):
        r1 = act_image(ReLU(), (h1, h1))
        o = total([affine(r1, Q(-1), Q(1)), affine(r2, Q(-1), Q(0))])
        y = act_image(ReLU(), o)
        assert loss_lower_bound(Loss("squared"), {"y": y}, {"y": Q(1)}) == least


@pytest.mark.parametrize(("k", "extra"), [(2, 5), (3, 3), (4, 2)])
def test_bias_tables_match_brute_force(k: int, extra: int) -> None:
    """The pruned table lists a sum at cost c iff its cheapest split over k edges costs c."""
    from itertools import product

    from ermbit.solvers.erm._general_rationals import BiasSums, of_size

    cap = 2 * k + extra
    table = BiasSums(k)
    sizes = range(2, cap - 2 * (k - 1) + 1)
    parts = [q for s in sizes for q in of_size(s)]
    best: dict[Any, int] = {}
    for split in product(parts, repeat=k):
        c = sum(_size(q) for q in split)
        if c <= cap:
            v = sum(split, Q(0))
            best[v] = min(best.get(v, c), c)
    for c in range(2 * k, cap + 1):
        assert sorted(table.with_cost(c)) == sorted(v for v, bc in best.items() if bc == c)


def _size(q: Any) -> int:
    from ermbit.exact import size

    return size(q)
