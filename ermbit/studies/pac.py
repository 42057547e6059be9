"""Thm 1.6: PAC sample complexity in the real and in the bit model (docs: results.md).

Hypotheses ``h_c(x) = 2^(−q)·⌊c·x·2^q⌋`` with ``c ∈ [0, 1)`` on the domain
``{2^0, 2^1, …, 2^q}`` under the uniform distribution.  ``h_c(2^i)`` reads the first
``i + q`` bits of c, so two parameters that differ only in bit ``2q`` (the ``2^(−2q)``
place) agree on every point but ``2^q``: their error is ``1/(q+1)``.  A learner that must
reach error ``ε < 1/(q+1)`` with probability ``1 − δ`` has to tell them apart, i.e. see
the point ``2^q`` at least once; m samples miss it with probability ``(q/(q+1))^m``, so

    m ≥ min { m : (q/(q+1))^m ≤ 2δ } ≈ q·ln(1/2δ).

In the real model the same class is ``x ↦ c·x`` without the rounding; a single sample
``(x, y)`` with ``x ≠ 0`` gives ``c = y/x``: O(1) samples, whatever q.

Everything that decides is exact (rationals); the ``q·ln(1/2δ)`` column is a float for
display only, labelled as such.

>>> p = adversarial_pair(3)
>>> [x for x in domain(3) if h(p[0], x, 3) != h(p[1], x, 3)]
[8]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ermbit import exact
from ermbit.errors import InputError

__all__ = ["PacRow", "adversarial_pair", "domain", "h", "min_samples", "table"]


def domain(q: int) -> list[int]:
    """The points ``2^0, …, 2^q``."""
    if q < 1:
        raise InputError(f"q: must be >= 1, got {q}")
    return [1 << i for i in range(q + 1)]


def h(c: exact.RationalLike, x: int, q: int) -> exact.Rational:
    """``h_c(x) = 2^(−q)·⌊c·x·2^q⌋`` (exact)."""
    c = exact.parse(c, name="c")
    t = c * x * (1 << q)
    return exact.Q(t.numerator // t.denominator, 1 << q)


def adversarial_pair(q: int, *, seed_bits: int = 0b1011) -> tuple[exact.Rational, exact.Rational]:
    """Two parameters in [0, 1) that differ only in bit 2q (value ``2^(−2q)``).

    ``seed_bits`` fills the first bits of c so that the pair is not trivially 0.
    """
    domain(q)
    c = exact.Q(seed_bits % (1 << (2 * q - 1)), 1 << (2 * q - 1))  # bits 1..2q−1 only
    return c, c + exact.Q(1, 1 << (2 * q))


def min_samples(q: int, delta: exact.RationalLike) -> int:
    """Least m with ``(q/(q+1))^m ≤ 2δ``, decided in exact arithmetic."""
    delta = exact.parse(delta, name="delta")
    if not 0 < delta < exact.Q(1, 2):
        raise InputError(f"delta: must lie in (0, 1/2), got {exact.fmt(delta)}")
    ratio, m, miss = exact.Q(q, q + 1), 0, exact.Q(1)
    while miss > 2 * delta:
        miss *= ratio
        m += 1
    return m


@dataclass(frozen=True)
class PacRow:
    """One line of the table: q, the disagreement set of the pair, and the sample counts."""

    q: int
    disagreements: int
    error: Any
    bit_model_samples: int
    estimate_float: float
    real_model_samples: int


def table(qs: list[int], delta: exact.RationalLike = "1/10") -> list[PacRow]:
    """The demonstration for each q: exact disagreement count, exact minimum m."""
    rows = []
    d = exact.parse(delta, name="delta")
    if not 0 < d < exact.Q(1, 2):  # checked first: the float estimate divides by 2δ
        raise InputError(f"delta: must lie in (0, 1/2), got {exact.fmt(d)}")
    for q in qs:
        c1, c2 = adversarial_pair(q)
        pts = domain(q)
        dis = sum(h(c1, x, q) != h(c2, x, q) for x in pts)
        est = q * math.log(1 / (2 * float(d)))  # float: display only
        rows.append(PacRow(q, dis, exact.Q(dis, len(pts)), min_samples(q, d), est, 1))
    return rows
