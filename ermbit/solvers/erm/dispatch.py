"""One entry point for ERM_bit instances: the exact solver that fits the activations.

Networks whose every activation is piecewise linear go to the pattern-search solver
(:mod:`ermbit.solvers.erm.pattern`); networks with a polynomial activation are solved by
presolving their forcing samples and enumerating the symmetries they leave
(:mod:`ermbit.solvers.erm.pinned`).  Both decide from the instance alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ermbit.exact import fmt
from ermbit.network.erm import ERMInstance

__all__ = ["SolveResult", "is_piecewise_linear", "solve_erm"]


def is_piecewise_linear(inst: ERMInstance) -> bool:
    """Whether every activation of the instance's network is piecewise linear."""
    net = inst.network
    return all(net.activation(v).is_piecewise_linear for v in net.node_ids)


@dataclass(frozen=True)
class SolveResult:
    """A decision with its witness, in the shape the command line prints."""

    decision: bool | None
    loss: Any
    witness: Any
    enc_bits: int | None
    explanation: str
    solver: str
    details: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        from ermbit import formats

        wit = None
        if self.witness is not None:
            import json

            wit = json.loads(formats.dumps(self.witness))["theta"]
        return {
            "decision": self.decision,
            "loss": None if self.loss is None else fmt(self.loss),
            "enc_bits": self.enc_bits,
            "witness": wit,
            "solver": self.solver,
            "explanation": self.explanation,
            **self.details,
        }

    def summary(self) -> str:
        verdict = {True: "YES", False: "NO", None: "UNDECIDED"}[self.decision]
        lines = [f"decision  {verdict}  ({self.solver})", f"reason    {self.explanation}"]
        if self.loss is not None:
            lines.append(f"loss      {fmt(self.loss)}")
        if self.enc_bits is not None:
            lines.append(f"enc(θ)    {self.enc_bits} bits")
        return "\n".join(lines)


def solve_erm(inst: ERMInstance, *, budget_bits: int | None = None) -> SolveResult:
    """Decide ``inst`` exactly with the solver that fits its activations and losses.

    The pattern search needs piecewise-linear activations and losses that are linear
    conditions on the output; the bit loss is not (a bitslp-to-erm instance whose SLP has
    no ``*`` gate is all-linear but carries it), so those go to the pinned solver.
    """
    bit_loss = any(s.loss.kind == "bit" for s in inst.samples)
    if is_piecewise_linear(inst) and not bit_loss:
        from ermbit.solvers.erm.pattern import solve_pl

        r = solve_pl(inst)
        return SolveResult(
            r.decision,
            r.loss,
            r.witness,
            r.enc_bits,
            r.explanation,
            "pl-pattern-search",
            {"exhausted": r.exhausted, "patterns_tried": r.patterns_tried, "lp_calls": r.lp_calls},
        )
    from ermbit.solvers.erm.pinned import solve_erm as solve_poly

    p = solve_poly(inst, budget_bits=budget_bits)
    return SolveResult(
        p.decision,
        p.loss,
        p.witness,
        p.enc,
        p.explanation,
        "presolve+symmetries",
        {"candidates": p.candidates, "max_value_bits": p.max_value_bits},
    )
