"""A forward pass in lowest terms, node by node, re-evaluating only what a sample changes.

Why a second pass beside the plans of :mod:`.passes`: the pinned-instance solver scores
candidate θ on the pinning templates, samples that differ from the previous one at a few
inputs.  Re-evaluating only the nodes downstream of a changed input is 6–15× faster there
than a full batch pass (median 12.6×; ``benchmarks/bench_engine.py``: bitslp-to-erm
instances for σ = z², z³+2z and 1−2z⁴, ``ERMInstance.evaluate`` / this pass, the same loss
checked), so the solver uses it
through :func:`ermbit.network.erm.loss_in_lowest_terms`; the answers of both agree
(tests/reductions/test_pinning.py, tests/network/test_engine_agreement.py).

Every value is reduced to lowest terms, so sizes are those of the values themselves
(docs: model.md).  A σ evaluation whose result could exceed ``budget_bits`` is refused
before the arithmetic: for σ of degree μ, ``size(σ(z)) ≤ μ·size(z) + Σ_k size(r_k)``.

Many samples (the templates of pinning) differ from the previous one at a few inputs
only: such a sample is evaluated incrementally -- only nodes whose input changed, or with an
in-neighbour whose value changed, are recomputed, in topological order -- which gives the
same values as a full pass.

>>> from ermbit.network.model import Network
>>> net = Network.from_specs({"s": "id", "u": "z**2"}, [("s", "u", "1/3", 0)], ["u"])
>>> forward_lowest(net, {}, {"s": 6}), loss_lowest(net, {}, [], 100)
({'s': mpq(6,1), 'u': mpq(4,1)}, (mpq(0,1), 0))
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ermbit import exact
from ermbit.errors import BudgetExceeded
from ermbit.network.activations import Identity, Polynomial
from ermbit.network.model import Network
from ermbit.validate import budget

if TYPE_CHECKING:
    from ermbit.network.erm import Sample

__all__ = ["forward_lowest", "loss_lowest"]

Theta = Mapping[tuple[str, str], tuple[Any, Any]]


def _bits(q: Any) -> int:
    return 1 + int(q.numerator.bit_length()) + int(q.denominator.bit_length())


Step = tuple[str, tuple[tuple[str, Any, Any], ...], Any, int, int]  # v, ins, σ or None, bound


class _Plan:
    """θ compiled for repeated passes: steps in topological order and out-neighbours."""

    def __init__(self, net: Network, theta: Theta, budget_bits: int | None) -> None:
        self.budget = budget(budget_bits)
        self.steps: list[Step] = []
        for v in net.topological_order():
            ins = tuple((e.src, *theta.get(e.key, (e.w, e.b))) for e in net.in_edges(v))
            act: Any = net.activation(v)
            if isinstance(act, Identity):
                act, mult, extra = None, 1, 0
            elif isinstance(act, Polynomial):
                mult, extra = act.degree, sum(exact.size(r) for r in act.coeffs)
            else:  # ReLU, piecewise linear: one product by a slope and one sum
                mult, extra = 2, 64
            self.steps.append((v, ins, act, mult, extra))
        self.pos = {step[0]: i for i, step in enumerate(self.steps)}
        self.outs: dict[str, list[int]] = {v: [] for v in self.pos}
        for i, (_, ins, _, _, _) in enumerate(self.steps):
            for u, _, _ in ins:
                self.outs[u].append(i)

    def value(self, i: int, x: Mapping[str, Any], vals: Mapping[str, Any]) -> Any:
        v, ins, act, mult, extra = self.steps[i]
        pre = exact.Q(x.get(v, 0))
        if not ins:
            return pre
        for u, w, b in ins:
            pre += w * vals[u] + b
        if act is None:
            return pre
        bound = mult * _bits(pre) + extra
        if bound > self.budget:
            raise BudgetExceeded(
                f"the value of node {v!r}", predicted=bound, budget=self.budget,
                hint=f"pass budget_bits={bound}",
            )  # fmt: skip
        return act(pre)

    def run(self, x: Mapping[str, Any]) -> dict[str, Any]:
        vals: dict[str, Any] = {}
        for i, step in enumerate(self.steps):
            vals[step[0]] = self.value(i, x, vals)
        return vals

    def run_delta(
        self, ref_x: Mapping[str, Any], ref: dict[str, Any], x: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The pass on ``x`` from the pass ``ref`` on ``ref_x``, recomputing what changed."""
        keys = ref_x.keys() | x.keys()
        todo = [self.pos[v] for v in keys if x.get(v, 0) != ref_x.get(v, 0)]
        heapq.heapify(todo)
        vals = dict(ref)
        done = set()
        while todo:
            i = heapq.heappop(todo)
            if i in done:
                continue
            done.add(i)
            v = self.steps[i][0]
            new = self.value(i, x, vals)
            if new != vals[v]:
                vals[v] = new
                for j in self.outs[v]:
                    heapq.heappush(todo, j)
        return vals


def forward_lowest(
    net: Network, theta: Theta, x: Mapping[str, Any], budget_bits: int | None = None
) -> dict[str, Any]:
    """``f^v(x)`` at every node, in lowest terms; θ overrides the network's parameters.

    Raises
    ------
    BudgetExceeded
        When a value is predicted to need more than ``budget_bits`` bits (None: the default budget).
    """
    return _Plan(net, theta, budget_bits).run(x)


def loss_lowest(
    net: Network, theta: Theta, samples: Sequence[Sample], budget_bits: int | None = None
) -> tuple[Any, int]:
    """``(Σ_i repeat_i·𝓛_i, largest value size)`` with passes in lowest terms."""
    plan = _Plan(net, theta, budget_bits)
    total = exact.Q(0)
    biggest = 0
    prev_x: dict[str, Any] = {}
    prev: dict[str, Any] | None = None
    for s in samples:
        x = s.inputs
        if prev is None or _differ(prev_x, x) * 4 > len(plan.steps):
            vals = plan.run(x)
            big = max(map(_bits, vals.values()), default=0)
        else:  # the previous sample is a close reference: recompute what changed only
            vals = plan.run_delta(prev_x, prev, x)
            big = max((_bits(q) for v, q in vals.items() if q is not prev[v]), default=0)
        biggest = max(biggest, big)
        total += s.repeat * s.loss.value(vals, s.labels)
        prev_x, prev = x, vals
    return total, biggest


def _differ(a: Mapping[str, Any], b: Mapping[str, Any]) -> int:
    return sum(1 for k in a.keys() | b.keys() if a.get(k, 0) != b.get(k, 0))
