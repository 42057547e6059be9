"""Exact passes with dynamic denominators (private engine of :mod:`ermbit.network.engine.passes`).

A :class:`~ermbit.network.engine.plan.Plan` fixes every common denominator from θ alone and never
reduces.  With a polynomial σ of degree μ >= 2 and rational weights that denominator
grows like ``D**(μ**depth)`` even when the values are small integers: the SLP networks of
Lemma 3.2 multiply by ``1/D`` after every gadget.  A :class:`DynPlan` pass still carries
integer numerators over one denominator per node shared by the whole batch, but

* a node's denominator is computed from the **actual** denominators of its inputs
  (``den(w_uv)·Dval_u`` over inputs not identically 0, input and bias denominators) --
  their lcm, or ``lcm(den(w))·lcm(Dval_u)`` when that is cheaper to form; and
* where a static denominator would be raised to a power -- the pre-activation of a σ of
  degree >= 2 (forward) and its error ``δ_v = σ'(pre_v)·adj_v`` (backward) -- the common
  factor of the denominator and all the batch's numerators at the node is divided out
  (one reduction per node per batch), so these nodes are in lowest terms over the batch.
  Elsewhere denominators grow only additively, as in piecewise-linear networks, and are
  left alone: reducing every node was measured slower (a node whose denominator differs
  from its neighbours' loses the shared multipliers of its frame) and gains nothing that
  compounds.

Denominators are exponent vectors over a basis of primes, held with what θ precomputes
over that basis by a :class:`~ermbit.network.engine.frame.Frame` (see there): an lcm is
an elementwise max and a reduction needs no gcd of big numbers.

Budget (:class:`~ermbit.network.engine.budget.Meter`): before each step of a node, the
size of its result is bounded from the bit lengths of the reduced numbers that feed it
(and of θ and σ), so no step whose result could exceed the budget is started; past it,
BudgetExceeded names the node.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter, mul
from typing import Any

from ermbit.exact import Q, Z
from ermbit.network.activations import Identity
from ermbit.network.engine.bits import LogBound, _sum_bound, _weighted, lg, vadd, vmax, vscale
from ermbit.network.engine.budget import Meter
from ermbit.network.engine.frame import Frame, Rows, Vec, _bits, _Links
from ermbit.network.engine.structure import Structure

__all__ = ["DynPlan", "Frame", "Meter"]

_ZERO, _ONE = Z(0), Z(1)
_MAX_FRAMES = 32
#: Per sample, the extra terms at some nodes (inputs x_v, or scaled seeds), by node index.
Extras = Sequence[dict[int, Any]]


def _col_bits(rows: Rows, v: int) -> int:
    """``bitlen`` of the largest entry of column ``v`` (loops in C: this runs per node)."""
    return int(max(map(abs, map(itemgetter(v), rows)), default=_ZERO).bit_length())


def _log_of(nbits: int, den_bits: int) -> LogBound:
    """Log bound of ``n/D`` from ``bitlen(n) <= nbits`` and ``bitlen(D) = den_bits``."""
    return None if nbits == 0 else nbits - den_bits + 1


class DynPlan:
    """θ compiled for dynamic-denominator passes (see the module docstring)."""

    def __init__(self, st: Structure, ws: Sequence[Any], bs: Sequence[Any]) -> None:
        self.st, self.ws, self.bs = st, tuple(ws), tuple(bs)
        n = len(st.ids)
        self.ins = [_Links(st.ins[v], st.esrc, self.ws) for v in range(n)]
        self.outs = [_Links(st.outs[v], st.edst, self.ws) for v in range(n)]
        self.bias = [sum((self.bs[e] for e in st.ins[v]), Q(0)) for v in range(n)]
        # σ of non-identity, non-source nodes; None where the value is the pre-activation
        self.acts = [
            None if st.is_source[v] or isinstance(st.acts[v], Identity) else st.acts[v]
            for v in range(n)
        ]
        atoms = {w.denominator for w in self.ws} | {b.denominator for b in self.bias}
        for act in self.acts:
            if act is not None:
                atoms |= {act.denominator_shape[0], act.derivative_denominator_shape[0]}
        self.atoms = atoms
        # where static denominators get raised to a power: the pre-activation (forward)
        # and the error δ_v = σ'(pre_v)·adj_v (backward) of a σ of degree >= 2; elsewhere
        # denominators only grow additively, as in piecewise-linear networks
        self.reducing = [a is not None and a.denominator_shape[1] >= 2 for a in self.acts]
        self._frames: dict[tuple[Any, ...], Frame] = {}
        self._unit: dict[tuple[int, bool], Any] = {}
        self.what = [
            [(lambda v=v, d=d: f"node {st.ids[v]!r} of the {d} pass") for v in range(n)]
            for d in ("forward", "backward")
        ]

    def frame(self, extra: set[Any]) -> Frame:
        """The frame over θ's atoms and ``extra`` (the inputs' denominators)."""
        key = tuple(sorted(extra - self.atoms))
        got = self._frames.get(key)
        if got is None:
            if len(self._frames) >= _MAX_FRAMES:
                self._frames.clear()
            got = self._frames[key] = Frame(self, self.atoms | set(key))
        return got

    def _fn(self, v: int, d: Any, derivative: bool) -> Any:
        act = self.acts[v]
        assert act is not None
        make = act.derivative_numerator_fn if derivative else act.numerator_fn
        if d != 1:
            return make(d)
        got = self._unit.get((v, derivative))
        if got is None:
            got = self._unit[v, derivative] = make(_ONE)
        return got

    def _combine(
        self,
        fr: Frame,
        side: tuple[_Links, tuple[tuple[Vec, ...], Vec, tuple[Any, ...]]],
        v: int,
        rows: Rows,
        vecs: list[Vec],
        bits: list[int],
        extras: Extras,
        biased: bool,
        reduce: bool,
        out: Rows,
        meter: Meter | None,
        what: Callable[[], str],
    ) -> Vec:
        """Column ``v`` of ``out``: ``extra_t (+ bias) + Σ w·rows[t][end]`` over a common
        denominator; returns its (reduced) exponent vector."""
        links, (_, wtop, base) = side
        B, ends = fr.B, links.ends
        xs = [(t, x[v]) for t, x in enumerate(extras) if v in x]
        const = self.bias[v] if biased else None
        cvec = fr.bias[v]
        shared = {vecs[u] for u in ends if bits[u]}
        # a common multiple of every den(w)·Dval_u: W·lcm(Dval_u) (exact when the inputs
        # share one denominator, as in layers); the reduction below removes any excess
        low = fr.add(wtop, shared.pop() if len(shared) == 1 else vmax(shared, B.zero))
        top = low
        if xs or (const and cvec is not None):
            others = {B.exps(q.denominator) for _, q in xs}
            if const and cvec is not None:
                others.add(cvec)
            others.add(low)
            top = vmax(others, B.zero)
        if meter is not None:  # before any number of the size of value(top) is formed
            self._check_sum(fr, links, top, vecs, bits, xs, const, meter, what)
        mults: Sequence[Any]
        if not shared:  # one input denominator (popped above), or none
            r = fr.ratio(top, low) if top is not low else _ONE
            mults = base if r == 1 else [m * r for m in base]
        else:
            rs = {c: fr.ratio(top, fr.add(wtop, c)) for c in shared}
            mults = [m * rs.get(vecs[u], _ZERO) for m, u in zip(base, ends, strict=True)]
        getter = links.getter
        shift = const.numerator * fr.ratio(top, cvec) if const and cvec is not None else _ZERO
        for row, src in zip(out, rows, strict=True):
            row[v] = sum(map(mul, mults, getter(src)), shift) if getter is not None else shift
        for t, q in xs:
            out[t][v] += q.numerator * fr.ratio(top, B.exps(q.denominator))
        return fr.reduce(top, out, v) if reduce else top

    @staticmethod
    def _check_sum(
        fr: Frame,
        links: _Links,
        top: Vec,
        vecs: list[Vec],
        bits: list[int],
        xs: list[tuple[int, Any]],
        const: Any,
        meter: Meter,
        what: Callable[[], str],
    ) -> None:
        pairs = [
            (lw, _log_of(bits[u], fr.exact_bits(vecs[u])))
            for lw, u in zip(links.lws, links.ends, strict=True)
            if bits[u]
        ]
        mags = [_bits(q.numerator) - _bits(q.denominator) + 1 for _, q in xs]  # q != 0
        mag = _sum_bound(
            _weighted(pairs, links.l1), max(mags) if mags else None, lg(const) if const else None
        )
        dbits = fr.B.bits(top)
        body = max(0, links.nbits + dbits) if pairs else 0
        if mag is not None:
            body = max(body, mag + dbits)
        meter.check(1 + body + dbits, what)

    # ------------------------------------------------------------ forward

    def forward(
        self, fr: Frame, samples: Extras, meter: Meter | None
    ) -> tuple[list[Vec], list[Vec], Rows, Rows]:
        """Per node the batch's (reduced) denominator vectors of pre-activations and
        values, and per sample their numerators."""
        st, B = self.st, fr.B
        n, size = len(st.ids), len(samples)
        pres: Rows = [[_ZERO] * n for _ in range(size)]
        vals: Rows = [[_ZERO] * n for _ in range(size)]
        epre, evl, vbits = [B.zero] * n, [B.zero] * n, [0] * n
        for v in st.order:
            what = self.what[0][v]
            side = (self.ins[v], fr.fwd[v])
            ep = self._combine(
                fr, side, v, vals, evl, vbits, samples, True, self.reducing[v], pres, meter, what
            )
            epre[v] = ep
            act = self.acts[v]
            if act is None:
                for p, r in zip(pres, vals, strict=True):
                    r[v] = p[v]
                evl[v] = ep
            else:
                f, fv, k = fr.shape[v]
                if meter is not None:
                    dbits = B.bits(ep)
                    body = act.numerator_bits(_col_bits(pres, v), dbits)
                    meter.check(1 + body + _bits(f) + k * dbits, what)
                fn = self._fn(v, B.value(ep), False)
                for p, r in zip(pres, vals, strict=True):
                    r[v] = fn(p[v])
                evl[v] = vadd(fv, vscale(ep, k))
            vbits[v] = _col_bits(vals, v)
        return epre, evl, pres, vals

    # ------------------------------------------------------------ backward

    def backward(
        self,
        fr: Frame,
        dpre: Sequence[Any],
        epre: Sequence[Vec] | None,
        pres: Rows,
        seeds: Extras,
        meter: Meter | None,
    ) -> tuple[list[Vec], list[Vec], Rows, Rows]:
        """Denominator vectors of ∂L/∂f^v and ∂L/∂pre_v (reduced, shared by the batch) and
        their numerators per sample, for passes with pre-activation numerators ``pres``
        over ``dpre`` (exponent vectors ``epre``, or None for a static pass, whose
        denominators are 1 wherever σ' has a power of the denominator); ``seeds`` must be
        integers (scaled by their common denominator, which the caller keeps aside)."""
        st, B = self.st, fr.B
        n, size = len(st.ids), len(seeds)
        adjs: Rows = [[_ZERO] * n for _ in range(size)]
        errs: Rows = [[_ZERO] * n for _ in range(size)]
        eg, ed, ebits = [B.zero] * n, [B.zero] * n, [0] * n
        for v in reversed(st.order):
            what = self.what[1][v]
            side = (self.outs[v], fr.bwd[v])
            g = self._combine(fr, side, v, errs, ed, ebits, seeds, False, False, adjs, meter, what)
            eg[v] = g
            act = self.acts[v]
            if act is None:
                for a, r in zip(adjs, errs, strict=True):
                    r[v] = a[v]
                ed[v] = g
            else:
                d = dpre[v]
                f, fv, k = fr.dshape[v]
                ev = epre[v] if epre is not None else B.zero
                assert epre is not None or not k or d == 1
                if meter is not None:
                    dbits = _bits(d)
                    body = act.derivative_numerator_bits(_col_bits(pres, v), dbits)
                    body += _col_bits(adjs, v)
                    meter.check(1 + body + B.bits(g) + _bits(f) + k * dbits, what)
                fn = self._fn(v, d, True)
                for p, a, r in zip(pres, adjs, errs, strict=True):
                    r[v] = fn(p[v]) * a[v] if a[v] else _ZERO
                ed[v] = vadd(g, vadd(fv, vscale(ev, k)))
                if self.reducing[v]:
                    ed[v] = fr.reduce(ed[v], errs, v)
            ebits[v] = _col_bits(errs, v)
        return eg, ed, adjs, errs
