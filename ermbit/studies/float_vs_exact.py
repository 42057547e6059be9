"""Floating point against exact arithmetic on gradient instances (paper Thm 1.3 and Fig. 1; docs:
constructions/bit-growth.md).

**This module contains floating-point code on purpose** (and is the only place in
ermbit that evaluates a network in float64): :func:`float_edge_gradient` runs the forward
and backward pass of an :class:`~ermbit.network.model.Network` in IEEE float64 (numpy, the
optional extra ``float``, imported lazily), and :func:`study` puts it next to the exact
gradient (:func:`ermbit.solvers.backprop.edge_gradient`) and next to the answer
read from the source SLP (:mod:`ermbit.slp`), on the Backprop-Bit/Sign instances of
Thm 1.3.  Nothing exact depends on a float.

The instances are built to show the three ways float64 fails:

* ``square3-L`` -- 3^(2^L) by L squarings; Backprop-Bit on bit 0 (always 1): once the
  value passes 2^53 the float has no units digit, past 2^1024 it is ``inf``;
* ``kronecker-…`` -- #SAT of a small CNF read from the bit block of the gradient
  (docs: constructions/sharp-sat.md): the block sits far below the leading bits, so float64 reads
  garbage;
* ``cancel-…`` -- Backprop-Sign with n_P = (a+1)² − a² − 2a − c for a = 3^(2^L) (so
  n_P = 1 − c is tiny next to the intermediate values); float64 cancels to 0 and the
  2n_P − 1 fix then reports the wrong sign;
* ``bounded-…`` -- the bounded-value variant: the gradient is 2^(−m(2^n+1))·n_P (times
  2n_P − 1 for the sign) and underflows to 0 once the shift passes 1074.

>>> pytest = __import__("pytest"); _ = pytest.importorskip("numpy")
>>> rows = study(quick=True)
>>> all(r.exact_answer == r.slp_answer for r in rows)
True
>>> any(not r.agrees for r in rows)
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from ermbit import exact
from ermbit.cnf import CNF
from ermbit.errors import BackendUnavailable, InputError
from ermbit.network.activations import Activation, Identity, PiecewiseLinear, Polynomial, ReLU
from ermbit.network.erm import Sample
from ermbit.network.model import Network
from ermbit.problems.queries import BitQuery
from ermbit.reductions.backprop import GradientQuery, PosSlpToBackpropSign, SlpToBackpropBit
from ermbit.reductions.sat_to_slp import SatToSlp
from ermbit.slp import SLP, SLPBuilder
from ermbit.solvers.backprop import edge_gradient

__all__ = [
    "FloatRow",
    "cancellation",
    "float_bit",
    "float_edge_gradient",
    "square_chain",
    "study",
]


def _numpy() -> Any:
    try:
        import numpy
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise BackendUnavailable(
            "the float-vs-exact study needs numpy; install it with pip install ermbit[float]"
        ) from exc
    return numpy


# ---------------------------------------------------------------- float64 passes (FLOAT)


def _float_sigma(act: Activation, f64: Any) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """σ and σ' in float64 (coefficients, slopes, breakpoints rounded to float64)."""
    if isinstance(act, Identity):
        return (lambda z: z), (lambda z: f64(1.0))
    if isinstance(act, ReLU):
        return (lambda z: z if z > 0 else f64(0.0)), (lambda z: f64(1.0 if z > 0 else 0.0))
    if isinstance(act, Polynomial):
        cs = [f64(float(c)) for c in act.coeffs]
        ds = [f64(float(k * c)) for k, c in enumerate(act.coeffs)][1:] or [f64(0.0)]
        return (lambda z: _horner(cs, z, f64)), (lambda z: _horner(ds, z, f64))
    if isinstance(act, PiecewiseLinear):
        ts = [float(t) for t in act.breakpoints]
        ss = [f64(float(s)) for s in act.slopes]
        cs = [f64(float(c)) for c in act.intercepts]

        def piece(z: Any) -> int:
            return sum(1 for t in ts if z > t)

        return (lambda z: ss[piece(z)] * z + cs[piece(z)]), (lambda z: ss[piece(z)])
    raise InputError(f"activation: the float evaluator does not know {act}")


def _to_f64(q: Any, f64: Any) -> Any:
    """A rational rounded to float64; ±inf past the float range (as IEEE rounding does)."""
    try:
        return f64(float(q))
    except OverflowError:
        return f64(math.inf if q > 0 else -math.inf)


def _horner(cs: Sequence[Any], z: Any, f64: Any) -> Any:
    acc = f64(0.0)
    for c in reversed(cs):
        acc = acc * z + c
    return acc


