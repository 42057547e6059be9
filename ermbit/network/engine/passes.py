"""Exact forward and backward passes: the :class:`Pass` and :class:`Grad` results.

Made by :meth:`ermbit.network.model.Network.forward` and
:meth:`~ermbit.network.model.Network.backward`
(and their ``_batch`` forms); use those.  Values are integer numerators over one common
denominator per node, shared by a batch, computed by one of two engines:

* **static** (:mod:`ermbit.network.engine.plan`): denominators fixed by θ and the input
denominators,
  never reduced -- no gcd at all.  Used when those denominators do not compound
  (piecewise-linear networks, integer ones, ...), or compound but stay small;
* **dynamic** (:mod:`ermbit.network.engine.dynamic`): each node's denominator follows from the
actual
  denominators of its inputs, and the pre-activations of σ of degree >= 2 are reduced
  per node.  Used where static denominators would grow like ``D**(μ**depth)`` (rational
  weights into polynomial σ, as in the SLP networks of Lemma 3.2, whose values are
  integers).

Budgets (``budget_bits``; None disables every check), forward:

1. the static upper bound (:meth:`~ermbit.network.model.Network.predict_bits`, which ignores
   cancellation) fits: run, with ``predicted_bits`` that bound;
2. otherwise, if some node *certainly* exceeds the budget (:mod:`ermbit.network.engine.lower`),
refuse
   at once, before any arithmetic (``predicted`` is the static bound);
3. otherwise run the dynamic engine, which bounds every node from the actual sizes of
   its inputs before computing it and refuses at the first node over the budget;
   ``predicted_bits`` is then the largest bound it checked.

Backward (:mod:`ermbit.network.engine.backward`) does 1 and 3 with the static backward bound.
Either
way no arithmetic step is started whose result could exceed the budget.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from operator import mul
from typing import TYPE_CHECKING, Any, NamedTuple

from ermbit.errors import BudgetExceeded
from ermbit.exact import Q, Z, size
from ermbit.network.engine.bits import LogBound
from ermbit.network.engine.dynamic import DynPlan, Frame, Meter
from ermbit.network.engine.lower import certain_excess
from ermbit.network.engine.plan import Plan

if TYPE_CHECKING:
    from ermbit.network.model import Network

__all__ = [
    "Grad",
    "NodeSizes",
    "Pass",
    "forward_many",
    "merge_xmag",
]

#: Up to this static bound (bits) the static engine is used even where its denominators
#: compound: they then cost little, while the dynamic engine's bookkeeping costs some
#: microseconds per node.  Measured crossover: about 10^5 bits on Lemma 3.2 networks
#: (where the static bound is far above the true sizes); layered z² networks with
#: rational weights (nothing cancels) run 1.5-3 times slower dynamically around it.
STATIC_UP_TO = 1 << 18
_ZERO = Z(0)
XMag = tuple[tuple[int, LogBound], ...]


class NodeSizes(NamedTuple):
    """docs: model.md sizes of a node's pre-activation and value (in lowest terms)."""

    pre: int
    value: int


# ---------------------------------------------------------------------- results


def _q(num: Any, den: Any) -> Any:
    return Q(num, den) if den != 1 else Q(num)


