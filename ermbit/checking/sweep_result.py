"""What a sweep found: :class:`SweepResult` (reports, totals by status, counterexamples,
the shrunk input) and :func:`status_of`, the status of one report read back from JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ermbit.checking.verifier import STATUSES, Status, report_status

__all__ = ["SweepResult", "status_of"]


@dataclass(frozen=True)
class SweepResult:
    """What a sweep found.

    Attributes
    ----------
    reduction : str
        The reduction spec swept.
    family : str
        The family the instances came from.
    sizes : tuple of dict
        The family parameters of each size.
    trials, seed : int
        Trials per size and the sweep's seed.
    backend : str
        ``"in-process"``, ``"processes:N"`` or ``"dask:ADDRESS"``.
    reports : tuple of dict
        One ``VerificationReport.to_json()`` per instance, ordered by (size, trial); its
        ``meta`` holds ``family``, ``params``, ``seed``, ``size_index`` and ``trial``.
    counterexamples : tuple of str
        Paths of the failing inputs written (each with a ``.report.json`` beside it).
    shrunk : dict or None
        The shrunk smallest failing input: ``report``, ``method``, ``verifier_calls``,
        ``original_hash``, ``file`` (or None when not written), ``recipe``.
    seconds : float
        Wall-clock time of the whole sweep.
    """

    reduction: str
    family: str
    sizes: tuple[dict[str, str], ...]
    trials: int
    seed: int
    backend: str
    reports: tuple[dict[str, Any], ...]
    counterexamples: tuple[str, ...]
    shrunk: dict[str, Any] | None
    seconds: float

    def _with_status(self, status: Status) -> tuple[dict[str, Any], ...]:
        return tuple(r for r in self.reports if status_of(r) == status)

    @property
    def failures(self) -> tuple[dict[str, Any], ...]:
        """The reports of the instances on which some check failed."""
        return self._with_status("failed")

    @property
    def refused(self) -> tuple[dict[str, Any], ...]:
        """The reports of the instances a size budget kept from being checked (none failed)."""
        return self._with_status("refused")

    @property
    def unchecked(self) -> tuple[dict[str, Any], ...]:
        """The reports of the instances left unchecked, e.g. for a missing oracle."""
        return self._with_status("unchecked")

    @property
    def passed(self) -> bool:
        """True when every instance passed: none failed, none was refused or left unchecked."""
        return bool(self.reports) and all(status_of(r) == "passed" for r in self.reports)

    def totals(self) -> dict[str, Any]:
        """Instance counts by status (they add up to ``instances``), checks and times."""
        counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
        for r in self.reports:
            counts[status_of(r)] += 1
        return {
            "instances": len(self.reports),
            **counts,
            "checks": sum(len(r["checks"]) for r in self.reports),
            # actual / declared output size, the largest over the instances (≤ 1 passes)
            "size_ratio": max(
                (r["meta"]["size_ratio"] for r in self.reports if "size_ratio" in r["meta"]),
                default=None,
            ),
            "verify_seconds": round(sum(r["seconds"] for r in self.reports), 6),
            "seconds": round(self.seconds, 6),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "reduction": self.reduction,
            "family": self.family,
            "sizes": [dict(s) for s in self.sizes],
            "trials": self.trials,
            "seed": self.seed,
            "backend": self.backend,
            "passed": self.passed,
            "totals": self.totals(),
            "failures": [r["input_hash"] for r in self.failures],
            "counterexamples": list(self.counterexamples),
            "shrunk": self.shrunk,
            "instances": list(self.reports),
        }


def status_of(report: Mapping[str, Any]) -> Status:
    """The status of a ``VerificationReport.to_json()`` dict, recomputed from its checks.

    Recomputing (rather than reading ``report["status"]``) reads report files written
    before the status was recorded the same way as new ones.
    """
    checks = report["checks"]
    claim = [c["status"] for c in checks if c["name"] == "claim"]
    claim_checked = bool(claim) and claim[0] in ("passed", "failed")
    return report_status((c["status"] for c in checks), claim_checked=claim_checked)
