"""Peer solvers for ERM_bit on one integer encoding: z3 (QF_NIA) and OR-tools CP-SAT.

Optional extras (``z3-solver``, ``ortools``), imported only when called; used by
``benchmarks/bench_general.py`` and cross-checked by the tests on tiny cases.

**Encoding.**  Every trainable weight and bias θ_i is a pair of integers ``p_i, q_i`` with
``q_i ≥ 1`` and θ_i = p_i/q_i, plus integer bit lengths ``a_i ∈ [0, A]``, ``c_i ∈ [1, A]``
with ``|p_i| ≤ 2^{a_i} − 1``, ``q_i ≤ 2^{c_i} − 1`` and **β as one linear constraint**
``Σ_i (1 + a_i + c_i) ≤ β`` (A = β − 2(n − 1) − 1 for n parameters).  A pair in lowest
terms with a_i, c_i its bit lengths meets this iff enc(θ) ≤ β; a pair not in lowest terms
only overstates the size, so the encoding is satisfiable iff the ERM_bit answer is YES.
Node values are fractions ``N_{v,s}/D_v`` of integer expressions with ``D_v > 0`` common to
all samples; ReLU is ``max(N, 0)/D``, a polynomial ``Σ c_k z^k`` is
``Σ c_k N^k D^{d−k} / D^d``.  The loss condition is cleared of denominators:
``N·y_den = y_num·D`` per labelled node when every sample must have loss 0 (γ = 0), else
(one output) ``Σ_s r_s (L N_s − L y_s D)² · γ_den ≤ γ_num · L² · D²`` for squared loss.
Hinge, exact loss with γ > 0, the bit loss and piecewise-linear σ other than ReLU are
refused (:class:`~ermbit.errors.InputError`).  Answers: True with θ, False, or None
(the peer gave up); the caller verifies θ with the NP verifier.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ermbit.errors import InputError
from ermbit.exact import Q, lcm
from ermbit.network.activations import Identity, Polynomial, ReLU
from ermbit.network.erm import ERMInstance, Witness
from ermbit.solvers.erm._general_model import zero_loss_mode

__all__ = ["PeerAnswer", "solve_cpsat", "solve_z3"]

PeerAnswer = tuple[bool | None, Witness | None]


class _Ops:
    """Arithmetic on the peer's expressions (overridden for CP-SAT)."""

    def add(self, a: Any, b: Any) -> Any:
        return a + b

    def mul(self, a: Any, b: Any) -> Any:
        return a * b

    def relu(self, a: Any) -> Any:
        raise NotImplementedError


def _frac_sum(ops: _Ops, terms: list[tuple[Any, Any]]) -> tuple[Any, Any]:
    num, den = terms[0]
    for n, d in terms[1:]:
        num, den = ops.add(ops.mul(num, d), ops.mul(n, den)), ops.mul(den, d)
    return num, den


def _power(ops: _Ops, a: Any, k: int) -> Any:
    out = a
    for _ in range(k - 1):
        out = ops.mul(out, a)
    return out


def _activate(ops: _Ops, act: Any, nums: list[Any], den: Any) -> tuple[list[Any], Any]:
    if isinstance(act, Identity):
        return nums, den
    if isinstance(act, ReLU):
        return [ops.relu(n) for n in nums], den
    if isinstance(act, Polynomial):
        m = 1
        for c in act.coeffs:
            m = int(lcm(m, c.denominator))
        d = act.degree
        outs = []
        for n in nums:
            acc: Any = None
            for k, c in enumerate(act.coeffs):
                if c == 0:
                    continue
                t: Any = int(c * m)
                if k:
                    t = ops.mul(t, _power(ops, n, k))
                if d - k:
                    t = ops.mul(t, _power(ops, den, d - k))
                acc = t if acc is None else ops.add(acc, t)
            outs.append(0 if acc is None else acc)
        return outs, ops.mul(int(m), _power(ops, den, d)) if d else int(m)
    raise InputError(f"activation: the peer encoding supports id, relu and polynomials, not {act}")


