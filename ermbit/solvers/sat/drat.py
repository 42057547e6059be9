"""A small backward checker for DRUP/DRAT proofs of unsatisfiability.

A proof is a sequence of steps: a *lemma* (a clause added) or a *deletion* (``d`` in
front: a clause removed).  It refutes a formula F when it adds the empty clause and every
lemma the refutation depends on is

* **RUP** (reverse unit propagation): setting every literal of the lemma false and unit
  propagating over the clauses active at that step (F's clauses and earlier lemmas, minus
  deletions) reaches a conflict; or
* **RAT** on its first literal p: for every active clause D containing ¬p, the resolvent
  ``lemma ∪ (D \\ {¬p})`` is RUP (or a tautology).

Adding a RUP or RAT clause keeps the clause set satisfiable if it was, so reaching the
empty clause shows that F is unsatisfiable.  The check runs backwards (as drat-trim
does): only lemmas that some later check used are checked, which also makes the
certificate's ``steps`` the size of the proof's core.  Deletions of unit clauses are
ignored, as drat-trim does by default; ignoring a deletion only keeps more clauses, which
is sound for RUP and makes RAT harder to pass, never easier.  Solvers also delete
clauses that are unit only under the top-level assignment (Glucose does, after
simplification); a proof rejected with its deletions is therefore checked once more with
every deletion ignored, which is sound for the same reason.

This module shares no code with any solver in ermbit (it imports nothing from them), so
it can judge their answers.

>>> xor = [(1, 2), (-1, 2), (1, -2), (-1, -2)]
>>> check(xor, parse_proof("2 0\\n0\\n")).ok
True
>>> r = check(xor[:3], parse_proof("2 0\\n0\\n"))
>>> r.ok, r.reason
(False, 'step 2: the empty clause is not RUP (unit propagation reaches no conflict)')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ermbit.errors import BudgetExceeded, InputError

__all__ = ["DEFAULT_MAX_LITERALS", "DratResult", "Step", "check", "parse_proof"]

#: Largest proof accepted by :func:`check`, in literals (formula plus proof).
DEFAULT_MAX_LITERALS = 20_000_000

#: ``(deleted, clause)``: one proof line.
Step = tuple[bool, tuple[int, ...]]


@dataclass(frozen=True)
class DratResult:
    """The verdict of :func:`check`.

    ``ok`` is true iff the proof derives the empty clause and every lemma it depends on
    is RUP or RAT; ``steps`` counts the lemmas actually checked (the core);
    ``failed_step`` (1-based line of the proof) and ``reason`` say what failed.
    """

    ok: bool
    steps: int
    lemmas: int
    failed_step: int | None = None
    reason: str | None = None


def parse_proof(text: str | Iterable[str]) -> list[Step]:
    """Steps of a textual DRAT proof (one clause per line, ``0``-terminated).

    Raises
    ------
    InputError
        Naming the line, for a token that is not an integer or a clause without ``0``.

    >>> parse_proof(["1 2 0", "d 1 2 0", "0"])
    [(False, (1, 2)), (True, (1, 2)), (False, ())]
    """
    lines = text.splitlines() if isinstance(text, str) else list(text)
    steps: list[Step] = []
    for number, raw in enumerate(lines, start=1):
        tokens = raw.split()
        if not tokens or tokens[0] == "c":
            continue
        deleted = tokens[0] == "d"
        try:
            lits = [int(t) for t in tokens[deleted:]]
        except ValueError:
            raise InputError(f"proof line {number}: not a clause: {raw.strip()[:60]!r}") from None
        if not lits or lits[-1] != 0 or 0 in lits[:-1]:
            raise InputError(f"proof line {number}: a clause must end with a single 0")
        steps.append((deleted, tuple(lits[:-1])))
    return steps


def _norm(clause: Iterable[int]) -> tuple[int, ...]:
    """Repeated literals dropped; the order kept (the first literal is the RAT pivot)."""
    return tuple(dict.fromkeys(clause))


def _key(clause: Iterable[int]) -> tuple[int, ...]:
    """The same key for every ordering of a clause (deletions name clauses as sets)."""
    return tuple(sorted(set(clause)))


class _State:
    """Clauses with their activity, two watched literals, occurrence lists (for RAT) and
    unit propagation."""

    def __init__(self) -> None:
        self.clauses: list[tuple[int, ...]] = []
        self.lits: list[list[int]] = []  # the same literals, the two watched ones first
        self.alive: list[bool] = []
        self.occ: dict[int, set[int]] = {}  # literal -> alive clauses containing it
        self.watch: dict[int, set[int]] = {}  # literal -> alive clauses watching it
        self.units: set[int] = set()
        self.empties: set[int] = set()

    def add(self, clause: tuple[int, ...]) -> int:
        cid = len(self.clauses)
        self.clauses.append(clause)
        self.lits.append(list(clause))
        self.alive.append(False)
        return cid

    def set_alive(self, cid: int, alive: bool) -> None:
        if self.alive[cid] == alive:
            return
        self.alive[cid] = alive
        for lit in self.clauses[cid]:
            occ = self.occ.setdefault(lit, set())
            (occ.add if alive else occ.discard)(cid)
        for lit in self.lits[cid][:2] if len(self.clauses[cid]) >= 2 else ():
            watchers = self.watch.setdefault(lit, set())
            (watchers.add if alive else watchers.discard)(cid)
        size = len(self.clauses[cid])
        group = self.units if size == 1 else self.empties if size == 0 else None
        if group is not None:
            (group.add if alive else group.discard)(cid)

    def rup(self, clause: Sequence[int]) -> set[int] | None:
        """Ids of the clauses a conflict used, or ``None`` if propagation stops quietly."""
        value: dict[int, bool] = {}  # literal -> True when it is true
        reason: dict[int, int] = {}  # variable -> id of the clause that implied it
        queue: list[int] = []

        def assign(lit: int, why: int | None) -> int | None:
            if value.get(lit) is False:
                return why if why is not None else -1
            if lit not in value:
                value[lit], value[-lit] = True, False
                if why is not None:
                    reason[abs(lit)] = why
                queue.append(lit)
            return None

        for lit in clause:
            if value.get(lit) is True or assign(-lit, None) is not None:
                return set()  # a tautology: nothing to check
        if self.empties:
            return {min(self.empties)}
        for cid in sorted(self.units):
            conflict = assign(self.clauses[cid][0], cid)
            if conflict is not None:
                return self._core(conflict, value, reason)
        conflict = self._propagate(queue, value, assign)
        return None if conflict is None else self._core(conflict, value, reason)

    def _propagate(self, queue: list[int], value: dict[int, bool], assign: Any) -> int | None:
        """Two-watched-literal propagation; the id of a falsified clause, or None.

        Watches need no repair between checks: every check starts from an empty
        assignment, under which any two literals of a clause are valid watches.
        """
        lits, watch, get = self.lits, self.watch, value.get
        while queue:
            false = -queue.pop()
            watchers = watch.get(false)
            if not watchers:
                continue
            for cid in list(watchers):
                ls = lits[cid]
                if ls[0] == false:
                    ls[0], ls[1] = ls[1], ls[0]
                other = ls[0]
                if get(other) is True:
                    continue
                for k in range(2, len(ls)):
                    if get(ls[k]) is not False:
                        ls[1], ls[k] = ls[k], ls[1]
                        watchers.discard(cid)
                        watch.setdefault(ls[1], set()).add(cid)
                        break
                else:
                    if get(other) is False:
                        return cid
                    assign(other, cid)
        return None

    def _core(self, conflict: int, value: dict[int, bool], reason: dict[int, int]) -> set[int]:
        used, todo = set(), [conflict]
        while todo:
            cid = todo.pop()
            if cid in used:
                continue
            used.add(cid)
            todo.extend(reason[abs(l)] for l in self.clauses[cid] if abs(l) in reason)
        return used


def check(
    formula: Iterable[Iterable[int]],
    proof: Sequence[Step],
    *,
    max_literals: int = DEFAULT_MAX_LITERALS,
) -> DratResult:
    """Check that ``proof`` refutes ``formula`` (see the module notes).

    Raises
    ------
    BudgetExceeded
        If formula and proof together hold more than ``max_literals`` literals.
    """
    state = _State()
    nformula = 0
    for clause in formula:
        state.set_alive(state.add(_norm(clause)), True)
        nformula += 1
    size = sum(map(len, state.clauses)) + sum(len(c) for _, c in proof)
    if size > max_literals:
        raise BudgetExceeded(
            "DRAT proof check",
            predicted=size,
            budget=max_literals,
            unit="literals",
            hint="the proof is too large for the built-in checker; use drat-trim",
        )
    formula_clauses = list(state.clauses)
    result = _run(state, proof, nformula, deletions=True)
    if result.ok or result.reason == NO_EMPTY or not any(d for d, _ in proof):
        return result
    state = _State()
    for clause in formula_clauses:
        state.set_alive(state.add(clause), True)
    return _run(state, proof, nformula, deletions=False)


NO_EMPTY = "the proof never adds the empty clause"


def _run(state: _State, proof: Sequence[Step], nformula: int, *, deletions: bool) -> DratResult:
    replay = _forward(state, proof, deletions)
    if isinstance(replay, DratResult):
        return replay
    return _backward(state, proof, nformula, *replay)


def _forward(
    state: _State, proof: Sequence[Step], deletions: bool
) -> DratResult | tuple[list[int | None], int]:
    """Replay the proof up to its first empty lemma; ids per step and that step."""
    live: dict[tuple[int, ...], list[int]] = {}
    for cid, clause in enumerate(state.clauses):
        live.setdefault(_key(clause), []).append(cid)
    ids: list[int | None] = []
    lemmas = 0
    for index, (deleted, raw) in enumerate(proof):
        clause = _norm(raw)
        if deleted:
            stack = live.get(_key(clause))
            if not stack or len(clause) == 1 or not deletions:
                ids.append(None)  # unknown clause, or a unit: ignored
                continue
            cid = stack.pop()
            state.set_alive(cid, False)
            ids.append(cid)
            continue
        lemmas += 1
        cid = state.add(clause)
        state.set_alive(cid, True)
        live.setdefault(_key(clause), []).append(cid)
        ids.append(cid)
        if not clause:
            return ids, index
    return DratResult(False, 0, lemmas, None, NO_EMPTY)


def _backward(
    state: _State, proof: Sequence[Step], nformula: int, ids: list[int | None], last: int
) -> DratResult:
    lemmas = sum(1 for deleted, _ in proof[: last + 1] if not deleted)
    marked: set[int] = set()
    checked = 0
    for index in range(last, -1, -1):
        cid = ids[index]
        if cid is None:
            continue
        if proof[index][0]:
            state.set_alive(cid, True)
            continue
        state.set_alive(cid, False)
        if index != last and cid not in marked:
            continue
        checked += 1
        used = _check_lemma(state, state.clauses[cid])
        if used is None:
            what = "the empty clause" if index == last else f"lemma {list(state.clauses[cid])}"
            why = (
                "not RUP (unit propagation reaches no conflict)"
                if index == last
                else "neither RUP nor RAT"
            )
            return DratResult(
                False, checked, lemmas, index + 1, f"step {index + 1}: {what} is {why}"
            )
        marked |= {c for c in used if c >= nformula}
    return DratResult(True, checked, lemmas)


def _check_lemma(state: _State, clause: tuple[int, ...]) -> set[int] | None:
    used = state.rup(clause)
    if used is not None or not clause:
        return used
    pivot = clause[0]
    used = set()
    for cid in sorted(state.occ.get(-pivot, ())):
        resolvent = clause + tuple(l for l in state.clauses[cid] if l != -pivot)
        more = state.rup(resolvent)
        if more is None:
            return None
        used |= more | {cid}
    return used
