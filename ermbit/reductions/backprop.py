"""BitSLP → Backprop-Bit and PosSLP → Backprop-Sign (Thm 1.3, paper Thm 1.3).

Take the network of Lemma 3.2 at θ⁰ = θ* (:func:`~ermbit.reductions.slp_to_network.slp_network`),
add an identity node ``t`` and one edge ``e* = (v_ℓ, t)`` with ``(w, b) = (0, 0)`` -- the
queried coordinate, the only trainable edge (the other edges stay frozen; freezing does
not change gradients).  B copies of the sample ``(x = a_0 at v0, y = −a_0 at t)`` with
loss ``½(ŷ − y)²`` give ``L = (B/2)(w·n_P + a_0)²`` and

    ∂L/∂w_{e*}(θ⁰) = B·a_0·n_P.

* **Backprop-Bit** (``slp-to-backprop-bit``, source :class:`~ermbit.problems.queries.BitQuery`):
  B = 1.  For ``|a_0| = 2^s`` the gradient is ``±2^s·n_P``, so bit j of n_P is bit
  ``j + s`` of the gradient (other ``a_0`` are refused: a factor that is not a power of two
  mixes the bits).
* **Backprop-Sign** (``posslp-to-backprop-sign``, source an SLP): **[fix]** two gates are
  appended so the program computes ``n_Q = 2·n_P − 1``, never 0 (for an integer
  ``a_0 ≠ 1`` the constant 1 is not computable, so three gates compute
  ``n_Q = a_0·(2·n_P − 1)``); with B = b copies the gradient is ``b·a_0²·(2n_P − 1)``
  (``b·(2n_P − 1)`` for ``a_0 = 1``): ``≥ b`` iff ``n_P > 0``, ``≤ −b`` otherwise.
* **Bounded-value variant** (``bounded=True``, needs ``a_0 = 1``): the program is first
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
    "GradientQuery",
    "PosSlpToBackpropSign",
    "SlpToBackpropBit",
    "gradient_instance",
    "sign_fix",
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
    sn: SlpNetwork, copies: int, query: int | str, meta: dict[str, Any]
) -> GradientQuery:
    """Add ``t`` and ``e* = (v_ℓ, t)`` at (0, 0) to ``sn`` and the B samples of Thm 1.3."""
    net = sn.network
    network = Network(
        (*net.nodes, (T_NODE, Identity())),
        (*net.edges, Edge(sn.target, T_NODE, 0, 0)),
        (*net.outputs, T_NODE),
    )
    a0 = sn.program.a0
    sample = Sample.of({sn.source: a0}, {T_NODE: -a0}, "half_squared", copies)
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
        if s is None:
            raise InputError(
                f"src.slp: Backprop-Bit reads bits of a_0·n_P, so |a0| must be a power of "
                f"two, got {exact.fmt(program.a0)}"
            )
        offset = s + scale
        meta = {
            "reduction": self.name,
            **meta,
            "copies": 1,
            "a0": exact.fmt(program.a0),
            "gradient_factor": exact.fmt(program.a0 * exact.Q(2) ** scale),
            "source_bit": src.j,
            "bit_offset": offset,
        }
        return gradient_instance(slp_network(program, self.activation), 1, src.j + offset, meta)

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
        program, scale, meta = _prepare(sign_fix(src), self.bounded)
        factor = self.copies * program.a0 * exact.Q(2) ** scale * (1 if src.a0 == 1 else src.a0)
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