def _values(inst: ERMInstance, ops: _Ops, params: dict[Any, tuple[Any, Any]]) -> dict[str, Any]:
    """Per node: (numerators per sample, denominator), given θ as (num, den) pairs."""
    net, samples = inst.network, inst.samples
    vals: dict[str, Any] = {}
    for v in net.topological_order():
        xs = [s.inputs.get(v, Q(0)) for s in samples]
        xden = 1
        for x in xs:
            xden = int(lcm(xden, x.denominator))
        ins = net.in_edges(v)
        if not ins:
            vals[v] = ([int(x * xden) for x in xs], int(xden))
            continue
        per_sample = []
        for t in range(len(samples)):
            terms: list[tuple[Any, Any]] = [(int(xs[t] * xden), int(xden))]
            for e in ins:
                (pw, qw), (pb, qb) = params[e.key]
                nu, du = vals[e.src]
                terms += [(ops.mul(pw, nu[t]), ops.mul(qw, du)), (pb, qb)]
            per_sample.append(_frac_sum(ops, terms))
        den = per_sample[0][1]
        vals[v] = _activate(ops, net.activation(v), [n for n, _ in per_sample], den)
    return vals


def _params(
    inst: ERMInstance, fresh: Callable[[str, int, int], Any]
) -> tuple[dict[Any, Any], list[Any], int]:
    net = inst.network
    free = net.free_edges()
    n = 2 * len(free)
    top = max(inst.bit_bound - 2 * (n - 1) - 1, 1)
    params: dict[Any, Any] = {}
    pairs = []
    for e in net.edges:
        if e.frozen:
            params[e.key] = tuple((int(q.numerator), int(q.denominator)) for q in (e.w, e.b))
            continue
        two = []
        for part in ("w", "b"):
            name = f"{e.src}->{e.dst}.{part}"
            p = fresh(f"p[{name}]", -(2**top - 1), 2**top - 1)
            q = fresh(f"q[{name}]", 1, 2**top - 1)
            two.append((p, q))
            pairs.append((e.key, part, p, q))
        params[e.key] = (two[0], two[1])
    return params, pairs, top


def _loss_terms(inst: ERMInstance) -> str:
    if any(s.loss.kind not in ("squared", "half_squared", "exact") for s in inst.samples):
        raise InputError("loss: the peer encoding supports squared, half-squared and exact losses")
    if zero_loss_mode(inst):
        return "zero"
    if len(inst.network.outputs) != 1 or any(s.loss.kind == "exact" for s in inst.samples):
        raise InputError("gamma: γ > 0 is encoded for squared losses on one output only")
    return "sum"


def _witness(pairs: list[Any], value: Callable[[Any], int]) -> Witness:
    theta: dict[Any, list[Any]] = {}
    for key, part, p, q in pairs:
        theta.setdefault(key, [0, 0])[0 if part == "w" else 1] = Q(value(p), value(q))
    return Witness.of({k: (w, b) for k, (w, b) in theta.items()})


def _goal(inst: ERMInstance, vals: dict[str, Any], ops: _Ops, mode: str) -> list[Any]:
    """Integer (lhs, op, rhs) triples that say L(θ) ≤ γ."""
    out: list[Any] = []
    if mode == "zero":
        for t, s in enumerate(inst.samples):
            for v, y in s.y:
                nums, den = vals[v]
                out.append(
                    (ops.mul(int(y.denominator), nums[t]), "==", ops.mul(int(y.numerator), den))
                )
        return out
    (v,) = inst.network.outputs
    nums, den = vals[v]
    big = 1
    for s in inst.samples:
        big = int(lcm(big, s.labels[v].denominator))
    total: Any = 0
    for t, s in enumerate(inst.samples):
        diff = ops.add(ops.mul(int(big), nums[t]), ops.mul(int(-s.labels[v] * big), den))
        weight = s.repeat * (2 if s.loss.kind == "squared" else 1)  # both sides doubled
        total = ops.add(total, ops.mul(weight, ops.mul(diff, diff)))
    g = 2 * inst.gamma
    dd = ops.mul(den, den)
    out.append(
        (ops.mul(int(g.denominator), total), "<=", ops.mul(int(g.numerator * big * big), dd))
    )
    return out


def _bit_lengths(inst: ERMInstance, pairs: list[Any], top: int, fresh: Any, cap_of: Any) -> Any:
    """Bit-length variables and ``Σ (1 + a + c) ≤ β``; ``cap_of(k_var, x, abs)`` bounds x."""
    total: Any = 0
    for _, _, p, q in pairs:
        a, c = fresh(f"a[{p}]", 0, top), fresh(f"c[{q}]", 1, top)
        cap_of(a, p, True)
        cap_of(c, q, False)
        total = total + 1 + a + c
    return total <= inst.bit_bound


class _Z3Ops(_Ops):
    def relu(self, a: Any) -> Any:
        import z3

        return z3.If(a > 0, a, 0)


