"""A general exact solver for ERM_bit: every small instance of the paper's model.

**Question.**  Given an :class:`~ermbit.network.erm.ERMInstance` (any DAG, inputs at any node,
identity / ReLU / piecewise-linear / polynomial activations, any set of trainable edges,
every loss of the format, γ, β): is there θ on the trainable edges with
``enc(θ) ≤ β`` and ``L(θ) ≤ γ``?  The promise, if any, does not change the question.

**Domain.**  ``size(p/q) ≥ 2``, so the domain ``{θ : enc(θ) ≤ β}`` is finite, and
:mod:`._general_rationals` lists every rational of each size.  The search
(:mod:`._general_search`) fixes the nodes in topological order; per node it enumerates
the trainable weights and the bias sum (at its cheapest split over the node's edges) in
order of cost, and keeps one choice per resulting *value vector* over the samples.  The
reductions it makes (one cheapest choice per vector, a memo of failed states, a loss
lower bound, lexicographic order of interchangeable hidden units, exact least-cost
solving of affine output nodes in zero-loss mode) each keep at least one cheapest θ of
every reachable set of outputs, so the search is complete.

**Real relaxation.**  For a zero-loss fit of a piecewise-linear network whose trainable
edges leave θ-free nodes (or ReLU-like units whose out-weight scales into them), the
search takes turns with :mod:`._general_reals`: no real θ
of loss 0 is a NO at every β, and a feasible branch rounded to short rationals
(:mod:`._general_realpoint`) is a YES once the NP verifier accepts it within β.

**Answers** (a :class:`~ermbit.solvers.erm.result.SolveResult`, solver ``"general"``):

* YES only with a witness that :meth:`ERMInstance.evaluate` (the NP verifier) accepts:
  loss ≤ γ and enc ≤ β; anything else raises
  :class:`~ermbit.errors.VerificationFailed`.
* NO with ``details["proof"]``: ``"exhausted"`` (the search covered the finite domain),
  ``"infeasible-over-reals"`` (γ < 0; or no real θ of any size reaches loss 0, by the
  piecewise-linear relaxation of :mod:`._general_reals`; or no parameter is enumerated
  and the output equations are inconsistent over ℚ, hence over ℝ) or
  ``"below-least-enc"`` (β < 4·#trainable edges, the least enc of any θ).
* UNDECIDED (``decision=None``) only when a user limit (time, nodes) or a size budget
  stops the search; ``details["stopped"]`` says which and ``details["statistics"]`` how far.

With ``min_bits=True`` it answers for β' = least enc, least enc + 1, …, β and reports the
first β' with a witness (``details["min_bits"]``); every smaller β' was answered NO, so
the minimum is proved.

>>> from ermbit.network.erm import ERMInstance, Sample
>>> from ermbit.network.model import Network
>>> net = Network.from_specs({"x": "id", "y": "id"}, [("x", "y", 0, 0)], ["y"])
>>> fit = [Sample.of({"x": 1}, {"y": 5}), Sample.of({"x": 2}, {"y": 9})]   # y = 4x + 1
>>> solve_general(ERMInstance(net, fit, 0, 7)).details["proof"]    # 4 and 1 need 5 + 3 bits
'exhausted'
>>> r = solve_general(ERMInstance(net, fit, 0, 20), min_bits=True)
>>> r.decision, r.details["min_bits"], r.witness.as_dict()
(True, 8, {('x', 'y'): (mpq(4,1), mpq(1,1))})
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ermbit import exact
from ermbit.errors import BudgetExceeded, InputError, InputTypeError, VerificationFailed
from ermbit.exact import Q
from ermbit.network.erm import ERMInstance, Witness
from ermbit.solvers.erm import _general_reals as reals
from ermbit.solvers.erm._general_model import Compiled, compile_instance
from ermbit.solvers.erm._general_realpoint import short_point
from ermbit.solvers.erm._general_reals import RealCheck, Relaxation, applies
from ermbit.solvers.erm._general_search import Paused, Search, Stopped
from ermbit.solvers.erm.result import SolveResult

__all__ = ["SOLVER_NAME", "solve_general"]

SOLVER_NAME = "general"
#: Seconds of the first turns of the search and of the real relaxation when both apply:
#: they alternate, the search first, each resuming where it stopped, each pair of turns
#: twice as long as the last, until the relaxation answers or has solved
#: :data:`~._general_reals.LP_CAP` LPs; the search then goes on alone.
FIRST_TURN = 0.05
Progress = Callable[[dict[str, Any]], None]


def solve_general(
    instance: ERMInstance,
    *,
    time_limit: float | None = None,
    node_limit: int | None = None,
    min_bits: bool = False,
    progress: Progress | None = None,
) -> SolveResult:
    """Decide ``instance`` exactly (see the module docstring for the contract).

    Parameters
    ----------
    instance : ERMInstance
    time_limit : float, optional
        Seconds before the search stops with UNDECIDED.
    node_limit : int, optional
        Most parameter choices and linear solves before it stops with UNDECIDED.
    min_bits : bool
        Find the least β' ≤ β with a witness (``details["min_bits"]``, None if none).
    progress : callable, optional
        Called now and then with a dict of counters (``beta``, ``choices``, …).

    Raises
    ------
    InputTypeError
        If ``instance`` is not an ERMInstance.
    InputError
        For a negative limit.
    VerificationFailed
        If a witness found is rejected by the NP verifier (a bug guard).
    """
    if not isinstance(instance, ERMInstance):
        raise InputTypeError(f"instance: expected an ERMInstance, got {type(instance).__name__}")
    for name, val in (("time_limit", time_limit), ("node_limit", node_limit)):
        if val is not None and val < 0:
            raise InputError(f"{name}: must be ≥ 0, got {val!r}")
    start = time.monotonic()
    if instance.gamma < 0:
        why = f"every loss is ≥ 0 > γ = {exact.fmt(instance.gamma)}"
        details: dict[str, Any] = {"proof": "infeasible-over-reals", "statistics": {}}
        details.update({"min_bits": None} if min_bits else {})
        return SolveResult(False, None, None, None, why, SOLVER_NAME, details)
    comp = compile_instance(instance)
    deadline = None if time_limit is None else start + time_limit
    search = Search(comp, node_limit, deadline, progress)
    betas = range(comp.least_enc, instance.bit_bound + 1) if min_bits else [instance.bit_bound]
    extra: dict[str, Any] = {"min_bits": None} if min_bits else {}
    relax = instance.bit_bound >= comp.least_enc and applies(comp) is None
    relaxation = Relaxation(comp, deadline, _time_up, _relaxed(search, progress))
    rounded: tuple[Witness, int] | None = None
    pending = list(betas)
    turn = FIRST_TURN
    while True:
        try:
            search.pause_at = time.monotonic() + turn if relax else None
            while pending:
                if search.run(pending[0] - 4 * len(comp.idle)):
                    extra.update({"min_bits": pending[0]} if min_bits else {})
                    return _yes(comp, search, pending[0], start, extra)
                del pending[0]
            if rounded is not None:
                extra.update({"min_bits": rounded[1]} if min_bits else {})
                return _yes(comp, search, rounded[1], start, extra, rounded[0])
            return _no(comp, search, start, extra)
        except Paused:  # the relaxation's turn, resumed where its last one stopped
            try:
                real = relaxation.advance(turn, reals.LP_CAP - relaxation.check.lps)
            except Stopped as exc:
                return _undecided(comp, search, pending[0], str(exc), start, extra)
            extra["relaxation"] = real.as_dict()
            if real.status == "infeasible":
                return _no(comp, search, start, extra, real)
            if real.status == "feasible" and pending:
                rounded = _round(comp, relaxation, pending[-1])
                if rounded is not None:  # a witness at β' = its enc: only smaller β' remain
                    pending = [b for b in pending if b < rounded[1]]
            relax = real.status == "gave-up" and not real.stopped and real.lps < reals.LP_CAP
            turn *= 2
        except (Stopped, BudgetExceeded) as exc:
            return _undecided(comp, search, pending[0], str(exc), start, extra)


def _theta(comp: Compiled, chosen: dict[int, tuple[Any, Any]]) -> Witness:
    """θ from each trainable node's (weights, bias sum), the sum at its cheapest split
    over the node's edges (on one edge when it lies past the split table, which the
    search never reaches but a rounded point can); idle edges (0, 0)."""
    theta: dict[tuple[str, str], tuple[Any, Any]] = {k: (0, 0) for k in comp.idle}
    for i, (ws, total) in chosen.items():
        info = comp.nodes[i]
        assert info.bias is not None
        # one edge carrying the whole sum, the others 0, costs exactly this cap
        try:
            got = info.bias.cheapest(total, exact.size(total) + 2 * (len(info.train) - 1))
        except BudgetExceeded:  # a sum past the split table (a rounded one): no cheaper split
            got = None
        split = got[1] if got is not None else (total, *(Q(0),) * (len(info.train) - 1))
        for key, w, b in zip(info.train, ws, split, strict=True):
            theta[key] = (w, b)
    return Witness.of(theta)


def _witness(comp: Compiled, search: Search) -> Witness:
    chosen = {}
    for i, ch in enumerate(search.chosen):
        if comp.nodes[i].train:
            assert ch is not None
            chosen[i] = ch
    return _theta(comp, chosen)


def _stats(search: Search, start: float) -> dict[str, Any]:
    return {**search.stats.as_dict(), "seconds": round(time.monotonic() - start, 3)}


def _round(comp: Compiled, relaxation: Relaxation, beta: int) -> tuple[Witness, int] | None:
    """A witness of enc ≤ ``beta`` rounded from the relaxation's feasible branch, with
    its enc (None if the greedy rounding of :mod:`._general_realpoint` misses)."""
    assert relaxation.solution is not None
    nodes = [info for info in comp.nodes if info.train]
    signs = relaxation.signs  # a scalable unit's out-edge has weight ±1, not a variable
    order: list[tuple[str, ...]] = [("B", info.name) for info in nodes]
    order += [
        ("w", *key)
        for info in nodes
        for key, j in zip(info.train, info.train_src, strict=True)
        if j not in signs
    ]
    point = short_point(relaxation.solution, order)
    if point is None:
        return None
    chosen = {}
    for i, info in enumerate(comp.nodes):
        if info.train:
            ws = [
                Q(signs[j]) if j in signs else point[("w", *key)]
                for key, j in zip(info.train, info.train_src, strict=True)
            ]
            chosen[i] = (tuple(ws), point["B", info.name])
    wit = _theta(comp, chosen)
    enc = wit.enc()  # its loss is 0 by construction; _yes has the NP verifier check it
    return (wit, enc) if enc <= beta else None


def _yes(
    comp: Compiled,
    search: Search,
    beta: int,
    start: float,
    extra: dict[str, Any],
    rounded: Witness | None = None,
) -> SolveResult:
    inst = comp.inst
    wit = _witness(comp, search) if rounded is None else rounded
    ev = inst.evaluate(wit)
    if not ev.accepted or ev.enc_bits > beta:
        raise VerificationFailed(
            f"solve_general: the NP verifier rejects the witness found (loss "
            f"{exact.fmt(ev.loss)}, γ = {exact.fmt(inst.gamma)}, enc {ev.enc_bits}, β' = {beta})",
            counterexample=wit,
        )
    how = "complete search" if rounded is None else "rounding a real fit of the relaxation"
    why = (
        f"witness found by {how} and accepted by the NP verifier: loss "
        f"{exact.fmt(ev.loss)} ≤ γ = {exact.fmt(inst.gamma)}, enc {ev.enc_bits} ≤ β = "
        f"{inst.bit_bound}"
    )
    if extra.get("min_bits") is not None:
        why += f"; least bit bound {beta}: every β' < {beta} answered NO"
        if beta == comp.least_enc:
            why += f" ({beta} is the least enc of any θ)"
    details = {"proof": "witness", "statistics": _stats(search, start), **extra}
    return SolveResult(True, ev.loss, wit, ev.enc_bits, why, SOLVER_NAME, details)


def _relaxed(search: Search, progress: Progress | None) -> Progress | None:
    """The progress callback of the relaxation's turns: the search's counters and its."""
    if progress is None:
        return None
    return lambda real: progress({"beta": search.budget, **search.stats.as_dict(), **real})


def _time_up() -> None:
    raise Stopped("time limit reached")


def _no(
    comp: Compiled,
    search: Search,
    start: float,
    extra: dict[str, Any],
    real: RealCheck | None = None,
) -> SolveResult:
    inst = comp.inst
    st = search.stats
    if real is not None:
        proof = "infeasible-over-reals"
        per = ", ".join(map(str, real.patterns[:12])) + (", …" if len(real.patterns) > 12 else "")
        signs = ""
        if real.sign_choices > 1:
            signs = " and every sign of the hidden units' out-weights (a unit's |out-weight| "
            signs += f"scales into its in-weights; {real.sign_choices} choices up to swapping "
            signs += "interchangeable units)"
        why = (
            "no real θ, of any size, reaches loss 0: every choice of activation pieces on "
            f"the samples{signs} is refuted ({real.lps} exact LPs, {real.refuted} Farkas "
            f"certificates checked exactly; feasible piece choices per sample: {per})"
        )
    elif inst.bit_bound < comp.least_enc:
        proof = "below-least-enc"
        why = (
            f"β = {inst.bit_bound} is below {comp.least_enc}, the least enc of any θ "
            "(2 bits per weight and per bias of every trainable edge)"
        )
    elif comp.n_enum_params == 0 and st.real_infeasible:
        proof = "infeasible-over-reals"
        why = "the output equations are inconsistent over ℚ (Gauss–Jordan), so over ℝ too"
    else:
        proof = "exhausted"
        why = (
            f"searched the whole finite domain {{θ : enc(θ) ≤ {inst.bit_bound}}}: "
            f"{st.choices} parameter choices, {st.vectors} distinct value vectors, "
            f"{st.linear_solves} exact linear solves; no θ reaches loss ≤ γ = "
            f"{exact.fmt(inst.gamma)}"
        )
    details = {"proof": proof, "statistics": _stats(search, start), **extra}
    return SolveResult(False, None, None, None, why, SOLVER_NAME, details)


def _undecided(
    comp: Compiled, search: Search, beta: int, reason: str, start: float, extra: dict[str, Any]
) -> SolveResult:
    why = f"stopped at β' = {beta}: {reason}"
    if extra:
        why += f"; every β' < {beta} was answered NO"
    details = {
        "proof": None,
        "stopped": reason,
        "beta_reached": beta,
        "statistics": _stats(search, start),
        **extra,
    }
    return SolveResult(None, None, None, None, why, SOLVER_NAME, details)
