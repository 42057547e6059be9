"""ERM_bit and Backprop-Bit/Sign instances as SMT-LIB 2.6 scripts.

**Exact encoding (default).**  Every coordinate c of θ (weight ``w{k}`` and bias ``b{k}``
of the k-th edge, trainable edges only; frozen edges are constants) is a fraction of two
integers: ``(declare-const w3.p Int) (declare-const w3.q Int)`` with ``q ≥ 1`` and the real
``w3`` tied to them by ``q·w3 = p``.  The bit bound is encoded exactly:

* ``bitlen|p| = Σ_{i<K_p} [|p| ≥ 2^i]`` and ``bitlen q = Σ_{i<K_q} [q ≥ 2^i]`` (``ite``
  terms), with ``|p| < 2^K_p`` and ``q < 2^K_q`` where K_p, K_q are the limits every
  admissible reduced fraction obeys (:func:`ermbit.export._common.bit_limits`);
* ``Σ_c (1 + bitlen|p_c| + bitlen q_c) ≤ β``.

The solver may pick an unreduced p/q; reducing it only shrinks the sizes, and a reduced
witness satisfies the same constraints, so the script is satisfiable **iff** some θ with
``enc(θ) ≤ β`` has ``L(θ) ≤ γ``.  Node values are real terms (``define-fun``, one per
sample and node): ReLU and piecewise-linear σ as ``ite``, polynomials expanded by Horner.
Integers (p, q) and reals (values) together, with the product ``q·w``, make the logic
**QF_NIRA**; the script declares the logic its terms actually use.

**Relaxed encoding** (``relax=True``): real parameters, no bit bound -- QF_LRA when every
product has a constant factor (ReLU/PL networks with trainable weights on θ-independent
values), QF_NRA otherwise (polynomials).  Its "sat" says nothing about β; a model mapped
back is checked by the NP verifier, which reports enc(θ) against β.

**Loss ≤ γ.**  With γ = 0 each sample must be fitted (every loss is ≥ 0): squared,
half-squared and exact losses become equalities ``ŷ = y``, hinge ``y·ŷ ≥ 1``, the bit loss
``bit_j(ŷ) = 1``.  Otherwise the weighted sum of the per-sample losses is asserted ≤ γ
(squares make it nonlinear).  The bit loss uses ``to_int`` and ``mod``:
``bit_j(ŷ) = ⌊2^(−j)·|ŷ|⌋ mod 2``.

**Backprop instances.**  The script computes the forward pass, the reverse-mode pass
(``σ'`` as ``ite``/polynomial terms, ReLU'(0) = 0, left slopes at PL breakpoints) and the
gradient coordinate ``grad`` = ∂L/∂w_{e*} as a term, asserts the query -- ``bit_j(grad) = 1``
or ``grad > 0`` for a sign query -- and asks ``(get-value (grad))``: "sat" means bit 1 or a
positive sign.

**What is exact in the file.**  Everything: rationals are written ``(/ p.0 q.0)``.

>>> from ermbit.network.model import NetworkBuilder
>>> from ermbit.network.erm import ERMInstance, Sample
>>> nb = NetworkBuilder()
>>> _ = nb.add_node("s"), nb.add_node("t"), nb.add_edge("s", "t", w="1/2", b=0)
>>> inst = ERMInstance(nb.build(["t"]), (Sample.of({"s": 4}, {"t": 3}),), 0, 20)
>>> script = to_smt2(inst)
>>> script.logic, "(check-sat)" in script.text
('QF_NIRA', True)
>>> witness_from_model(inst, "sat ((define-fun w0.p () Int 1) (define-fun w0.q () Int 1)"
...                    " (define-fun b0.p () Int (- 1)) (define-fun b0.q () Int 1))").as_dict()
{('s', 't'): (mpq(1,1), mpq(-1,1))}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ermbit import exact
from ermbit.errors import FormatError, InputError, InputTypeError
from ermbit.export import _sexpr
from ermbit.export._common import Exported, Param, bit_limits, parameters
from ermbit.network.erm import BackpropInstance, ERMInstance, Sample, Witness

__all__ = [
    "export",
    "parse_model",
    "real",
    "SmtScript",
    "to_smt2",
    "witness_from_model",
]


@dataclass(frozen=True)
class SmtScript:
    """An SMT-LIB 2.6 script: its ``text``, the ``logic`` declared, and ``relaxed``."""

    text: str
    logic: str
    relaxed: bool

    def write(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(self.text)


def real(q: Any) -> str:
    """An exact real literal: ``3.0``, ``(- 3.0)``, ``(/ 1.0 3.0)``."""
    q = exact.parse(q)
    n, d = abs(q.numerator), q.denominator
    body = f"{n}.0" if d == 1 else f"(/ {n}.0 {d}.0)"
    return f"(- {body})" if q < 0 else body


class _Writer:
    """Collects lines and notes which theory features the terms use."""

    def __init__(self, inst: Any, relax: bool) -> None:
        self.inst, self.net, self.relax = inst, inst.network, relax
        self.lines: list[str] = []
        self.nonlinear = not relax and isinstance(inst, ERMInstance) and bool(parameters(inst))
        self.ints = not relax and isinstance(inst, ERMInstance) and bool(parameters(inst))
        self.index = {v: i for i, v in enumerate(self.net.node_ids)}
        self.param_of = {(p.edge, p.part): p.name for p in parameters(inst)}

    def mul(self, a: str, b: str, a_const: bool, b_const: bool) -> str:
        if not (a_const or b_const):
            self.nonlinear = True
        return f"(* {a} {b})"

    def define(self, name: str, term: str) -> str:
        self.lines.append(f"(define-fun {name} () Real {term})")
        return name

    # ---------------------------------------------------------------- forward

    def edge_term(self, e: Any, src: str, src_const: bool, fixed: bool) -> list[str]:
        """``w·f_src + b`` of one edge (trainable parameters by name unless ``fixed``)."""
        w_name = None if fixed else self.param_of.get((e.key, "w"))
        b_name = None if fixed else self.param_of.get((e.key, "b"))
        if w_name is None:
            terms = [] if e.w == 0 else [self.mul(real(e.w), src, True, src_const)]
            return terms + ([] if e.b == 0 else [real(e.b)])
        return [self.mul(w_name, src, False, src_const), str(b_name)]

    def sigma(self, act: Any, z: str) -> str:
        kind = act.kind
        if kind == "id":
            return z
        if kind == "relu":
            return f"(ite (> {z} 0.0) {z} 0.0)"
        if kind == "poly":
            acc = real(act.coeffs[-1])
            for c in reversed(act.coeffs[:-1]):
                acc = f"(+ {real(c)} {self.mul(z, acc, False, False)})"
            return acc
        return self._pieces(act.breakpoints, act.slopes, act.intercepts, z)

    def _pieces(self, ts: Sequence[Any], ss: Sequence[Any], cs: Sequence[Any], z: str) -> str:
        terms = [f"(+ (* {real(s)} {z}) {real(c)})" for s, c in zip(ss, cs, strict=True)]
        acc = terms[-1]
        for t, piece in zip(reversed(ts), reversed(terms[:-1]), strict=True):
            acc = f"(ite (<= {z} {real(t)}) {piece} {acc})"
        return acc

    def forward(self, i: int, s: Sample, fixed: bool) -> dict[str, str]:
        """Define ``z{i}_{v}`` (pre-activation) and ``f{i}_{v}`` per node; return f names."""
        x, f = s.inputs, {}
        for v in self.net.topological_order():
            n = self.index[v]
            ins = self.net.in_edges(v)
            if not ins:
                f[v] = real(x.get(v, 0))
                continue
            terms = [real(x[v])] if x.get(v, 0) != 0 else []
            for e in ins:
                terms += self.edge_term(e, f[e.src], f[e.src][0] != "f", fixed)
            pre = f"(+ {' '.join(terms)})" if len(terms) > 1 else (terms or ["0.0"])[0]
            z = self.define(f"z{i}_{n}", pre)
            f[v] = self.define(f"f{i}_{n}", self.sigma(self.net.activation(v), z))
        return f

    # ---------------------------------------------------------------- losses

    def bit_term(self, term: str, j: int) -> str:
        self.ints = True
        scale = real(exact.Q(2) ** -j)
        return f"(mod (to_int (* {scale} (ite (>= {term} 0.0) {term} (- {term})))) 2)"

    def fitted(self, s: Sample, f: dict[str, str]) -> list[str]:
        """Conditions equivalent to a zero loss on ``s``."""
        k = s.loss.kind
        if k == "bit":
            return [f"(= {self.bit_term(f[str(s.loss.node)], int(s.loss.j or 0))} 1)"]
        if k == "hinge":
            return [f"(>= (* {real(t)} {f[v]}) 1.0)" for v, t in s.y]
        return [f"(= {f[v]} {real(t)})" for v, t in s.y]

    def loss_term(self, s: Sample, f: dict[str, str]) -> str:
        k = s.loss.kind
        if k in ("bit", "exact"):
            return f"(ite (and true {' '.join(self.fitted(s, f))}) 0.0 1.0)"
        if k == "hinge":
            parts = [f"(- 1.0 (* {real(t)} {f[v]}))" for v, t in s.y]
            return "(+ 0.0 " + " ".join(f"(ite (> {p} 0.0) {p} 0.0)" for p in parts) + ")"
        diffs = [f"(- {f[v]} {real(t)})" for v, t in s.y]
        squares = " ".join(self.mul(d, d, False, False) for d in diffs)
        total = f"(+ 0.0 {squares})"
        return f"(/ {total} 2.0)" if k == "half_squared" else total


def _declare_params(w: _Writer, inst: ERMInstance) -> None:
    params = parameters(inst)
    for p in params:
        w.lines.append(f"; {p.name} = {p.part} of edge {p.edge[0]}->{p.edge[1]}")
        w.lines.append(f"(declare-const {p.name} Real)")
    if w.relax or not params:
        return
    kp, kq = bit_limits(inst)
    w.lines.append(f"; bit bound: |p| < 2^{kp}, 1 <= q < 2^{kq}, sum of sizes <= {inst.bit_bound}")
    sizes = []
    for p in params:
        n, d = f"{p.name}.p", f"{p.name}.q"
        w.lines += [
            f"(declare-const {n} Int)",
            f"(declare-const {d} Int)",
            f"(assert (and (>= {d} 1) (< {d} {2**kq}) (< {n} {2**kp}) (> {n} (- {2**kp}))))",
            f"(assert (= (* (to_real {d}) {p.name}) (to_real {n})))",
        ]
        bits_p = [f"(ite (or (>= {n} {2**i}) (<= {n} (- {2**i}))) 1 0)" for i in range(kp)]
        bits_q = [f"(ite (>= {d} {2**i}) 1 0)" for i in range(kq)]
        sizes.append(f"(+ 1 {' '.join(bits_p + bits_q)})")
    w.lines.append(f"(assert (<= (+ 0 {' '.join(sizes)}) {inst.bit_bound}))")


def _erm_body(w: _Writer, inst: ERMInstance) -> None:
    _declare_params(w, inst)
    values = [w.forward(i, s, fixed=False) for i, s in enumerate(inst.samples)]
    gamma = inst.gamma
    if gamma == 0:
        w.lines.append("; gamma = 0: every sample fitted exactly")
        for s, f in zip(inst.samples, values, strict=True):
            w.lines += [f"(assert {c})" for c in w.fitted(s, f)]
    else:
        terms = [
            f"(* {s.repeat}.0 {w.loss_term(s, f)})"
            for s, f in zip(inst.samples, values, strict=True)
        ]
        w.lines.append(f"(assert (<= (+ 0.0 {' '.join(terms)}) {real(gamma)}))")
    w.lines += ["(check-sat)", "(get-model)"]


def _backprop_body(w: _Writer, inst: BackpropInstance) -> None:
    net, grads = w.net, []
    for i, s in enumerate(inst.samples):
        f = w.forward(i, s, fixed=True)
        seed = _seed_terms(w, s, f)
        delta: dict[str, str] = {}
        for v in reversed(net.topological_order()):
            if not net.in_edges(v):
                continue
            n = w.index[v]
            parts = [seed[v]] if v in seed else []
            parts += [w.mul(real(e.w), delta[e.dst], True, False) for e in net.out_edges(v)]
            g = f"(+ 0.0 {' '.join(parts)})"
            act = net.activation(v)
            slope = _slope(w, act, f"z{i}_{n}")
            delta[v] = w.define(f"d{i}_{n}", w.mul(slope, g, act.kind == "id", False))
        src, dst = inst.edge
        grads.append(w.mul(delta[dst], f[src], False, f[src][0] != "f"))
    w.lines.append(f"(define-fun grad () Real (+ 0.0 {' '.join(grads)}))")
    if inst.query == "sign":
        w.lines.append("; sat iff the gradient coordinate is positive")
        w.lines.append("(assert (> grad 0.0))")
    else:
        w.lines.append(f"; sat iff bit {inst.query} of the gradient coordinate is 1")
        w.lines.append(f"(assert (= {w.bit_term('grad', int(inst.query))} 1))")
    w.lines += ["(check-sat)", "(get-value (grad))"]


def _seed_terms(w: _Writer, s: Sample, f: dict[str, str]) -> dict[str, str]:
    k, r = s.loss.kind, s.repeat
    if k in ("exact", "bit"):
        return {}
    if k == "hinge":
        return {v: f"(ite (> (- 1.0 (* {real(t)} {f[v]})) 0.0) {real(-t * r)} 0.0)" for v, t in s.y}
    factor = 2 * r if k == "squared" else r
    return {v: f"(* {factor}.0 (- {f[v]} {real(t)}))" for v, t in s.y}


def _slope(w: _Writer, act: Any, z: str) -> str:
    if act.kind == "id":
        return "1.0"
    if act.kind == "relu":
        return f"(ite (> {z} 0.0) 1.0 0.0)"
    if act.kind == "poly":
        return w.sigma(act.derivative_poly(), z)
    acc = real(act.slopes[-1])  # the left slope at a breakpoint, as ermbit's backward
    for t, slope in zip(reversed(act.breakpoints), reversed(act.slopes[:-1]), strict=True):
        acc = f"(ite (<= {z} {real(t)}) {real(slope)} {acc})"
    return acc


def to_smt2(inst: ERMInstance | BackpropInstance, *, relax: bool = False) -> SmtScript:
    """The SMT-LIB 2.6 script of an ERM_bit or Backprop instance (see the module docstring).

    Raises
    ------
    InputTypeError
        For anything but an ERM or Backprop instance.
    InputError
        For ``relax`` on a Backprop instance (it has no parameters to relax).
    """
    if isinstance(inst, BackpropInstance):
        if relax:
            raise InputError("relax: a Backprop instance has no parameters to relax")
        w = _Writer(inst, relax)
        _backprop_body(w, inst)
        what = f"Backprop query {inst.query!r} on edge {inst.edge[0]}->{inst.edge[1]}"
    elif isinstance(inst, ERMInstance):
        w = _Writer(inst, relax)
        _erm_body(w, inst)
        what = "ERM_bit, relaxed: real parameters, no bit bound" if relax else "ERM_bit, exact"
    else:
        raise InputTypeError(f"instance: expected an ERM or Backprop instance, got {inst!r}")
    logic = "QF_" + ("N" if w.nonlinear else "L") + ("IRA" if w.ints else "RA")
    head = [
        f"; ermbit export smt2: {what}",
        "; every rational in this file is exact",
        f"(set-logic {logic})",
        "(set-option :produce-models true)",
    ]
    return SmtScript("\n".join(head + w.lines) + "\n", logic, relax)


# -------------------------------------------------------------------- models back


def parse_model(text: str) -> tuple[str, dict[str, Any]]:
    """``(status, {symbol: exact value})`` from a solver's ``check-sat``/``get-model`` output.

    Only constant definitions with numeric values are kept (``define-fun`` of arity 0 whose
    body is a numeral, a decimal, or ``-``, ``/``, ``to_real`` of those).

    Raises
    ------
    FormatError
        If the output does not start with ``sat``, ``unsat`` or ``unknown``.
    """
    items = _sexpr.parse_all(text)
    if not items or items[0] not in ("sat", "unsat", "unknown"):
        raise FormatError(f"solver output: expected sat/unsat/unknown first, got {text[:40]!r}")
    values: dict[str, Any] = {}
    for node in _sexpr.walk(items[1:]):
        if isinstance(node, list) and len(node) == 5 and node[0] == "define-fun" and node[2] == []:
            val = _sexpr.number(node[4])
            if val is not None:
                values[str(node[1])] = val
    return str(items[0]), values


def witness_from_model(inst: ERMInstance, text: str) -> Witness:
    """The θ a solver's model assigns (``p/q`` in exact scripts, the reals when relaxed).

    A coordinate the model leaves out is free in the script, so it is taken as 0.

    Raises
    ------
    InputError
        If the output is not "sat" or a denominator is not positive.
    """
    status, vals = parse_model(text)
    if status != "sat":
        raise InputError(f"solver output: status is {status!r}, so there is no model")
    theta: dict[tuple[str, str], list[Any]] = {}
    for p in parameters(inst):
        theta.setdefault(p.edge, [exact.Q(0), exact.Q(0)])[p.part == "b"] = _coordinate(p, vals)
    return Witness.of({k: (a, b) for k, (a, b) in theta.items()})


def _coordinate(p: Param, vals: dict[str, Any]) -> Any:
    if f"{p.name}.p" in vals or f"{p.name}.q" in vals:
        num, den = vals.get(f"{p.name}.p", exact.Q(0)), vals.get(f"{p.name}.q", exact.Q(1))
        if den <= 0:
            raise InputError(f"model: {p.name}.q = {exact.fmt(den)} is not positive")
        return num / den
    return vals.get(p.name, exact.Q(0))


def export(inst: Any, out: str, *, relax: bool = False, **_: Any) -> Exported:
    """Write the script of ``inst`` to ``out``."""
    script = to_smt2(inst, relax=relax)
    script.write(out)
    what = "relaxed: real parameters, no bit bound" if relax else "exact: p/q and the bit bound"
    return Exported("smt2", (out,), f"SMT-LIB 2.6, logic {script.logic}, {what}; rationals exact")