def _float_seed(sample: Sample, out: dict[str, Any], f64: Any) -> dict[str, Any]:
    kind = sample.loss.kind
    seed = {}
    for v, y in sample.labels.items():
        yf = _to_f64(y, f64)
        if kind == "hinge":
            seed[v] = -yf if 1 - yf * out[v] > 0 else f64(0.0)
        elif kind in ("squared", "half_squared"):
            seed[v] = (2 if kind == "squared" else 1) * (out[v] - yf)
    return seed


def float_edge_gradient(
    network: Network, samples: Sequence[Sample], edge: tuple[str, str]
) -> float:
    """``∂L/∂w_e`` computed in IEEE float64 (**floating point**, for the study only).

    Same rules as the exact passes (paper §2): every weight, bias, input, coefficient
    and label is rounded to float64 once, then forward and reverse mode run in float64
    with overflow to ``inf`` and invalid operations to ``nan`` (no exception).
    """
    np = _numpy()
    f64 = np.float64
    acts = {n: _float_sigma(a, f64) for n, a in network.nodes}
    ins: dict[str, list[Any]] = {n: [] for n in network.node_ids}
    outs: dict[str, list[Any]] = {n: [] for n in network.node_ids}
    for e in network.edges:
        ins[e.dst].append((e.src, _to_f64(e.w, f64), _to_f64(e.b, f64)))
        outs[e.src].append((e.dst, _to_f64(e.w, f64)))
    order = network.topological_order()
    total = f64(0.0)
    with np.errstate(all="ignore"):
        for s in samples:
            xs = {v: _to_f64(q, f64) for v, q in s.x}
            pre: dict[str, Any] = {}
            val: dict[str, Any] = {}
            for v in order:
                z = xs.get(v, f64(0.0))
                for u, w, b in ins[v]:
                    z = z + (w * val[u] + b)
                pre[v] = z
                val[v] = acts[v][0](z) if ins[v] else z
            seed = _float_seed(s, val, f64)
            delta: dict[str, Any] = {}
            for v in reversed(order):
                adj = seed.get(v, f64(0.0))
                for t, w in outs[v]:
                    adj = adj + w * delta[t]
                delta[v] = acts[v][1](pre[v]) * adj
            total = total + s.repeat * delta[edge[1]] * val[edge[0]]
    return float(total)


def float_bit(g: float, j: int) -> int | None:
    """``bit_j`` (docs: model.md) of the float64 value ``g``, read exactly; None for inf/nan.

    >>> float_bit(6.0, 1), float_bit(0.75, -2), float_bit(float("inf"), 0)
    (1, 1, None)
    """
    if not math.isfinite(g):
        return None
    return exact.bit(exact.parse(Fraction(g)), j)


# ---------------------------------------------------------------- the study (rows)


@dataclass(frozen=True)
class FloatRow:
    """One instance: the exact answer, the float64 answer, and how float64 fared.

    ``float_status`` is ``"overflow"`` (inf or nan, e.g. inf − inf inside the gadget),
    ``"underflow"`` (0.0 for an exact gradient below 2^−1074), ``"cancelled"`` (0.0 for a
    representable non-zero gradient: lost to rounding), ``"inexact"`` (finite, not equal
    to the exact gradient) or ``"exact"``.  ``slp_answer`` is read from the source SLP
    by :mod:`ermbit.slp`.
    """

    instance: str
    sigma: str
    query: str
    exact_gradient_bits: int
    exact_sign: int
    exact_answer: int
    slp_answer: int
    float_gradient: float
    float_status: str
    float_answer: int | None
    agrees: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Case:
    """A built instance, how to read its answer from a gradient, and the SLP's answer."""

    name: str
    target: GradientQuery
    query: str
    read: Callable[[Any], int]
    slp_answer: Callable[[], int]


def _bit_reader(j: int) -> Callable[[Any], int]:
    return lambda g: exact.bit(g, j)


def _sign(g: Any) -> int:
    return int((g > 0) - (g < 0))


def square_chain(levels: int) -> SLP:
    """The SLP 3^(2^levels): 3 from a_0 = 1, then ``levels`` squarings."""
    b = SLPBuilder()
    return b.build(b.pow(b.small_int(3), 2**levels))


def cancellation(levels: int, c: int) -> SLP:
    """n_P = (a+1)² − a² − 2a − c = 1 − c with a = 3^(2^levels): tiny, from huge values."""
    b = SLPBuilder()
    a = b.pow(b.small_int(3), 2**levels)
    a1 = b.add(a, 0)
    t = b.sub(b.sub(b.mul(a1, a1), b.mul(a, a)), b.add(a, a))
    return b.build(b.sub(t, b.small_int(c)) if c else t)


