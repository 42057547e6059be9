"""Exact interval bounds for the general search: a loss bound before every node is chosen.

Once the nodes at positions ≤ i have value vectors, every later node's value on a sample
lies in an interval: a node with a trainable in-edge anywhere in ``σ(ℝ)`` (its pre-activation
can be anything), a node whose in-edges are all frozen in the image of the interval of
its pre-activation.  The least loss over those intervals bounds the loss of every
completion from below, so a partial choice whose bound exceeds γ is cut.  This is what
lets the search see, right after the first layer of a network whose later layers are
frozen (the data set of Thm 1.4 R2), that a hidden value is already too large.

Intervals are pairs of exact rationals, ``None`` standing for −∞ (left) or +∞ (right).
Images are *closed hulls*: at a jump of a piecewise-linear σ both one-sided values count,
which can only widen the interval, so every bound stays sound.

>>> from ermbit.network.activations import ReLU
>>> from ermbit.exact import Q
>>> act_image(ReLU(), (Q(-2), Q(3))), act_range(ReLU())
((mpq(0,1), mpq(3,1)), (mpq(0,1), None))
>>> affine((Q(0), None), Q(-1), Q(1))          # 1 − r for r ≥ 0
(None, mpq(1,1))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ermbit.exact import Q
from ermbit.network.activations import Activation, Identity, PiecewiseLinear, ReLU
from ermbit.network.erm import Loss
from ermbit.solvers.erm._general_model import affine_form

__all__ = ["Interval", "act_image", "act_range", "affine", "loss_lower_bound", "total"]

Interval = tuple[Any, Any]
EVERYTHING: Interval = (None, None)


def total(parts: Iterable[Interval]) -> Interval:
    """The interval of a sum."""
    lo: Any = Q(0)
    hi: Any = Q(0)
    for a, b in parts:
        lo = None if lo is None or a is None else lo + a
        hi = None if hi is None or b is None else hi + b
    return lo, hi


def affine(iv: Interval, w: Any, b: Any) -> Interval:
    """The interval of ``w·z + b`` for z in ``iv``."""
    lo, hi = iv
    if w == 0:
        return b, b
    if w < 0:
        lo, hi = hi, lo
    return (None if lo is None else w * lo + b), (None if hi is None else w * hi + b)


def act_range(act: Activation) -> Interval:
    """σ(ℝ), or a hull of it."""
    return act_image(act, EVERYTHING)


def act_image(act: Activation, iv: Interval) -> Interval:
    """A closed interval containing σ(z) for every z in ``iv`` (exact when σ is monotone or
    piecewise linear; everything for a non-affine polynomial on a wide interval)."""
    lo, hi = iv
    if lo is not None and lo == hi:
        v = act(lo)
        return v, v
    if isinstance(act, Identity):
        return iv
    if isinstance(act, ReLU):
        return (Q(0) if lo is None or lo < 0 else lo), (None if hi is None else max(hi, Q(0)))
    if isinstance(act, PiecewiseLinear):
        return _piecewise_image(act, iv)
    form = affine_form(act)
    if form is not None:
        return affine(iv, *form)
    return EVERYTHING


def _piecewise_image(act: PiecewiseLinear, iv: Interval) -> Interval:
    """Extremes of a piecewise-linear σ lie at the ends of the interval or at breakpoints;
    at a breakpoint both adjacent pieces count (a jump widens the hull, never narrows)."""
    lo, hi = iv
    pieces = list(zip(act.slopes, act.intercepts, strict=True))
    values: list[Any] = []
    low_inf = high_inf = False
    for end, outer, sign in ((lo, pieces[0], -1), (hi, pieces[-1], 1)):
        if end is not None:
            values.append(act(end))
            continue
        slope, intercept = outer
        if slope == 0:
            values.append(intercept)
        elif slope * sign > 0:
            high_inf = True
        else:
            low_inf = True
    for k, bp in enumerate(act.breakpoints):
        if (lo is None or lo <= bp) and (hi is None or bp <= hi):
            for slope, intercept in (pieces[k], pieces[k + 1]):
                values.append(slope * bp + intercept)
    return (None if low_inf else min(values)), (None if high_inf else max(values))


def _distance(t: Any, iv: Interval) -> Any:
    lo, hi = iv
    if lo is not None and t < lo:
        return lo - t
    if hi is not None and t > hi:
        return t - hi
    return Q(0)


def loss_lower_bound(loss: Loss, given: Mapping[str, Interval], labels: Mapping[str, Any]) -> Any:
    """The least loss of one sample over the given intervals of its nodes (sound; a node
    without one may take any value)."""
    ivs = {v: given.get(v, EVERYTHING) for v in (*labels, loss.node) if v is not None}
    k = loss.kind
    if k == "bit":
        assert loss.node is not None
        lo, hi = ivs[loss.node]
        return loss.value({loss.node: lo}, {}) if lo is not None and lo == hi else Q(0)
    if k == "exact":
        return Q(1) if any(_distance(t, ivs[v]) for v, t in labels.items()) else Q(0)
    if k == "hinge":
        out = Q(0)
        for v, t in labels.items():
            lo, hi = ivs[v]
            best = (hi if t > 0 else lo) if t != 0 else Q(0)  # the end maximising t·ŷ
            if best is not None:
                out += max(Q(0), 1 - t * best)
        return out
    sq = sum((_distance(t, ivs[v]) ** 2 for v, t in labels.items()), Q(0))
    return sq / 2 if k == "half_squared" else sq
