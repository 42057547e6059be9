"""#SAT through K Backprop-Bit instances (paper Thm 1.3 (i); docs: constructions/sharp-sat.md).

    #SAT(φ) = Σ_{r<K} 2^r·[bit_{K·E*+r}(N_φ) = 1]

The Kronecker SLP of φ (:class:`~ermbit.reductions.sat_to_slp.SatToSlp`) carries the count
in the bit block ``[K·E*, K·E* + K)`` of its value; each of the K bits is one BitSLP query,
turned into one Backprop-Bit instance by the registered reduction
:class:`~ermbit.reductions.backprop.SlpToBackpropBit` and answered exactly.

All K instances have the same network, θ⁰ and samples -- only the queried bit differs --
so one exact gradient answers them all: :func:`count_via_backprop` builds every instance,
computes the gradient once per distinct (network, samples, edge) and reads each instance's
bit from it, and reports how many gradients it actually computed
(``distinct_gradients_computed``).

>>> from ermbit.cnf import CNF
>>> r = count_via_backprop(CNF(2, ((1, 2),)))
>>> r.count, r.instances, r.distinct_gradients_computed, r.route
(3, 4, 1, 'gradient')
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ermbit.cnf import CNF
from ermbit.errors import InputError, InputTypeError
from ermbit.problems.queries import BitQuery
from ermbit.reductions.backprop import GradientQuery, SlpToBackpropBit
from ermbit.reductions.sat_to_slp import SatToSlp
from ermbit.solvers.backprop import (
    EdgeGradient,
    answer_from_gradient,
    answer_via_slp,
    edge_gradient,
)
from ermbit.validate import budget

__all__ = [
    "ROUTES",
    "build_instances",
    "check_predicted_size",
    "count_via_backprop",
    "network_program",
    "ViaResult",
]

#: How each Backprop-Bit instance is answered: the exact gradient of its network, or
#: (a shortcut) the BitSLP query it came from, read by :func:`ermbit.slp.bit`.
ROUTES = ("gradient", "slp")


@dataclass(frozen=True)
class ViaResult:
    """The count and how it was obtained.

    Attributes
    ----------
    count : int
        #SAT(φ), assembled from the K answered bits.
    via : str
        ``"backprop"`` or ``"erm"`` (:func:`ermbit.pipelines.via_erm.count_via_erm` returns
        this class too).
    instances : int
        K, the number of Backprop-Bit instances built and answered.
    max_value_bits : int
        The largest size (docs: model.md) of a value computed for a gradient (0 on the ``slp``
        route).
    seconds : float
        Wall time, building included.
    distinct_gradients_computed : int
        Gradients actually computed (instances with equal network, samples and edge share one).
    route : str
        One of :data:`ROUTES` (``"erm-solver"`` for counts through ERM_bit instances).
    bits : tuple of int
        The K answers, least significant first.
    """

    count: int
    via: str
    instances: int
    max_value_bits: int
    seconds: float
    distinct_gradients_computed: int = 0
    route: str = "gradient"
    bits: tuple[int, ...] = ()

    @property
    def method(self) -> str:
        """The same as ``via``."""
        return self.via


def build_instances(
    cnf: CNF, activation: object = "z**2", *, bounded: bool = False
) -> tuple[Any, list[GradientQuery]]:
    """The Kronecker SLP of ``cnf`` and its K Backprop-Bit instances (bit ``K·E* + r``, r < K)."""
    if not isinstance(cnf, CNF):
        raise InputTypeError(f"cnf: expected a CNF, got {type(cnf).__name__}")
    counting = SatToSlp().forward(cnf)
    red = SlpToBackpropBit(activation, bounded=bounded)
    queries = [
        red.forward(BitQuery(counting.slp, counting.offset + r)) for r in range(counting.width)
    ]
    return counting, queries


def _answer_all(
    counting: Any, queries: list[GradientQuery], route: str, budget_bits: int | None
) -> tuple[list[int], dict[Any, EdgeGradient]]:
    """Each query's bit, and the gradients computed (one per distinct network/samples/edge)."""
    cache: dict[Any, EdgeGradient] = {}
    bits = []
    for gq in queries:
        inst = gq.instance
        if route == "slp":
            bits.append(answer_via_slp(counting.slp, gq.meta["source_bit"]))
            continue
        key = (inst.network, inst.samples, inst.edge)
        if key not in cache:
            cache[key] = edge_gradient(
                inst.network, inst.samples, inst.edge, budget_bits=budget_bits
            )
        bits.append(answer_from_gradient(inst.query, cache[key].dw))
    return bits, cache


