"""BitSLP → promise ERM_bit, and PosSLP → promise ERM_bit (docs: constructions/bitslp-erm.md; paper
Lemma 3.2, Thm 1.1).

**bitslp-to-erm.**  For a query (P, j): the network of Lemma 3.2
(:func:`~ermbit.reductions.slp_to_network.slp_network`, node ``v_i`` carries ``a_i`` under θ*),
every edge pinned by Claim B.1 (:func:`~ermbit.reductions.pinning.pin`), and b main copies
of the sample (x = a_0 at v0; bit loss ``1[bit_j(ŷ_{v_ℓ}) ≠ 1]``).  γ = a, promise (a, b),
with ``0 ≤ a < b`` (default a = 0, b = 1).

* θ* meets every auxiliary sample, and computes ``f^{v_ℓ} = n_P`` on the main one: its loss
  is 0 if ``bit_j(n_P) = 1`` and b otherwise.
* Any θ with ``L(θ) ≤ a < b + 1`` meets every auxiliary sample (each is repeated b + 1
  times), so its weights and bias sums are θ*'s and each σ edge is a symmetry of σ
  (Claim B.1); such a θ computes the same function as θ*, so its main loss is θ*'s.
  Hence **OPT = 0 iff bit_j(n_P) = 1**, and OPT ≥ b otherwise (promise gap).
* Bit bound ``β = enc(θ*) + pinning_slack(network)`` (docs: model.md [choice]: the paper's
  polynomial bound is not specified).  θ* fits; so does every θ the auxiliary samples
  allow once each bias sum sits on one edge (for the integer sums of the Lemma 3.2 network that is
  the
  cheapest split) -- including the symmetric alternatives, whose extra size the slack
  counts.  So admissibility never decides the answer.

**posslp-to-erm.**  P is first extended by two gates to ``n_Q = 2·n_P − 1`` (three,
``a_0·(2n_P − 1)``, for an integer ``a_0 ≠ 1``: :func:`~ermbit.reductions.backprop.sign_fix`),
never 0; b copies of (x = a_0 at v0, y = s at v_ℓ), s = sign(a_0), with hinge loss
``max(0, 1 − s·ŷ)``.  Since ``s·n_Q = |a_0|·(2n_P − 1)`` is ≥ 1 if n_P > 0 and ≤ −1
otherwise, the main loss at θ* is 0 or ≥ 2b: **OPT = 0 iff n_P > 0**, and ≥ b + 1 otherwise.
For ``a_0 = 0`` or a non-integer ``a_0 = p/q`` the program is first rewritten by
:func:`~ermbit.reductions.backprop.homogenise` into one from 1 computing ``q^e·n_P``, an
integer with the sign of n_P (docs: constructions/backprop.md), so every rational a_0 is
accepted.

>>> from ermbit.slp import SLP
>>> from ermbit.problems.queries import BitQuery
>>> q = BitQuery(SLP(3, [("*", 0, 0), ("+", 1, 0)]), 2)        # 12 = 0b1100
>>> t = BitslpToErm().forward(q)
>>> t.gamma, t.promise, t.loss(), t.meta["target"]
(mpq(0,1), (mpq(0,1), mpq(1,1)), mpq(0,1), 'v2')
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator
from typing import Any, ClassVar

from ermbit import exact
from ermbit.errors import InputError, InputTypeError
from ermbit.network.activations import Polynomial
from ermbit.network.erm import ERMInstance, Loss, Sample, Witness
from ermbit.problems.queries import BitQuery
from ermbit.reductions.base import Claim, Oracles
from ermbit.reductions.pinning import ExactErmTarget, PinnedForm, pin, pinning_slack
from ermbit.reductions.slp_to_network import SlpNetwork, require_polynomial, slp_network
from ermbit.slp import SLP

__all__ = ["BitslpToErm", "PosSlpToErm", "erm_bit_bound", "pinned_slp_network"]


def erm_bit_bound(sn: SlpNetwork) -> int:
    """``β = enc(θ*) + pinning_slack``: the bit bound of the instances built from ``sn``."""
    return exact.enc(sn.network.theta()) + pinning_slack(sn.network)


@functools.lru_cache(maxsize=8)
def pinned_slp_network(
    slp: SLP, activation: Polynomial, copies: int
) -> tuple[SlpNetwork, PinnedForm]:
    """The Lemma 3.2 network of ``slp`` and its pinned form for ``copies`` main copies (cached:
    the K bit queries of one count share them)."""
    sn = slp_network(slp, activation)
    return sn, pin(sn.network, (), repeat=copies + 1)


def _promise(copies: Any, gamma: Any) -> tuple[int, Any]:
    b = int(exact.parse_int(copies, name="copies"))
    a = exact.parse(gamma, name="gamma")
    if b < 1 or not 0 <= a < b:
        raise InputError(
            f"gamma: need 0 ≤ a < b with b = copies ≥ 1, got a = {exact.fmt(a)}, b = {b}"
        )
    return b, a


def _build(
    program: SLP, act: Polynomial, b: int, a: Any, loss: Loss, label: Any, meta: dict[str, Any]
) -> ERMInstance:
    sn, pf = pinned_slp_network(program, act, b)
    x = ((sn.source, program.a0),) if program.a0 != 0 else ()
    y = ((sn.target, exact.Q(label)),) if label is not None else ()
    main = Sample(x, y, loss, b)
    beta = erm_bit_bound(sn)
    meta = {
        **meta,
        "activation": str(act),
        "target": sn.target,
        "copies": b,
        "forcing_repeat": pf.repeat,
        "templates": len(pf.samples),
        "bit_bound": "enc(θ*) + pinning_slack",
    }
    return ERMInstance(pf.network, (main, *pf.samples), a, beta, (a, b), meta)


class _SlpToErm(ExactErmTarget):
    """Shared witness maps: θ* is a zero-loss witness whenever the source answer is YES."""

    source_kind: ClassVar[str] = ""
    target_kind: ClassVar[str] = "erm"
    counting: ClassVar[str] = "decision"

    def __init__(self, activation: object = "z**2", *, copies: int = 1, gamma: Any = 0) -> None:
        self.activation = require_polynomial(activation)
        self.copies, self.gamma = _promise(copies, gamma)

    def _yes(self, src: Any) -> bool:
        raise NotImplementedError

    def source_solutions(self, src: Any, oracles: Oracles) -> Iterator[bool]:
        """The YES certificate ``True`` when the source answer is YES (checked by evaluation)."""
        if self._yes(src):
            yield True

    def is_source_solution(self, src: Any, solution: Any) -> bool:
        return solution is True and self._yes(src)

    def lift(self, src: Any, target: ERMInstance, solution: Any) -> Witness:
        return Witness.of(target.network.theta())

    def back(self, src: Any, target: ERMInstance, solution: Any) -> bool:
        """The YES certificate ``True`` if ``solution`` is a zero-loss witness, else False."""
        return self.is_target_solution(target, solution)


class BitslpToErm(_SlpToErm):
    """BitQuery (P, j) ↦ promise ERM_bit instance: OPT = 0 iff ``bit_j(n_P) = 1``, else b."""

    name: ClassVar[str] = "bitslp-to-erm"
    source_kind: ClassVar[str] = "bitquery"
    summary: ClassVar[str] = "BitSLP → promise ERM_bit (Lemma 3.2, Thm 1.1): bit loss on v_ℓ"

    def _yes(self, src: BitQuery) -> bool:
        return src.answer() == 1

    def forward(self, src: BitQuery) -> ERMInstance:
        if not isinstance(src, BitQuery):
            raise InputTypeError(f"src: expected a BitQuery, got {type(src).__name__}")
        meta = {"reduction": self.name, "source_bit": src.j}
        sn, _ = pinned_slp_network(src.slp, self.activation, self.copies)
        loss = Loss("bit", src.j, sn.target)
        return _build(src.slp, self.activation, self.copies, self.gamma, loss, None, meta)

    def claim(self, src: BitQuery) -> Claim:
        return Claim(
            statement="OPT = 0 (YES) iff bit_j(n_P) = 1; otherwise every θ has L ≥ b",
            relation="iff",
            source=lambda q, o: q.answer() == 1,
            target=lambda s, t, o: o.decide_erm(t, "pinned").decision,
            source_oracle="ermbit.slp.bit",
            target_oracle="exact pinned-instance solver (from the instance alone)",
        )

    def sample_source(self, rng: random.Random, size: int) -> BitQuery:
        """A random BitSLP query of ``size`` gates (for ``ermbit verify`` sweeps)."""
        from ermbit.instances.slp_families import random_bitquery

        return random_bitquery(rng, size)


class PosSlpToErm(_SlpToErm):
    """SLP P ↦ promise ERM_bit instance with hinge loss: OPT = 0 iff ``n_P > 0``."""

    name: ClassVar[str] = "posslp-to-erm"
    source_kind: ClassVar[str] = "slp"
    summary: ClassVar[str] = "PosSLP → promise ERM_bit, hinge loss on 2n_P − 1 (Thm 1.1)"

    def _yes(self, src: SLP) -> bool:
        from ermbit.slp import posslp

        return posslp(src)

    def forward(self, src: SLP) -> ERMInstance:
        from ermbit.reductions.backprop import homogenise, sign_fix

        if not isinstance(src, SLP):
            raise InputTypeError(f"src: expected an SLP, got {type(src).__name__}")
        integral, extra = src, {}
        if src.a0 == 0 or not src.is_integer:  # q^e·n_P from a_0 = 1: same sign, an integer
            integral, degree = homogenise(src)
            extra = {"homogenised": True, "q_power": degree}
        program = sign_fix(integral)
        label = 1 if integral.a0 > 0 else -1
        meta = {
            "reduction": self.name,
            **extra,
            "appended_gates": program.length - integral.length,
        }
        loss = Loss("hinge")
        return _build(program, self.activation, self.copies, self.gamma, loss, label, meta)

    def claim(self, src: SLP) -> Claim:
        from ermbit.slp import posslp

        return Claim(
            statement="OPT = 0 (YES) iff n_P > 0; otherwise every θ has L ≥ b + 1",
            relation="iff",
            source=lambda s, o: posslp(s),
            target=lambda s, t, o: o.decide_erm(t, "pinned").decision,
            source_oracle="ermbit.slp.sign",
            target_oracle="exact pinned-instance solver (from the instance alone)",
        )
