"""Shrink a failing input to a small one that still fails the same way (delta debugging).

"Still fails" means: :func:`~ermbit.checking.verifier.verify` reports a failed check of one of the
kinds that failed on the original input (``claim``, ``lift``, ``back``, ``solve-back``,
``forward``; the index in ``lift[2]`` is ignored), so shrinking does not drift from the
bug found to another one.  Every accepted step makes the input strictly smaller, so
shrinking ends; it also ends after ``budget`` calls of the verifier.

* CNFs: remove chunks of clauses (halving the chunk size down to single clauses),
  then single literals, then unused variables (renumbering the rest), until a whole
  round changes nothing.  The result is 1-minimal: removing any one clause, literal or
  unused variable gives an input that no longer fails that way.  Comments and the
  projection are dropped (an input that then passes is returned as it is).
* SLPs: cut the program at an earlier gate, or delete a gate and redirect its uses to
  one of its operands or to ``a_0``; dead gates are pruned.
* square 0/1 matrices: delete a row with a column, then turn ones into zeros.
* a dataclass with exactly one CNF or SLP field (an NAE formula, a bit query...):
  that field, shrunk as above, the other fields kept;
* anything else, when it came from a family: lower an integer family parameter (to 0,
  to half, by one), trying the original seed and a few others, as long as some
  regenerated input fails.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ermbit.checking.verifier import VerificationReport, input_hash, verify
from ermbit.cnf import CNF
from ermbit.errors import BudgetExceeded, InputError
from ermbit.reductions.base import Oracles, Reduction
from ermbit.slp import SLP, Gate, pruned

__all__ = ["Shrunk", "failure_kinds", "shrink"]

Regenerate = Callable[[dict[str, str], int | None], Any]


def failure_kinds(report: VerificationReport) -> frozenset[str]:
    """The names of the failed checks without their index (``lift[3]`` → ``lift``)."""
    return frozenset(c.name.split("[", 1)[0] for c in report.failures)


@dataclass(frozen=True)
class Shrunk:
    """The smallest failing input found, its report, and how it was found.

    ``recipe`` is set when the input was regenerated from a family (``family``,
    ``params``, ``seed``) rather than cut down from the original.
    """

    source: Any
    report: VerificationReport
    method: str
    calls: int
    recipe: dict[str, Any] | None = None


class _Oracle:
    """Counts and memoises the verifier calls; ``fails`` is False once out of budget."""

    def __init__(
        self, red: Reduction, kinds: frozenset[str], budget: int, oracles: Oracles | None
    ) -> None:
        self.red, self.kinds, self.budget, self.oracles = red, kinds, budget, oracles
        self.calls = 0
        self.memo: dict[str, VerificationReport | None] = {}

    def fails(self, src: Any) -> bool:
        key = input_hash(src)
        if key not in self.memo:
            if self.calls >= self.budget:
                return False
            self.calls += 1
            report = verify(self.red, src, oracles=self.oracles)
            self.memo[key] = report if failure_kinds(report) & self.kinds else None
        return self.memo[key] is not None

    def report(self, src: Any) -> VerificationReport:
        report = self.memo.get(input_hash(src))
        return report if report is not None else verify(self.red, src, oracles=self.oracles)


# ---------------------------------------------------------------- CNFs


def _drop_clauses(cnf: CNF, fails: Callable[[CNF], bool]) -> CNF:
    clauses = list(cnf.clauses)
    chunk = max(len(clauses) // 2, 1)
    while clauses:
        i = 0
        while i < len(clauses):
            candidate = CNF(cnf.num_vars, tuple(clauses[:i] + clauses[i + chunk :]))
            if fails(candidate):
                clauses = list(candidate.clauses)
            else:
                i += chunk
        if chunk == 1:
            break
        chunk //= 2
    return CNF(cnf.num_vars, tuple(clauses))


def _drop_literals(cnf: CNF, fails: Callable[[CNF], bool]) -> CNF:
    clauses = list(cnf.clauses)
    for ci in range(len(clauses)):
        li = 0
        while li < len(clauses[ci]):
            shorter = clauses[ci][:li] + clauses[ci][li + 1 :]
            candidate = CNF(cnf.num_vars, tuple([*clauses[:ci], shorter, *clauses[ci + 1 :]]))
            if fails(candidate):
                clauses[ci] = shorter
            else:
                li += 1
    return CNF(cnf.num_vars, tuple(clauses))


def _without_variable(cnf: CNF, v: int) -> CNF:
    """``cnf`` with the unused variable ``v`` removed and the later ones renumbered."""

    def shift(lit: int) -> int:
        return lit - 1 if lit > v else lit + 1 if lit < -v else lit

    return CNF(cnf.num_vars - 1, tuple(tuple(shift(l) for l in c) for c in cnf.clauses))


def _drop_variables(cnf: CNF, fails: Callable[[CNF], bool]) -> CNF:
    used = {abs(l) for c in cnf.clauses for l in c}
    unused = [v for v in range(cnf.num_vars, 0, -1) if v not in used]
    compact = cnf
    for v in unused:  # from the top, so the numbers of the others stay valid
        compact = _without_variable(compact, v)
    if unused and fails(compact):
        return compact
    for v in unused:
        candidate = _without_variable(cnf, v)
        if fails(candidate):
            cnf = candidate
    return cnf


def _shrink_cnf(cnf: CNF, fails: Callable[[CNF], bool]) -> CNF:
    current = CNF(cnf.num_vars, cnf.clauses)  # the family comment no longer describes it
    if not fails(current):  # the failure needs the projection (or the comments)
        return cnf
    while True:
        before = current
        for step in (_drop_clauses, _drop_literals, _drop_variables):
            current = step(current, fails)
        if current == before:
            return current


# ---------------------------------------------------------------- SLPs


def _slp_candidates(p: SLP) -> Iterator[SLP]:
    gates = list(p.gates)
    for out in range(p.length):
        yield pruned(p.a0, gates, out)
    for t in range(p.length - 1, 0, -1):
        g = gates[t - 1]
        for r in dict.fromkeys((g.j, g.k, 0)):
            moved = [Gate(h.op, r if h.j == t else h.j, r if h.k == t else h.k) for h in gates[t:]]
            later = [Gate(h.op, h.j - (h.j > t), h.k - (h.k > t)) for h in moved]
            yield pruned(p.a0, gates[: t - 1] + later, p.length - 1)


def _shrink_slp(p: SLP, fails: Callable[[SLP], bool]) -> SLP:
    improved = True
    while improved:
        improved = False
        for candidate in _slp_candidates(p):
            if candidate.length < p.length and fails(candidate):
                p, improved = candidate, True
                break
    return p


# ---------------------------------------------------------------- 0/1 matrices

Matrix = tuple[tuple[int, ...], ...]


def _is_square_01(obj: Any) -> bool:
    if not isinstance(obj, tuple) or not obj:
        return False
    return all(
        isinstance(r, tuple) and len(r) == len(obj) and all(a in (0, 1) for a in r) for r in obj
    )


def _matrix_candidates(a: Matrix) -> Iterator[Matrix]:
    n = len(a)
    for r in range(n):
        for c in range(n if n > 1 else 0):
            yield tuple(row[:c] + row[c + 1 :] for i, row in enumerate(a) if i != r)
    for r in range(n):
        for c in range(n):
            if a[r][c]:
                yield tuple(
                    row if i != r else (*row[:c], 0, *row[c + 1 :]) for i, row in enumerate(a)
                )


def _shrink_matrix(a: Matrix, fails: Callable[[Matrix], bool]) -> Matrix:
    improved = True
    while improved:
        improved = False
        for candidate in _matrix_candidates(a):
            if fails(candidate):
                a, improved = candidate, True
                break
    return a


# ---------------------------------------------------------------- family parameters

_SEEDS_PER_CANDIDATE = 6


def _smaller_params(params: Mapping[str, str]) -> Iterator[dict[str, str]]:
    for key, text in params.items():
        if not text.strip().isdigit():
            continue
        value = int(text)
        for lower in sorted({0, value // 2, value - 1} - {value}):
            if lower >= 0:
                yield {**params, key: str(lower)}


def _seeds(seed: int | None) -> list[int | None]:
    if seed is None:
        return [None]
    more = (
        int.from_bytes(hashlib.sha256(f"ermbit-shrink:{seed}:{i}".encode()).digest()[:4], "big")
        for i in range(_SEEDS_PER_CANDIDATE - 1)
    )
    return [seed, *more]


def _shrink_params(
    src: Any, recipe: dict[str, Any], regenerate: Regenerate, fails: Callable[[Any], bool]
) -> tuple[Any, dict[str, Any]]:
    improved = True
    while improved:
        improved = False
        for params in _smaller_params(recipe["params"]):
            for seed in _seeds(recipe["seed"]):
                try:
                    candidate = regenerate(params, seed)
                except (InputError, BudgetExceeded):  # the family refuses these parameters
                    break
                if fails(candidate):
                    src, recipe = candidate, {**recipe, "params": params, "seed": seed}
                    improved = True
                    break
            if improved:
                break
    return src, recipe


# ---------------------------------------------------------------- entry point


def _inner_field(src: Any) -> str | None:
    """The one CNF or SLP field of a dataclass wrapper (an NAE formula, a bit query...)."""
    if dataclasses.is_dataclass(src) and not isinstance(src, type):
        names = [
            f.name
            for f in dataclasses.fields(src)
            if f.init and isinstance(getattr(src, f.name), CNF | SLP)
        ]
        if len(names) == 1:
            return names[0]
    return None


def _structural(src: Any, fails: Callable[[Any], bool]) -> tuple[Any, str] | None:
    if isinstance(src, CNF):
        return _shrink_cnf(src, fails), "cnf"
    if isinstance(src, SLP):
        return _shrink_slp(src, fails), "slp"
    if _is_square_01(src):
        return _shrink_matrix(src, fails), "matrix"
    field = _inner_field(src)
    if field is None:
        return None

    def wrap(inner: Any) -> Any:
        return dataclasses.replace(src, **{field: inner})

    found = _structural(getattr(src, field), lambda inner: fails(wrap(inner)))
    return None if found is None else (wrap(found[0]), f"{found[1]} (field {field})")


def shrink(
    red: Reduction,
    src: Any,
    report: VerificationReport,
    *,
    recipe: dict[str, Any] | None = None,
    regenerate: Regenerate | None = None,
    budget: int = 2000,
    oracles: Oracles | None = None,
) -> Shrunk:
    """Shrink the failing input ``src`` of ``red`` (see the module docstring).

    Parameters
    ----------
    red : Reduction
        The reduction whose verification failed on ``src``.
    src : object
        The failing input.
    report : VerificationReport
        Its report; the kinds of its failed checks are the ones to keep failing.
    recipe : dict, optional
        ``{"family", "params", "seed"}`` that made ``src``; with ``regenerate``, inputs
        of no known structure are shrunk by regenerating them with smaller parameters.
    regenerate : callable, optional
        ``regenerate(params, seed) -> input``; may raise :class:`InputError`.
    budget : int
        At most this many verifier calls.
    oracles : Oracles, optional
        The oracles the failing report was made with (default the standard ones).

    Returns
    -------
    Shrunk
        The smallest failing input found (``src`` itself when nothing smaller fails).
    """
    if not report.failed:
        raise InputError(
            f"report: no check failed on the input (status {report.status}); "
            "there is nothing to shrink"
        )
    oracle = _Oracle(red, failure_kinds(report), budget, oracles)
    oracle.memo[input_hash(src)] = report
    found = _structural(src, oracle.fails)
    if found is not None:
        small, method = found
        return Shrunk(small, oracle.report(small), method, oracle.calls)
    if recipe is not None and regenerate is not None:
        small, new = _shrink_params(src, dict(recipe), regenerate, oracle.fails)
        return Shrunk(small, oracle.report(small), "params", oracle.calls, new)
    return Shrunk(src, report, "none", oracle.calls, recipe)
