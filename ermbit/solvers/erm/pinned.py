"""Exact ERM_bit decision for pinned instances, from the instance alone.

Never reads the parameters of trainable edges (θ*) nor ``meta``.  The method:

1. :func:`~ermbit.solvers.erm.presolve.presolve` the forcing samples (exact-match samples with
   repeat above the main weight).  Every forcing repeat must exceed γ, so a θ with
   ``L(θ) ≤ γ`` meets every forcing sample; if none can, the answer is NO.
2. Every trainable coordinate must then be fixed: weights and bias sums exactly, each edge
   into a non-identity node up to a finite list of (w, b).  (Otherwise the solver refuses:
   it decides pinned instances, not ERM in general.)
3. Alternatives that are symmetries of σ (σ(wz + b) ≡ σ(z)) compute the same function, so
   they form one class, represented by its cheapest member; the product of the classes
   over the edges is enumerated (refused past ``max_candidates``).
4. A candidate θ puts each bias sum on one edge (0 on the others).  For an integer sum
   that split has the least encoding of all splits (``size(b) ≥ 2 + bitlen⌊|b|⌋ + [b ∉ ℤ]``
   and bitlen is subadditive), so ``enc`` is minimal and admissibility is decided
   exactly.  The main samples are evaluated exactly, in lowest terms
   (:func:`ermbit.network.erm.loss_in_lowest_terms`); the best admissible candidate is
   verified on the
   whole instance, forcing samples included, and again with :meth:`ERMInstance.evaluate`
   unless that engine refuses its common denominators (degree-4 σ with κ denominators
   such as 576 make them grow by a factor 4 per layer; the explanation says which).

**Answers** (a :class:`~ermbit.solvers.erm.result.SolveResult`, solver
``"presolve+symmetries"``): ``decision`` is never None; ``loss`` is the least loss over
admissible θ meeting every forcing sample (None when none does, also for a NO) and
``witness`` an admissible θ of that loss.  ``details``: ``candidates`` (θ candidates
evaluated) and ``max_value_bits`` (the largest value size in the verifying passes).

>>> from ermbit.network.model import NetworkBuilder
>>> from ermbit.reductions.pinning import pin_instance
>>> from ermbit.network.erm import ERMInstance, Sample, loss_in_lowest_terms
>>> nb = NetworkBuilder()
>>> for v, a in (("s", "id"), ("U", "z**2"), ("o", "id")):
...     _ = nb.add_node(v, a)
>>> nb.add_edge("s", "U", 1, 0, frozen=True); nb.add_edge("U", "o", 3, 1, frozen=True)
>>> main = (Sample.of({"s": 2}, {"o": 13}, "exact"),)
>>> res = solve_pinned(pin_instance(ERMInstance(nb.build(["o"]), main, 0, 0)))
>>> res.decision, res.loss, res.enc_bits, res.details["candidates"]
(True, mpq(0,1), 12, 1)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

from ermbit import exact
from ermbit.errors import BudgetExceeded, InputError, InputTypeError, VerificationFailed
from ermbit.network.erm import ERMInstance, Witness, loss_in_lowest_terms
from ermbit.network.model import Network
from ermbit.network.symmetry import is_symmetry
from ermbit.solvers.erm.presolve import Presolved, forcing_split, presolve
from ermbit.solvers.erm.result import SolveResult

__all__ = ["DEFAULT_MAX_CANDIDATES", "SOLVER_NAME", "accepts_exact", "solve_pinned"]

#: The ``solver`` of its answers.
SOLVER_NAME = "presolve+symmetries"
#: Default cap on the number of θ candidates enumerated.
DEFAULT_MAX_CANDIDATES = 4096
Pair = tuple[Any, Any]


def _size(p: Pair) -> tuple[int, Any, Any]:
    return (exact.size(p[0]) + exact.size(p[1]), p[0], p[1])


def _classes(net: Network, pre: Presolved) -> list[list[Pair]]:
    """Per edge into a non-identity node: one representative per function class."""
    out = []
    for (_, v), alts in pre.alternatives:
        act = net.activation(v)
        sym = [p for p in alts if is_symmetry(act, *p)]
        other = [p for p in alts if p not in sym]
        out.append(([min(sym, key=_size)] if sym else []) + other)
    return out


def _theta(net: Network, pre: Presolved, combo: Sequence[Pair]) -> dict[tuple[str, str], Pair]:
    theta: dict[tuple[str, str], Pair] = {k: (w, exact.Q(0)) for k, w in pre.weights}
    for v, total in pre.bias_sums:
        first = next(e.key for e in net.in_edges(v) if not e.frozen)
        theta[first] = (theta[first][0], total)
    for (key, _), pair in zip(pre.alternatives, combo, strict=True):
        theta[key] = pair
    return theta


def _exact_splits(net: Network, pre: Presolved) -> bool:
    """Whether the one-edge bias split is provably the cheapest everywhere."""
    for v, total in pre.bias_sums:
        several = sum(1 for e in net.in_edges(v) if not e.frozen) > 1
        if several and total.denominator != 1:
            return False
    return True


def _check_gamma(instance: ERMInstance, pre: Presolved) -> int | None:
    reps = [instance.samples[i].repeat for i in pre.forcing]
    if not reps:
        return None
    low = min(reps)
    if instance.gamma >= low:
        raise InputError(
            f"gamma: the exact solver needs γ below every forcing repeat, got γ = "
            f"{exact.fmt(instance.gamma)} ≥ {low}"
        )
    return low


def solve_pinned(
    instance: ERMInstance,
    *,
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
    budget_bits: int | None = None,
    verify: str = "main",
) -> SolveResult:
    """Decide a pinned ERM_bit instance exactly (see the module docstring).

    Parameters
    ----------
    instance : ERMInstance
        With forcing samples that fix every trainable coordinate (as built by pinning).
    max_candidates : int
        Most θ candidates to enumerate.
    budget_bits : int, optional
        Size budget of every value (None: the default budget).
    verify : {"main", "all", "none"}
        The witness is always re-evaluated on every sample in lowest terms; besides,
        :meth:`ERMInstance.evaluate` re-checks the main samples (``"main"``), every sample
        (``"all"``, slow: its common denominators grow fast), or nothing (``"none"``).

    Raises
    ------
    InputError
        If γ is not below every forcing repeat, or the forcing samples leave coordinates
        free (the message lists some), or admissibility hinges on a non-integer bias split.
    BudgetExceeded
        If more than ``max_candidates`` θ would be enumerated, or a pass exceeds
        ``budget_bits``.
    """
    if not isinstance(instance, ERMInstance):
        raise InputTypeError(f"instance: expected an ERMInstance, got {type(instance).__name__}")
    if verify not in ("main", "all", "none"):
        raise InputError(f"verify: expected 'main', 'all' or 'none', got {verify!r}")
    pre = presolve(instance)
    low = _check_gamma(instance, pre)
    if not pre.feasible:
        why = f"no θ meets every forcing sample ({pre.reason}); each violation costs ≥ {low} > γ"
        details = {"candidates": 0, "max_value_bits": 0}
        return SolveResult(False, None, None, None, why, SOLVER_NAME, details)
    if pre.free:
        shown = ", ".join(pre.free[:4]) + (", ..." if len(pre.free) > 4 else "")
        raise InputError(
            f"instance: the forcing samples leave {len(pre.free)} coordinates free ({shown}); "
            "the exact solver decides pinned instances only"
        )
    classes = _classes(instance.network, pre)
    count = math.prod(len(c) for c in classes)
    if count > max_candidates:
        raise BudgetExceeded(
            "enumerating the classes of (w, b) on the nonlinear edges",
            predicted=count,
            budget=max_candidates,
            unit="candidates",
            hint=f"pass max_candidates={count}",
        )
    best = _best(instance, pre, classes, budget_bits)
    return _verified(instance, pre, count, best, budget_bits, verify)


_Scored = tuple[bool, Any, int, dict[tuple[str, str], Pair]]


def _best(
    instance: ERMInstance, pre: Presolved, classes: list[list[Pair]], budget: int | None
) -> _Scored:
    """The candidate (inadmissible?, loss, enc, θ) that sorts first."""
    net = instance.network
    forcing = set(pre.forcing)
    main = tuple(s for i, s in enumerate(instance.samples) if i not in forcing)
    checked = instance.samples if pre.partial else main
    scored = []
    for combo in itertools.product(*classes):
        theta = _theta(net, pre, combo)
        loss, _ = loss_in_lowest_terms(net, theta, checked, budget)
        enc_bits = exact.enc(theta)
        scored.append((enc_bits > instance.bit_bound, loss, enc_bits, theta))
    scored.sort(key=lambda t: t[:3])
    fits = any(ls <= instance.gamma for _, ls, _, _ in scored)
    if scored[0][0] and fits and not _exact_splits(net, pre):
        raise InputError(
            "instance: a non-integer bias sum may have a cheaper split than one edge; "
            "admissibility is not decided exactly"
        )
    return scored[0]


def accepts_exact(instance: ERMInstance, theta: Any, *, budget_bits: int | None = None) -> bool:
    """``enc(θ) ≤ β`` and ``L(θ) ≤ γ``, with passes in lowest terms (no common denominators).

    ``theta`` is a :class:`Witness` or a mapping over trainable edges (others keep the
    network's values, as in :meth:`ERMInstance.theta_of`).
    """
    full = instance.theta_of(theta)
    if exact.enc(full) > instance.bit_bound:
        return False
    loss, _ = loss_in_lowest_terms(instance.network, full, instance.samples, budget_bits)
    return bool(loss <= instance.gamma)


def _engine_check(
    instance: ERMInstance, witness: Witness, full: Any, budget: int | None, verify: str
) -> str:
    """Re-check with :meth:`ERMInstance.evaluate` unless its common denominators are too big."""
    if verify == "none":
        return "verified in lowest terms"
    target, want = instance, full
    if verify == "main":
        forcing = set(forcing_split(instance)[0])
        main = tuple(s for i, s in enumerate(instance.samples) if i not in forcing)
        target = ERMInstance(instance.network, main, instance.gamma, instance.bit_bound)
        want = loss_in_lowest_terms(instance.network, instance.theta_of(witness), main, budget)[0]
    try:
        ev = target.evaluate(witness, budget_bits=budget)
    except BudgetExceeded as exc:
        return f"verified in lowest terms (ERMInstance.evaluate refused: {exc.predicted} bits)"
    if ev.loss != want:
        raise VerificationFailed(
            f"solve_erm: ERMInstance.evaluate gives loss {exact.fmt(ev.loss)}, the lowest-terms "
            f"pass {exact.fmt(want)}",
            counterexample=witness,
        )
    return f"verified in lowest terms and by ERMInstance.evaluate ({verify} samples)"


def _verified(
    instance: ERMInstance,
    pre: Presolved,
    count: int,
    best: _Scored,
    budget_bits: int | None,
    verify: str,
) -> SolveResult:
    bad, loss, enc_bits, theta = best
    witness = Witness.of(theta)
    full, biggest = loss_in_lowest_terms(instance.network, theta, instance.samples, budget_bits)
    if full != loss:
        raise VerificationFailed(
            f"solve_erm: the candidate's loss {exact.fmt(full)} on the whole instance "
            f"differs from {exact.fmt(loss)} on the main samples: presolve is wrong",
            counterexample=witness,
        )
    engine = _engine_check(instance, witness, full, budget_bits, verify)
    parts = [
        f"presolve: {pre.reason}",
        f"{count} candidate class(es) of the nonlinear edges evaluated",
        f"no candidate fits the bit bound (least enc {enc_bits} > β = {instance.bit_bound})"
        if bad
        else f"best admissible loss {exact.fmt(loss)} vs γ = {exact.fmt(instance.gamma)}",
        engine,
    ]
    return SolveResult(
        not bad and full <= instance.gamma,
        None if bad else loss,
        None if bad else witness,
        None if bad else enc_bits,
        "; ".join(parts),
        SOLVER_NAME,
        {"candidates": count, "max_value_bits": biggest},
    )