def _bit_case(name: str, slp: SLP, j: int, sigma: str, bounded: bool = False) -> _Case:
    from ermbit.slp import bit

    t = SlpToBackpropBit(sigma, bounded=bounded).forward(BitQuery(slp, j))
    q = t.instance.query
    assert isinstance(q, int)
    return _Case(name, t, f"bit {q}", _bit_reader(q), lambda: bit(slp, j))


def _sign_case(name: str, slp: SLP, sigma: str, bounded: bool = False) -> _Case:
    from ermbit.slp import posslp

    t = PosSlpToBackpropSign(sigma, bounded=bounded).forward(slp)
    return _Case(name, t, "sign", _sign, lambda: 1 if posslp(slp) else -1)


def _count_case(name: str, cnf: CNF, sigma: str) -> _Case:
    from ermbit.reductions.sat_to_slp import read_block
    from ermbit.slp import evaluate_int

    counting = SatToSlp().forward(cnf)
    t = SlpToBackpropBit(sigma).forward(BitQuery(counting.slp, counting.offset))
    off, width = counting.offset, counting.width

    def read(g: Any) -> int:
        return sum(exact.bit(g, off + r) << r for r in range(width))

    def from_slp() -> int:
        return read_block(evaluate_int(counting.slp), off, width)

    return _Case(name, t, f"count = bits [{off}, {off + width})", read, from_slp)


def _cases(sigma: str, quick: bool) -> Iterator[_Case]:
    for levels in (3, 6, 11) if quick else (3, 4, 5, 6, 8, 10, 11):
        yield _bit_case(f"square3-{levels}", square_chain(levels), 0, sigma)
    cnfs = [CNF(2, ((1, 2),)), CNF(3, ((1, -2, 3), (-1, 2)))]
    if not quick:
        cnfs.append(CNF(4, ((1, 2, -3), (-1, 3, 4), (2, -4))))
    for cnf in cnfs:
        yield _count_case(f"kronecker-n{cnf.num_vars}-m{cnf.num_clauses}", cnf, sigma)
    for levels in (3, 5) if quick else (3, 4, 5, 6):
        for c in (0, 1, 2):
            yield _sign_case(f"cancel-{levels}-c{c}", cancellation(levels, c), sigma)
    yield _bit_case("bounded-bit-81", square_chain(2), 4, sigma, bounded=True)
    yield _sign_case("bounded-sign-81", square_chain(2), sigma, bounded=True)
    yield _sign_case("bounded-sign-6561", square_chain(3), sigma, bounded=True)


#: The smallest positive float64 (a subnormal), 2^-1074, as an exact rational.
_TINY = exact.Q(1, 2**1074)


def _status(g_float: float, g_exact: Any) -> str:
    if not math.isfinite(g_float):
        return "overflow"
    if g_float == 0.0 and g_exact != 0:
        return "underflow" if abs(g_exact) < _TINY else "cancelled"
    return "exact" if exact.parse(Fraction(g_float)) == g_exact else "inexact"


def _row(case: _Case, sigma: str) -> FloatRow:
    inst = case.target.instance
    g = edge_gradient(inst.network, inst.samples, inst.edge)
    gf = float_edge_gradient(inst.network, inst.samples, inst.edge)
    answer = case.read(g.dw)
    fa = case.read(exact.parse(Fraction(gf))) if math.isfinite(gf) else None
    return FloatRow(
        instance=case.name,
        sigma=sigma,
        query=case.query,
        exact_gradient_bits=exact.size(g.dw),
        exact_sign=_sign(g.dw),
        exact_answer=answer,
        slp_answer=case.slp_answer(),
        float_gradient=gf,
        float_status=_status(gf, g.dw),
        float_answer=fa,
        agrees=fa == answer,
    )


def study(sigmas: Sequence[str] = ("z**2",), *, quick: bool = False) -> list[FloatRow]:
    """Rows of the float64-against-exact table (``ermbit study float-vs-exact``).

    For each σ and each instance (see the module docstring): the exact gradient's size
    and sign, the exact answer, the answer read from the source SLP, the float64
    gradient, what happened to it, the answer float64 gives, and whether it agrees.
    ``quick`` runs a smaller set (a few seconds).

    Raises
    ------
    BackendUnavailable
        If numpy is not installed (extra ``float``).
    """
    _numpy()
    return [_row(case, s) for s in sigmas for case in _cases(s, quick)]
