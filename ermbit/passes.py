"""Exact forward and backward passes: the :class:`Pass` and :class:`Grad` results.

Made by :meth:`ermbit.network.Network.forward` and :meth:`~ermbit.network.Network.backward`
(and their ``_batch`` forms); use those.  Values are computed as integer numerators over
common denominators fixed by a compiled plan (:mod:`ermbit._plan`): no gcd is taken per
operation, only when a value is asked for as an ``mpq`` (lazily, then cached).  Before
any big arithmetic, sizes are bounded from bit lengths only and a pass whose bound
exceeds ``budget_bits`` raises :class:`~ermbit.errors.BudgetExceeded`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from operator import mul
from typing import TYPE_CHECKING, Any, NamedTuple

from ermbit._bits import LogBound, lg
from ermbit._plan import Plan, check_budget
from ermbit.exact import Q, Z, bitlen, ceil_log2, lcm, size

if TYPE_CHECKING:
    from ermbit.network import Network

__all__ = [
    "DEFAULT_BUDGET_BITS",
    "Grad",
    "NodeSizes",
    "Pass",
    "backward_many",
    "forward_many",
    "merge_xmag",
]

#: Default size budget (bits of the largest numerator plus denominator) of one pass.
DEFAULT_BUDGET_BITS = 1 << 28
_ZERO = Z(0)


class NodeSizes(NamedTuple):
    """SPEC §2 sizes of a node's pre-activation and value (in lowest terms)."""

    pre: int
    value: int


# ---------------------------------------------------------------------- results


def _q(num: Any, den: Any) -> Any:
    return Q(num, den) if den != 1 else Q(num)


class Pass:
    """One exact forward pass (SPEC §3.3); made by :meth:`ermbit.network.Network.forward`.

    Numerators are kept as integers over the plan's common denominators; the rational
    views below are computed (and cached) on first access.

    Attributes
    ----------
    network : Network
        The network evaluated (its structure; θ may have been overridden, see ``theta``).
    predicted_bits : int or None
        The size bound checked against the budget before the pass (None without budget).
    """

    def __init__(
        self,
        network: Network,
        plan: Plan,
        xmag: tuple[tuple[int, LogBound], ...],
        pre: list[Any],
        val: list[Any],
        predicted_bits: int | None,
    ) -> None:
        self.network = network
        self.plan = plan
        self.xmag = xmag
        self.pre_nums = pre
        self.val_nums = val
        self.predicted_bits = predicted_bits

    def value(self, node: str) -> Any:
        """f^v(x) for one node, as an ``mpq``."""
        v = self.network.index(node)
        return _q(self.val_nums[v], self.plan.dens[1][v])

    @property
    def output(self) -> tuple[Any, ...]:
        """Values at ``network.outputs``, in that order."""
        return tuple(self.value(o) for o in self.network.outputs)

    @cached_property
    def values(self) -> dict[str, Any]:
        """f^v(x) for every node."""
        dval = self.plan.dens[1]
        return {i: _q(n, d) for i, n, d in zip(self.plan.st.ids, self.val_nums, dval, strict=True)}

    @cached_property
    def pre(self) -> dict[str, Any]:
        """Pre-activations ``x_v + Σ (w_uv f^u + b_uv)``; equal to the value at sources."""
        dpre = self.plan.dens[0]
        return {i: _q(n, d) for i, n, d in zip(self.plan.st.ids, self.pre_nums, dpre, strict=True)}

    @cached_property
    def sizes(self) -> dict[str, NodeSizes]:
        """SPEC §2 size of every pre-activation and value, in lowest terms."""
        return {i: NodeSizes(size(self.pre[i]), size(self.values[i])) for i in self.plan.st.ids}

    @property
    def max_value_bits(self) -> int:
        """The largest size of any pre-activation or value of this pass."""
        return max((max(s) for s in self.sizes.values()), default=0)

    @property
    def theta(self) -> dict[tuple[str, str], tuple[Any, Any]]:
        """The parameters this pass used, ``(src, dst) -> (w, b)``."""
        st = self.plan.st
        return {
            (st.ids[st.esrc[e]], st.ids[st.edst[e]]): (self.plan.ws[e], self.plan.bs[e])
            for e in range(len(st.esrc))
        }


