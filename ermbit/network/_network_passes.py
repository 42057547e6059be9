"""The exact passes of :class:`~ermbit.network.model.Network`: forward, backward,
batches and the static size bound, with the parsing of inputs and the cache of compiled
plans they share (a mixin of ``Network``, private to :mod:`ermbit.network`).

The passes themselves run in :mod:`ermbit.network.engine`; the contracts are in the
docstrings of the methods below and of :mod:`ermbit.network.model`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from ermbit.errors import InputError, InputTypeError
from ermbit.exact import Rational, lcm, parse
from ermbit.network.engine.backward import backward_many
from ermbit.network.engine.bits import lg
from ermbit.network.engine.dynamic import DynPlan
from ermbit.network.engine.passes import Grad, Pass, forward_many
from ermbit.network.engine.plan import Plan, Structure
from ermbit.validate import budget

if TYPE_CHECKING:
    from ermbit.network.model import Network, Theta

__all__ = ["NetworkPasses"]

_Params = tuple[list[Any], list[Any]]
_MAX_PLANS = 32


class NetworkPasses:
    """Mixin of :class:`~ermbit.network.model.Network` with its exact passes."""

    if TYPE_CHECKING:  # provided by Network
        _cache: dict[str, Any]

        @property
        def _structure(self) -> Structure: ...

        def _params(self, theta: Theta | None, allow_frozen: bool = False) -> _Params: ...

    def _inputs(self, x: Mapping[str, object] | None, what: str) -> dict[int, Rational]:
        if x is None:
            return {}
        if not isinstance(x, Mapping):
            raise InputTypeError(f"{what}: expected a mapping node -> rational, got {x!r}")
        out = {}
        index = self._cache["index"]
        for node, value in x.items():
            v = index.get(node) if isinstance(node, str) else None
            if v is None:
                raise InputError(f"{what}: unknown node {node!r}")
            q = parse(value, name=f"{what}[{node!r}]")
            if q:
                out[v] = q
        return out

    def _plan(self, samples: Sequence[dict[int, Any]], params: _Params | None) -> Plan:
        xden: dict[int, Any] = {}
        for x in samples:
            for v, q in x.items():
                if q.denominator != 1:
                    xden[v] = lcm(xden.get(v, 1), q.denominator)
        if params is not None:
            return Plan(self._structure, *params, xden)
        plans = self._cache.setdefault("plans", {})
        key = tuple(sorted(xden.items()))
        plan = plans.get(key)
        if plan is None:
            if len(plans) >= _MAX_PLANS:
                plans.clear()
            ws, bs = self._params(None)
            plan = plans[key] = Plan(self._structure, ws, bs, xden)
        return cast(Plan, plan)

    def _dyn_plan(self, params: _Params | None) -> DynPlan:
        if params is not None:
            return DynPlan(self._structure, *params)
        plan = self._cache.get("dynamic")
        if plan is None:
            plan = self._cache["dynamic"] = DynPlan(self._structure, *self._params(None))
        return plan

    @staticmethod
    def _xmag(*samples: dict[int, Any]) -> tuple[tuple[int, Any], ...]:
        """``(v, lg max_t |x_v|)`` over the inputs of all samples: one log per node."""
        tops: dict[int, Any] = {}
        for x in samples:
            for v, q in x.items():
                a = abs(q)
                if a > tops.get(v, 0):
                    tops[v] = a
        return tuple(sorted((v, lg(a)) for v, a in tops.items()))

    def forward(
        self,
        x: Mapping[str, object] | None = None,
        theta: Theta | None = None,
        *,
        budget_bits: int | None = None,
    ) -> Pass:
        """Exact forward pass: ``f^v(x)`` at every node (paper §2).

        Parameters
        ----------
        x : mapping node -> rational, optional
            Inputs, at any nodes (0 where absent).
        theta : mapping (src, dst) -> (w, b), optional
            Parameters to use instead of the network's (partial: others unchanged; a
            frozen edge may only be given its own value, as in :meth:`with_theta`).  For
            many passes at one θ, build ``with_theta(θ)`` once: compiled plans are cached
            per network.
        budget_bits : int or None
            Size budget (bits) of every number of the pass; None means
            :data:`ermbit.validate.DEFAULT_BUDGET_BITS`.
            The pass runs at once if :meth:`predict_bits` fits it; otherwise each node
            is bounded from the actual (reduced) sizes of its inputs before it is
            computed, so cancellation that the static bound cannot see (the SLP
            networks of Lemma 3.2) does not cause a refusal.

        Raises
        ------
        BudgetExceeded
            Before any arithmetic step whose result could exceed ``budget_bits``: at
            once when some node certainly exceeds it (``predicted`` is then the static
            bound), else at the first node whose bound does (the message names it).
        InputError
            Unknown node in ``x``, unknown edge or changed frozen edge in ``theta``.
        InputTypeError
            A float input or parameter.
        """
        return self._forward([self._inputs(x, "x")], theta, budget(budget_bits))[0]

    def forward_batch(
        self,
        xs: Sequence[Mapping[str, object]],
        theta: Theta | None = None,
        *,
        budget_bits: int | None = None,
    ) -> list[Pass]:
        """:meth:`forward` for many inputs sharing one compiled plan and one size check."""
        samples = [self._inputs(x, f"xs[{t}]") for t, x in enumerate(xs)]
        return self._forward(samples, theta, budget(budget_bits))

    def _forward(
        self, samples: list[dict[int, Any]], theta: Theta | None, budget_bits: int | None
    ) -> list[Pass]:
        params = None if theta is None else self._params(theta)
        xmag = self._xmag(*samples)
        return forward_many(
            cast("Network", self),
            samples,
            xmag,
            budget_bits,
            lambda: self._plan(samples, params),
            lambda: self._dyn_plan(params),
        )

    def predict_bits(
        self, x: Mapping[str, object] | None = None, theta: Theta | None = None
    ) -> int:
        """Upper bound on the size (docs: model.md) of every pre-activation and value of
        ``forward(x, theta)``, computed from bit lengths only (no pass is run).

        Magnitudes: ``|Σ t_i| <= k·max|t_i|``, ``|w f| = |w||f|``, ``|σ(z)| <= Σ|r_k||z|^k``
        for polynomials (so σ = z² doubles the bits per layer); denominators: exact
        exponent vectors of the static common denominators (see :mod:`ermbit.network.engine.plan`).
        The bound ignores cancellation: with rational weights into a polynomial σ of
        degree μ >= 2 its denominators grow like ``D**(μ**depth)`` even when every value
        is an integer (Lemma 3.2 networks), so it can be far above the true sizes;
        :meth:`forward` then checks node by node instead of refusing.
        """
        sample = self._inputs(x, "x")
        params = None if theta is None else self._params(theta)
        return self._plan([sample], params).forward_bound(self._xmag(sample))

    def backward(
        self,
        pass_: Pass,
        seed: Mapping[str, object],
        *,
        budget_bits: int | None = None,
    ) -> Grad:
        """Exact reverse mode of ``L = Σ_v seed_v·f^v`` at the pass's θ and input.

        ``seed`` gives ``∂L/∂f^v`` (usually at output nodes, from the loss); the result
        holds ``∂L/∂w_uv = δ_v f^u``, ``∂L/∂b_uv = δ_v`` with ``δ_v = σ'(pre_v)·∂L/∂f^v``
        (ReLU'(0) = 0; a piecewise-linear σ takes its left slope at a breakpoint).  The
        θ is the one the pass was computed with.

        Raises
        ------
        BudgetExceeded
            Before computing a backward value whose size could exceed ``budget_bits``
            (static bound first, then node by node, as in :meth:`forward`).
        InputError
            For a pass of another network, or an unknown node in ``seed``.
        """
        self._check_passes([pass_], "pass_")
        return backward_many(
            cast("Network", self), [pass_], [self._inputs(seed, "seed")], budget(budget_bits)
        )

    def backward_batch(
        self,
        passes: Sequence[Pass],
        seeds: Sequence[Mapping[str, object]],
        *,
        budget_bits: int | None = None,
    ) -> Grad:
        """Gradient of ``Σ_i Σ_v seeds[i][v]·f^v(x_i)``: :meth:`backward` summed over
        samples (scale a seed by a sample's repeat count).  Passes from one
        :meth:`forward_batch` share common denominators, so the sum needs no gcd."""
        if len(passes) != len(seeds):
            raise InputError(
                f"seeds: expected {len(passes)} seeds (one per pass), got {len(seeds)}"
            )
        self._check_passes(passes, "passes")
        parsed = [self._inputs(s, f"seeds[{t}]") for t, s in enumerate(seeds)]
        return backward_many(cast("Network", self), passes, parsed, budget(budget_bits))

    def _check_passes(self, passes: Sequence[Pass], what: str) -> None:
        for t, p in enumerate(passes):
            if not isinstance(p, Pass) or p.plan.st is not self._structure:
                where = what if what == "pass_" else f"{what}[{t}]"
                raise InputError(f"{where}: not a pass of this network")
