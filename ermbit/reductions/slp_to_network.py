"""SLP → network with {σ, id} nodes (Lemma 3.2, paper Lemma 3.2, network part).

One identity node ``v_i`` per SLP value; ``v0`` is the source, fed ``x = a_0``.  Under the
intended parameters θ* (the edge parameters of the built network, every edge frozen)
node ``v_i`` carries ``a_i`` exactly:

* ``a_i = a_j ± a_k``: edges ``(v_j, v_i) = (1, 0)`` and ``(v_k, v_i) = (±1, 0)``.  When
  ``j = k`` the two edges are parallel and are merged: weight 2 for ``+``, weight **0**
  for ``−`` (``a_j − a_j = 0``; the edge is kept so that ``v_i`` is not a source).
* ``a_i = a_j · a_k``: the gadget of Lemma 3.1, ``x·y = Σ_r κ_r (σ(x+y+r) − σ(x+r) − σ(y+r))``.
  For every shift r with ``κ_r ≠ 0`` (shifts with ``κ_r = 0`` contribute nothing and are
  skipped), identity nodes ``L1 = x+y+r``, ``L2 = x+r``, ``L3 = y+r`` (bias r on the edge
  from ``v_j``; ``L3``'s on the edge from ``v_k``), σ nodes ``U_t`` fed by ``L_t`` through
  ``(1, 0)``, and edges ``(U1, z_i) = (κ'_r, 0)``, ``(U2, z_i) = (U3, z_i) = (−κ'_r, 0)`` into
  one identity node ``z_i``, ``κ'_r = D·κ_r ∈ ℤ``; finally ``(z_i, v_i) = (1/D, 0)``.
* ``a_i = a_j · a_j`` (squaring, **[choice]**): the first identity of Lemma 3.1,
  ``x² = Σ_r λ_r σ(x+r)`` with ``λ = 2κ``, used directly: per shift r with ``κ_r ≠ 0`` one
  identity node ``L = x+r`` (edge ``(v_j, L) = (1, r)``), one σ node ``U`` fed by ``(1, 0)``,
  and ``(U, z_i) = (2κ'_r, 0)``; then ``(z_i, v_i) = (1/D, 0)`` as above.  Lemma 3.2 instead
  runs the product gadget with x = y and merges the parallel edges this creates; both are
  exact, this one needs one σ node per shift instead of three (for σ = z² one square
  instead of three, which is what keeps network evaluation within a small factor of SLP
  evaluation), and no parallel edge arises.

Normal form (what pinning, Claim B.1, relies on): every non-identity node ``U`` has exactly
one incoming edge, from an identity node, frozen at ``(1, 0)``.  There are no parallel
edges.  Node ids read ``v3``, ``g3.r1.L1``, ``g3.r1.U2``, ``g3.z`` (squaring: ``g3.r1.L``,
``g3.r1.U``).

>>> from ermbit.slp import SLP
>>> sn = slp_network(SLP(3, [("*", 0, 0), ("+", 1, 0)]), "z**2")   # 9, then 12
>>> sn.network.node_ids
('v0', 'g1.r0.L', 'g1.r0.U', 'g1.z', 'v1', 'v2')
>>> p = sn.network.forward({"v0": 3})
>>> [p.values[sn.value_node[i]] for i in range(3)]
[mpq(3,1), mpq(9,1), mpq(12,1)]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from ermbit.errors import InputError, InputTypeError
from ermbit.exact import Q
from ermbit.network.activations import Activation, Polynomial, parse_activation
from ermbit.network.model import Network, NetworkBuilder
from ermbit.reductions.base import Claim, Reduction
from ermbit.reductions.gadgets import Gadget, gadget
from ermbit.slp import SLP, Gate

__all__ = ["SlpNetwork", "SlpToNetwork", "node_values", "require_polynomial", "slp_network"]


@dataclass(frozen=True)
class SlpNetwork:
    """The network of Lemma 3.2 for one SLP, with θ* as its (frozen) edge parameters.

    Attributes
    ----------
    network : Network
        Every edge frozen at θ*; every node is an output (as in the paper).
    value_node : dict of int to str
        Gate index i (0 for ``a_0``) → id of ``v_i``.
    source : str
        The source node ``v0``, fed ``x = a_0``.
    gadget : Gadget
        The multiplication gadget of σ.
    D : int
        The common denominator of κ (``κ'_r = D·κ_r``, edge ``(z_i, v_i) = (1/D, 0)``).
    program : SLP
        The source SLP (not called ``slp``: file writers take an ``slp`` attribute to be
        the target's payload).
    """

    network: Network
    value_node: dict[int, str]
    source: str
    gadget: Gadget
    D: int
    program: SLP = field(compare=False)

    @property
    def target(self) -> str:
        """``v_ℓ``, the node carrying ``n_P``."""
        return self.value_node[self.program.length]

    @property
    def activation(self) -> Polynomial:
        """σ."""
        return Polynomial(self.gadget.coeffs)

    def inputs(self) -> dict[str, Any]:
        """The input of the intended pass: ``{v0: a_0}``."""
        return {self.source: self.program.a0}

    def size_summary(self) -> dict[str, int]:
        return {
            "gates": self.program.length,
            "nodes": self.network.num_nodes,
            "edges": self.network.num_edges,
        }

    def file_meta(self) -> dict[str, Any]:
        return {
            "reduction": SlpToNetwork.name,
            "activation": str(self.activation),
            "D": self.D,
            "value_nodes": [self.value_node[i] for i in range(self.program.length + 1)],
        }


def require_polynomial(activation: object) -> Polynomial:
    """σ as a :class:`Polynomial` of degree ≥ 2 (the gadget of Lemma 3.1 needs one).

    Raises
    ------
    InputError
        For any other activation (the message names it).

    >>> str(require_polynomial("z**3 + 2*z"))
    'z^3 + 2z'
    """
    act = activation if isinstance(activation, Activation) else parse_activation(activation)
    if not isinstance(act, Polynomial) or act.degree < 2:
        raise InputError(
            f"activation: the SLP → network construction needs a polynomial σ of degree ≥ 2 "
            f"(paper Lemma 3.1), got {act}"
        )
    return act


class _Builder(NetworkBuilder):
    """A builder that remembers the node order (every node is an output)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def add_node(self, node: str, activation: object = "id") -> str:
        self.ids.append(super().add_node(node, activation))
        return node


def _linear_gate(nb: NetworkBuilder, g: Gate, vj: str, vk: str, vi: str) -> None:
    sign = 1 if g.op == "+" else -1
    nb.add_edge(vj, vi, 1, 0, frozen=True)
    # j = k: merged into one edge (w = 1 ± 1); w = 0 for a_j − a_j keeps v_i a non-source
    nb.add_edge(vk, vi, sign, 0, frozen=True, merge=True)


def _product_gate(
    nb: NetworkBuilder, gad: Gadget, act: Polynomial, i: int, vj: str, vk: str
) -> str:
    z = f"g{i}.z"  # added after its feeders, so node order follows the data flow
    for r, kr in zip(gad.shifts, gad.kappa_int, strict=True):
        if kr == 0:  # the shift contributes nothing
            continue
        pre = f"g{i}.r{r}"
        heads: list[tuple[str, list[tuple[str, int]], int]]
        if vj == vk:  # x² = Σ_r 2κ_r σ(x + r)
            heads = [("", [(vj, r)], 2 * kr)]
        else:  # x·y = Σ_r κ_r (σ(x + y + r) − σ(x + r) − σ(y + r))
            heads = [("1", [(vj, r), (vk, 0)], kr), ("2", [(vj, r)], -kr), ("3", [(vk, r)], -kr)]
        for t, feeds, weight in heads:
            lt, ut = nb.add_node(f"{pre}.L{t}"), nb.add_node(f"{pre}.U{t}", act)
            for src, bias in feeds:
                nb.add_edge(src, lt, 1, bias, frozen=True)
            nb.add_edge(lt, ut, 1, 0, frozen=True)
            nb.add_edge(ut, z, weight, 0, frozen=True)
    return nb.add_node(z)


def slp_network(slp: SLP, activation: object = "z**2") -> SlpNetwork:
    """The network of Lemma 3.2: under θ* and input ``a_0`` at ``v0``, ``v_i`` carries ``a_i``.

    Parameters
    ----------
    slp : SLP
        Any SLP (integer or rational ``a_0``).
    activation : Polynomial or str
        σ, a polynomial of degree ≥ 2 (``"z**2"``, ``"z**3 + 2*z"``, a :class:`Polynomial`).

    Returns
    -------
    SlpNetwork
        |V| ≤ 1 + ℓ·(2 + 6(μ+1)) nodes, every parameter O_σ(1) bits, all edges frozen.

    Raises
    ------
    InputTypeError
        If ``slp`` is not an SLP.
    InputError
        If σ is not a polynomial of degree ≥ 2.

    >>> sn = slp_network(SLP(1, [("-", 0, 0)]))
    >>> sn.network.edge("v0", "v1").w, sn.D
    (mpq(0,1), 2)
    """
    if not isinstance(slp, SLP):
        raise InputTypeError(f"slp: expected an SLP, got {type(slp).__name__}")
    act = require_polynomial(activation)
    gad = gadget(act.coeffs)
    nb = _Builder()
    value_node = {0: nb.add_node("v0")}
    inv_d = Q(1, gad.common_denominator)
    for i, g in enumerate(slp.gates, 1):
        vj, vk = value_node[g.j], value_node[g.k]
        if g.op == "*":
            z = _product_gate(nb, gad, act, i, vj, vk)
            value_node[i] = nb.add_node(f"v{i}")
            nb.add_edge(z, value_node[i], inv_d, 0, frozen=True)
        else:
            value_node[i] = nb.add_node(f"v{i}")
            _linear_gate(nb, g, vj, vk, value_node[i])
    net = nb.build(outputs=nb.ids)
    return SlpNetwork(net, value_node, "v0", gad, gad.common_denominator, slp)


def node_values(sn: SlpNetwork, *, budget_bits: int | None = None) -> tuple[Any, ...]:
    """``(f^{v_0}, …, f^{v_ℓ})`` of the exact forward pass under θ* with input ``a_0`` at v0.

    Raises
    ------
    BudgetExceeded
        If the pass is predicted to exceed ``budget_bits`` (see ``Network.forward``).
    """
    p = sn.network.forward(sn.inputs(), budget_bits=budget_bits)
    return tuple(p.values[sn.value_node[i]] for i in range(sn.program.length + 1))


def _slp_values(src: SLP) -> tuple[Any, ...]:
    from ermbit.slp import values

    return tuple(values(src))


class SlpToNetwork(Reduction):
    """SLP P ↦ network of {σ, id} nodes whose node ``v_i`` carries ``a_i`` under θ*."""

    name: ClassVar[str] = "slp-to-network"
    source_kind: ClassVar[str] = "slp"
    target_kind: ClassVar[str] = "network"
    counting: ClassVar[str] = "parsimonious"
    summary: ClassVar[str] = "SLP → {σ, id} network (Lemma 3.2): node v_i carries a_i under θ*"

    def __init__(self, activation: object = "z**2") -> None:
        self.activation = require_polynomial(activation)

    def forward(self, src: SLP) -> SlpNetwork:
        return slp_network(src, self.activation)

    def claim(self, src: SLP) -> Claim:
        return Claim(
            statement="under θ* with x = a_0 at v0, f^{v_i} = a_i for every i",
            relation="equal",
            source=lambda s, o: _slp_values(s),
            target=lambda src, target, o: node_values(target),
            source_oracle="exact SLP evaluation (ermbit.slp.values)",
            target_oracle="exact forward pass of the network",
        )
