"""One entry point for ERM_bit instances: the exact solver that fits the activations.

Networks whose every activation is piecewise linear go to the pattern-search solver
(:mod:`ermbit.solvers.erm.pattern`); networks with a polynomial activation are solved by
presolving their forcing samples and enumerating the symmetries they leave
(:mod:`ermbit.solvers.erm.pinned`).  Both decide from the instance alone and answer a
:class:`~ermbit.solvers.erm.result.SolveResult` (re-exported here).
"""

from __future__ import annotations

from ermbit.errors import InputError
from ermbit.network.erm import ERMInstance
from ermbit.solvers.erm.result import SolveResult

__all__ = ["SolveResult", "is_piecewise_linear", "solve_erm"]


def is_piecewise_linear(inst: ERMInstance) -> bool:
    """Whether every activation of the instance's network is piecewise linear."""
    net = inst.network
    return all(net.activation(v).is_piecewise_linear for v in net.node_ids)


def solve_erm(
    inst: ERMInstance, *, budget_bits: int | None = None, certify: bool = False
) -> SolveResult:
    """Decide ``inst`` exactly with the solver that fits its activations and losses.

    The pattern search needs piecewise-linear activations and losses that are linear
    conditions on the output; the bit loss is not (a bitslp-to-erm instance whose SLP has
    no ``*`` gate is all-linear but carries it), so those go to the pinned solver.
    ``certify`` asks the piecewise-linear solver to back a NO with a checked refutation
    (:class:`~ermbit.solvers.sat.certify.PatternRefutation`, in ``details``); the
    polynomial solver has none and refuses it.
    """
    bit_loss = any(s.loss.kind == "bit" for s in inst.samples)
    if is_piecewise_linear(inst) and not bit_loss:
        from ermbit.solvers.erm.pattern import solve_pl

        return solve_pl(inst, certify=certify)
    if certify:
        raise InputError(
            "--certify: only the piecewise-linear solver gives certificates; this network "
            "has a polynomial activation"
        )
    from ermbit.solvers.erm.pinned import solve_pinned

    return solve_pinned(inst, budget_bits=budget_bits)
