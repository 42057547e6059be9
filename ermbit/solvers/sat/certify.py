"""Checked certificates for "no" answers: DRAT refutations of CNF formulas.

:func:`refute` asks a CDCL solver (PySAT, with proof logging) whether a clause set is
satisfiable.  If it is not, the solver's DRAT proof is checked by ermbit's own backward
checker (:mod:`ermbit.solvers.sat.drat`, which shares no code with any solver) and, as a
second opinion where the package is installed, by ``dratify``'s independent forward
checker.  A certificate is returned only if every checker that ran accepted the proof;
a rejected proof raises :class:`~ermbit.errors.VerificationFailed` -- the solver's
"unsatisfiable" is then not to be trusted.

What is certified, per answer:

* ``count`` = 0, ``decide`` NO on a CNF: the formula itself is refuted.
* A positive count is **not** certified by a proof; it is trusted on the agreement of
  independent counters (``count --method all``: brute force where small, ermbit's DPLL,
  Ganak, d4).
* "No zero-loss θ" from the piecewise-linear pattern search: the learned clauses, each
  with the Farkas certificate of the LP core it came from (verified exactly when it was
  learned), and a DRAT refutation of the clause set (:func:`refute`).

>>> from ermbit.cnf import CNF
>>> cert = refute(CNF(2, ((1, 2), (-1, 2), (1, -2), (-1, -2))).clauses)
>>> cert.checked, cert.kind, cert.steps > 0
(True, 'drat', True)
>>> refute([(1, 2)]) is None
True
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pysat.solvers import Solver

from ermbit.cnf import CNF
from ermbit.errors import InputError, VerificationFailed
from ermbit.solvers.lp.linear import verify_certificate
from ermbit.solvers.sat import drat
from ermbit.solvers.sat.counting import available_methods, cross_check

__all__ = [
    "PROOF_SOLVER",
    "Agreement",
    "BranchRefutation",
    "Certificate",
    "PatternRefutation",
    "certify_count",
    "certify_decision",
    "combine_refutations",
    "refute_patterns",
    "dratify_available",
    "refute",
]

#: A PySAT solver that logs DRAT proofs (``with_proof=True``).
PROOF_SOLVER = "cadical195"


@dataclass(frozen=True)
class Certificate:
    """A checked refutation.

    Parameters
    ----------
    kind : "drat"
        The proof system.
    checked : bool
        Always true for a certificate that :func:`refute` returns.
    checker : str
        Which checkers accepted it (``"ermbit-drat"``, ``"ermbit-drat+dratify"``).
    steps : int
        Lemmas of the proof that the refutation depends on (checked one by one).
    proof : tuple of str
        The DRAT proof, one clause per line.
    """

    kind: Literal["drat"]
    checked: bool
    checker: str
    steps: int
    proof: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The summary for ``--json`` output (the proof itself goes to ``--proof FILE``)."""
        return {
            "kind": self.kind,
            "checked": self.checked,
            "checker": self.checker,
            "steps": self.steps,
        }

    def write(self, path: str | Path) -> None:
        """Write the proof as a DRAT text file."""
        Path(path).write_text("".join(line + "\n" for line in self.proof))


def dratify_available() -> bool:
    """Whether the second checker (``dratify``) is installed."""
    return importlib.util.find_spec("dratify") is not None


def _solve_with_proof(clauses: Sequence[tuple[int, ...]], solver: str) -> list[str] | None:
    if any(not c for c in clauses):
        return ["0"]
    with Solver(name=solver, bootstrap_with=[list(c) for c in clauses], with_proof=True) as s:
        if s.solve():
            return None
        return [str(line).strip() for line in (s.get_proof() or [])]


def _dratify(clauses: Sequence[tuple[int, ...]], proof: Sequence[str]) -> tuple[bool, str]:
    import dratify

    nvars = max((abs(l) for c in clauses for l in c), default=0)
    text = f"p cnf {nvars} {len(clauses)}\n" + "".join(
        " ".join(map(str, c)) + " 0\n" for c in clauses
    )
    result = dratify.check_proof(dratify.parse_dimacs(text), "\n".join(proof) + "\n")
    return bool(result.ok), str(result.reason)


