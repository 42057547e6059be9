"""The generic verifier: checks any reduction's claim and witness maps on one input.

For a reduction ``R`` and a source instance ``src`` it

1. builds ``target = R.forward(src)`` and records both sizes;
2. computes the claim's two quantities (source oracle, target side) and checks the relation;
3. lifts up to ``max_witnesses`` source solutions and checks each is a target solution,
   then maps each back and checks it is a source solution again;
4. maps back target solutions found by solving the target (when the reduction can).

Nothing here knows any particular reduction.  An exception raised by the reduction is
recorded as a failed check (it is a bug found), except two that say the check was never
made, which is not the same as made and found right:

* :class:`~ermbit.errors.BudgetExceeded` -- status ``"refused"``: the input was too big to
  check within the size budget; :class:`~ermbit.errors.Undecided` likewise, when an oracle
  stopped at its time limit without an answer;
* :class:`~ermbit.errors.BackendUnavailable` -- status ``"unchecked"``: an oracle or backend
  the check needs is not installed.

A report *passed* only when its claim was checked and every check passed; see
:attr:`VerificationReport.status`.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from ermbit.checking.oracles import SolverOracles
from ermbit.errors import BackendUnavailable, BudgetExceeded, Undecided, VerificationFailed
from ermbit.reductions.base import Oracles, Reduction, relation_holds
from ermbit.reductions.sizes import check_sizes

__all__ = [
    "STATUSES",
    "Check",
    "Status",
    "VerificationReport",
    "input_hash",
    "report_status",
    "size_summary",
    "verify",
]

#: Outcome of one check, and of a whole report: ``"passed"`` and ``"failed"`` say the
#: statement was checked; ``"refused"`` (over a size budget) and ``"unchecked"`` (an
#: oracle or backend missing, or no claim check at all) say it was not.
Status = Literal["passed", "failed", "refused", "unchecked"]
STATUSES: tuple[Status, ...] = get_args(Status)


def report_status(statuses: Iterable[str], *, claim_checked: bool) -> Status:
    """The status of a report from its checks' statuses (worst first).

    ``"failed"`` if any check failed; else ``"refused"`` if any was refused by a budget;
    else ``"unchecked"`` if any was not checked or the claim check never ran; else
    ``"passed"``.  Works on :meth:`VerificationReport.to_json` dicts too, so reports
    written before the status was recorded are read the same way.

    >>> report_status(["passed", "refused"], claim_checked=True)
    'refused'
    >>> report_status(["passed"], claim_checked=False)
    'unchecked'
    """
    seen = set(statuses)
    if "failed" in seen:
        return "failed"
    if "refused" in seen:
        return "refused"
    if "unchecked" in seen or not claim_checked:
        return "unchecked"
    return "passed"


@dataclass(frozen=True)
class Check:
    """One checked statement: its name, outcome, the oracles used and the time it took."""

    name: str
    status: Status
    detail: str
    oracles: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "detail": self.detail,
            "oracles": list(self.oracles),
            "seconds": round(self.seconds, 6),
        }


@dataclass(frozen=True)
class VerificationReport:
    """Everything the verifier found about one input."""

    reduction: str
    input_hash: str
    source_size: dict[str, int]
    target_size: dict[str, int]
    checks: tuple[Check, ...]
    seconds: float
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def claim_status(self) -> Status:
        """Status of the claim check; ``"unchecked"`` when it never ran (e.g. no target)."""
        return next((c.status for c in self.checks if c.name == "claim"), "unchecked")

    @property
    def status(self) -> Status:
        """``"passed"`` only when the claim was checked and every check passed.

        Otherwise the worst status among the checks (see :func:`report_status`): a
        report whose claim was refused by a budget is ``"refused"``, never ``"passed"``.
        """
        claim_checked = self.claim_status in ("passed", "failed")
        return report_status((c.status for c in self.checks), claim_checked=claim_checked)

    @property
    def passed(self) -> bool:
        """True when the claim was checked and every check passed (``status == "passed"``)."""
        return self.status == "passed"

    @property
    def failed(self) -> bool:
        """True when some check was made and found false (a bug found)."""
        return bool(self.failures)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == "failed")

    def raise_if_failed(self) -> None:
        """Raise :class:`VerificationFailed` unless the report passed.

        A failed check is named; a report that was refused or left unchecked raises too,
        since nothing was confirmed.
        """
        if self.passed:
            return
        bad = self.failures[0] if self.failures else None
        if bad is not None:
            detail = f"{bad.name}: {bad.detail}"
        else:
            detail = f"not confirmed, the claim was {self.claim_status} (status {self.status})"
        raise VerificationFailed(
            f"{self.reduction} failed on input {self.input_hash[:12]}: {detail}",
            claim=bad.name if bad else None,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "reduction": self.reduction,
            "input_hash": self.input_hash,
            "passed": self.passed,
            "status": self.status,
            "claim_status": self.claim_status,
            "source_size": self.source_size,
            "target_size": self.target_size,
            "checks": [c.to_json() for c in self.checks],
            "seconds": round(self.seconds, 6),
            "meta": self.meta,
        }


def size_summary(obj: Any) -> dict[str, int]:
    """A few integers describing an instance's size (whatever the object offers).

    >>> from ermbit.cnf import CNF
    >>> size_summary(CNF(3, ((1, -2), (3,))))
    {'variables': 3, 'clauses': 2, 'literals': 3}
    """
    if hasattr(obj, "size_summary"):
        return dict(obj.size_summary())
    if hasattr(obj, "num_vars") and hasattr(obj, "clauses"):
        return {
            "variables": obj.num_vars,
            "clauses": len(obj.clauses),
            "literals": sum(len(c) for c in obj.clauses),
        }
    return {}


def input_hash(obj: Any) -> str:
    """SHA-256 of a canonical text form of an instance (DIMACS, JSON or repr)."""
    if hasattr(obj, "to_dimacs"):
        text = obj.to_dimacs()
    else:
        try:
            formats = importlib.import_module("ermbit.formats")
            text = formats.dumps(obj)
        except Exception:  # an object with no file form is still hashable by repr
            text = repr(obj)
    return hashlib.sha256(text.encode()).hexdigest()


def _timed(name: str, oracles: tuple[str, ...], fn: Callable[[], tuple[bool, str]]) -> Check:
    start = time.perf_counter()
    status: Status
    try:
        ok, detail = fn()
        status = "passed" if ok else "failed"
    except (BudgetExceeded, Undecided) as exc:
        status, detail = "refused", str(exc)
    except BackendUnavailable as exc:
        status, detail = "unchecked", str(exc)
    except Exception as exc:  # a crash inside a reduction is a finding, not a verifier bug
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        status, detail = "failed", f"raised {tb}"
    return Check(name, status, detail, oracles, time.perf_counter() - start)


def _claim_check(red: Reduction, src: Any, target: Any, oracles: Oracles) -> Check:
    claim = red.claim(src)

    def run() -> tuple[bool, str]:
        s = claim.source(src, oracles)
        t = claim.target(src, target, oracles)
        ok = relation_holds(claim.relation, s, t, claim.factor)
        rel = {"equal": "=", "iff": "⇔", "times": f"= {claim.factor} ×"}[claim.relation]
        verdict = "holds" if ok else "FAILS"
        return ok, f"{claim.statement}: target {t!s} {rel} source {s!s} {verdict}"

    return _timed("claim", (claim.source_oracle, claim.target_oracle), run)


def _lift_once(red: Reduction, src: Any, target: Any, sol: Any, out: list[Any]) -> tuple[bool, str]:
    t_sol = red.lift(src, target, sol)
    out.append(t_sol)
    ok = red.is_target_solution(target, t_sol)
    return ok, "lifted solution solves the target" if ok else f"lift({sol}) is no solution"


def _back_once(red: Reduction, src: Any, target: Any, t_sol: Any) -> tuple[bool, str]:
    back = red.back(src, target, t_sol)
    ok = red.is_source_solution(src, back)
    return ok, "mapped back to a source solution" if ok else f"back gave {back}"


def _first(
    name: str, oracle: str, solutions: Callable[[], Iterable[Any]], limit: int
) -> tuple[list[Any], list[Check]]:
    """Up to ``limit`` solutions, found inside a timed check: a solver that crashes or stops
    at its limits while producing them is recorded (``failed`` or ``refused``) instead of
    escaping the verifier.  The check is listed only when it did not pass."""
    found: list[Any] = []

    def collect() -> tuple[bool, str]:
        for sol in solutions():
            if len(found) >= limit:
                break
            found.append(sol)
        return True, f"{len(found)} found"

    check = _timed(name, (oracle,), collect)
    return found, [] if check.status == "passed" else [check]


def _witness_checks(
    red: Reduction, src: Any, target: Any, oracles: Oracles, limit: int
) -> list[Check]:
    sols, checks = _first(
        "source-solutions", "source solver", lambda: red.source_solutions(src, oracles), limit
    )
    for i, sol in enumerate(sols):
        lifted: list[Any] = []
        run = functools.partial(_lift_once, red, src, target, sol, lifted)
        checks.append(_timed(f"lift[{i}]", ("target checker",), run))
        if lifted:
            run = functools.partial(_back_once, red, src, target, lifted[0])
            checks.append(_timed(f"back[{i}]", ("source checker",), run))
    return checks


def _solved_back_checks(
    red: Reduction, src: Any, target: Any, limit: int, oracles: Oracles
) -> list[Check]:
    found, checks = _first(
        "target-solutions",
        "target solver",
        lambda: red.target_solutions(src, target, oracles),
        limit,
    )
    for i, t_sol in enumerate(found):
        run = functools.partial(_back_once, red, src, target, t_sol)
        checks.append(_timed(f"solve-back[{i}]", ("target solver", "source checker"), run))
    return checks


def verify(
    red: Reduction, src: Any, *, max_witnesses: int = 4, oracles: Oracles | None = None
) -> VerificationReport:
    """Check ``red``'s claim and witness maps on ``src``; never raises on a failed check.

    Parameters
    ----------
    red : Reduction
        Any object following the protocol of :class:`~ermbit.reductions.base.Reduction`.
    src : object
        A source instance.
    max_witnesses : int
        How many source solutions to lift and map back (and target solutions to map back).
    oracles : Oracles, optional
        The independent solvers the claims consult (default :class:`SolverOracles`).

    Returns
    -------
    VerificationReport
        ``report.status`` is ``"passed"`` only when the claim was checked and every
        check passed; ``report.passed`` says the same; ``raise_if_failed`` raises otherwise.
    """
    oracles = SolverOracles() if oracles is None else oracles
    erm_oracle = getattr(oracles, "erm", "structural")
    start = time.perf_counter()
    checks: list[Check] = []
    built: list[Any] = []

    def build() -> tuple[bool, str]:
        built.append(red.forward(src))
        return True, "built"

    checks.append(_timed("forward", ("construction",), build))
    target = built[0] if built else None
    # who answered the claims' ERM questions, when not the solver each claim names
    meta: dict[str, Any] = {} if erm_oracle == "structural" else {"erm_oracle": erm_oracle}
    if target is not None:
        sized = _size_check(red, src, target)
        if sized is None:
            meta["sizes"] = "no declared size bound"
        else:
            checks.append(sized[0])
            meta["size_ratio"] = sized[1]
        checks.append(_claim_check(red, src, target, oracles))
        if red.has_witness_maps:
            checks.extend(_witness_checks(red, src, target, oracles, max_witnesses))
            checks.extend(_solved_back_checks(red, src, target, max_witnesses, oracles))
    return VerificationReport(
        reduction=red.name or type(red).__name__,
        input_hash=input_hash(src),
        source_size=size_summary(src),
        target_size=size_summary(target) if target is not None else {},
        checks=tuple(checks),
        seconds=time.perf_counter() - start,
        meta=meta,
    )


def _size_check(red: Reduction, src: Any, target: Any) -> tuple[Check, float | None] | None:
    """Actual output size against the declared bound (``None`` when none is declared)."""
    found = check_sizes(red.name, size_summary(src), size_summary(target), src=src, red=red)
    if found is None:
        return None
    ok, detail, ratio = found
    return Check("sizes", "passed" if ok else "failed", detail, ("declared bound",)), ratio