class Pass:
    """One exact forward pass (paper §2); made by :meth:`ermbit.network.model.Network.forward`.

    Numerators are kept as integers over per-node denominators shared by the batch; the
    rational views below are computed (and cached) on first access.

    Attributes
    ----------
    network : Network
        The network evaluated (its structure; θ may have been overridden, see ``theta``).
    predicted_bits : int or None
        The size bound checked against the budget (None without budget): the static
        bound of :meth:`~ermbit.network.model.Network.predict_bits` when it fits the budget,
        else the largest per-node bound of the incremental checks.  Every pre-activation
        and value of the pass has at most this size.
    """

    def __init__(
        self,
        network: Network,
        plan: Plan | DynPlan,
        xmag: XMag,
        nums: tuple[list[Any], list[Any]],
        dens: tuple[list[Any], list[Any]],
        predicted_bits: int | None,
        bound_plan: Plan | None = None,
        vecs: tuple[Frame, list[Any]] | None = None,
        inputs: dict[int, Any] | None = None,
    ) -> None:
        self.network = network
        self.inputs = inputs if inputs is not None else {}
        self.plan = plan
        self.xmag = xmag
        self.pre_nums, self.val_nums = nums
        self.pre_dens, self.val_dens = dens
        self.predicted_bits = predicted_bits
        # dynamic passes: the static plan whose bound they fitted, and the basis and
        # exponent vectors of the pre-activation denominators, for backward
        self.bound_plan = bound_plan
        self.vecs = vecs

    def value(self, node: str) -> Any:
        """f^v(x) for one node, as an ``mpq``."""
        v = self.network.index(node)
        return _q(self.val_nums[v], self.val_dens[v])

    @property
    def output(self) -> tuple[Any, ...]:
        """Values at ``network.outputs``, in that order."""
        return tuple(self.value(o) for o in self.network.outputs)

    @cached_property
    def values(self) -> dict[str, Any]:
        """f^v(x) for every node."""
        ids = self.plan.st.ids
        return {i: _q(n, d) for i, n, d in zip(ids, self.val_nums, self.val_dens, strict=True)}

    @cached_property
    def pre(self) -> dict[str, Any]:
        """Pre-activations ``x_v + Σ (w_uv f^u + b_uv)``; equal to the value at sources."""
        ids = self.plan.st.ids
        return {i: _q(n, d) for i, n, d in zip(ids, self.pre_nums, self.pre_dens, strict=True)}

    @cached_property
    def sizes(self) -> dict[str, NodeSizes]:
        """docs: model.md size of every pre-activation and value, in lowest terms."""
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


class _Group:
    """Backward results of passes sharing their denominators: rows ``(pass, adjoint
    numerators, error numerators)`` and, per node, the denominators of ∂L/∂f^v and
    ∂L/∂pre_v (materialised on first use)."""

    def __init__(
        self,
        rows: list[tuple[Pass, list[Any], list[Any]]],
        dens: Callable[[], tuple[list[Any], list[Any]]],
    ) -> None:
        self.rows = rows
        self.val_dens = rows[0][0].val_dens
        self._make = dens

    @cached_property
    def dens(self) -> tuple[list[Any], list[Any]]:
        return self._make()


class Grad:
    """Exact reverse-mode derivatives of ``L = Σ_samples Σ_v seed_v·f^v``.

    Made by :meth:`ermbit.network.model.Network.backward` (one sample) or ``backward_batch``
    (summed over samples).  Rational views are computed on first access.

    Attributes
    ----------
    num_samples : int
        How many passes were summed.
    predicted_bits : int or None
        The size bound checked against the budget (None without budget); no backward
        value (:attr:`max_bits`) is larger.
    """

    def __init__(self, network: Network, groups: list[_Group], predicted_bits: int | None) -> None:
        self.network = network
        self._groups = groups
        self.num_samples = sum(len(g.rows) for g in groups)
        self.predicted_bits = predicted_bits

    def _node_sums(self, which: int) -> dict[str, Any]:
        st = self.network._structure
        out = {i: Q(0) for i in st.ids}
        for group in self._groups:
            dens = group.dens[which - 1]
            cols = [r[1] if which == 1 else r[2] for r in group.rows]
            for v, i in enumerate(st.ids):
                total = sum((col[v] for col in cols), _ZERO)
                if total:
                    out[i] += Q(total, dens[v])
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
        st = self.network._structure
        parts = [_group_dw(st, group) for group in self._groups]
        if len(parts) == 1:
            return dict(zip(keys, parts[0], strict=True))
        return {k: sum(col, Q(0)) for k, col in zip(keys, zip(*parts, strict=True), strict=True)}

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
        for group in self._groups:
            gden, dden = group.dens
            for _p, adj, err in group.rows:
                for v in range(len(adj)):
                    best = max(best, size(_q(adj[v], gden[v])), size(_q(err[v], dden[v])))
        entries = list(self.dw.values()) + list(self.errors.values())
        return max([best, *map(size, entries)])


