"""BitSLP → Backprop-Bit and PosSLP → Backprop-Sign (Thm 1.3, paper Thm 1.3).

Take the network of Lemma 3.2 at θ⁰ = θ* (:func:`~ermbit.reductions.slp_to_network.slp_network`),
add an identity node ``t`` and one edge ``e* = (v_ℓ, t)`` with ``(w, b) = (0, 0)`` -- the
queried coordinate, the only trainable edge (the other edges stay frozen; freezing does
not change gradients).  B copies of the sample ``(x = a_0 at v0, y = −a_0 at t)`` with
loss ``½(ŷ − y)²`` give ``L = (B/2)(w·n_P + a_0)²`` and

    ∂L/∂w_{e*}(θ⁰) = B·a_0·n_P.

In general the label is ``y = −c`` for a short rational c, and the gradient is
``B·c·n_P`` (``(ŷ − y)·n_P`` with ŷ = 0 at θ⁰).

* **Backprop-Bit** (``slp-to-backprop-bit``, source :class:`~ermbit.problems.queries.BitQuery`):
  B = 1.  For ``|a_0| = 2^s`` the label is the paper's ``−a_0`` and the gradient is
  ``±2^s·n_P``, so bit j of n_P is bit ``j + s`` of the gradient.  **For any other
  rational a_0** the factor 1/a_0 is folded into the label, ``y = −a_0·(1/a_0) = −1``, so
  the gradient is ``n_P`` itself and bit j of n_P is bit j of the gradient (a factor that is
  not a power of two would mix the bits; the label's size is O(1), so the reduction stays
  polynomial).
* **Backprop-Sign** (``posslp-to-backprop-sign``, source an SLP): **[fix]** two gates are
  appended so the program computes ``n_Q = 2·n_P − 1``, never 0 (for an integer
  ``a_0 ≠ 1`` the constant 1 is not computable, so three gates compute
  ``n_Q = a_0·(2·n_P − 1)``); with B = b copies the gradient is ``b·a_0²·(2n_P − 1)``
  (``b·(2n_P − 1)`` for ``a_0 = 1``): ``≥ b`` iff ``n_P > 0``, ``≤ −b`` otherwise.
  **For a_0 = 0 or a non-integer a_0 = p/q** the program is first made integral by
  :func:`homogenise`: an SLP from 1 computing ``h = q^e·n_P`` (e ≥ the degree of n_P in
  a_0), an integer with the sign of n_P, after which the fix above applies with a_0 = 1.
* **Bounded-value variant** (``bounded=True``): the rewriting of Lemma A.5 starts from
  the constant 1, so Backprop-Sign first applies :func:`homogenise` when ``a_0 ≠ 1`` (the
  sign survives), while the bounded Backprop-Bit is **narrowed to a_0 = 1** (scaling by
  q^e would change the bits, and the bits of n_P for a_0 ≠ 1 are served by the unbounded
  variant above).  The program is first
  rewritten by :class:`~ermbit.reductions.bnslp.SlpToBnslp` (every value in [−1, 1],
  ``a_0 = 2^(−m)``, output ``2^(−m·2^n)·n_P``), so the gradient is
  ``B·2^(−m)·2^(−m·2^n)·n_P``: bit j of n_P is bit ``j − m·(2^n + 1)`` of the gradient, and
  the sign threshold b shrinks by the same factor.  The shift is computed from the
  construction and stored in the target's ``meta``.

>>> from ermbit.slp import SLP
>>> from ermbit.problems.queries import BitQuery
>>> t = SlpToBackpropBit().forward(BitQuery(SLP(1, [("+", 0, 0), ("*", 1, 1)]), 2))  # 4
>>> t.instance.query, t.instance.edge, t.instance.gradient()
(2, ('v2', 't'), mpq(4,1))
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ermbit import exact
from ermbit.errors import InputError, InputTypeError
from ermbit.network.activations import Identity
from ermbit.network.erm import BackpropInstance, Sample
from ermbit.network.model import Edge, Network
from ermbit.problems.queries import BitQuery
from ermbit.reductions.base import Claim, Reduction
from ermbit.reductions.slp_to_network import SlpNetwork, require_polynomial, slp_network
from ermbit.slp import SLP, SLPBuilder

__all__ = [
    "gradient_instance",
    "GradientQuery",
    "homogenise",
    "PosSlpToBackpropSign",
    "sign_fix",
    "SlpToBackpropBit",
]

#: Id of the added node t of Thm 1.3 (no node of the Lemma 3.2 network is called that).
T_NODE = "t"


@dataclass(frozen=True)
class GradientQuery:
    """A Backprop-Bit/Sign instance built from an SLP, with the bookkeeping to read it.

    Attributes
    ----------
    instance : BackpropInstance
        The target: network (θ⁰ = θ* plus ``e* = (v_ℓ, t)`` at (0, 0)), B samples, e*,
        and the query (a bit index *of the gradient*, or ``"sign"``).
    built : SlpNetwork
        The Lemma 3.2 network of the program actually used (after the fix / rewriting).
    meta : dict
        ``reduction``, ``copies`` (B), ``a0``, ``bounded``, and ``gradient_factor``
        (the gradient is this times n_P, resp. times ``2n_P − 1``); for bit queries
        ``source_bit`` and ``bit_offset`` (gradient bit = source bit + offset), for sign
        queries ``threshold`` (the gradient is ≥ it iff n_P > 0, ≤ −it otherwise).
    """

    instance: BackpropInstance
    built: SlpNetwork = field(compare=False)
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def size_summary(self) -> dict[str, int]:
        return {**self.instance.size_summary(), "gates": self.built.program.length}

    def file_meta(self) -> dict[str, Any]:
        return dict(self.meta)


def gradient_instance(
    sn: SlpNetwork, copies: int, query: int | str, meta: dict[str, Any], label: Any = None
) -> GradientQuery:
    """Add ``t`` and ``e* = (v_ℓ, t)`` at (0, 0) to ``sn`` and the B samples of Thm 1.3.

    The samples are ``(x = a_0 at v0, y = label at t)``, ``label`` defaulting to the
    paper's ``−a_0``; the gradient is then ``−B·label·n_P``.
    """
    net = sn.network
    network = Network(
        (*net.nodes, (T_NODE, Identity())),
        (*net.edges, Edge(sn.target, T_NODE, 0, 0)),
        (*net.outputs, T_NODE),
    )
    a0 = sn.program.a0
    y = -a0 if label is None else exact.parse(label, name="label")
    sample = Sample.of({sn.source: a0}, {T_NODE: y}, "half_squared", copies)
    inst = BackpropInstance(network, (sample,), (sn.target, T_NODE), query, meta)
    return GradientQuery(inst, sn, meta)


def sign_fix(slp: SLP) -> SLP:
    """Append gates so the value is ``2·n_P − 1`` (``a_0 = 1``) or ``a_0·(2·n_P − 1)``.

    Raises
    ------
    InputError
        If ``a_0`` is not a non-zero integer (then ``2·n_P − 1`` may vanish, or 1 is not
        computable from ``a_0 = 0``).

    >>> from ermbit.slp import evaluate
    >>> evaluate(sign_fix(SLP(1, [("-", 0, 0)]))), evaluate(sign_fix(SLP(3, [("*", 0, 0)])))
    (mpq(-1,1), mpq(51,1))
    """
    if slp.a0 == 0 or not slp.is_integer:
        raise InputError(
            f"slp: the 2·n_P − 1 fix needs a non-zero integer a0, got {exact.fmt(slp.a0)}"
        )
    b = SLPBuilder.from_slp(slp)
    top = b.last
    if slp.a0 != 1:
        top = b.mul(top, 0)
    return b.build(b.sub(b.add(top, top), 0), prune=False)


def homogenise(slp: SLP) -> tuple[SLP, int]:
    """An SLP from ``a_0 = 1`` computing ``h = q^e·n_P``, and e, for ``a_0 = p/q``.

    Every value a_i is f_i(a_0) for an integer polynomial f_i without constant term, of
    degree at most e_i, where e_0 = 1, e_i = e_j + e_k for a product and
    e_i = max(e_j, e_k) for a sum or difference.  Then ``h_i = q^{e_i}·f_i(p/q)`` is an
    integer: h_0 = p, ``h_i = h_j·h_k`` for a product, and for ``±``
    ``h_i = h_j·q^{e_i − e_j} ± h_k·q^{e_i − e_k}``.  Since ``q > 0``, h has the sign of
    n_P, and h = 0 iff n_P = 0.  The constants p and q take O(log |p| + log q) gates; each
    power ``q^d`` (d ≤ 2^ℓ) takes O(ℓ) squarings, shared between gates, so the program
    has O(ℓ² + log |p| + log q) gates: the rewriting is polynomial.

    >>> from ermbit.slp import evaluate
    >>> P = SLP("1/3", [("*", 0, 0), ("-", 1, 0)])           # 1/9 − 1/3 = −2/9
    >>> H, e = homogenise(P); e, evaluate(H)                 # 3² · (−2/9) = −2
    (2, mpq(-2,1))
    """
    p, q = int(slp.a0.numerator), int(slp.a0.denominator)
    b = SLPBuilder()
    q_index = b.small_int(q)
    values, degrees = [b.small_int(p)], [1]

    def lift(i: int, d: int) -> int:
        return i if d == 0 else b.mul(i, b.pow(q_index, d))

    for g in slp.gates:
        if g.op == "*":
            values.append(b.mul(values[g.j], values[g.k]))
            degrees.append(degrees[g.j] + degrees[g.k])
            continue
        e = max(degrees[g.j], degrees[g.k])
        x, y = lift(values[g.j], e - degrees[g.j]), lift(values[g.k], e - degrees[g.k])
        values.append(b.add(x, y) if g.op == "+" else b.sub(x, y))
        degrees.append(e)
    return b.build(values[-1], prune=True), degrees[-1]


def _power_of_two(a0: exact.Rational) -> int | None:
    """s with ``|a0| = 2^s``, or None."""
    num, den = abs(a0.numerator), a0.denominator
    if num & (num - 1) == 0 and den & (den - 1) == 0 and num:
        return exact.bitlen(num) - exact.bitlen(den)
    return None


def _prepare(slp: SLP, bounded: bool) -> tuple[SLP, int, dict[str, Any]]:
    """The program to build, the exponent e with ``value = 2^e·(source value)``, and meta."""
    if not bounded:
        return slp, 0, {"bounded": False}
    from ermbit.reductions.bnslp import SlpToBnslp

    if slp.a0 != 1:
        raise InputError(f"slp: the bounded-value variant needs a0 = 1, got {exact.fmt(slp.a0)}")
    q = SlpToBnslp().forward(slp)
    return q.slp, -q.shift, {"bounded": True, "m": q.m, "bnslp_shift": str(q.shift)}


class SlpToBackpropBit(Reduction):
    """BitQuery (P, j) ↦ Backprop-Bit instance: gradient bit ``j + offset`` is ``bit_j(n_P)``."""

    name: ClassVar[str] = "slp-to-backprop-bit"
    source_kind: ClassVar[str] = "bitquery"
    target_kind: ClassVar[str] = "backprop"
    counting: ClassVar[str] = "decision"
    summary: ClassVar[str] = "BitSLP → Backprop-Bit (Thm 1.3 i): ∂L/∂w_e* = a_0·n_P"

    def __init__(self, activation: object = "z**2", *, bounded: bool = False) -> None:
        self.activation = require_polynomial(activation)
        self.bounded = bool(bounded)

    def forward(self, src: BitQuery) -> GradientQuery:
        if not isinstance(src, BitQuery):
            raise InputTypeError(f"src: expected a BitQuery, got {type(src).__name__}")
        program, scale, meta = _prepare(src.slp, self.bounded)
        s = _power_of_two(program.a0)
        # |a0| = 2^s: the paper's label −a0, gradient a0·n_P.  Otherwise 1/a0 is folded
        # into the label (−a0·(1/a0) = −1): gradient n_P, whose bits are n_P's own.
        c, s = (program.a0, s) if s is not None else (exact.Q(1), 0)
        offset = s + scale
        meta = {
            "reduction": self.name,
            **meta,
            "copies": 1,
            "a0": exact.fmt(program.a0),
            "label": exact.fmt(-c),
            "gradient_factor": exact.fmt(c * exact.Q(2) ** scale),
            "source_bit": src.j,
            "bit_offset": offset,
        }
        net = slp_network(program, self.activation)
        return gradient_instance(net, 1, src.j + offset, meta, label=-c)

    def claim(self, src: BitQuery) -> Claim:
        return Claim(
            statement="bit_j(n_P) = bit_(j+offset) of ∂L/∂w_e*(θ⁰)",
            relation="equal",
            source=lambda q, o: q.answer(),
            target=lambda q, t, o: t.instance.answer(),
            source_oracle="ermbit.slp.bit",
            target_oracle="exact reverse mode (BackpropInstance.answer)",
        )

    def sample_source(self, rng: random.Random, size: int) -> BitQuery:
        """A random BitSLP query of ``size`` gates (for ``ermbit verify`` sweeps)."""
        from ermbit.instances.slp_families import random_bitquery

        return random_bitquery(rng, size)


class PosSlpToBackpropSign(Reduction):
    """SLP P ↦ Backprop-Sign instance: ``∂L/∂w_e* ≥ thr`` iff ``n_P > 0``, else ``≤ −thr``."""

    name: ClassVar[str] = "posslp-to-backprop-sign"
    source_kind: ClassVar[str] = "slp"
    target_kind: ClassVar[str] = "backprop"
    counting: ClassVar[str] = "decision"
    summary: ClassVar[str] = "PosSLP → Backprop-Sign (Thm 1.3 ii), with the 2n_P − 1 fix"

    def __init__(
        self, activation: object = "z**2", *, copies: int = 1, bounded: bool = False
    ) -> None:
        self.activation = require_polynomial(activation)
        self.copies = int(exact.parse_int(copies, name="copies"))
        if self.copies < 1:
            raise InputError(f"copies: need at least one sample copy, got {self.copies}")
        self.bounded = bool(bounded)

    def forward(self, src: SLP) -> GradientQuery:
        if not isinstance(src, SLP):
            raise InputTypeError(f"src: expected an SLP, got {type(src).__name__}")
        integral, degree = src, None
        # make n_P an integer of the same sign first (from a_0 = 1 for the bounded variant,
        # whose rewriting starts from 1: the sign survives the scaling by q^e > 0)
        if src.a0 == 0 or not src.is_integer or (self.bounded and src.a0 != 1):
            integral, degree = homogenise(src)
        program, scale, meta = _prepare(sign_fix(integral), self.bounded)
        a0 = integral.a0
        factor = self.copies * program.a0 * exact.Q(2) ** scale * (1 if a0 == 1 else a0)
        if degree is not None:
            meta = {**meta, "homogenised": True, "q_power": degree}
        meta = {
            "reduction": self.name,
            **meta,
            "copies": self.copies,
            "a0": exact.fmt(program.a0),
            "gradient_factor": exact.fmt(factor),
            "threshold": exact.fmt(abs(factor)),
        }
        return gradient_instance(slp_network(program, self.activation), self.copies, "sign", meta)

    def claim(self, src: SLP) -> Claim:
        return Claim(
            statement="n_P > 0 ⇔ ∂L/∂w_e* ≥ threshold, n_P ≤ 0 ⇔ ∂L/∂w_e* ≤ −threshold",
            relation="equal",
            source=lambda s, o: _posslp_side(s),
            target=lambda s, t, o: _threshold_side(s, t),
            source_oracle="ermbit.slp.sign",
            target_oracle="exact reverse mode (BackpropInstance.gradient)",
        )


def _posslp_side(src: SLP) -> int:
    from ermbit.slp import posslp

    return 1 if posslp(src) else -1


def _threshold_side(src: SLP, target: GradientQuery) -> int:
    """+1 / −1 when the gradient is past ±threshold; 0 when the promise gap is violated."""
    g = target.instance.gradient()
    thr = exact.parse(target.meta["threshold"], name="threshold")
    return 1 if g >= thr else -1 if g <= -thr else 0
