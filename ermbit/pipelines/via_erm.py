"""#SAT through ERM_bit, end to end (docs: constructions/sharp-sat.md, the Turing reduction of Thm
1.1).

For a CNF φ, :class:`~ermbit.reductions.sat_to_slp.SatToSlp` builds the Kronecker SLP with
``#SAT(φ) = ⌊N_φ / 2^(K·E*)⌋ mod 2^K``.  Each bit ``K·E* + r`` (r < K) is one BitSLP query,
turned into one promise ERM_bit instance by
:class:`~ermbit.reductions.bitslp_to_erm.BitslpToErm` and answered by the exact solver
:func:`~ermbit.solvers.erm.pinned.solve_pinned`, which reads the instance alone.  Then
``#SAT(φ) = Σ_r 2^r·[instance r is YES]``.

>>> from ermbit.cnf import CNF
>>> res = count_via_erm(CNF(2, ((1, 2),)))
>>> res.count, res.instances, res.bits
(3, 4, (1, 1, 0, 0))
"""

from __future__ import annotations

import time

from ermbit.cnf import CNF
from ermbit.errors import InputTypeError
from ermbit.pipelines.via_backprop import ViaResult

__all__ = ["ViaResult", "count_via_erm"]


def count_via_erm(
    cnf: CNF, activation: object = "z**2", *, budget_bits: int | None = None
) -> ViaResult:
    """#SAT(φ) from K promise ERM_bit instances, each decided exactly (docs:
    constructions/sharp-sat.md).

    Parameters
    ----------
    cnf : CNF
        The formula φ.
    activation : str or Polynomial
        σ of the networks, a polynomial of degree ≥ 2 (``"z**2"``, ``"z**3 + 2*z"``...).
    budget_bits : int, optional
        Size budget of every value in the solver's passes (None: the default budget).

    Raises
    ------
    BudgetExceeded
        If a pass is predicted to exceed the budget.
    InputError
        If σ is not a polynomial of degree ≥ 2.
    """
    from ermbit.problems.queries import BitQuery
    from ermbit.reductions.bitslp_to_erm import BitslpToErm
    from ermbit.reductions.sat_to_slp import SatToSlp
    from ermbit.solvers.erm.pinned import solve_pinned

    if not isinstance(cnf, CNF):
        raise InputTypeError(f"cnf: expected a CNF, got {type(cnf).__name__}")
    from ermbit.pipelines.via_backprop import check_predicted_size
    from ermbit.validate import budget

    start = time.perf_counter()
    counting = SatToSlp().forward(cnf)
    limit = budget(budget_bits)
    check_predicted_size(counting.slp, limit, "count via erm")
    red = BitslpToErm(activation)
    bits = []
    biggest = 0
    for r in range(counting.width):
        inst = red.forward(BitQuery(counting.slp, counting.offset + r))
        res = solve_pinned(inst, budget_bits=budget_bits)
        assert res.decision is not None  # the pinned solver always decides
        bits.append(int(res.decision))
        biggest = max(biggest, res.details["max_value_bits"])
    count = sum(b << r for r, b in enumerate(bits))
    seconds = time.perf_counter() - start
    return ViaResult(
        count, "erm", counting.width, biggest, seconds, route="erm-solver", bits=tuple(bits)
    )