def refute(
    clauses: Iterable[Iterable[int]],
    *,
    solver: str = PROOF_SOLVER,
    second_opinion: bool = True,
    max_literals: int = drat.DEFAULT_MAX_LITERALS,
) -> Certificate | None:
    """A checked DRAT refutation of ``clauses``, or ``None`` if they are satisfiable.

    Raises
    ------
    InputError
        If a clause holds the literal 0.
    VerificationFailed
        If a checker rejects the solver's proof.
    BudgetExceeded
        If the proof is too large for the built-in checker.
    """
    cls = [tuple(int(l) for l in c) for c in clauses]
    for i, c in enumerate(cls, start=1):
        if 0 in c:
            raise InputError(f"clause {i} contains literal 0")
    proof = _solve_with_proof(cls, solver)
    if proof is None:
        return None
    verdict = drat.check(cls, drat.parse_proof(proof), max_literals=max_literals)
    if not verdict.ok:
        raise VerificationFailed(
            f"solver {solver!r} answered unsatisfiable but its DRAT proof was rejected by "
            f"ermbit's checker: {verdict.reason}",
            claim="the DRAT proof refutes the formula",
            counterexample=proof,
        )
    checker = "ermbit-drat"
    if second_opinion and dratify_available():
        ok, reason = _dratify(cls, proof)
        if not ok:
            raise VerificationFailed(
                f"solver {solver!r} answered unsatisfiable but its DRAT proof was rejected "
                f"by dratify: {reason}",
                claim="the DRAT proof refutes the formula",
                counterexample=proof,
            )
        checker += "+dratify"
    return Certificate("drat", True, checker, verdict.steps, tuple(proof))


@dataclass(frozen=True)
class Agreement:
    """Why a positive count is trusted: independent counters agree on it (no proof).

    ``checker`` lists the counters that produced the count, ``steps`` how many they are;
    ``checked`` is true iff at least two of them counted and every count was equal.
    """

    kind: Literal["agreement"]
    checked: bool
    checker: str
    steps: int
    counts: tuple[tuple[str, int | str], ...]

    def to_json(self) -> dict[str, Any]:
        """The summary for ``--json`` output."""
        return {
            "kind": self.kind,
            "checked": self.checked,
            "checker": self.checker,
            "steps": self.steps,
            "counts": dict(self.counts),
        }


def certify_decision(cnf: CNF) -> Certificate:
    """A checked DRAT refutation of ``cnf``, which a solver answered unsatisfiable.

    Raises
    ------
    VerificationFailed
        If the formula is satisfiable after all, or its proof is rejected.
    """
    cert = refute(cnf.clauses)
    if cert is None:
        raise VerificationFailed(
            "the answer was 'unsatisfiable' but the proof-logging SAT solver found a model",
            claim="the formula is unsatisfiable",
        )
    return cert


#: Counters consulted for a positive count, each independent of the others.
WITNESSES = ("brute", "dpll", "ganak", "d4")


def certify_count(
    cnf: CNF,
    value: int,
    *,
    timeout: float | None = None,
    counts: Mapping[str, int | str] | None = None,
) -> Certificate | Agreement:
    """Evidence for ``value`` as the model count of ``cnf``.

    0 gets a checked DRAT refutation; a positive count gets the agreement of the
    independent counters that are installed and within budget (:data:`WITNESSES`), or
    of ``counts`` when a cross-check already ran (``count --method all``; ``auto`` and
    ``enum`` are then left out, as not independent of the others).

    Raises
    ------
    VerificationFailed
        If the count is 0 but the formula is satisfiable, a proof is rejected, or a
        counter disagrees with ``value``.
    """
    if value == 0:
        return certify_decision(cnf)
    if counts is None:
        methods = [m for m in WITNESSES if m in available_methods()]
        counts = cross_check(cnf, methods, timeout=timeout).counts
    counts = {m: v for m, v in counts.items() if m in WITNESSES}
    counted = {m: v for m, v in counts.items() if isinstance(v, int)}
    if any(v != value for v in counted.values()):
        raise VerificationFailed(
            f"independent counters disagree with the count {value}: {counted}",
            claim="independent counters agree",
            counterexample=dict(counts),
        )
    checked = len(counted) >= 2
    return Agreement("agreement", checked, "+".join(counted), len(counted), tuple(counts.items()))


@dataclass(frozen=True)
class BranchRefutation:
    """One exhausted pattern search: its clause set and the evidence against it."""

    clauses: tuple[tuple[int, ...], ...]
    farkas: int
    unjustified: int
    certificate: Certificate | None
    reason: str | None


