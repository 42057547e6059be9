"""The baseline and test oracle: plain enumeration of ``{θ : enc(θ) ≤ β}`` by size.

Every trainable weight and bias is enumerated separately (no bias sums, no symmetry, no
value vectors), in order of total enc, and each θ is scored by
:meth:`ERMInstance.loss` -- the model's own forward pass and loss.  The rationals of each
size are generated here from the definition of ``size`` (filtering all ``p/q`` in a
range by :func:`~ermbit.exact.size`), not by the general solver's lists.  So this shares
only the model with :mod:`ermbit.solvers.erm.general`.  It is exponential: for tiny
cases only, and refuses more than ``max_points`` θ.

>>> from ermbit.network.erm import ERMInstance, Sample
>>> from ermbit.network.model import Network
>>> net = Network.from_specs({"x": "id", "y": "id"}, [("x", "y", 0, 0)], ["y"])
>>> fit = [Sample.of({"x": 1}, {"y": 5}), Sample.of({"x": 2}, {"y": 9})]
>>> r = enumerate_domain(ERMInstance(net, fit, 0, 9))
>>> r.decision, r.least_enc, r.witness
(True, 8, {('x', 'y'): (mpq(4,1), mpq(1,1))})
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from ermbit import exact
from ermbit.errors import BudgetExceeded
from ermbit.network.erm import ERMInstance

__all__ = ["Enumerated", "enumerate_domain", "rationals_of_size"]


@cache
def rationals_of_size(s: int) -> tuple[Any, ...]:
    """Every rational of size exactly ``s``, by filtering ``p/q`` with |p|, q < 2^(s−1)."""
    if s < 2:
        return ()
    top = 1 << max(s - 2, 0)
    found = set()
    for q in range(1, top + 1):
        for p in range(-top, top + 1):
            v = exact.Q(p, q)
            if exact.size(v) == s:
                found.add(v)
    return tuple(sorted(found))


@dataclass(frozen=True)
class Enumerated:
    """``decision``; ``witness`` and ``least_enc``: the first θ (least enc) with L ≤ γ."""

    decision: bool
    witness: dict[tuple[str, str], tuple[Any, Any]] | None
    least_enc: int | None
    points: int


def _compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    if parts == 0:
        if total == 0:
            yield ()
        return
    for s in range(2, total - 2 * (parts - 1) + 1):
        for rest in _compositions(total - s, parts - 1):
            yield (s, *rest)


#: Sizes up to which :func:`count_points` counts the rationals exactly (by listing them).
EXACT_SIZES = 16


def _rationals_at_most(s: int) -> int:
    """The number of rationals of size ``s``: exact up to :data:`EXACT_SIZES` (the
    solver's lists), above it the count of sign·p/q with those bit lengths, gcd ignored
    (an upper bound, and listing 2^(s−2)·s rationals would not fit in memory)."""
    from ermbit.solvers.erm._general_rationals import of_size

    if s <= EXACT_SIZES:
        return len(of_size(s))
    return 2 * sum(1 << (s - 1 - b - 1) << (b - 1) for b in range(1, s - 1))


def count_points(n_params: int, beta: int) -> int:
    """|{θ ∈ ℚ^n : Σ size(θ_i) ≤ β}|, exact while every size is at most
    :data:`EXACT_SIZES`, else an upper bound: this only decides whether to refuse,
    never an answer."""
    ways = {0: 1}
    for i in range(n_params):
        nxt: dict[int, int] = {}
        later = 2 * (n_params - i - 1)
        for t, c in ways.items():
            for s in range(2, beta - t - later + 1):
                nxt[t + s] = nxt.get(t + s, 0) + c * _rationals_at_most(s)
        ways = nxt
    return sum(ways.values())


def enumerate_domain(inst: ERMInstance, *, max_points: int = 200_000) -> Enumerated:
    """Scan the finite domain in order of enc; stop at the first θ with ``L(θ) ≤ γ``."""
    keys = list(inst.network.free_edges())
    n = 2 * len(keys)
    predicted = count_points(n, inst.bit_bound)
    if predicted > max_points:
        raise BudgetExceeded(
            "enumerating the domain {θ : enc(θ) ≤ β}",
            predicted=predicted,
            budget=max_points,
            unit="points",
            hint="pass max_points",
        )
    points = 0
    for total in range(2 * n, inst.bit_bound + 1):
        for sizes in _compositions(total, n):
            for vals in itertools.product(*(rationals_of_size(s) for s in sizes)):
                points += 1
                theta = {k: (vals[2 * i], vals[2 * i + 1]) for i, k in enumerate(keys)}
                if inst.loss(theta) <= inst.gamma:
                    return Enumerated(True, theta, total, points)
    return Enumerated(False, None, None, points)
