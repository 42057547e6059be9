"""The ``ermbit demo`` report: every chain of the toolkit run on one small formula.

:func:`run` yields ``(line, confirmed)`` pairs; the command line prints the lines and
exits 1 unless every claim was confirmed.  Library code does not print.
"""

from __future__ import annotations

from collections.abc import Iterator

from ermbit.cnf import CNF

__all__ = ["DEFAULT_FORMULA", "run"]

#: The embedded default: 4 variables, 4 clauses, small enough to read and to count by hand.
DEFAULT_FORMULA = CNF(4, ((1, 2, -3), (-1, 3), (2, 4), (-2, -4, 3)))


def _section(title: str) -> str:
    return f"\n== {title} =="


def _counts(cnf: CNF) -> Iterator[tuple[str, bool]]:
    from ermbit.solvers.counting import cross_check

    yield _section("Model counting (independent counters)"), True
    cc = cross_check(cnf)
    for name, value in cc.counts.items():
        yield f"  {name:>6}: {value}", True
    if cc.agreed:
        yield f"  confirmed: every counter that ran says #SAT = {cc.count}", True
    else:
        yield f"  NOT confirmed: {cc.disagreement}", False


def run(cnf: CNF | None = None, *, quick: bool = False) -> Iterator[tuple[str, bool]]:
    """Yield the demo report for ``cnf`` (the embedded default when None).

    Each pair is a printable line and whether the claim on it was confirmed; the last
    line says whether all of them were.
    """
    cnf = DEFAULT_FORMULA if cnf is None else cnf
    all_ok = True
    yield "ermbit demo — the bit-model dichotomy on one small formula", True
    yield f"formula φ: {cnf}  (n = {cnf.num_vars}, m = {cnf.num_clauses})", True
    for line, ok in _counts(cnf):
        all_ok = all_ok and ok
        yield line, ok
    verdict = "every claim was confirmed" if all_ok else "SOME CLAIM WAS NOT CONFIRMED"
    yield f"\nresult: {verdict}", all_ok
