"""The one answer shape of every exact ERM_bit solver: decision, witness, explanation, details.

:func:`~ermbit.solvers.erm.pattern.solve_pl`, :func:`~ermbit.solvers.erm.pinned.solve_pinned`,
:func:`~ermbit.solvers.erm.general.solve_general` and the dispatcher
:func:`~ermbit.solvers.erm.dispatch.solve_erm` all answer a :class:`SolveResult`.  What every
solver has is a field; what one solver counts goes in ``details``, under the keys its
module documents:

* ``"pl-pattern-search"`` (:mod:`.pattern`): ``exhausted``, ``patterns_tried``, ``lp_calls``,
  ``learned_clauses``, ``seconds``, ``bit_bound``, ``stats`` (further counters) and, for a
  NO under ``certify=True``, ``certificate``;
* ``"presolve+symmetries"`` (:mod:`.pinned`): ``candidates``, ``max_value_bits``;
* ``"general"`` (:mod:`.general`): ``proof``, ``statistics``, with ``min_bits=True`` also
  ``min_bits``, and when stopped ``stopped`` and ``beta_reached``.

>>> r = SolveResult(None, None, None, None, "time limit", "demo", {"seconds": 1.5})
>>> r.to_json()["decision"], r.to_json()["seconds"]
(None, 1.5)
>>> print(r.summary())
decision  UNDECIDED  (demo)
reason    time limit
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ermbit.errors import InputError
from ermbit.exact import fmt
from ermbit.network.erm_codec import encode_witness

__all__ = ["SolveResult"]

#: The JSON keys of the fields; no key of ``details`` may shadow one.
_TOP = ("decision", "loss", "enc_bits", "witness", "solver", "explanation")


@dataclass(frozen=True)
class SolveResult:
    """An exact solver's answer to ``L(θ) ≤ γ`` with ``enc(θ) ≤ β``.

    Attributes
    ----------
    decision : bool or None
        True: ``witness`` is an admissible θ within γ (verified).  False: none exists.
        None: undecided (a limit, or an incomplete step; ``explanation`` says which).
    loss : rational or None
        The witness's loss (the pinned solver: the least admissible loss, also for a NO).
    witness : Witness or None
        θ on every trainable edge.
    enc_bits : int or None
        ``enc(witness)``.
    explanation : str
        How the answer was reached.
    solver : str
        The solver's name.
    details : dict
        Solver-specific proof and counters (keys in the module docstring); JSON values, or
        objects with a ``to_json()``.
    """

    decision: bool | None
    loss: Any
    witness: Any
    enc_bits: int | None
    explanation: str
    solver: str
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        clash = sorted(set(self.details) & set(_TOP))
        if clash:
            raise InputError(f"details: keys {clash} would shadow the result's own fields")

    def to_json(self) -> dict[str, Any]:
        """The fields, then every entry of ``details`` (rationals as strings ``"p/q"``)."""
        wit = None if self.witness is None else encode_witness(self.witness)["theta"]
        return {
            "decision": self.decision,
            "loss": None if self.loss is None else fmt(self.loss),
            "enc_bits": self.enc_bits,
            "witness": wit,
            "solver": self.solver,
            "explanation": self.explanation,
            **{k: v.to_json() if hasattr(v, "to_json") else v for k, v in self.details.items()},
        }

    def summary(self) -> str:
        """A few lines for a terminal."""
        verdict = {True: "YES", False: "NO", None: "UNDECIDED"}[self.decision]
        lines = [f"decision  {verdict}  ({self.solver})", f"reason    {self.explanation}"]
        if self.loss is not None:
            lines.append(f"loss      {fmt(self.loss)}")
        if self.enc_bits is not None:
            lines.append(f"enc(θ)    {self.enc_bits} bits")
        return "\n".join(lines)
