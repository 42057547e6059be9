"""Private: the activation-pattern model of a piecewise-linear ERM_bit instance.

Used by :mod:`ermbit.solvers.erm.pattern`.  Every sample must be fitted exactly, so the
model is a set of linear rows over the free coordinates of θ, switched by patterns:

* A **form** is an affine map ``c + Σ a_v·v`` (a pair ``(c, {v: a})``) over θ-variables
  ``("w", u, v)`` (a trainable weight) and ``("B", v)`` (the sum of the trainable biases
  into v; only this sum enters a pass) and pattern variables ``("z", i)`` (the output of
  the piecewise-linear instance i).
* An **instance** is a pair (sample, piecewise-linear node) whose pre-activation is not a
  constant.  Choosing its piece p (lo < pre ≤ hi) adds the rows of that interval and makes
  its output ``slope_p·pre + intercept_p``.  Nodes with a constant pre-activation are
  evaluated exactly on the spot.
* A **label row** asks a labelled node to equal its label (``y·ŷ ≥ 1`` for hinge).

Linearity needs every trainable weight to multiply a θ-independent value; a weight fixed
by the caller (from presolve) counts as a constant.  **Reduction of parameters**: at a node
v, θ enters only through the dot products of v's free parameters with the vectors
(tail values, 1) of the samples, so a parameter whose column lies in the span of the
previous ones is set to 0 without losing any fitted prediction (it can only matter for
the encoding length, which the solver reports as incompleteness when it does).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ermbit import exact
from ermbit.errors import InputError
from ermbit.network.activations import Activation, Identity, PiecewiseLinear, Polynomial, ReLU
from ermbit.network.erm import ERMInstance

Var = Hashable
Form = tuple[Any, dict[Var, Any]]
EdgeKey = tuple[str, str]


@dataclass(frozen=True)
class Piece:
    """``lo < z ≤ hi`` (None: unbounded) where σ(z) = slope·z + intercept."""

    lo: Any
    hi: Any
    slope: Any
    intercept: Any

    def contains(self, z: Any) -> bool:
        return (self.lo is None or z > self.lo) and (self.hi is None or z <= self.hi)

    def can_output(self, y: Any) -> bool:
        """Whether some z of the piece has σ(z) = y."""
        if self.slope == 0:
            return bool(self.intercept == y)
        return self.contains((y - self.intercept) / self.slope)


def pieces_of(act: Activation, node: str) -> tuple[Piece, ...]:
    """The pieces of σ; one piece for an affine σ.  Refuses non-linear polynomials."""
    if isinstance(act, Identity):
        return (Piece(None, None, exact.Q(1), exact.Q(0)),)
    if isinstance(act, ReLU):
        zero = exact.Q(0)
        return (Piece(None, zero, zero, zero), Piece(zero, None, exact.Q(1), zero))
    if isinstance(act, Polynomial):
        if act.degree > 1:
            raise InputError(
                f"instance: node {node!r} has σ = {act}, not piecewise linear; the "
                "piecewise-linear solver decides ReLU/PL networks only"
            )
        r = (*act.coeffs, exact.Q(0))
        return (Piece(None, None, exact.Q(r[1]), exact.Q(r[0])),)
    if isinstance(act, PiecewiseLinear):
        ts = (None, *act.breakpoints, None)
        return tuple(
            Piece(ts[k], ts[k + 1], act.slopes[k], act.intercepts[k])
            for k in range(len(act.slopes))
        )
    raise InputError(f"instance: node {node!r} has an unsupported activation {act}")


def f_add(acc: dict[Var, Any], const: Any, k: Any, form: Form) -> Any:
    """``acc += k·form`` in place on the coefficients; returns the new constant."""
    c, co = form
    for v, a in co.items():
        acc[v] = acc.get(v, 0) + k * a
    return const + k * c


def f_clean(const: Any, co: dict[Var, Any]) -> Form:
    return (exact.Q(const), {v: a for v, a in co.items() if a})


@dataclass
class Inst:
    """A (sample, piecewise-linear node) with a non-constant pre-activation."""

    sample: int
    node: str
    pieces: tuple[Piece, ...]
    pre: Form
    ups: tuple[int, ...] = ()
    support: frozenset[Var] = frozenset()


@dataclass
class LabelRow:
    """``form op rhs`` for one labelled node of one sample."""

    sample: int
    node: str
    form: Form
    op: str
    rhs: Any
    ups: tuple[int, ...] = ()
    support: frozenset[Var] = frozenset()


@dataclass(frozen=True)
class Fixed:
    """Coordinates fixed before the search: weights, bias sums, and whole (w, b) pairs."""

    weights: Mapping[EdgeKey, Any] = field(default_factory=dict)
    bias: Mapping[str, Any] = field(default_factory=dict)
    pairs: Mapping[EdgeKey, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class Model:
    """Instances, label rows, and what was learned while building them."""

    instances: list[Inst]
    labels: list[LabelRow]
    units: list[tuple[int, int]]  # (instance, piece) that cannot occur
    conflict: str | None
    params: tuple[Var, ...]
    dropped: tuple[Var, ...]
    constant_samples: int


def _zs(form: Form) -> tuple[int, ...]:
    return tuple(sorted(v[1] for v in form[1] if isinstance(v, tuple) and v[0] == "z"))


def _theta_vars(form: Form) -> frozenset[Var]:
    return frozenset(v for v in form[1] if not (isinstance(v, tuple) and v[0] == "z"))


class _Builder:
    """Symbolic forward passes over every sample."""

    def __init__(self, inst: ERMInstance, fixed: Fixed) -> None:
        self.inst, self.net, self.fixed = inst, inst.network, fixed
        self.order = self.net.topological_order()
        self.sources = set(self.net.sources)
        self.ins = {v: self.net.in_edges(v) for v in self.order}
        self.pieces = {v: pieces_of(a, v) for v, a in self.net.nodes}
        self.instances: list[Inst] = []
        self.labels: list[LabelRow] = []
        self.units: list[tuple[int, int]] = []
        self.conflict: str | None = None
        self.cols: dict[str, dict[Var, dict[int, Any]]] = {}
        self.plans: dict[str, tuple[Any, Var | None, list[tuple[str, Any]]]] = {}
        self.constant_samples = 0

    def weight(self, e: Any) -> Any:
        """The weight of an edge: a constant or a θ-variable."""
        if e.frozen:
            return e.w
        if e.key in self.fixed.pairs:
            return self.fixed.pairs[e.key][0]
        if e.key in self.fixed.weights:
            return self.fixed.weights[e.key]
        return ("w", e.src, e.dst)

    def bias(self, v: str) -> tuple[Any, Var | None]:
        """(constant part of the bias sum into v, θ-variable of its trainable part or None)."""
        const = sum((e.b for e in self.ins[v] if e.frozen), exact.Q(0))
        free = [e for e in self.ins[v] if not e.frozen]
        if not free:
            return const, None
        pair = next((self.fixed.pairs[e.key] for e in free if e.key in self.fixed.pairs), None)
        if pair is not None and len(free) == 1:
            return const + pair[1], None
        if v in self.fixed.bias:
            return const + self.fixed.bias[v], None
        return const, ("B", v)

    def plan(self, v: str) -> tuple[Any, Var | None, list[tuple[str, Any]]]:
        """Per node, once: bias constant, bias variable, and (tail, weight) per in-edge."""
        hit = self.plans.get(v)
        if hit is None:
            const, var = self.bias(v)
            hit = self.plans[v] = (const, var, [(e.src, self.weight(e)) for e in self.ins[v]])
        return hit

    def pre(self, s: int, v: str, x: Any, vals: dict[str, Form]) -> Form:
        const, var, edges = self.plan(v)
        const += x
        co: dict[Var, Any] = {}
        for u, w in edges:
            fu = vals[u]
            if not isinstance(w, tuple):
                const = f_add(co, const, w, fu) if fu[1] else const + w * fu[0]
                continue
            if fu[1]:
                raise InputError(
                    f"instance: trainable edge {u}->{v} multiplies θ-dependent value of "
                    f"{u!r} (sample {s}); the piecewise-linear solver needs every free "
                    "weight to multiply a θ-independent value"
                )
            col = self.cols.setdefault(v, {}).setdefault(w, {})
            if fu[0]:
                co[w] = co.get(w, 0) + fu[0]
                col[s] = fu[0]
        if var is not None:
            co[var] = co.get(var, 0) + 1
            self.cols.setdefault(v, {}).setdefault(var, {})[s] = exact.Q(1)
        return f_clean(const, co) if co else (exact.Q(const), {})

    def sample(self, s: int) -> None:
        smp = self.inst.samples[s]
        xs = smp.inputs
        vals: dict[str, Form] = {}
        before = len(self.instances)
        for v in self.order:
            x = xs.get(v, exact.Q(0))
            if v in self.sources:
                vals[v] = (x, {})
                continue
            pre = self.pre(s, v, x, vals)
            pcs = self.pieces[v]
            if len(pcs) == 1 or not pre[1]:
                p = next(p for p in pcs if p.contains(pre[0])) if not pre[1] else pcs[0]
                c = p.slope * pre[0] + p.intercept
                vals[v] = (c, {u: p.slope * a for u, a in pre[1].items() if p.slope * a})
                continue
            self.instances.append(Inst(s, v, pcs, pre))
            vals[v] = (exact.Q(0), {("z", len(self.instances) - 1): exact.Q(1)})
        self.label(s, vals)
        if len(self.instances) == before and self.conflict is None:
            self.constant_samples += 1

    def label(self, s: int, vals: dict[str, Form]) -> None:
        smp = self.inst.samples[s]
        hinge = smp.loss.kind == "hinge"
        for v, y in smp.y:
            form = vals[v]
            op, rhs = (">=", exact.Q(1)) if hinge else ("==", y)
            if hinge:
                form = (y * form[0], {u: y * a for u, a in form[1].items()})
            if not form[1]:
                self.check_constant(s, v, form[0], op, rhs)
                continue
            self.labels.append(LabelRow(s, v, form, op, rhs))

    def check_constant(self, s: int, v: str, value: Any, op: str, rhs: Any) -> None:
        """Record a conflict if a label that no parameter can change is missed."""
        ok = value >= rhs if op == ">=" else value == rhs
        if not ok and self.conflict is None:
            self.conflict = (
                f"sample {s} labels node {v!r}, but its value there does not depend on "
                f"the free parameters and misses the label ({exact.fmt(value)} {op} "
                f"{exact.fmt(rhs)} fails)"
            )


def _independent(cols: dict[Var, dict[int, Any]]) -> list[Var]:
    """Variables whose columns lie in the span of the previous ones (greedy, exact)."""
    basis: list[tuple[int, dict[int, Any]]] = []
    dropped = []
    for var, col in cols.items():
        vec = dict(col)
        for piv, row in basis:
            a = vec.get(piv)
            if a:
                for k, b in row.items():
                    vec[k] = vec.get(k, 0) - a * b
                vec = {k: b for k, b in vec.items() if b}
        if not vec:
            dropped.append(var)
            continue
        piv = min(vec)
        top = vec[piv]
        basis.append((piv, {k: b / top for k, b in vec.items()}))
    return dropped


def _drop(form: Form, dropped: set[Var]) -> Form:
    return (form[0], {v: a for v, a in form[1].items() if v not in dropped})


def _finish(b: _Builder) -> Model:
    dropped = {v for cols in b.cols.values() for v in _independent(cols)}
    params = tuple(sorted({v for cols in b.cols.values() for v in cols} - dropped, key=repr))
    for i in b.instances:
        i.pre = _drop(i.pre, dropped)
        i.ups = _zs(i.pre)
        i.support = _theta_vars(i.pre).union(*(b.instances[u].support for u in i.ups))
    units = []
    for k, i in enumerate(b.instances):
        if not i.pre[1]:  # every parameter it saw was dropped: its piece is known
            units += [(k, p) for p, pc in enumerate(i.pieces) if not pc.contains(i.pre[0])]
    labels = []
    for row in b.labels:
        row.form = _drop(row.form, dropped)
        row.ups = _zs(row.form)
        row.support = _theta_vars(row.form).union(*(b.instances[u].support for u in row.ups))
        if not row.form[1]:  # every parameter it saw was dropped: a constant
            b.check_constant(row.sample, row.node, row.form[0], row.op, row.rhs)
            continue
        labels.append(row)
        if len(row.ups) == 1 and row.op == "==" and row.form == (0, {("z", row.ups[0]): 1}):
            k = row.ups[0]
            pcs = b.instances[k].pieces
            units += [(k, p) for p, pc in enumerate(pcs) if not pc.can_output(row.rhs)]
    return Model(
        b.instances,
        labels,
        units,
        b.conflict,
        params,
        tuple(sorted(dropped, key=repr)),
        b.constant_samples,
    )


def build_model(instance: ERMInstance, fixed: Fixed) -> Model:
    """The pattern model of ``instance`` with the coordinates in ``fixed`` held constant.

    Raises
    ------
    InputError
        For a non-linear polynomial activation, or a free weight whose tail depends on θ.
    """
    b = _Builder(instance, fixed)
    for s in range(len(instance.samples)):
        b.sample(s)
    return _finish(b)