def solve_z3(inst: ERMInstance, *, time_limit: float | None = None) -> PeerAnswer:
    """The integer encoding (module docstring) in z3, theory QF_NIA."""
    import z3

    mode = _loss_terms(inst)
    solver = z3.SolverFor("QF_NIA")
    if time_limit is not None:
        solver.set("timeout", max(1, int(time_limit * 1000)))

    def fresh(name: str, lo: int, hi: int) -> Any:
        x = z3.Int(name)
        solver.add(x >= lo, x <= hi)
        return x

    def pow2m1(k: Any, top: int) -> Any:
        out: Any = 2**top - 1
        for j in range(top - 1, -1, -1):
            out = z3.If(k == j, 2**j - 1, out)
        return out

    params, pairs, top = _params(inst, fresh)

    def cap_of(k: Any, x: Any, absolute: bool) -> None:
        bound = pow2m1(k, top)
        solver.add(x <= bound, -x <= bound) if absolute else solver.add(x <= bound)

    solver.add(_bit_lengths(inst, pairs, top, fresh, cap_of))
    ops = _Z3Ops()
    for lhs, op, rhs in _goal(inst, _values(inst, ops, params), ops, mode):
        solver.add(lhs == rhs if op == "==" else lhs <= rhs)
    got = solver.check()
    if got == z3.sat:
        model = solver.model()
        return True, _witness(pairs, lambda x: model.eval(x, model_completion=True).as_long())
    return (False, None) if got == z3.unsat else (None, None)


_LIMIT = 2**62


class _CPOps(_Ops):
    """CP-SAT needs a bounded variable per product; bounds are tracked exactly."""

    def __init__(self, model: Any) -> None:
        self.m = model
        self.bounds: dict[int, tuple[int, int]] = {}
        self.n = 0

    def var(self, lo: int, hi: int) -> Any:
        if max(abs(lo), abs(hi)) > _LIMIT:
            raise InputError("cp-sat: an intermediate value does not fit in 64 bits")
        self.n += 1
        x = self.m.NewIntVar(lo, hi, f"t{self.n}")
        self.bounds[x.Index()] = (lo, hi)
        return x

    def bound(self, a: Any) -> tuple[int, int]:
        if isinstance(a, int):
            return a, a
        return self.bounds[a.Index()]

    def add(self, a: Any, b: Any) -> Any:
        (la, ha), (lb, hb) = self.bound(a), self.bound(b)
        if isinstance(a, int) and isinstance(b, int):
            return a + b
        x = self.var(la + lb, ha + hb)
        self.m.Add(x == a + b)
        return x

    def mul(self, a: Any, b: Any) -> Any:
        if isinstance(a, int) and isinstance(b, int):
            return a * b
        (la, ha), (lb, hb) = self.bound(a), self.bound(b)
        ends = [la * lb, la * hb, ha * lb, ha * hb]
        x = self.var(min(ends), max(ends))
        if isinstance(a, int) or isinstance(b, int):
            k, y = (a, b) if isinstance(a, int) else (b, a)
            self.m.Add(x == k * y)
        else:
            self.m.AddMultiplicationEquality(x, [a, b])
        return x

    def relu(self, a: Any) -> Any:
        lo, hi = self.bound(a)
        x = self.var(max(lo, 0), max(hi, 0))
        self.m.AddMaxEquality(x, [a, 0])
        return x


def solve_cpsat(inst: ERMInstance, *, time_limit: float | None = None) -> PeerAnswer:
    """The same integer encoding in OR-tools CP-SAT (products as multiplication constraints)."""
    from ortools.sat.python import cp_model

    mode = _loss_terms(inst)
    model: Any = cp_model.CpModel()
    ops = _CPOps(model)
    params, pairs, top = _params(inst, lambda name, lo, hi: ops.var(lo, hi))

    def cap_of(k: Any, x: Any, absolute: bool) -> None:
        cap = ops.var(0, 2**top - 1)
        model.AddElement(k, [2**j - 1 for j in range(top + 1)], cap)
        if absolute:
            mag = ops.var(0, 2**top - 1)
            model.AddAbsEquality(mag, x)
            model.Add(mag <= cap)
        else:
            model.Add(x <= cap)

    model.Add(_bit_lengths(inst, pairs, top, lambda n, lo, hi: ops.var(lo, hi), cap_of))
    for lhs, op, rhs in _goal(inst, _values(inst, ops, params), ops, mode):
        model.Add(lhs == rhs) if op == "==" else model.Add(lhs <= rhs)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    if time_limit is not None:
        solver.parameters.max_time_in_seconds = time_limit
    status = solver.Solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True, _witness(pairs, lambda x: int(solver.Value(x)))
    return (False, None) if status == cp_model.INFEASIBLE else (None, None)