def _group_dw(st: Any, group: _Group) -> list[Any]:
    rows, dval = group.rows, group.val_dens
    ddel = group.dens[1]
    if len(rows) == 1:
        # δ_v and f^u reduced once per node; mpq's product then only needs the two
        # small cross gcds, where reducing δ·f from scratch would redo a big one
        pass_, err = rows[0][0], rows[0][2]
        deltas = [_q(n, d) for n, d in zip(err, ddel, strict=True)]
        vals = [_q(n, d) for n, d in zip(pass_.val_nums, dval, strict=True)]
        return list(map(mul, map(deltas.__getitem__, st.edst), map(vals.__getitem__, st.esrc)))
    nums = (
        sum(r[2][v] * r[0].val_nums[u] for r in rows) for u, v in zip(st.esrc, st.edst, strict=True)
    )
    dens = map(mul, map(ddel.__getitem__, st.edst), map(dval.__getitem__, st.esrc))
    return list(map(Q, nums, dens))


# ---------------------------------------------------------------------- forward


def forward_many(
    network: Network,
    samples: Sequence[dict[int, Any]],
    xmag: XMag,
    budget_bits: int | None,
    static: Callable[[], Plan],
    dynamic: Callable[[], DynPlan],
) -> list[Pass]:
    """Passes on inputs ``{node index: mpq}`` whose magnitudes are bounded by ``xmag``;
    ``static`` and ``dynamic`` build the plans (only when needed)."""
    if not samples:
        return []
    plan = static()
    bound = plan.forward_bound(xmag) if plan.compounding or budget_bits is not None else 0
    if budget_bits is None or bound <= budget_bits:
        if plan.compounding and bound > STATIC_UP_TO:
            predicted = None if budget_bits is None else bound
            return _run_dynamic(network, dynamic(), samples, xmag, None, predicted, plan)
        return _run_static(network, plan, samples, xmag, None if budget_bits is None else bound)
    certain = certain_excess(plan, xmag, samples, budget_bits)
    if certain is not None:
        v, bits = certain
        raise BudgetExceeded(
            f"the forward pass (node {plan.st.ids[v]!r} certainly needs at least {bits} bits)",
            predicted=bound,
            budget=budget_bits,
            hint=f"pass budget_bits={bound} (CLI: --budget-bits N)",
        )
    meter = Meter(budget_bits)
    return _run_dynamic(network, dynamic(), samples, xmag, meter, None, None)


def _run_static(
    network: Network, plan: Plan, samples: Sequence[dict[int, Any]], xmag: XMag, bound: int | None
) -> list[Pass]:
    dens = plan.dens
    dpre = dens[0]
    out = []
    for x in samples:
        xterms = {v: q.numerator * (dpre[v] // q.denominator) for v, q in x.items()}
        out.append(Pass(network, plan, xmag, plan.run_forward(xterms), dens, bound, inputs=x))
    return out


def _run_dynamic(
    network: Network,
    plan: DynPlan,
    samples: Sequence[dict[int, Any]],
    xmag: XMag,
    meter: Meter | None,
    bound: int | None,
    bound_plan: Plan | None,
) -> list[Pass]:
    fr = plan.frame({q.denominator for x in samples for q in x.values()})
    epre, evl, pres, vals = plan.forward(fr, samples, meter)
    value = fr.B.value
    dens = ([value(e) for e in epre], [value(e) for e in evl])
    predicted = meter.top if meter is not None else bound
    return [
        Pass(network, plan, xmag, (p, v), dens, predicted, bound_plan, (fr, epre), x)
        for p, v, x in zip(pres, vals, samples, strict=True)
    ]


def merge_xmag(keys: Sequence[XMag]) -> XMag:
    """Elementwise maximum of magnitude profiles (a bound valid for every sample)."""
    out: dict[int, int] = {}
    for key in keys:
        for v, a in key:
            if a is not None:
                out[v] = max(out.get(v, a), a)
    return tuple(sorted(out.items()))
