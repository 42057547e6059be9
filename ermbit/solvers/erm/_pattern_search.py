"""Private: the pattern search of :mod:`ermbit.solvers.erm.pattern` (SAT proposes, LP checks).

One Boolean per (instance, piece) -- a single Boolean for two-piece activations such as
ReLU -- with exactly-one clauses.  A SAT model is a full activation pattern; under it every
instance's pre-activation is an affine form in θ (outputs substituted upstream first), and
the pattern is realisable iff the linear system of its rows is feasible.

**Learning.**  Every row carries the set of pattern literals it was built from (its own
piece and the pieces substituted into it).  An infeasible subsystem -- the LP's core -- is
infeasible under every pattern that contains those literals, so the clause "not all of
them" is valid; nothing else is ever added, which is why an UNSAT answer of the SAT solver
proves that no pattern is realisable.

**Local checks first.**  Rows are grouped by θ-support: for every maximal support set S,
the group holds the instances and label rows whose support lies in S (upstream instances
included, since supports are transitive).  A proposed pattern is checked group by group
with small LPs (results cached per group and sub-pattern), so that one round learns many
short clauses; only a pattern that passes every group gets the full LP, solved per
connected component of its variables.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pysat.solvers import Solver

from ermbit.solvers.erm._pattern_model import Form, LabelRow, Model, Var
from ermbit.solvers.lp.program import Constraint, feasible

Deps = frozenset[tuple[int, int]]
Row = tuple[Constraint, Deps]
Pattern = tuple[int, ...]
#: An LP core: its constraints, Farkas multipliers, and the pattern literals it needs.
Core = tuple[list[Constraint], tuple[Any, ...], Deps]

#: Groups with more instances than this are left to the full check.
GROUP_LIMIT = 48
#: Cores with at most this many open literals are minimised literal by literal.
MINIMISE_LITERALS = 24


@dataclass
class Stats:
    """Counters of one search."""

    patterns: int = 0
    lp_calls: int = 0
    learned: int = 0
    groups: int = 0
    group_checks: int = 0
    full_checks: int = 0


class _Rows:
    """The rows of one pattern, built lazily with memoised substitution."""

    def __init__(self, model: Model, pattern: Pattern) -> None:
        self.m, self.p = model, pattern
        self.memo: dict[int, tuple[Form, Deps]] = {}

    def subst(self, form: Form) -> tuple[Form, Deps]:
        const, co = form
        out: dict[Var, Any] = {}
        deps: set[tuple[int, int]] = set()
        for v, a in co.items():
            if isinstance(v, tuple) and v[0] == "z":
                (c2, co2), d2 = self.value(v[1])
                const = const + a * c2
                for u, b in co2.items():
                    out[u] = out.get(u, 0) + a * b
                deps |= d2
            else:
                out[v] = out.get(v, 0) + a
        return (const, {v: a for v, a in out.items() if a}), frozenset(deps)

    def value(self, k: int) -> tuple[Form, Deps]:
        hit = self.memo.get(k)
        if hit is None:
            inst = self.m.instances[k]
            (c, co), deps = self.subst(inst.pre)
            piece = self.p[k]
            pc = inst.pieces[piece]
            form = (pc.slope * c + pc.intercept, {v: pc.slope * a for v, a in co.items()})
            clean = (form[0], {v: a for v, a in form[1].items() if a})
            hit = self.memo[k] = (clean, deps | {(k, piece)})
        return hit

    def instance(self, k: int) -> list[Row]:
        inst = self.m.instances[k]
        (c, co), deps = self.subst(inst.pre)
        deps = deps | {(k, self.p[k])}
        pc = inst.pieces[self.p[k]]
        rows = []
        if pc.lo is not None:
            rows.append((Constraint(co, ">", pc.lo - c), deps))
        if pc.hi is not None:
            rows.append((Constraint(co, "<=", pc.hi - c), deps))
        return rows

    def label(self, row: LabelRow) -> list[Row]:
        (c, co), deps = self.subst(row.form)
        return [(Constraint(co, row.op, row.rhs - c), deps)]


def _constant_violation(rows: list[Row]) -> tuple[list[Row], list[Deps]]:
    """Split off rows without variables: violated ones are conflicts by themselves."""
    kept, bad = [], []
    for c, deps in rows:
        if c.coeffs:
            kept.append((c, deps))
        elif not c.holds({}):
            bad.append(deps)
    return kept, bad


def _components(rows: list[Row]) -> list[list[Row]]:
    parent: dict[Var, Var] = {}

    def find(v: Var) -> Var:
        while parent.setdefault(v, v) != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for c, _ in rows:
        vs = list(c.coeffs)
        for u in vs[1:]:
            parent[find(u)] = find(vs[0])
    comps: dict[Var, list[Row]] = {}
    for row in rows:
        comps.setdefault(find(next(iter(row[0].coeffs))), []).append(row)
    return list(comps.values())


@dataclass
class _Group:
    insts: tuple[int, ...]
    labels: tuple[int, ...]
    ok: set[Pattern] = field(default_factory=set)


def _groups(model: Model, limit: int) -> list[_Group]:
    supports = {i.support for i in model.instances} | {r.support for r in model.labels}
    maximal: list[frozenset[Var]] = []
    for s in sorted(supports, key=len, reverse=True):
        if not any(s <= t for t in maximal):
            maximal.append(s)
    if len(maximal) <= 1:
        return []  # one group is the whole system: the full check does it
    out = []
    for s in sorted(maximal, key=len):
        insts = tuple(k for k, i in enumerate(model.instances) if i.support <= s)
        labels = tuple(k for k, r in enumerate(model.labels) if r.support <= s)
        if insts and len(insts) <= limit:
            out.append(_Group(insts, labels))
    return out


class Search:
    """Propose patterns with a SAT solver; check them with exact LPs; learn from cores."""

    def __init__(
        self,
        model: Model,
        *,
        solver: str,
        deadline: float | None,
        max_patterns: int | None,
        group_limit: int = GROUP_LIMIT,
        record: bool = False,
    ) -> None:
        self.m = model
        # With record=True every clause given to the SAT solver is kept, each learned one
        # with the LP core and Farkas multipliers that justify it (for --certify).
        self.record = record
        self.cores: dict[Deps, Core] = {}
        self.base: list[list[int]] = []
        self.learned_log: list[tuple[list[int], Core | None]] = []
        self.deadline, self.max_patterns = deadline, max_patterns
        self.stats = Stats()
        self.unsat = False
        self.seen: set[tuple[int, ...]] = set()
        self.var: list[tuple[int, ...]] = []
        clauses: list[list[int]] = []
        top = 0
        for inst in model.instances:
            k = len(inst.pieces)
            ids = tuple(range(top + 1, top + 1 + (1 if k == 2 else k)))
            top += len(ids)
            self.var.append(ids)
            if k > 2:
                clauses.append(list(ids))
                clauses += [[-a, -b] for j, a in enumerate(ids) for b in ids[j + 1 :]]
        self.known: set[tuple[int, int]] = set()  # (instance, piece) true in every model
        self.excluded: dict[int, set[int]] = {}
        for k, p in model.units:
            self._exclude(k, p)
        clauses += [[-self.lit(k, p)] for k, p in model.units]
        if record:
            self.base = [list(c) for c in clauses]
        self.sat = Solver(name=solver, bootstrap_with=clauses)
        # start from "every ReLU inactive" (piece 0); later runs keep saved phases
        self.sat.set_phases([-ids[0] for ids in self.var if len(ids) == 1])
        self.groups = _groups(model, group_limit)
        self.stats.groups = len(self.groups)

    def close(self) -> None:
        self.sat.delete()

    def lit(self, k: int, piece: int) -> int:
        ids = self.var[k]
        if len(ids) == 1:
            return ids[0] if piece == 1 else -ids[0]
        return ids[piece]

    def _exclude(self, k: int, p: int) -> None:
        out = self.excluded.setdefault(k, set())
        out.add(p)
        left = set(range(len(self.m.instances[k].pieces))) - out
        if len(left) == 1:
            self.known.add((k, left.pop()))

    def learn(self, deps: Iterable[tuple[int, int]]) -> None:
        deps = list(deps)
        if self.record:
            core = self.cores.get(frozenset(deps))
            full = core[2] if core is not None else frozenset(deps)
            self.learned_log.append((sorted({-self.lit(k, p) for k, p in full}), core))
        deps = [d for d in deps if d not in self.known]  # true at the root: implied
        if len(deps) == 1:
            self._exclude(*deps[0])
        clause = sorted({-self.lit(k, p) for k, p in deps})
        if not clause:
            self.unsat = True
            return
        key = tuple(clause)
        if key in self.seen:
            return
        self.seen.add(key)
        self.sat.add_clause(clause)
        self.stats.learned += 1

    def block(self, pattern: Pattern) -> None:
        """Exclude one whole pattern (used when its points are all too long)."""
        self.learn((k, p) for k, p in enumerate(pattern))

    def _pattern(self) -> Pattern:
        model = set(lit for lit in (self.sat.get_model() or []) if lit > 0)
        out = []
        for ids in self.var:
            if len(ids) == 1:
                out.append(1 if ids[0] in model else 0)
            else:
                out.append(next(j for j, v in enumerate(ids) if v in model))
        return tuple(out)

    def _solve(self, rows: list[Row]) -> tuple[dict[Var, Any] | None, Deps]:
        """A point, or None and the open literals of an infeasible subsystem."""
        self.stats.lp_calls += 1
        res = feasible([c for c, _ in rows])
        if res.status != "infeasible":
            assert res.point is not None
            return res.point, frozenset()
        deps: set[tuple[int, int]] = set()
        for j in res.core_indices:
            deps |= rows[j][1]
        found = frozenset(deps - self.known)
        if self.record and res.certificate is not None:
            self.cores[found] = ([c for c, _ in rows], tuple(res.certificate), frozenset(deps))
        return None, found

    def _record_constants(self, rows: list[Row]) -> None:
        """A violated row without variables is its own core, with multiplier ±1."""
        for c, deps in rows:
            if not c.coeffs and not c.holds({}):
                y = 1 if c.op in ("<=", "<") or (c.op == "==" and c.rhs < 0) else -1
                self.cores[frozenset(deps - self.known)] = ([c], (y,), frozenset(deps))

    def _minimise(self, rows: list[Row], deps: Deps) -> Deps:
        """Deletion filter on literals: drop each one whose rows are not needed."""
        if len(deps) > MINIMISE_LITERALS:
            return deps
        opened = [(c, d - self.known) for c, d in rows]
        for lit in sorted(deps):
            if lit not in deps or len(deps) == 1:
                continue
            trial = deps - {lit}
            sub = [(c, d) for c, d in opened if d <= trial]
            point, core = self._solve(sub)
            if point is None:
                deps = core
        return deps

    def _lp(self, rows: list[Row], minimise: bool) -> tuple[dict[Var, Any] | None, list[Deps]]:
        if self.record:
            self._record_constants(rows)
        rows, bad = _constant_violation(rows)
        if bad:
            return None, [frozenset(d - self.known) for d in bad]
        if not rows:
            return {}, []
        point, deps = self._solve(rows)
        if point is not None:
            return point, []
        return None, [self._minimise(rows, deps) if minimise else deps]

    def _check_groups(self, rows: _Rows, pattern: Pattern) -> list[Deps]:
        conflicts: list[Deps] = []
        for g in self.groups:
            combo = tuple(pattern[k] for k in g.insts)
            if combo in g.ok:
                continue
            members = set(g.insts)
            if any(all(k in members for k, _ in deps) for deps in conflicts):
                continue  # a conflict of this round already refutes the group
            self.stats.group_checks += 1
            sys: list[Row] = []
            for k in g.insts:
                sys += rows.instance(k)
            for k in g.labels:
                sys += rows.label(self.m.labels[k])
            point, bad = self._lp(sys, True)
            if point is None:
                conflicts += bad
            else:
                g.ok.add(combo)
        return conflicts

    def _check_full(self, rows: _Rows) -> tuple[list[list[Constraint]], dict[Var, Any], list[Deps]]:
        self.stats.full_checks += 1
        sys: list[Row] = []
        for k in range(len(self.m.instances)):
            sys += rows.instance(k)
        for r in self.m.labels:
            sys += rows.label(r)
        if self.record:
            self._record_constants(sys)
        sys, conflicts = _constant_violation(sys)
        point: dict[Var, Any] = {}
        systems = []
        for comp in [] if conflicts else _components(sys):
            found, bad = self._lp(comp, False)
            conflicts += bad
            if found is not None:
                point.update(found)
                systems.append([c for c, _ in comp])
        return systems, point, conflicts

    def next(self) -> tuple[str, Any]:
        """``("feasible", (pattern, systems, point))``, ``("exhausted", None)`` or
        ``("limit", reason)``."""
        while True:
            if self.unsat:
                return "exhausted", None
            if self.deadline is not None and time.perf_counter() > self.deadline:
                return "limit", "time limit reached"
            if self.max_patterns is not None and self.stats.patterns >= self.max_patterns:
                return "limit", f"pattern limit {self.max_patterns} reached"
            if not self.sat.solve():
                return "exhausted", None
            pattern = self._pattern()
            self.stats.patterns += 1
            rows = _Rows(self.m, pattern)
            conflicts = self._check_groups(rows, pattern)
            if not conflicts:
                systems, point, conflicts = self._check_full(rows)
                if not conflicts:
                    return "feasible", (pattern, systems, point)
            for deps in conflicts:
                self.learn(deps)
