"""Decide SAT through ReLU training: build the ERM_bit instance, solve it exactly, map back.

``decide(φ, via)`` runs the NP side of the dichotomy end to end: the reduction
``sat-to-relu`` (R1, direct gadgets) or ``sat-to-relu2`` (R2, SAT → NAE → set splitting →
the classical data set) builds an instance whose optimum is 0 iff φ is satisfiable; the
exact piecewise-linear solver (:func:`~ermbit.solvers.erm.pattern.solve_pl`) decides it; a
zero-loss witness is mapped back to an assignment with the reduction's ``back``.  Two
checks guard the answer, each raising :class:`~ermbit.errors.VerificationFailed`: the
model must satisfy φ, and the answer must agree with PySAT run on φ itself.

R2 works for any CNF, not only 3-CNF: its splitting sets have the clause width + 1.

>>> from ermbit.cnf import CNF
>>> r = decide(CNF(3, ((1, 2), (-1, 3), (-2, -3))))
>>> r.satisfiable, CNF(3, ((1, 2), (-1, 3), (-2, -3))).satisfied_by(r.model)
(True, True)
>>> decide(CNF(1, ((1,), (-1,))), via="relu2").to_json()["satisfiable"]
False
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ermbit.cnf import CNF
from ermbit.errors import InputError, InputTypeError, Undecided, VerificationFailed
from ermbit.solvers.erm.pattern import DEFAULT_SOLVER, solve_pl
from ermbit.solvers.erm.result import SolveResult

__all__ = ["VIAS", "DecideResult", "decide"]

#: via -> registered reduction name.
VIAS = {"relu": "sat-to-relu", "relu2": "sat-to-relu2"}


@dataclass(frozen=True)
class DecideResult:
    """The answer of :func:`decide`.

    Attributes
    ----------
    satisfiable : bool
        Whether φ is satisfiable (agrees with PySAT; checked).
    model : tuple of int or None
        DIMACS literals ``±1..±n`` of a model mapped back from the zero-loss witness
        (checked against φ); None when unsatisfiable.
    seconds : float
        Wall-clock time of the whole run (build, solve, map back, checks).
    instance : dict
        Size of the ERM_bit instance: ``nodes``, ``edges``, ``samples``.
    via, pinned : str, bool
        The reduction used and whether its pinned form was.
    solver : SolveResult
        The exact solver's full answer (witness, explanation, counters in ``details``).
    """

    satisfiable: bool
    model: tuple[int, ...] | None
    seconds: float
    instance: dict[str, int]
    via: str = "relu"
    pinned: bool = False
    solver: SolveResult | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        """``{"satisfiable", "model", "seconds", "instance": {"nodes", "edges", "samples"}}``."""
        return {
            "satisfiable": self.satisfiable,
            "model": None if self.model is None else list(self.model),
            "seconds": round(self.seconds, 6),
            "instance": dict(self.instance),
        }

    def summary(self) -> str:
        """A few lines for a terminal."""
        word = "SATISFIABLE" if self.satisfiable else "UNSATISFIABLE"
        form = "pinned" if self.pinned else "frozen"
        sizes = ", ".join(f"{k} {v}" for k, v in self.instance.items())
        lines = [f"{word} via {VIAS[self.via]} ({form} form; {sizes})"]
        if self.model is not None:
            lines.append("model " + " ".join(str(lit) for lit in self.model))
        if self.solver is not None:
            d = self.solver.details
            lines.append(
                f"patterns {d['patterns_tried']}, LP calls {d['lp_calls']}, learned clauses "
                f"{d['learned_clauses']}, exhausted {'yes' if d['exhausted'] else 'no'}, "
                f"{d['seconds']:.3f} s"
            )
        lines.append(f"total {self.seconds:.3f} s (checked against PySAT)")
        return "\n".join(lines)


def decide(
    cnf: CNF,
    via: str = "relu",
    *,
    pinned: bool = False,
    solver: str = DEFAULT_SOLVER,
    max_seconds: float | None = None,
) -> DecideResult:
    """Decide satisfiability of ``cnf`` by exact ReLU ERM_bit (module docstring).

    Parameters
    ----------
    cnf : CNF
        The formula.
    via : {"relu", "relu2"}
        ``sat-to-relu`` (R1) or ``sat-to-relu2`` (R2).
    pinned : bool
        Use the all-trainable pinned form of the instance (Claim B.1).
    solver : str
        PySAT back end of the pattern search.
    max_seconds : float, optional
        Time limit of the exact solver.

    Raises
    ------
    InputTypeError, InputError
        A non-CNF, or an unknown ``via``.
    BackendError
        If the exact solver stops undecided (a limit, or no short enough point found).
    VerificationFailed
        If the mapped-back model does not satisfy ``cnf``, or the answer disagrees with
        PySAT on ``cnf``.
    """
    if not isinstance(cnf, CNF):
        raise InputTypeError(f"cnf: expected a CNF, got {type(cnf).__name__}")
    if via not in VIAS:
        raise InputError(f"via: expected one of {sorted(VIAS)}, got {via!r}")
    start = time.perf_counter()
    red = _reduction(via, pinned)
    target = red.forward(cnf)
    res = solve_pl(target.instance, solver=solver, max_seconds=max_seconds)
    if res.decision is None:
        raise Undecided(f"decide: the exact solver stopped undecided: {res.explanation}")
    model = _checked(cnf, red, target, res)
    sizes = target.instance.size_summary()
    inst = {k: sizes[k] for k in ("nodes", "edges", "samples")}
    return DecideResult(res.decision, model, time.perf_counter() - start, inst, via, pinned, res)


def _reduction(via: str, pinned: bool) -> Any:
    """The reduction object (imported lazily: reductions import the solvers)."""
    if via == "relu":
        from ermbit.reductions.sat_to_relu import SatToRelu

        return SatToRelu(pinned=pinned)
    from ermbit.reductions.splitting_to_relu import SatToRelu2

    return SatToRelu2(pinned=pinned)


def _checked(cnf: CNF, red: Any, target: Any, res: SolveResult) -> tuple[int, ...] | None:
    """The model mapped back from the witness, checked against φ and against PySAT."""
    from ermbit.solvers.sat.cdcl import solve

    model = None
    if res.decision:
        assignment = red.back(cnf, target, res.witness)
        model = tuple(i if v else -i for i, v in enumerate(assignment, start=1))
        if not cnf.satisfied_by(model):
            raise VerificationFailed(
                f"decide: the model mapped back by {red.name} falsifies the formula",
                claim="back(witness) satisfies φ",
                counterexample=model,
            )
    truth = solve(cnf).satisfiable
    if truth != res.decision:
        raise VerificationFailed(
            f"decide: {red.name} + exact solver says {res.decision}, PySAT says {truth}",
            claim="φ satisfiable ⇔ OPT = 0",
            counterexample=cnf,
        )
    return model
