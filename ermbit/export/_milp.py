"""The mixed-integer linear model of a piecewise-linear ERM_bit instance (exact rationals).

One model, several writers (:mod:`ermbit.export.mps` for MPS and LP files, the CP-SAT
peer of :mod:`ermbit.studies.solvers`).  What it encodes:

* a column per coordinate of θ (``w{k}``, ``b{k}``), boxed by ``|θ_c| ≤ 2^K_p − 1`` -- a
  **sound** box: every θ with enc(θ) ≤ β lies in it (:mod:`ermbit.export._common`); the
  bit bound itself is relaxed to this box (a MILP has no size function);
* per sample, every θ-dependent node: its pre-activation is an affine expression in the
  columns (trainable weights multiply θ-independent values only, else the instance is
  refused); identity and affine σ add no column; a ReLU or PL node gets a value column
  and, when its pre-activation bound crosses a breakpoint, one binary per piece;
* every big-M is a bound on that pre-activation: interval arithmetic from the box, then
  **tightened with ermbit's exact LP** (minimise and maximise the pre-activation subject
  to the rows built so far that involve only its own parameters -- the box, the earlier
  nodes' rows, and the labels already imposed) -- optimisation-based bound tightening,
  sound because every feasible point satisfies those rows;
* every sample fitted (the ERM question with γ = 0): ``ŷ = y`` (squared, half-squared,
  exact losses), ``y·ŷ ≥ 1`` (hinge).  A labelled ReLU output needs no binary:
  ``ReLU(z) = 0 ⇔ z ≤ 0`` and ``ReLU(z) = y > 0 ⇔ z = y``.

A breakpoint belongs to the piece on its left; the MILP allows either piece there (the
closure), so a discontinuous PL σ may admit a MILP point that is not a witness -- every
answer is re-checked exactly anyway.  The objective ``Σ|w_k| + 2·Σ|b_k|`` only steers a
solver toward short witnesses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ermbit import exact
from ermbit.errors import BudgetExceeded, InputError
from ermbit.export._common import (
    box_bound,
    constant_values,
    parameters,
    require_first_layer,
    theta_dependent,
)
from ermbit.network.erm import ERMInstance
from ermbit.solvers.lp.program import Constraint, feasible

__all__ = ["Milp", "Row", "build_milp"]

Expr = dict[str, Any]
_OPS = {"<=": "<=", ">=": ">=", "=": "=="}


@dataclass
class Row:
    """``Σ coeffs·col  sense  rhs``; ``sense`` is ``<=``, ``>=`` or ``=``."""

    name: str
    coeffs: Expr
    sense: str
    rhs: Any
    note: str = ""


@dataclass
class Milp:
    """Columns (bounds, integrality), rows and a linear objective, all exact rationals."""

    cols: dict[str, tuple[Any, Any, bool]] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    objective: Expr = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    params: list[str] = field(default_factory=list)
    tightened: int = 0
    binaries: int = 0

    def add_col(self, name: str, lo: Any, hi: Any, integer: bool = False) -> str:
        self.cols[name] = (lo, hi, integer)
        return name


def _lin(*parts: tuple[Any, Expr]) -> Expr:
    out: Expr = {}
    for c, e in parts:
        for k, v in e.items():
            out[k] = out.get(k, exact.Q(0)) + c * v
    return {k: v for k, v in out.items() if v != 0 or k == ""}


def _fit_kind(inst: ERMInstance) -> bool:
    """Whether ``L ≤ γ`` means "every sample fitted" (False: no θ, γ < 0)."""
    kinds = {s.loss.kind for s in inst.samples}
    if "bit" in kinds:
        raise InputError("instance: the bit loss is not linear in the output; mps/lp refuse it")
    if inst.gamma < 0:
        return False
    low = min((s.repeat for s in inst.samples), default=1)
    if inst.gamma == 0 or (kinds == {"exact"} and inst.gamma < low):
        return True
    raise InputError(
        f"gamma: γ = {exact.fmt(inst.gamma)} lets samples be missed; mps/lp encode only "
        "'every sample fitted' (γ = 0, or exact losses with γ below every repeat)"
    )


class _Builder:
    def __init__(self, inst: ERMInstance, tighten: int) -> None:
        self.inst, self.net, self.m = inst, inst.network, Milp()
        self.budget = tighten
        self.support: dict[str, frozenset[str]] = {}
        self.row_support: list[frozenset[str]] = []
        self.bounds: dict[str, tuple[Any, Any]] = {}

    def row(self, name: str, e: Expr, sense: str, rhs: Any, note: str = "") -> None:
        const = e.get("", exact.Q(0))
        coeffs = {k: v for k, v in e.items() if k != "" and v != 0}
        self.m.rows.append(Row(name, coeffs, sense, rhs - const, note))
        sup: frozenset[str] = frozenset()
        for k in coeffs:
            sup |= self.support.get(k, frozenset({k}))
        self.row_support.append(sup)

    def interval(self, e: Expr) -> tuple[Any, Any]:
        lo = hi = e.get("", exact.Q(0))
        for k, c in e.items():
            if k == "":
                continue
            a, b = self.bounds[k]
            lo += c * (a if c > 0 else b)
            hi += c * (b if c > 0 else a)
        return lo, hi

    def tight(self, e: Expr, breaks: list[Any]) -> tuple[Any, Any]:
        """Bounds on ``e``: intervals, then the exact LP when a breakpoint lies inside."""
        lo, hi = self.interval(e)
        if not any(lo < t < hi for t in breaks) or self.budget <= 0:
            return lo, hi
        sup = frozenset().union(*(self.support.get(k, {k}) for k in e if k != ""))
        rows = [r for r, s in zip(self.m.rows, self.row_support, strict=True) if s <= sup]
        cons = [Constraint(r.coeffs, _OPS[r.sense], r.rhs) for r in rows]
        cols = {k for r in rows for k in r.coeffs} | {k for k in e if k != ""}
        for k in cols:
            a, b = self.bounds[k]
            cons += [Constraint({k: 1}, ">=", a), Constraint({k: 1}, "<=", b)]
        obj = {k: v for k, v in e.items() if k != ""}
        self.budget -= 1
        self.m.tightened += 1
        out = []
        for minimize in (True, False):
            res = feasible(cons, objective=obj, minimize=minimize, max_pivots=20000)
            if res.status == "infeasible":
                return e.get("", exact.Q(0)), e.get("", exact.Q(0))  # nothing is feasible
            out.append(res.objective_value + e.get("", exact.Q(0)))
        return max(lo, out[0]), min(hi, out[1])

    def col(self, name: str, lo: Any, hi: Any, sup: frozenset[str], integer: bool = False) -> str:
        self.m.add_col(name, lo, hi, integer)
        self.bounds[name] = (lo, hi)
        self.support[name] = sup
        return name


def _support(b: _Builder, e: Expr) -> frozenset[str]:
    return frozenset().union(*(b.support.get(k, {k}) for k in e if k != ""))


def _node(b: _Builder, tag: str, act: Any, z: Expr, label: Any) -> Expr:
    """The value of σ(z) as an expression; rows for σ; ``label`` (or None) imposed."""
    kind = act.kind
    if kind == "id" or (kind == "poly" and act.degree <= 1):
        c = act.coeffs if kind == "poly" else (exact.Q(0), exact.Q(1))
        f = _lin((c[1] if len(c) > 1 else exact.Q(0), z), (c[0], {"": exact.Q(1)}))
        if label is not None:
            b.row(f"fit_{tag}", f, "=", label)
        return f
    if kind == "poly":
        raise InputError(f"node {tag}: σ = {act} has degree {act.degree}; mps/lp need PL σ")
    if kind == "relu" and label is not None:
        if label < 0:
            b.row(f"fit_{tag}", {}, "=", 1, "ReLU cannot equal a negative label")
        elif label == 0:
            b.row(f"fit_{tag}", z, "<=", 0, "ReLU(z) = 0 iff z <= 0")
        else:
            b.row(f"fit_{tag}", z, "=", label, "ReLU(z) = y > 0 iff z = y")
        return {"": exact.Q(label)}
    ts = [exact.Q(0)] if kind == "relu" else list(act.breakpoints)
    ss = [exact.Q(0), exact.Q(1)] if kind == "relu" else list(act.slopes)
    cs = [exact.Q(0), exact.Q(0)] if kind == "relu" else list(act.intercepts)
    lo, hi = b.tight(z, ts)
    f = _pieces(b, tag, z, lo, hi, ts, ss, cs)
    if label is not None:
        b.row(f"fit_{tag}", f, "=", label)
    return f


def _pieces(
    b: _Builder, tag: str, z: Expr, lo: Any, hi: Any, ts: list[Any], ss: list[Any], cs: list[Any]
) -> Expr:
    """σ on [lo, hi]: one piece → affine; several → a value column and one binary each."""
    edges = [None, *ts, None]
    live = [
        i
        for i in range(len(ss))
        if (edges[i] is None or edges[i] <= hi) and (edges[i + 1] is None or edges[i + 1] >= lo)
    ]
    if len(live) == 1:
        i = live[0]
        return _lin((ss[i], z), (cs[i], {"": exact.Q(1)}))
    vals = [s * x + c for i in live for s, c, x in [(ss[i], cs[i], lo), (ss[i], cs[i], hi)]]
    flo, fhi = min(vals), max(vals)
    sup = _support(b, z)
    f = b.col(f"f{tag}", flo, fhi, sup)
    picks = []
    for i in live:
        d = b.col(f"d{tag}_{i}", exact.Q(0), exact.Q(1), sup, integer=True)
        b.m.binaries += 1
        picks.append(d)
        # "z ≤ t + M·(1 − δ)" is written "z + M·δ ≤ t + M"
        if edges[i + 1] is not None:  # z ≤ t_i when δ_i
            m = hi - edges[i + 1]
            b.row(f"hi{tag}_{i}", _lin((1, z), (m, {d: 1})), "<=", edges[i + 1] + m)
        if edges[i] is not None:  # z ≥ t_{i-1} when δ_i
            m = edges[i] - lo
            b.row(f"lo{tag}_{i}", _lin((1, z), (-m, {d: 1})), ">=", edges[i] - m)
        piece = _lin((ss[i], z), (cs[i], {"": exact.Q(1)}))
        plo, phi = min(ss[i] * lo, ss[i] * hi) + cs[i], max(ss[i] * lo, ss[i] * hi) + cs[i]
        up, down = fhi - plo, phi - flo  # bounds on f − piece and piece − f
        diff = _lin((1, {f: 1}), (-1, piece))
        b.row(f"up{tag}_{i}", _lin((1, diff), (up, {d: 1})), "<=", up)
        b.row(f"dn{tag}_{i}", _lin((1, diff), (-down, {d: 1})), ">=", -down)
    b.row(f"one{tag}", {d: exact.Q(1) for d in picks}, "=", 1, "exactly one piece")
    return {f: exact.Q(1)}


#: Largest matrix entry written (HiGHS refuses matrix entries of 1e15 and more).
MAX_MAGNITUDE_BITS = 49


def build_milp(
    inst: ERMInstance, *, tighten: int = 2000, box: Any = None, grid: int | None = None
) -> Milp:
    """The model of the module docstring; ``tighten`` caps the exact LPs used for bounds.

    ``grid`` (a positive integer D) puts every coordinate on the grid ``θ_c = n_c / D`` with
    ``n_c`` an integer column -- a restriction too, exact for every witness with that
    denominator.  ``box`` (a positive rational) restricts every coordinate to
    ``|θ_c| ≤ box`` when that is below the sound box: the model is then a *restriction*
    (the notes say so) -- a feasible answer still yields a witness, an infeasible one
    only covers the box.

    Raises
    ------
    BudgetExceeded
        When a matrix entry (a big-M) needs 2^49 or more (float64 solvers reject such numbers);
        the message gives its size and suggests a ``box``.
    InputError
        For a polynomial σ of degree ≥ 2 on a θ-dependent node, a trainable weight on a
        θ-dependent value, the bit loss, or a γ that lets samples be missed.
    """
    require_first_layer(inst, "a MILP")
    fit = _fit_kind(inst)
    b = _Builder(inst, tighten)
    sound = box_bound(inst)
    if box is not None and exact.parse(box, name="box") < sound:
        box = exact.parse(box, name="box")
        if box <= 0:
            raise InputError(f"box: must be positive, got {exact.fmt(box)}")
        b.m.notes.append(f"RESTRICTED to |theta| <= {exact.fmt(box)} (sound box {sound})")
    else:
        box = sound
        b.m.notes.append(f"sound box |theta| <= {sound} from the bit bound")
    if grid is not None:
        if isinstance(grid, bool) or int(grid) != grid or grid < 1:
            raise InputError(f"grid: expected a positive integer denominator, got {grid!r}")
        b.m.notes.append(f"RESTRICTED to the grid theta = n/{grid}, n integer")
    for p in parameters(inst):
        name = b.col(p.name, -box, box, frozenset({p.name}))
        b.m.params.append(name)
        a = b.col(f"a_{p.name}", exact.Q(0), box, frozenset({p.name}))
        b.row(f"abs1_{p.name}", {a: 1, name: -1}, ">=", 0)
        b.row(f"abs2_{p.name}", {a: 1, name: 1}, ">=", 0)
        b.m.objective[a] = exact.Q(1 if p.part == "w" else 2)
        if grid is not None:
            top = box * grid
            n = b.col(f"n_{p.name}", -top, top, frozenset({p.name}), integer=True)
            b.row(f"grid_{p.name}", {name: exact.Q(grid), n: exact.Q(-1)}, "=", 0)
    if not fit:
        b.row("gamma", {}, "=", 1, "γ < 0: no θ has L ≤ γ")
        return b.m
    _samples(b, inst)
    _check_magnitudes(b.m)
    return b.m


def _check_magnitudes(m: Milp) -> None:
    # matrix entries and right-hand sides only: column bounds may be large (a solver
    # treats only bounds past 1e20 as infinite), but HiGHS refuses entries of 1e15 or more
    nums = [abs(v) for r in m.rows for v in [r.rhs, *r.coeffs.values()]]
    top = max(nums, default=exact.Q(0))
    bits = exact.bitlen(top.numerator // top.denominator)
    if bits > MAX_MAGNITUDE_BITS:
        raise BudgetExceeded(
            "a MILP bound or big-M",
            predicted=bits,
            budget=MAX_MAGNITUDE_BITS,
            hint="restrict the parameters with a smaller box (--box B); the file then "
            "says it covers only that box",
        )


def _samples(b: _Builder, inst: ERMInstance) -> None:
    net, dep = inst.network, theta_dependent(inst.network)
    index = {v: n for n, v in enumerate(net.node_ids)}
    names = {(p.edge, p.part): p.name for p in parameters(inst)}
    consts = constant_values(inst)
    for i, s in enumerate(inst.samples):
        x, labels, hinge = s.inputs, s.labels, s.loss.kind == "hinge"
        vals: dict[str, Expr] = {v: {"": c} for v, c in consts[i].items()}
        for v in net.topological_order():
            if v not in dep:
                if v in labels:
                    _fit_const(b, f"{i}_{index[v]}", vals[v][""], labels[v], hinge)
                continue
            z: Expr = {"": x.get(v, exact.Q(0))}
            for e in net.in_edges(v):
                if e.frozen:
                    z = _lin((1, z), (e.w, vals[e.src]), (e.b, {"": exact.Q(1)}))
                else:
                    tail = vals[e.src][""]
                    z = _lin((1, z), (tail, {names[e.key, "w"]: 1}), (1, {names[e.key, "b"]: 1}))
            label = labels.get(v) if not hinge else None
            vals[v] = _node(b, f"{i}_{index[v]}", net.activation(v), z, label)
            if hinge and v in labels:
                b.row(f"hinge{i}_{index[v]}", _lin((labels[v], vals[v])), ">=", 1)


def _fit_const(b: _Builder, tag: str, value: Any, label: Any, hinge: bool) -> None:
    ok = label * value >= 1 if hinge else value == label
    if not ok:
        b.row(f"fit_{tag}", {}, "=", 1, "a θ-independent output misses its label")