def refute_patterns(base: Sequence[Sequence[int]], learned: Sequence[Any]) -> BranchRefutation:
    """Check the refutation behind a piecewise-linear "no zero-loss θ".

    ``base`` are the pattern clauses (exactly one piece per instance, pieces excluded by
    the model builder); ``learned`` are ``(clause, core)`` pairs where ``core`` is the
    LP core (constraints, Farkas multipliers, pattern literals) that the clause negates.
    Every Farkas certificate is re-verified exactly (:func:`verify_certificate`), then
    the clause set base + learned is refuted by a checked DRAT proof.  A clause without
    a core is left out, and reported.

    Raises
    ------
    VerificationFailed
        If a Farkas certificate does not verify, or a proof is rejected.
    """
    clauses = [tuple(c) for c in base]
    seen = set(clauses)
    farkas = unjustified = 0
    for clause, core in learned:
        if core is None:
            unjustified += 1
            continue
        constraints, multipliers, _ = core
        if not verify_certificate(constraints, multipliers):
            raise VerificationFailed(
                f"the Farkas certificate of learned clause {list(clause)} does not verify",
                claim="every learned clause negates an infeasible linear system",
                counterexample=(constraints, multipliers),
            )
        farkas += 1
        if tuple(clause) not in seen:
            seen.add(tuple(clause))
            clauses.append(tuple(clause))
    cert = refute(clauses)
    reason = None if cert is not None else "the justified clauses alone are satisfiable"
    return BranchRefutation(tuple(clauses), farkas, unjustified, cert, reason)


@dataclass(frozen=True)
class PatternRefutation:
    """The certificate of a "no" from the pattern search: one refutation per branch."""

    branches: tuple[BranchRefutation, ...]
    unsearched: int = 0
    why: str = ""
    kind: Literal["drat+farkas"] = "drat+farkas"

    @property
    def checked(self) -> bool:
        """Whether every branch is refuted by checked proofs alone."""
        return (
            bool(self.branches)
            and not self.unsearched
            and all(b.certificate is not None for b in self.branches)
        )

    @property
    def checker(self) -> str:
        names = {b.certificate.checker for b in self.branches if b.certificate is not None}
        return "farkas+" + "+".join(sorted(names)) if names else "farkas"

    @property
    def steps(self) -> int:
        return sum(b.certificate.steps for b in self.branches if b.certificate is not None)

    @property
    def proof(self) -> tuple[str, ...] | None:
        return () if self.branches else None

    def to_json(self) -> dict[str, Any]:
        """The summary for ``--json`` output."""
        reasons = [b.reason for b in self.branches if b.reason is not None]
        if self.unsearched or not self.branches:
            reasons.append(
                f"{self.unsearched or 'the'} branch(es) answered before any pattern search, "
                f"which is not certified: {self.why}"
            )
        return {
            "kind": self.kind,
            "checked": self.checked,
            "checker": self.checker,
            "steps": self.steps,
            "branches": len(self.branches),
            "learned_clauses": sum(b.farkas + b.unjustified for b in self.branches),
            "farkas_verified": sum(b.farkas for b in self.branches),
            "unjustified_clauses": sum(b.unjustified for b in self.branches),
            **({"reason": "; ".join(reasons)} if reasons else {}),
        }

    def write(self, path: str | Path) -> None:
        """Per branch i: the clause set as DIMACS (``PATH.cnf``, ``PATH.2.cnf``, ...) and
        its DRAT proof (``PATH``, ``PATH.2``, ...)."""
        for i, b in enumerate(self.branches):
            stem = str(path) if i == 0 else f"{path}.{i + 1}"
            nvars = max((abs(l) for c in b.clauses for l in c), default=0)
            head = f"p cnf {nvars} {len(b.clauses)}\n"
            body = "".join(" ".join(map(str, (*c, 0))) + "\n" for c in b.clauses)
            Path(stem + ".cnf").write_text(head + body)
            if b.certificate is not None:
                b.certificate.write(stem)


def combine_refutations(
    branches: Sequence[BranchRefutation], total: int, why: str
) -> PatternRefutation:
    """One certificate for the ``total`` branches of a search, ``branches`` of which
    were refuted by an exhausted pattern search (see :class:`PatternRefutation`)."""
    return PatternRefutation(tuple(branches), max(0, total - len(branches)), why)
