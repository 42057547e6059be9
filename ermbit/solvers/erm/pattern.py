"""Exact ERM_bit for piecewise-linear networks when every sample must be fitted.

**What it decides.**  Whether some θ with ``enc(θ) ≤ β`` fits *every* sample exactly:
ŷ = y on the labelled nodes (squared, half-squared, exact-match losses) or ``y·ŷ ≥ 1``
(hinge).  That is the ERM_bit question ``L(θ) ≤ γ`` when γ = 0, or when every loss is
exact-match and γ is below every sample's repeat; other γ, and the bit loss, are refused.

**Supported networks.**  Identity, ReLU, piecewise-linear and affine nodes (a polynomial of
degree ≥ 2 is refused), such that every *free* weight multiplies a θ-independent value in
every sample: trainable edges leave sources or nodes fed only through frozen edges from
them (R1 and R2 of Thm 1.4 are of this kind: the trainable parameters sit in the first
layer).  Pinned instances (Claim B.1, all edges trainable) are first presolved
(:func:`~ermbit.solvers.erm.presolve.presolve`): the forcing samples fix the other weights, the
bias sums and the (w, b) of edges into ReLU nodes, and the rest must then be of that kind.
Otherwise an InputError names the offending edge.

**Method.**  Under a fixed activation pattern (one piece per sample and piecewise-linear
node) every pre-activation is affine in θ, so the pattern is realisable iff a linear
system is feasible.  Patterns are proposed by a SAT solver (PySAT) and checked with the
exact LP (:mod:`ermbit.solvers.lp.program`); each infeasible subsystem (the LP's core) becomes a
clause over the pattern literals its rows were built from (see
:mod:`ermbit.solvers.erm._pattern_search`).  A feasible pattern's point is shortened
(:func:`~ermbit.solvers.lp.program.simplify_point`), turned into a witness (each bias sum on one
edge), and checked by :meth:`ERMInstance.evaluate`, the NP verifier.

**Answers** (a :class:`~ermbit.solvers.erm.result.SolveResult`, solver
``"pl-pattern-search"``).  ``decision = True`` comes with a verified admissible witness of
loss 0.  ``decision = False`` only when the search is *exhausted*: no pattern is
realisable (or presolve proved the forcing samples unsatisfiable, or even θ = 0 exceeds
β).  When some pattern is realisable but no point found is short enough, or a limit is
hit, the answer is ``None`` and the explanation says why: enc-minimisation inside a
polyhedron is only heuristic here.  ``details``: ``exhausted`` (every pattern refuted),
``patterns_tried`` (full patterns the SAT solver proposed), ``lp_calls`` (exact LPs
solved), ``learned_clauses``, ``seconds`` (wall clock), ``bit_bound`` (β), ``stats``
(``groups`` and ``group_checks``: local LP checks; ``full_checks``;
``inadmissible_points``: realisable patterns whose points were all too long; ``branches``:
presolve alternatives searched; ``instances``: pattern-dependent (sample, node) pairs;
``free_parameters``; ``dropped_parameters``: set to 0 by the span reduction;
``constant_samples``) and, for a NO under ``certify=True``, ``certificate`` (a
:class:`~ermbit.solvers.sat.certify.PatternRefutation`).

>>> from ermbit.network.model import NetworkBuilder
>>> from ermbit.network.erm import ERMInstance, Sample
>>> nb = NetworkBuilder()
>>> for v, a in (("x", "id"), ("h", "id"), ("r", "relu")):
...     _ = nb.add_node(v, a)
>>> nb.add_edge("x", "h"); nb.add_edge("h", "r", frozen=True)
>>> s = [Sample.of({"x": 1}, {"r": 2}), Sample.of({"x": -1}, {"r": 0})]
>>> res = solve_pl(ERMInstance(nb.build(["r"]), s, 0, 20))
>>> res.decision, res.witness.as_dict(), res.details["exhausted"]
(True, {('x', 'h'): (mpq(1,1), mpq(1,1))}, False)
>>> s.append(Sample.of({"x": 0}, {"r": 3}))
>>> res = solve_pl(ERMInstance(nb.build(["r"]), s, 0, 20))
>>> res.decision, res.details["exhausted"], res.witness
(False, True, None)
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterator
from typing import Any

from ermbit import exact
from ermbit.errors import BudgetExceeded, InputError, InputTypeError, VerificationFailed
from ermbit.network.erm import ERMInstance, Witness
from ermbit.network.model import Network
from ermbit.solvers.erm._pattern_model import Fixed, Model, build_model
from ermbit.solvers.erm._pattern_round import METHODS, shorten, theta_from_point
from ermbit.solvers.erm._pattern_search import Search, Stats
from ermbit.solvers.erm.presolve import forcing_split, presolve
from ermbit.solvers.erm.result import SolveResult
from ermbit.solvers.sat.certify import combine_refutations, refute_patterns

__all__ = ["DEFAULT_SOLVER", "MAX_BRANCHES", "SOLVER_NAME", "solve_pl"]

#: The ``solver`` of its answers.
SOLVER_NAME = "pl-pattern-search"
#: The PySAT back end proposing patterns.
DEFAULT_SOLVER = "cadical195"
#: Most combinations of presolve alternatives (edges into non-identity nodes) tried.
MAX_BRANCHES = 256
EdgeKey = tuple[str, str]


def _check_losses(instance: ERMInstance) -> bool:
    """Whether ``L ≤ γ`` means "every sample fitted"; False when γ < 0 (never)."""
    kinds = sorted({s.loss.kind for s in instance.samples})
    if "bit" in kinds:
        raise InputError(
            "instance: the bit loss is not a linear condition on the output; the "
            "piecewise-linear solver supports squared, half_squared, exact and hinge losses"
        )
    gamma = instance.gamma
    if gamma < 0:
        return False
    if gamma == 0:
        return True
    low = min((s.repeat for s in instance.samples), default=1)
    if kinds == ["exact"] and gamma < low:
        return True
    raise InputError(
        f"gamma: γ = {exact.fmt(gamma)} allows samples to be missed; the piecewise-linear "
        "solver decides only 'every sample fitted' (γ = 0, or exact-match losses with γ "
        f"below every repeat, here {low})"
    )


def _theta_dependent_tails(net: Network) -> list[EdgeKey]:
    """Trainable edges whose tail may depend on θ (bilinear unless presolve fixes them)."""
    dep: set[str] = set()
    for v in net.topological_order():
        if any(not e.frozen or e.src in dep for e in net.in_edges(v)):
            dep.add(v)
    return [e.key for e in net.edges if not e.frozen and e.src in dep]


def _branches(instance: ERMInstance) -> tuple[Iterator[Fixed] | None, str, int]:
    """Fixed coordinates to search under (several when presolve leaves alternatives)."""
    if not _theta_dependent_tails(instance.network) or not forcing_split(instance)[0]:
        return iter([Fixed()]), "no presolve needed", 1
    pre = presolve(instance)
    if not pre.feasible:
        return None, f"presolve: {pre.reason}", 0
    keys = [k for k, _ in pre.alternatives]
    options = [alts for _, alts in pre.alternatives]
    count = math.prod(len(a) for a in options)
    if count > MAX_BRANCHES:
        raise BudgetExceeded(
            "branching over the (w, b) alternatives presolve left on nonlinear edges",
            predicted=count,
            budget=MAX_BRANCHES,
            unit="branches",
            hint="raise ermbit.solvers.erm.pattern.MAX_BRANCHES",
        )
    weights, bias = dict(pre.weights), dict(pre.bias_sums)
    combos = (
        Fixed(weights, bias, dict(zip(keys, combo, strict=True)))
        for combo in itertools.product(*options)
    )
    return combos, f"presolve: {pre.reason}", count


class _Run:
    """One call of :func:`solve_pl`: limits, counters and the witness step."""

    def __init__(
        self,
        instance: ERMInstance,
        solver: str,
        max_patterns: int | None,
        max_seconds: float | None,
    ) -> None:
        self.inst, self.solver, self.max_patterns = instance, solver, max_patterns
        self.start = time.perf_counter()
        self.deadline = None if max_seconds is None else self.start + max_seconds
        self.stats = Stats()
        self.extra: dict[str, Any] = {"branches": 0}
        self.too_long = 0
        self.limit: str | None = None
        self.certify = False
        self.refutations: list[Any] = []  # one per exhausted branch, with --certify

    def result(
        self,
        decision: bool | None,
        why: str,
        *,
        exhausted: bool,
        witness: Witness | None = None,
        loss: Any = None,
        enc: int | None = None,
    ) -> SolveResult:
        st = self.stats
        details: dict[str, Any] = {
            "exhausted": exhausted,
            "patterns_tried": st.patterns,
            "lp_calls": st.lp_calls,
            "learned_clauses": st.learned,
            "seconds": round(time.perf_counter() - self.start, 6),
            "bit_bound": self.inst.bit_bound,
            "stats": {
                "groups": st.groups,
                "group_checks": st.group_checks,
                "full_checks": st.full_checks,
                "inadmissible_points": self.too_long,
                **self.extra,
            },
        }
        cert = self._certificate(decision, why) if self.certify else None
        if cert is not None:
            details["certificate"] = cert
        return SolveResult(decision, loss, witness, enc, why, SOLVER_NAME, details)

    def _certificate(self, decision: bool | None, why: str) -> Any:
        """For a NO: the branches' refutations; a branch that ended before the search
        (γ < 0, β below the floor, presolve, a conflicting model) leaves it unchecked."""
        if decision is not False:
            return None
        return combine_refutations(self.refutations, self.extra["branches"], why)

    def witness(
        self, fixed: Fixed, systems: list[list[Any]], point: dict[Any, Any]
    ) -> tuple[Witness, Any, int] | None:
        """A verified admissible witness from a realisable pattern, or None if too long."""
        for method in METHODS:
            short = shorten(systems, point, method)
            wit = Witness.of(theta_from_point(self.inst.network, fixed, short))
            ev = self.inst.evaluate(wit)
            if ev.loss != 0:
                raise VerificationFailed(
                    f"internal error: the point of a realisable pattern has loss "
                    f"{exact.fmt(ev.loss)}, not 0",
                    claim="pattern realisable",
                    counterexample=wit,
                )
            if ev.admissible:
                return wit, ev.loss, ev.enc_bits
        return None

    def search(self, model: Model, fixed: Fixed) -> tuple[Witness, Any, int] | str | None:
        """A witness, None (branch exhausted), or "open" (realisable but too long / limit)."""
        srch = Search(
            model,
            solver=self.solver,
            deadline=self.deadline,
            max_patterns=self.max_patterns,
            record=self.certify,
        )
        open_ = False
        try:
            while True:
                status, payload = srch.next()
                if status == "exhausted":
                    if self.certify and not open_:
                        self.refutations.append(refute_patterns(srch.base, srch.learned_log))
                    return "open" if open_ else None
                if status == "limit":
                    self.limit = payload
                    return "open"
                pattern, systems, point = payload
                found = self.witness(fixed, systems, point)
                if found is not None:
                    return found
                self.too_long += 1
                open_ = True
                srch.block(pattern)
        finally:
            self._add(srch.stats)
            srch.close()

    def _add(self, st: Stats) -> None:
        for name in ("patterns", "lp_calls", "learned", "groups", "group_checks", "full_checks"):
            setattr(self.stats, name, getattr(self.stats, name) + getattr(st, name))


def solve_pl(
    instance: ERMInstance,
    *,
    solver: str = DEFAULT_SOLVER,
    max_patterns: int | None = None,
    max_seconds: float | None = None,
    certify: bool = False,
) -> SolveResult:
    """Decide whether some θ with ``enc(θ) ≤ β`` fits every sample (module docstring).

    Parameters
    ----------
    instance : ERMInstance
        Frozen-form or pinned; see the module docstring for what is supported.
    solver : str
        PySAT solver name.
    max_patterns, max_seconds : optional
        Limits; when one is hit the answer is ``None`` (not exhausted).
    certify : bool
        Back a NO with a checked refutation (``details["certificate"]``).

    Raises
    ------
    InputError
        Bit loss, a γ that allows misses, a non-linear polynomial activation, or a free
        weight multiplying a θ-dependent value (the edge is named).
    BudgetExceeded
        If presolve leaves more than :data:`MAX_BRANCHES` combinations of alternatives.
    VerificationFailed
        On an internal error (a realisable pattern whose witness does not fit).
    """
    if not isinstance(instance, ERMInstance):
        raise InputTypeError(f"instance: expected an ERMInstance, got {type(instance).__name__}")
    run = _Run(instance, solver, max_patterns, max_seconds)
    run.certify = certify
    if not _check_losses(instance):
        return run.result(False, "γ < 0 but every loss is ≥ 0", exhausted=True)
    floor = 4 * len(instance.network.free_edges())  # size(0) = 2 for every w and b
    if floor > instance.bit_bound:
        why = f"every θ has enc(θ) ≥ 4·|trainable edges| = {floor} > β = {instance.bit_bound}"
        return run.result(False, why, exhausted=True)
    branches, how, _ = _branches(instance)
    if branches is None:
        return run.result(False, f"no θ fits the forcing samples ({how})", exhausted=True)
    return _search_branches(run, branches, how)


def _search_branches(run: _Run, branches: Iterator[Fixed], how: str) -> SolveResult:
    conflicts, undecided = [], False
    for fixed in branches:
        run.extra["branches"] += 1
        model = build_model(run.inst, fixed)
        run.extra.update(
            free_parameters=len(model.params),
            dropped_parameters=len(model.dropped),
            constant_samples=model.constant_samples,
            instances=len(model.instances),
        )
        if model.conflict is not None:
            conflicts.append(model.conflict)
            continue
        found = run.search(model, fixed)
        if isinstance(found, tuple):
            wit, loss, enc = found
            why = f"a realisable activation pattern gave a verified witness ({how})"
            return run.result(True, why, exhausted=False, witness=wit, loss=loss, enc=enc)
        if found == "open":
            undecided = True
            if run.limit is not None:
                break
    if undecided:
        why = (
            run.limit
            if run.limit is not None
            else f"{run.too_long} realisable patterns, but no point found with enc ≤ β "
            "(the admissibility search inside a pattern is incomplete)"
        )
        return run.result(None, why, exhausted=False)
    why = "no activation pattern is realisable" + (f"; {conflicts[0]}" if conflicts else "")
    return run.result(False, f"{why} ({how})", exhausted=True)
