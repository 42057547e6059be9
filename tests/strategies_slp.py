"""Hypothesis strategies for small straight-line programs (used by the SLP tests)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from ermbit.slp import OPS, SLP


@st.composite
def slps(draw: Any, max_gates: int = 8, integer: bool = True, min_gates: int = 0) -> SLP:
    """An SLP with ``min_gates..max_gates`` random gates.

    ``a_0`` is an integer in ``[-4, 4]`` when ``integer``, else a fraction with
    numerator in ``[-5, 5]`` and denominator in ``[1, 6]``.  With 8 gates values stay
    below a few thousand bits.
    """
    if integer:
        a0: Any = draw(st.integers(-4, 4))
    else:
        a0 = Fraction(draw(st.integers(-5, 5)), draw(st.integers(1, 6)))
    n = draw(st.integers(min_gates, max_gates))
    gates = []
    for i in range(1, n + 1):
        op = draw(st.sampled_from(OPS))
        gates.append((op, draw(st.integers(0, i - 1)), draw(st.integers(0, i - 1))))
    return SLP(a0, gates)
