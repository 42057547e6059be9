"""What the real relaxation (:mod:`._general_reals`) sees of a compiled instance.

Whether it applies (:func:`applies`: zero loss, piecewise-linear σ, trainable edges from
θ-free nodes or from *scalable* units), each σ's pieces, which nodes are θ-free or
scalable, and the affine expressions and rows its linear systems are made of.  The
mathematics is in :mod:`._general_reals`.
"""

from __future__ import annotations

from typing import Any

from ermbit.exact import Q
from ermbit.network.activations import Polynomial
from ermbit.network.symmetry import as_piecewise
from ermbit.solvers.erm._general_model import Compiled, affine_form

__all__ = [
    "MAX_KINKED",
    "Affine",
    "Row",
    "add",
    "applies",
    "mirrored",
    "pieces",
    "row",
    "scalable",
    "theta_free",
]

#: Most θ-dependent nodes with several pieces (kinks) per sample for the relaxation to
#: apply at all: one sample's piece choices can number 2^k.
MAX_KINKED = 16

Affine = tuple[dict[Any, Any], Any]  # (variable → coefficient, constant)
Row = tuple[dict[Any, Any], str, Any]  # Σ coeffs·vars  op  rhs


def pieces(act: Any) -> list[tuple[Any, Any, Any, Any]] | None:
    """σ's pieces as (low, high, slope, intercept): low < z ≤ high, None = unbounded."""
    if isinstance(act, Polynomial):
        form = affine_form(act)
        return None if form is None else [(None, None, form[0], form[1])]
    pl = as_piecewise(act)
    if pl is None:
        return None
    ts = (None, *pl.breakpoints, None)
    return [(ts[i], ts[i + 1], pl.slopes[i], pl.intercepts[i]) for i in range(len(pl.slopes))]


def theta_free(comp: Compiled) -> list[bool]:
    free: list[bool] = []
    for info in comp.nodes:
        free.append(not info.train and all(free[j] for j, _, _ in info.frozen))
    return free


def _homogeneous(act: Any) -> bool:
    """σ(αz) = α·σ(z) for every α > 0: pieces meet at 0 only, and pass through 0."""
    parts = pieces(act)
    if parts is None:
        return False
    return all(icpt == 0 and lo in (None, 0) and hi in (None, 0) for lo, hi, _, icpt in parts)


def scalable(comp: Compiled, free: list[bool]) -> list[bool]:
    """Hidden nodes whose one out-edge is trainable and whose scale is free.

    Node h qualifies when it is not an output, takes no sample input, has only trainable
    in-edges, from θ-free nodes, a positively homogeneous σ, and one relevant out-edge,
    trainable.  Then w·σ(z) = sign(w)·σ(|w|·z), and |w|·z is again any affine function
    of h's inputs: over ℝ the out-edge's weight may be taken to be ±1 (w = 0 is σ(0) = 0
    with h's parameters 0).
    """
    uses: dict[int, list[bool]] = {}
    for info in comp.nodes:
        for j in info.train_src:
            uses.setdefault(j, []).append(True)
        for j, _, _ in info.frozen:
            uses.setdefault(j, []).append(False)
    return [
        not free[j]
        and not info.output
        and not info.frozen
        and not any(info.inputs)
        and all(free[k] for k in info.train_src)
        and _homogeneous(info.act)
        and uses.get(j) == [True]
        for j, info in enumerate(comp.nodes)
    ]


def mirrored(signs: dict[int, int], comp: Compiled) -> bool:
    """Whether swapping interchangeable units (``sym_prev``, :mod:`._general_model`) --
    which swaps their signs too -- gives a choice tried instead: + comes before −."""
    for j, s in signs.items():
        prev = comp.nodes[j].sym_prev
        if prev is not None and signs.get(prev, 1) < s:
            return True
    return False


def applies(comp: Compiled) -> str | None:
    """None when the relaxation applies to ``comp``, else why not."""
    if not comp.zero_loss:
        return "the loss bound γ allows a non-zero loss"
    if any(s.loss.kind == "bit" for s in comp.inst.samples):
        return "a bit loss is not a linear condition"
    free = theta_free(comp)
    scale = scalable(comp, free)
    kinks = sum(
        len(pieces(i.act) or ()) > 1 for i, f in zip(comp.nodes, free, strict=True) if not f
    )
    if kinks > MAX_KINKED:
        return (
            f"{kinks} θ-dependent piecewise nodes per sample (more than {MAX_KINKED}): the "
            "piece choices of one sample grow like 2^k, the finite search does better"
        )
    for info, f in zip(comp.nodes, free, strict=True):
        if f:
            continue
        if pieces(info.act) is None:
            return f"node {info.name!r}: activation {info.act} is not piecewise linear"
        if any(not free[j] and not scale[j] for j in info.train_src):
            return f"node {info.name!r}: a trainable edge multiplies a θ-dependent value"
    return None


def add(a: Affine, b: Affine, k: Any = 1) -> Affine:
    coef = dict(a[0])
    for v, c in b[0].items():
        coef[v] = coef.get(v, Q(0)) + k * c
    return {v: c for v, c in coef.items() if c}, a[1] + k * b[1]


def row(a: Affine, op: str, rhs: Any) -> Row:
    return a[0], op, rhs - a[1]
