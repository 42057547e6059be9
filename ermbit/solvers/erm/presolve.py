"""Presolve: what the forcing samples of an ERM_bit instance fix (the converse of Claim B.1).

Reads the instance alone -- its graph, activations, samples and the constants on frozen
edges; never the parameters of trainable edges (θ*) nor ``meta``.

* **Forcing samples** are the exact-match samples whose repeat exceeds the main weight W,
  the total repeat of the other samples (:func:`forcing_split`).  Any θ violating one
  pays more than W.
* In a forcing sample the value of a node is known if it is labelled (or is a source:
  its value is its input).  A labelled node whose in-neighbours are all known gives an
  equation ``σ_v(x_v + Σ_u w_uv·y_u + B_v) = y_v`` with ``B_v = Σ_u b_uv`` (only the sum
  of the biases into a node enters a pass).
* At an **identity node** these are linear equations in the trainable weights into v and
  the sum B_v of its trainable biases (frozen edges move to the right-hand side); exact
  Gauss-Jordan elimination gives the forced coordinates, the undetermined ones, or a
  contradiction.
* At a **non-identity node** fed by one trainable edge (L, U), the equations
  ``σ(x + w·y + b) = t`` have a finite solution set once two of them have distinct y and
  finitely many preimages (:func:`ermbit.network.symmetry.solve_edge`): for the templates of
  Claim B.1 it is the set of symmetries σ(wz + b) ≡ σ(z) that survive.  For z² the τ
  templates give w² = 1 and 2wb = 0 (coefficients of z² and z), so (1, 0) and (−1, 0);
  the latter dies as soon as L's value changes in some template (an edge into L).  For
  ReLU, σ(w + b) = 1 and σ(2w + b) = 2 have the single preimages 1 and 2, so
  w + b = 1, 2w + b = 2: only (1, 0).

Labels whose node has an unknown in-neighbour give no equation; they are listed in
``partial`` (a solver must then check candidates against the forcing samples themselves).

>>> from ermbit.network.model import NetworkBuilder
>>> from ermbit.reductions.pinning import pin_instance
>>> from ermbit.network.erm import ERMInstance, Sample
>>> nb = NetworkBuilder()
>>> for v, a in (("s", "id"), ("U", "z**2"), ("o", "id")):
...     _ = nb.add_node(v, a)
>>> nb.add_edge("s", "U", 1, 0, frozen=True); nb.add_edge("U", "o", 3, 1, frozen=True)
>>> main = (Sample.of({"s": 2}, {"o": 13}, "exact"),)
>>> p = presolve(pin_instance(ERMInstance(nb.build(["o"]), main, 0, 0)))
>>> p.feasible, p.free, p.weights, p.bias_sums
(True, (), ((('U', 'o'), mpq(3,1)),), (('o', mpq(1,1)),))
>>> p.alternatives                      # z ↦ −z survives: nothing feeds s in a template
((('s', 'U'), ((mpq(-1,1), mpq(0,1)), (mpq(1,1), mpq(0,1)))),)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ermbit import exact
from ermbit.errors import InputTypeError
from ermbit.network.activations import Identity
from ermbit.network.erm import ERMInstance, Sample
from ermbit.network.model import Edge, Network
from ermbit.network.symmetry import solve_edge

__all__ = ["Presolved", "forcing_split", "presolve"]

EdgeKey = tuple[str, str]
Pair = tuple[Any, Any]
Row = tuple[tuple[Any, ...], Any, Any]  # (in-neighbour values, x_v, y_v)
_MISSING = object()


@dataclass(frozen=True)
class Presolved:
    """What the forcing samples fix.

    Attributes
    ----------
    feasible : bool
        False when no θ meets every forcing sample (an answer, not an error).
    reason : str
        Why not (the node and a sample), or a one-line summary.
    forcing : tuple of int
        Indices of the forcing samples in ``instance.samples``.
    main_weight : int
        W, the total repeat of the other samples.
    weights : tuple of ((u, v), w)
        Forced trainable weights of edges into identity nodes.
    bias_sums : tuple of (v, B)
        Forced sums of the trainable biases into identity nodes.
    alternatives : tuple of ((L, U), ((w, b), ...))
        Per trainable edge into a non-identity node, every (w, b) the equations allow.
    free : tuple of str
        Coordinates the forcing samples leave undetermined.
    partial : tuple of str
        Nodes with a label that gave no equation (an in-neighbour's value is unknown).
    """

    feasible: bool
    reason: str
    forcing: tuple[int, ...]
    main_weight: int
    weights: tuple[tuple[EdgeKey, Any], ...] = ()
    bias_sums: tuple[tuple[str, Any], ...] = ()
    alternatives: tuple[tuple[EdgeKey, tuple[Pair, ...]], ...] = ()
    free: tuple[str, ...] = ()
    partial: tuple[str, ...] = ()

    @property
    def determined(self) -> bool:
        """Feasible, and every trainable coordinate forced up to the listed alternatives."""
        return self.feasible and not self.free


def forcing_split(instance: ERMInstance) -> tuple[tuple[int, ...], int]:
    """``(forcing sample indices, main weight W)``.

    The forcing samples are the exact-match samples with repeat ≥ t, for the largest t
    (a repeat count of some exact sample) such that t exceeds W, the total repeat of all
    the other samples.  In a pinned instance t = b + 1 and W = b.  With no such t there
    are no forcing samples.

    >>> from ermbit.network.model import Network
    >>> net = Network.from_specs({"a": "id"}, [], ["a"])
    >>> s = [Sample.of({}, {"a": 0}, "exact", 5), Sample.of({}, {"a": 0}, "exact", 2),
    ...      Sample.of({}, {"a": 0}, "squared", 1)]
    >>> forcing_split(ERMInstance(net, s, 0, 0))     # 5 > 2 + 1
    ((0,), 3)
    """
    samples = instance.samples
    total = sum(s.repeat for s in samples)
    for t in sorted({s.repeat for s in samples if s.loss.kind == "exact"}, reverse=True):
        forcing = [i for i, s in enumerate(samples) if s.loss.kind == "exact" and s.repeat >= t]
        weight = total - sum(samples[i].repeat for i in forcing)
        if t > weight:
            return tuple(forcing), weight
    return (), total


class _Rows:
    """The equations of every node, collected from the forcing samples (deduplicated)."""

    def __init__(self, net: Network) -> None:
        self.net = net
        self.sources = set(net.sources)
        self.ins = {v: net.in_edges(v) for v in net.node_ids}
        self.outs = {v: [e.dst for e in net.out_edges(v)] for v in net.node_ids}
        self.rows: dict[str, dict[Row, int]] = {v: {} for v in net.node_ids}
        self.partial: set[str] = set()
        self.conflict: str | None = None

    def _node(self, v: str, xd: dict[str, Any], yd: dict[str, Any], i: int) -> None:
        y = yd.get(v, _MISSING)
        if y is _MISSING:
            return
        x = xd.get(v, exact.Q(0))
        if v in self.sources:
            if y != x and self.conflict is None:
                self.conflict = (
                    f"sample {i} labels source {v!r} with {exact.fmt(y)} but feeds it "
                    f"{exact.fmt(x)}"
                )
            return
        vals = []
        for e in self.ins[v]:
            u = e.src
            val = xd.get(u, exact.Q(0)) if u in self.sources else yd.get(u, _MISSING)
            if val is _MISSING:
                self.partial.add(v)
                return
            vals.append(val)
        self.rows[v].setdefault((tuple(vals), x, y), i)

    def add(self, samples: Sequence[Sample], indices: Sequence[int]) -> None:
        if not indices:
            return
        ref = samples[indices[0]]
        ry, rx = dict(ref.y), dict(ref.x)
        for v in self.net.node_ids:
            self._node(v, rx, ry, indices[0])
        for i in indices[1:]:
            yd, xd = dict(samples[i].y), dict(samples[i].x)
            # only nodes whose own data or an in-neighbour's changed can give a new row
            changed = {k for k, val in yd.items() if ry.get(k, _MISSING) != val}
            changed |= ry.keys() - yd.keys()
            changed |= {k for k in xd.keys() | rx.keys() if xd.get(k, 0) != rx.get(k, 0)}
            affected = changed | {d for c in changed for d in self.outs[c]}
            for v in affected:
                self._node(v, xd, yd, i)


def _rref(rows: list[list[Any]], ncols: int) -> tuple[list[list[Any]], list[int]] | None:
    """Reduced row echelon form of ``[A | rhs]`` and its pivots; None if inconsistent."""
    m = [list(r) for r in rows]
    pivots: list[int] = []
    for c in range(ncols):
        r = len(pivots)
        p = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if p is None:
            continue
        m[r], m[p] = m[p], m[r]
        piv = m[r][c]
        m[r] = [a / piv for a in m[r]]
        for i in range(len(m)):
            f = m[i][c]
            if i != r and f != 0:
                m[i] = [a - f * b for a, b in zip(m[i], m[r], strict=True)]
        pivots.append(c)
    if any(row[-1] != 0 for row in m[len(pivots) :]):
        return None
    return m[: len(pivots)], pivots


class _Solver:
    """Per-node solutions gathered into a :class:`Presolved`."""

    def __init__(self, rows: _Rows) -> None:
        self.r = rows
        self.weights: dict[EdgeKey, Any] = {}
        self.bias: dict[str, Any] = {}
        self.alts: dict[EdgeKey, tuple[Pair, ...]] = {}
        self.free: list[str] = []
        self.reason: str | None = None

    def _fail(self, v: str, row_index: int) -> None:
        if self.reason is None:
            self.reason = f"node {v!r}: no θ meets every forcing sample (e.g. sample {row_index})"

    def identity(self, v: str, ins: tuple[Edge, ...]) -> None:
        trainable = [e for e in ins if not e.frozen]
        names = [f"w[{e.src}->{v}]" for e in trainable] + [f"bias sum into {v}"]
        rows = self.r.rows[v]
        mat = []
        for (vals, x, y), _ in rows.items():
            rhs = y - x
            coeffs = []
            for e, val in zip(ins, vals, strict=True):
                if e.frozen:
                    rhs -= e.w * val + e.b
                else:
                    coeffs.append(val)
            mat.append([*coeffs, exact.Q(1), rhs] if trainable else [rhs])
        ncols = len(trainable) + 1 if trainable else 0
        red = _rref(mat, ncols)
        if red is None:
            self._fail(v, min(rows.values()))
            return
        reduced, pivots = red
        for row, c in zip(reduced, pivots, strict=True):
            if all(row[k] == 0 for k in range(ncols) if k not in pivots):
                if c < len(trainable):
                    self.weights[trainable[c].key] = row[-1]
                else:
                    self.bias[v] = row[-1]
        forced = {c for row, c in zip(reduced, pivots, strict=True)
                  if all(row[k] == 0 for k in range(ncols) if k not in pivots)}  # fmt: skip
        self.free += [names[c] for c in range(ncols) if c not in forced]

    def nonlinear(self, v: str, ins: tuple[Edge, ...]) -> None:
        act = self.r.net.activation(v)
        rows = self.r.rows[v]
        trainable = [e for e in ins if not e.frozen]
        if not trainable:
            for (vals, x, y), i in rows.items():
                pre = x + sum(
                    (e.w * val + e.b for e, val in zip(ins, vals, strict=True)), exact.Q(0)
                )
                if act(pre) != y:
                    self._fail(v, i)
            return
        if len(ins) != 1:
            self.free += [f"(w, b) of {e.src}->{v} (not in the normal form)" for e in trainable]
            return
        sols = solve_edge(act, [(x, vals[0], y) for vals, x, y in rows])
        if sols is None:
            self.free.append(f"(w, b) of {ins[0].src}->{v}")
        elif not sols:
            self._fail(v, min(rows.values()))
        else:
            self.alts[ins[0].key] = sols


def presolve(instance: ERMInstance) -> Presolved:
    """Recover, from the forcing samples alone, every θ coordinate they fix.

    Returns
    -------
    Presolved
        ``feasible`` is False when no θ meets every forcing sample (the reason names a
        node and a sample); otherwise the forced weights and bias sums, the alternatives of
        each edge into a non-identity node, and the coordinates left free.
    """
    if not isinstance(instance, ERMInstance):
        raise InputTypeError(f"instance: expected an ERMInstance, got {type(instance).__name__}")
    forcing, weight = forcing_split(instance)
    rows = _Rows(instance.network)
    rows.add(instance.samples, forcing)
    if rows.conflict is not None:
        return Presolved(False, rows.conflict, forcing, weight)
    solver = _Solver(rows)
    for v, act in instance.network.nodes:
        ins = rows.ins[v]
        if not ins:
            continue
        if isinstance(act, Identity):
            solver.identity(v, ins)
        else:
            solver.nonlinear(v, ins)
    if solver.reason is not None:
        return Presolved(False, solver.reason, forcing, weight)
    summary = (
        f"{len(forcing)} forcing samples (main weight {weight}) fix {len(solver.weights)} "
        f"weights, {len(solver.bias)} bias sums and {len(solver.alts)} nonlinear edges; "
        f"{len(solver.free)} coordinates free"
    )
    return Presolved(
        True,
        summary,
        forcing,
        weight,
        tuple(sorted(solver.weights.items())),
        tuple(sorted(solver.bias.items())),
        tuple(sorted(solver.alts.items())),
        tuple(solver.free),
        tuple(sorted(rows.partial)),
    )