class Grad:
    """Exact reverse-mode derivatives of ``L = Σ_samples Σ_v seed_v·f^v``.

    Made by :meth:`ermbit.network.Network.backward` (one sample) or ``backward_batch``
    (summed over samples).  Rational views are computed on first access.

    Attributes
    ----------
    num_samples : int
        How many passes were summed.
    predicted_bits : int or None
        The size bound checked against the budget (None without budget).
    """

    def __init__(self, network: Network, groups: list[Any], predicted_bits: int | None) -> None:
        self.network = network
        self._groups = groups  # [(plan, S, [(pass, adj, err), ...]), ...]
        self.num_samples = sum(len(g[2]) for g in groups)
        self.predicted_bits = predicted_bits

    def _node_sums(self, which: int) -> dict[str, Any]:
        st = self.network._structure
        out = {i: Q(0) for i in st.ids}
        for plan, s, rows in self._groups:
            dens = plan.backward_dens[0] if which == 1 else plan.backward_dens[1]
            for v, i in enumerate(st.ids):
                total = sum((r[which][v] for r in rows), _ZERO)
                if total:
                    out[i] += Q(total, dens[v] * s)
        return out

    @cached_property
    def errors(self) -> dict[str, Any]:
        """∂L/∂pre_v for every node (at a source: ∂L/∂x_s), summed over samples."""
        return self._node_sums(2)

    @cached_property
    def adjoints(self) -> dict[str, Any]:
        """∂L/∂f^v for every node, summed over samples."""
        return self._node_sums(1)

    @cached_property
    def dw(self) -> dict[tuple[str, str], Any]:
        """∂L/∂w_uv for every edge (frozen edges included): Σ_samples δ_v·f^u."""
        keys = [e.key for e in self.network.edges]
        parts = [self._group_dw(group) for group in self._groups]
        if len(parts) == 1:
            return dict(zip(keys, parts[0], strict=True))
        return {k: sum(col, Q(0)) for k, col in zip(keys, zip(*parts, strict=True), strict=True)}

    @staticmethod
    def _group_dw(group: Any) -> list[Any]:
        plan, s, rows = group
        st = plan.st
        if len(rows) == 1:
            # δ_v and f^u reduced once per node; mpq's product then only needs the two
            # small cross gcds, where reducing δ·f from scratch would redo a big one
            pass_, err = rows[0][0], rows[0][2]
            ddel = plan.backward_dens[1]
            deltas = [_q(n, d * s) for n, d in zip(err, ddel, strict=True)]
            vals = [_q(n, d) for n, d in zip(pass_.val_nums, plan.dens[1], strict=True)]
            return list(map(mul, map(deltas.__getitem__, st.edst), map(vals.__getitem__, st.esrc)))
        dval = plan.dens[1]
        dd = [d * s for d in plan.backward_dens[1]]
        nums = (
            sum(r[2][v] * r[0].val_nums[u] for r in rows)
            for u, v in zip(st.esrc, st.edst, strict=True)
        )
        dens = map(mul, map(dd.__getitem__, st.edst), map(dval.__getitem__, st.esrc))
        return list(map(Q, nums, dens))

    @cached_property
    def db(self) -> dict[tuple[str, str], Any]:
        """∂L/∂b_uv for every edge: δ_v (the same for every edge into ``v``)."""
        st = self.network._structure
        err = self.errors
        return {
            (st.ids[u], st.ids[v]): err[st.ids[v]] for u, v in zip(st.esrc, st.edst, strict=True)
        }

    @cached_property
    def max_bits(self) -> int:
        """Largest size of any backward value: per sample ∂L/∂f^v and ∂L/∂pre_v, and the
        entries of ``dw`` and ``db``."""
        best = 0
        for plan, s, rows in self._groups:
            gden, dden = plan.backward_dens
            for _p, adj, err in rows:
                for v in range(len(adj)):
                    best = max(best, size(_q(adj[v], gden[v] * s)), size(_q(err[v], dden[v] * s)))
        entries = list(self.dw.values()) + list(self.errors.values())
        return max([best, *map(size, entries)])


def forward_many(
    network: Network,
    plan: Plan,
    samples: Sequence[dict[int, Any]],
    xmag: tuple[tuple[int, LogBound], ...],
    budget_bits: int | None,
) -> list[Pass]:
    """Run ``plan`` on inputs ``{node index: mpq}`` whose magnitudes are bounded by ``xmag``."""
    predicted = None
    if budget_bits is not None:
        predicted = plan.forward_bound(xmag)
        check_budget("the forward pass", predicted, budget_bits)
    dpre = plan.dens[0]
    out = []
    for x in samples:
        xterms = {v: q.numerator * (dpre[v] // q.denominator) for v, q in x.items()}
        pre, val = plan.run_forward(xterms)
        out.append(Pass(network, plan, xmag, pre, val, predicted))
    return out


def merge_xmag(
    keys: Sequence[tuple[tuple[int, LogBound], ...]],
) -> tuple[tuple[int, LogBound], ...]:
    """Elementwise maximum of magnitude profiles (a bound valid for every sample)."""
    out: dict[int, int] = {}
    for key in keys:
        for v, a in key:
            if a is not None:
                out[v] = max(out.get(v, a), a)
    return tuple(sorted(out.items()))


def backward_many(
    network: Network,
    passes: Sequence[Pass],
    seeds: Sequence[dict[int, Any]],
    budget_bits: int | None,
) -> Grad:
    """Reverse mode for every ``(pass, seed)``, summed; passes are grouped by plan."""
    groups: dict[int, tuple[Plan, list[int]]] = {}
    for t, p in enumerate(passes):
        groups.setdefault(id(p.plan), (p.plan, []))[1].append(t)
    done = []
    predicted = None
    for plan, members in groups.values():
        s = Z(1)
        for t in members:
            for q in seeds[t].values():
                s = lcm(s, q.denominator)
        if budget_bits is not None:
            bound = _backward_prediction(
                plan, [passes[t] for t in members], [seeds[t] for t in members], s
            )
            predicted = max(predicted or 0, bound)
            check_budget("the backward pass", bound, budget_bits)
        gden = plan.backward_dens[0]
        rows = []
        for t in members:
            terms = {v: q.numerator * (s // q.denominator) * gden[v] for v, q in seeds[t].items()}
            adj, err = plan.run_backward(passes[t].pre_nums, terms)
            rows.append((passes[t], adj, err))
        done.append((plan, s, rows))
    return Grad(network, done, predicted)


def _backward_prediction(
    plan: Plan, passes: Sequence[Pass], seeds: Sequence[dict[int, Any]], s: Any
) -> int:
    seeded = frozenset(v for seed in seeds for v in seed)
    x, y = plan.backward_bound(merge_xmag([p.xmag for p in passes]), seeded)
    mags = [lg(q) for seed in seeds for q in seed.values()]
    top = max((m for m in mags if m is not None), default=0) + ceil_log2(max(1, len(passes)))
    bs = bitlen(s)
    return 1 + max(0, x + top + bs) + y + bs
