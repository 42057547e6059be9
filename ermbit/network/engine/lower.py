"""Certain sizes: lower bounds that let a pass be refused before it starts.

:meth:`ermbit.network.engine.plan.Plan.forward_bound` is an *upper* bound; it ignores cancellation,
so a
pass over it may still fit (the dynamic engine, :mod:`ermbit.network.engine.dynamic`, then checks
node by
node).  But refusing only when a node is reached would compute everything before it:
for a chain of squarings of 3 that is hundreds of megabits of arithmetic.  Here lower
bounds ``|f^v| >= 2**lo_v`` are propagated with log arithmetic only:

* a sum is at least half its largest term when the other terms' *upper* bounds add up
  to at most that half (``2**lo - 2**U >= 2**(lo-1)`` for ``U <= lo - 1``);
* ``|w·f| >= 2**(lo(w) + lo(f))``; σ gives its own bound
  (:meth:`~ermbit.network.activations.Activation.magnitude_lower_bound`: identity and
  polynomials whose leading term dominates; none for ReLU and piecewise-linear σ).

A rational with ``|q| >= 2**lo``, ``lo >= 0``, has a numerator of at least ``lo + 1`` bits,
so ``size(q) >= lo + 3``: a node whose bound passes the budget certainly does.  Where
cancellation is possible (the gadgets of Lemma 3.1) no bound is claimed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ermbit.exact import Q
from ermbit.network.engine.bits import LogBound, lg, lg_low, lg_sum
from ermbit.network.engine.plan import Plan, XMag

__all__ = ["certain_excess", "lower_bounds"]


def _sum_lower(terms: list[tuple[LogBound, int]]) -> LogBound:
    """Lower log bound of a sum from per-term ``(lower, upper)`` log bounds."""
    known = [(lo, k) for k, (lo, _) in enumerate(terms) if lo is not None]
    if not known:
        return None
    lo, best = max(known)
    rest = lg_sum(up for k, (_, up) in enumerate(terms) if k != best)
    if rest is None:
        return lo
    return lo - 1 if rest <= lo - 1 else None


def _input_lows(xmag: XMag, samples: Sequence[dict[int, Any]]) -> tuple[tuple[int, LogBound], ...]:
    """Per input node, ``lo`` with ``|x_v| >= 2**lo`` in every sample (None if some
    sample has no input there)."""
    out = []
    for v, _ in xmag:
        los = [lg_low(x[v]) if v in x else None for x in samples]
        known = [lo for lo in los if lo is not None]
        out.append((v, min(known) if known and len(known) == len(los) else None))
    return tuple(out)


def lower_bounds(
    plan: Plan, xmag: XMag, samples: Sequence[dict[int, Any]]
) -> tuple[list[LogBound], list[LogBound]]:
    """Per node, ``lo`` with ``|pre_v| >= 2**lo`` (resp. ``|f^v| >= 2**lo``) in every
    sample, or None; ``xmag`` bounds the inputs of all ``samples`` from above."""
    st = plan.st
    _, aval, _ = plan._forward_bound(xmag)
    lgw = plan._logs[0]
    ups = dict(xmag)
    xlo = dict(_input_lows(xmag, samples))
    lo_pre: list[LogBound] = [None] * len(st.ids)
    lo_val: list[LogBound] = [None] * len(st.ids)
    for v in st.order:
        terms: list[tuple[LogBound, int]] = []
        up = ups.get(v)
        if up is not None:
            terms.append((xlo[v], up))
        bias = sum((plan.bs[e] for e in st.ins[v]), Q(0))
        up = lg(bias)
        if up is not None:
            terms.append((lg_low(bias), up))
        for e in st.ins[v]:
            a, wlog = aval[st.esrc[e]], lgw[e]
            if a is not None and wlog is not None:
                low, wlow = lo_val[st.esrc[e]], lg_low(plan.ws[e])
                terms.append((None if low is None or wlow is None else wlow + low, wlog + a))
        lo_pre[v] = lo = _sum_lower(terms)
        if lo is not None and not st.is_source[v]:
            lo = st.acts[v].magnitude_lower_bound(lo)
        lo_val[v] = lo
    return lo_pre, lo_val


def certain_excess(
    plan: Plan, xmag: XMag, samples: Sequence[dict[int, Any]], budget: int
) -> tuple[int, int] | None:
    """``(v, s)`` for the first node ``v`` (in evaluation order) whose pre-activation or
    value certainly has size ``>= s > budget`` in every sample, or None.  The bounds are
    cached on the plan per input profile (repeated passes on alike inputs are common)."""
    key = (xmag, _input_lows(xmag, samples))
    cache = plan.lower_cache
    got = cache.get(key)
    if got is None:
        if len(cache) > 64:
            cache.clear()
        got = cache[key] = lower_bounds(plan, xmag, samples)
    lo_pre, lo_val = got
    for v in plan.st.order:
        for lo in (lo_pre[v], lo_val[v]):
            if lo is not None and lo + 3 > budget:
                return v, lo + 3
    return None