def network_program(cnf: CNF, bounded: bool = False) -> Any:
    """The SLP whose values the networks of :func:`count_via_backprop` compute (cheap).

    >>> network_program(CNF(2, ((1, 2),))).a0, network_program(CNF(2, ((1, 2),)), True).a0 < 1
    (mpq(1,1), True)
    """
    if not isinstance(cnf, CNF):
        raise InputTypeError(f"cnf: expected a CNF, got {type(cnf).__name__}")
    program = SatToSlp().forward(cnf).slp
    if bounded:
        from ermbit.reductions.bnslp import SlpToBnslp

        program = SlpToBnslp().forward(program).slp
    return program


def check_predicted_size(program: Any, budget_bits: int | None, what: str) -> None:
    """Refuse, before any network is built, a program whose values exceed the budget.

    The networks compute every value of ``program`` exactly, so the largest value a
    gradient or loss computation meets is at least the largest value of the program;
    :func:`ermbit.slp.predict_bits` bounds those from sizes alone, at no cost.  (On the
    Kronecker SLPs of 3-CNFs the engine's values are about 1.2 times the prediction.)

    Raises
    ------
    BudgetExceeded
        Naming the predicted size and the flag that raises the budget.
    """
    from ermbit.errors import BudgetExceeded
    from ermbit.slp import predict_bits

    limit = budget(budget_bits)
    worst = max(predict_bits(program))
    if worst > limit:
        raise BudgetExceeded(
            f"{what}: the largest value of the SLP the networks compute",
            predicted=worst,
            budget=limit,
            hint=f"pass budget_bits={worst} (or --budget-bits {worst} on the command line)",
        )


def count_via_backprop(
    cnf: CNF,
    activation: object = "z**2",
    *,
    bounded: bool = False,
    route: str = "gradient",
    budget_bits: int | None = None,
) -> ViaResult:
    """#SAT(φ) from K exactly answered Backprop-Bit instances (docs: constructions/sharp-sat.md).

    Parameters
    ----------
    cnf : CNF
        φ.
    activation : str or Polynomial
        σ of the networks (a polynomial of degree ≥ 2).
    bounded : bool
        Build the bounded-value instances (Thm 1.3 with the bounded-value SLPs of Lemma A.4/A.5):
        every SLP value in
        [−1, 1], the count's bits at negative indices of the gradient.  The gradient then
        has about ``m·2^n`` bits for an SLP of n gates: tiny formulas only.
    route : str
        ``"gradient"`` (exact reverse mode, :func:`~ermbit.solvers.backprop.edge_gradient`)
        or ``"slp"`` (each instance's source query by :func:`ermbit.slp.bit`).
    budget_bits : int or None
        Size budget of any single value of a gradient computation.

    Raises
    ------
    InputError
        For an unknown route or activation.
    BudgetExceeded
        When a value of the gradient computation would exceed ``budget_bits``; predicted
        from the SLP's sizes before anything is built (:func:`check_predicted_size`).
    """
    if route not in ROUTES:
        raise InputError(f"route: expected one of {ROUTES}, got {route!r}")
    start = time.perf_counter()
    check_predicted_size(network_program(cnf, bounded), budget_bits, "count via backprop")
    counting, queries = build_instances(cnf, activation, bounded=bounded)
    bits, cache = _answer_all(counting, queries, route, budget_bits)
    return ViaResult(
        count=sum(b << r for r, b in enumerate(bits)),
        via="backprop",
        instances=len(queries),
        max_value_bits=max((g.max_bits for g in cache.values()), default=0),
        seconds=time.perf_counter() - start,
        distinct_gradients_computed=len(cache),
        route=route,
        bits=tuple(bits),
    )
