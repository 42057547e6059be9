"""Budget checks of the exact passes (private engine of :mod:`ermbit.network`).

:func:`check_budget` refuses a whole pass (or sum) at once from a static bound;
:class:`Meter` checks node by node, before each step, in dynamic passes
(:mod:`ermbit.network.engine.dynamic`).  Both raise :class:`~ermbit.errors.BudgetExceeded`
with a hint naming the budget to pass.
"""

from __future__ import annotations

from collections.abc import Callable

from ermbit.errors import BudgetExceeded

__all__ = ["Meter", "check_budget"]


def check_budget(what: str, predicted: int, budget: int | None) -> None:
    """Raise :class:`BudgetExceeded` if ``predicted > budget`` (``None``: no budget)."""
    if budget is not None and predicted > budget:
        raise BudgetExceeded(
            what,
            predicted=predicted,
            budget=budget,
            hint=f"pass budget_bits={predicted} (CLI: --budget-bits N)",
        )


class Meter:
    """Incremental size checks against ``budget`` bits; ``top`` is the largest bound met.
    ``pad`` bits are added to every check (a denominator kept aside, see backward)."""

    def __init__(self, budget: int, pad: int = 0) -> None:
        self.budget, self.pad = budget, pad
        self.top = 0

    def check(self, bits: int, what: Callable[[], str]) -> None:
        bits += self.pad
        if bits > self.top:
            self.top = bits
        if bits > self.budget:
            raise BudgetExceeded(
                what(),
                predicted=bits,
                budget=self.budget,
                hint=f"pass budget_bits={bits} or more (later nodes may need more) "
                "(CLI: --budget-bits N)",
            )
