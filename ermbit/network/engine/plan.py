"""Compiled evaluation plans for exact passes (private engine of
:mod:`ermbit.network.engine.passes`).

A :class:`Plan` fixes θ and the denominators of the inputs.  For every node ``v`` it
fixes a denominator ``Dpre_v`` of the pre-activation -- the lcm of ``den(w_uv)·Dval_u``,
``den(b_uv)`` and ``den(x_v)`` -- and ``Dval_v = f·Dpre_v**k`` of the value, with
``(f, k)`` the activation's ``denominator_shape``.  A pass then carries only numerators:
an edge adds ``M_uv·P_u`` with the integer ``M_uv = num(w_uv)·Dpre_v/(den(w_uv)·Dval_u)``.
Backward, ``G_v`` (denominator of ∂L/∂f^v) is the lcm of ``den(w_vw)·Δ_w`` and
``Δ_v = G_v·f'·Dpre_v**k'`` (of ∂L/∂pre_v); all backward values are further divided by
``S``, the lcm of the seeds' denominators, which keeps the plan independent of the seeds.

Denominators are exponent vectors over a coprime basis
(:class:`ermbit.network.engine.bits.DenBasis`),
so building them and bounding their bit lengths costs no big arithmetic; size bounds use
log bounds on magnitudes.  The stages are lazy: a refused pass computes no big number.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from operator import mul
from typing import Any

from ermbit.exact import Q, Z
from ermbit.network.activations import Identity
from ermbit.network.engine.bits import (
    DenBasis,
    LogBound,
    _sum_bound,
    _weighted,
    lg,
    size_bound,
    vadd,
    vmax,
    vscale,
    vsub,
)
from ermbit.network.engine.budget import check_budget
from ermbit.network.engine.structure import Structure, _getter

__all__ = ["Plan", "Structure", "check_budget"]

_ZERO = Z(0)
_Vec = tuple[int, ...]
XMag = tuple[tuple[int, LogBound], ...]


class Plan:
    """θ and input denominators fixed (see the module docstring).

    ``xden`` maps node index -> a positive integer that every input denominator at that
    node divides.
    """

    def __init__(
        self, st: Structure, ws: Sequence[Any], bs: Sequence[Any], xden: dict[int, Any]
    ) -> None:
        self.st, self.ws, self.bs, self.xden = st, tuple(ws), tuple(bs), dict(xden)
        atoms = {w.denominator for w in self.ws} | {b.denominator for b in self.bs}
        atoms |= set(self.xden.values())
        for act in set(st.acts):
            atoms |= {act.denominator_shape[0], act.derivative_denominator_shape[0]}
        self.basis = B = DenBasis(atoms)
        self.ewd = [B.exps(w.denominator) for w in self.ws] if B.base else [B.zero] * len(ws)
        self.ebd = [B.exps(b.denominator) for b in self.bs] if B.base else [B.zero] * len(bs)
        self._sums: dict[tuple[_Vec, _Vec], _Vec] = {}
        self._ratios: dict[tuple[_Vec, _Vec], Any] = {}
        self.epre, self.eval = self._forward_vectors()
        #: Whether some σ of degree k >= 2 gets a pre-activation denominator other than 1:
        #: only then do the static denominators grow multiplicatively (like D**(k**depth)),
        #: and passes reduce dynamically instead (:mod:`ermbit.network.engine.dynamic`).
        self.compounding = any(
            self.epre[v] != B.zero and st.acts[v].denominator_shape[1] >= 2
            for v in range(len(st.ids))
            if not st.is_source[v]
        )
        self._fbounds: dict[XMag, tuple[list[LogBound], list[LogBound], int]] = {}
        self._bbounds: dict[Any, tuple[int, int]] = {}
        self._ebounds: dict[Any, tuple[int, int, list[LogBound], list[int]]] = {}
        #: The same θ compiled for dynamic denominators, when a backward pass needs it.
        self.dynamic_twin: Any = None
        #: Lower bounds of :mod:`ermbit.network.engine.lower`, per input profile.
        self.lower_cache: dict[Any, Any] = {}

    # ------------------------------------------------------------ denominators

    def _add(self, a: _Vec, b: _Vec) -> _Vec:
        key = (a, b)
        got = self._sums.get(key)
        if got is None:
            got = self._sums[key] = vadd(a, b)
        return got

    def _ratio(self, top: _Vec, low: _Vec) -> Any:
        """The integer ``value(top) / value(low)`` (``low <= top`` elementwise)."""
        key = (top, low)
        got = self._ratios.get(key)
        if got is None:
            got = self._ratios[key] = self.basis.value(vsub(top, low))
        return got

    def _forward_vectors(self) -> tuple[list[_Vec], list[_Vec]]:
        st, B, zero = self.st, self.basis, self.basis.zero
        n = len(st.ids)
        if not zero:
            return [zero] * n, [zero] * n
        epre, evl = [zero] * n, [zero] * n
        for v in st.order:
            vecs = {B.exps(self.xden[v])} if v in self.xden else set()
            for e in st.ins[v]:
                if self.ws[e]:
                    vecs.add(self._add(self.ewd[e], evl[st.esrc[e]]))
                if self.bs[e]:
                    vecs.add(self.ebd[e])
            epre[v] = ep = vmax(vecs, zero)
            if st.is_source[v]:
                evl[v] = ep
            else:
                f, k = st.acts[v].denominator_shape
                evl[v] = vadd(B.exps(f), vscale(ep, k))
        return epre, evl

    @cached_property
    def backward_vectors(self) -> tuple[list[_Vec], list[_Vec]]:
        """Exponent vectors of ``G_v`` and ``Δ_v``."""
        st, B, zero = self.st, self.basis, self.basis.zero
        n = len(st.ids)
        if not zero:
            return [zero] * n, [zero] * n
        eg, ed = [zero] * n, [zero] * n
        for v in reversed(st.order):
            vecs = {self._add(self.ewd[e], ed[st.edst[e]]) for e in st.outs[v] if self.ws[e]}
            eg[v] = g = vmax(vecs, zero)
            if st.is_source[v]:
                ed[v] = g
            else:
                f, k = st.acts[v].derivative_denominator_shape
                ed[v] = vadd(g, vadd(B.exps(f), vscale(self.epre[v], k)))
        return eg, ed

    # ------------------------------------------------------------ size bounds

    @cached_property
    def _logs(self) -> tuple[list[LogBound], list[LogBound], list[LogBound], list[LogBound]]:
        """log bounds of every |w_e|, and per node of Σ_in |w|, Σ_in |b| and Σ_out |w|."""
        st = self.st
        memo: dict[Any, LogBound] = {}
        lgw = [memo[w] if w in memo else memo.setdefault(w, lg(w)) for w in self.ws]

        def l1(edges: Sequence[int], vals: Sequence[Any]) -> LogBound:
            return lg(sum(map(abs, map(vals.__getitem__, edges)), Q(0)))

        nodes = range(len(st.ids))
        return (
            lgw,
            [l1(st.ins[v], self.ws) for v in nodes],
            [l1(st.ins[v], self.bs) for v in nodes],
            [l1(st.outs[v], self.ws) for v in nodes],
        )

    def forward_bound(self, xmag: XMag) -> int:
        """Bound on the size of every pre-activation and value when ``|x_v| <= 2**a_v``
        for the pairs ``(v, a_v)`` of ``xmag`` (and ``x_v = 0`` elsewhere)."""
        return self._forward_bound(xmag)[2]

    def _forward_bound(self, xmag: XMag) -> tuple[list[LogBound], list[LogBound], int]:
        got = self._fbounds.get(xmag)
        if got is not None:
            return got
        st, B = self.st, self.basis
        lgw, in_w, in_b, _ = self._logs
        mags = dict(xmag)
        n = len(st.ids)
        apre: list[LogBound] = [None] * n
        aval: list[LogBound] = [None] * n
        worst = 0
        for v in st.order:
            pairs = [(lgw[e], aval[st.esrc[e]]) for e in st.ins[v]]
            apre[v] = a = _sum_bound(mags.get(v), _weighted(pairs, in_w[v]), in_b[v])
            aval[v] = a if st.is_source[v] else st.acts[v].magnitude_bound(a)
            worst = max(
                worst,
                size_bound(a, B.bits(self.epre[v])),
                size_bound(aval[v], B.bits(self.eval[v])),
            )
        self._fbounds[xmag] = out = (apre, aval, worst)
        return out

    def backward_bound(self, xmag: XMag, seeded: frozenset[int]) -> tuple[int, int]:
        """``(X, Y)`` such that, with seeds of magnitude ``<= 2**s`` at the nodes
        ``seeded`` (denominators dividing ``S``), every backward value -- ∂L/∂f^v,
        ∂L/∂pre_v, and ``dw`` entries -- has size at most
        ``1 + max(0, X + s + bitlen(S)) + Y + bitlen(S)``; add ``ceil(log2 n)`` to ``s``
        for sums over ``n`` samples."""
        key = (xmag, seeded)
        got = self._bbounds.get(key)
        if got is None:
            # σ' of a piecewise-linear σ is bounded whatever the input, so the O(|E|)
            # part is shared by all input magnitudes
            curved = xmag if self.st.curved else None
            x, y, out_best, out_bits = self._errors_bound(curved, seeded)
            _, aval, _ = self._forward_bound(xmag)
            for u, a in enumerate(aval):
                best = out_best[u]
                if a is not None and best is not None:
                    x = max(x, a + self.basis.bits(self.eval[u]) + best)
                y = max(y, self.basis.bits(self.eval[u]) + out_bits[u])
            got = self._bbounds[key] = (x, y)
        return got

    def _errors_bound(
        self, xmag: XMag | None, seeded: frozenset[int]
    ) -> tuple[int, int, list[LogBound], list[int]]:
        """Bounds on ∂L/∂f^v and ∂L/∂pre_v (as ``(X, Y)``), and per node ``u`` the largest
        ``log|δ_v| + bits(Δ_v)`` and ``bits(Δ_v)`` over its out-edges (for ``dw``)."""
        got = self._ebounds.get((xmag, seeded))
        if got is None:
            got = self._ebounds[xmag, seeded] = self._compute_errors_bound(xmag, seeded)
        return got

    def _compute_errors_bound(
        self, xmag: XMag | None, seeded: frozenset[int]
    ) -> tuple[int, int, list[LogBound], list[int]]:
        st, B = self.st, self.basis
        apre = self._forward_bound(xmag)[0] if xmag is not None else [None] * len(st.ids)
        lgw, _, _, out_w = self._logs
        eg, ed = self.backward_vectors
        n = len(st.ids)
        ad: list[LogBound] = [None] * n
        out_best: list[LogBound] = [None] * n
        out_bits = [0] * n
        x, y = 0, 1
        for v in reversed(st.order):
            outs = st.outs[v]
            ag = _sum_bound(
                0 if v in seeded else None,
                _weighted([(lgw[e], ad[st.edst[e]]) for e in outs], out_w[v]),
            )
            if st.is_source[v]:
                ad[v] = ag
            else:
                dmag = st.acts[v].derivative_magnitude_bound(apre[v])
                ad[v] = None if ag is None or dmag is None else ag + dmag
            gbits, dbits = B.bits(eg[v]), B.bits(ed[v])
            y = max(y, gbits, dbits)
            for a, bits in ((ag, gbits), (ad[v], dbits)):
                if a is not None:
                    x = max(x, a + bits)
            tops = [(ad[w], B.bits(ed[w])) for w in map(st.edst.__getitem__, outs)]
            out_bits[v] = max((b for _, b in tops), default=0)
            out_best[v] = max((a + b for a, b in tops if a is not None), default=None)
        return x, y, out_best, out_bits

    # ------------------------------------------------------------ materialised

    @cached_property
    def dens(self) -> tuple[list[Any], list[Any]]:
        """The integers ``Dpre_v`` and ``Dval_v``."""
        value = self.basis.value
        return [value(e) for e in self.epre], [value(e) for e in self.eval]

    def _mult(self, e: int, top: _Vec, low: _Vec) -> Any:
        """``num(w_e)·den(top)/(den(w_e)·den(low))`` as an integer."""
        w = self.ws[e]
        if not top:
            return w.numerator
        return w.numerator * self.basis.scale(w.denominator) * self._ratio(top, low)

    def _scaled(self, fn: Any, factor: Any) -> Any:
        """``fn`` with its result moved from over ``factor·d**k`` to over the plan's
        denominator (a no-op unless the basis is pooled)."""
        sc = self.basis.scale(factor)
        return fn if sc == 1 else (lambda p: fn(p) * sc)

    @cached_property
    def forward_steps(self) -> list[tuple[int, Any, tuple[Any, ...], Any, Any]]:
        """Per node in order: ``(v, getter, multipliers, bias constant, σ numerator map)``."""
        st, ws, bs, sc = self.st, self.ws, self.bs, self.basis.scale
        dpre, _ = self.dens
        steps = []
        for v in st.order:
            live = [e for e in st.ins[v] if ws[e]]
            idx = [st.esrc[e] for e in live]
            top = self.epre[v]
            if top:
                mults = [
                    self._mult(e, top, self._add(self.ewd[e], self.eval[u]))
                    for e, u in zip(live, idx, strict=True)
                ]
                const = sum(
                    (
                        bs[e].numerator * sc(bs[e].denominator) * self._ratio(top, self.ebd[e])
                        for e in st.ins[v]
                        if bs[e]
                    ),
                    _ZERO,
                )
            else:  # every denominator is 1
                mults = [ws[e].numerator for e in live]
                const = sum((bs[e].numerator for e in st.ins[v] if bs[e]), _ZERO)
            fn = None
            if not st.is_source[v]:
                act = st.acts[v]
                fn = self._scaled(act.numerator_fn(dpre[v]), act.denominator_shape[0])
            steps.append((v, _getter(idx), tuple(mults), const, fn))
        return steps

    @cached_property
    def backward_steps(self) -> list[tuple[int, Any, tuple[Any, ...], Any]]:
        """Per node in reverse order: ``(v, getter, multipliers, σ' numerator map)``."""
        st, ws = self.st, self.ws
        dpre, _ = self.dens
        eg, ed = self.backward_vectors
        steps = []
        for v in reversed(st.order):
            live = [e for e in st.outs[v] if ws[e]]
            idx = [st.edst[e] for e in live]
            top = eg[v]
            if top:
                pairs = zip(live, idx, strict=True)
                mults = [self._mult(e, top, self._add(self.ewd[e], ed[w])) for e, w in pairs]
            else:
                mults = [ws[e].numerator for e in live]
            act = st.acts[v]
            dfn = None
            if not st.is_source[v] and not isinstance(act, Identity):
                fn = act.derivative_numerator_fn(dpre[v])
                dfn = self._scaled(fn, act.derivative_denominator_shape[0])
            steps.append((v, _getter(idx), tuple(mults), dfn))
        return steps

    @cached_property
    def backward_dens(self) -> tuple[list[Any], list[Any]]:
        """The integers ``G_v`` and ``Δ_v``."""
        eg, ed = self.backward_vectors
        value = self.basis.value
        return [value(e) for e in eg], [value(e) for e in ed]

    # ------------------------------------------------------------ kernels

    def run_forward(self, xterms: dict[int, Any]) -> tuple[list[Any], list[Any]]:
        """Numerators of every pre-activation and value; ``xterms[v] = x_v·Dpre_v``."""
        n = len(self.st.ids)
        pre, val = [_ZERO] * n, [_ZERO] * n
        for v, getter, mults, const, fn in self.forward_steps:
            acc = const
            t = xterms.get(v)
            if t is not None:
                acc = acc + t
            if getter is not None:
                acc = sum(map(mul, mults, getter(val)), acc)
            pre[v] = acc
            val[v] = acc if fn is None else fn(acc)
        return pre, val

    def run_backward(
        self, pre: list[Any], seedterms: dict[int, Any]
    ) -> tuple[list[Any], list[Any]]:
        """Numerators of ∂L/∂f^v (over ``G_v·S``) and ∂L/∂pre_v (over ``Δ_v·S``);
        ``seedterms[v] = seed_v·G_v·S``."""
        n = len(self.st.ids)
        adj, err = [_ZERO] * n, [_ZERO] * n
        for v, getter, mults, dfn in self.backward_steps:
            acc = seedterms.get(v, _ZERO)
            if getter is not None:
                acc = sum(map(mul, mults, getter(err)), acc)
            adj[v] = acc
            err[v] = acc if dfn is None else dfn(pre[v]) * acc
        return adj, err
