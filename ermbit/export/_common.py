"""What every exporter needs: the trainable parameters, their bit limits, constant values.

* :func:`parameters` lists θ's coordinates in file order: for each trainable edge (in the
  network's edge order) its weight, then its bias.
* :func:`bit_limits` turns the bit bound β into per-coordinate limits.  Every rational
  has ``size ≥ 2`` (``size(0) = 1 + 0 + 1``), so with P coordinates one of them has
  ``size ≤ β − 2(P − 1)``; a reduced ``p/q`` of that size has ``bitlen|p| ≤ β − 2P`` and
  ``bitlen q ≤ β − 2P + 1``.  Hence ``|θ_c| ≤ |p| ≤ 2^(β−2P) − 1`` for every admissible θ:
  the **sound box** every exporter may use.
* :func:`constant_values` evaluates, per sample, the nodes whose value does not depend on
  θ (no trainable edge above them), exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ermbit import exact
from ermbit.errors import InputError
from ermbit.network.erm import ERMInstance

__all__ = [
    "Exported",
    "Param",
    "bit_limits",
    "box_bound",
    "constant_values",
    "parameters",
    "theta_dependent",
]

EdgeKey = tuple[str, str]


@dataclass(frozen=True)
class Exported:
    """What an exporter wrote: the ``paths``, the ``format`` and what the file promises."""

    format: str
    paths: tuple[str, ...]
    promise: str


@dataclass(frozen=True)
class Param:
    """One coordinate of θ: edge number ``k`` (network order), ``part`` ``"w"`` or ``"b"``."""

    k: int
    edge: EdgeKey
    part: str

    @property
    def name(self) -> str:
        """A symbol safe in every format (node ids may hold any character)."""
        return f"{self.part}{self.k}"


def parameters(inst: Any) -> tuple[Param, ...]:
    """θ's coordinates of an ERM instance: weight and bias of every trainable edge."""
    out = []
    for k, e in enumerate(inst.network.edges):
        if not e.frozen:
            out += [Param(k, e.key, "w"), Param(k, e.key, "b")]
    return tuple(out)


def bit_limits(inst: ERMInstance) -> tuple[int, int]:
    """``(K_p, K_q)``: every admissible reduced ``p/q`` has ``bitlen|p| ≤ K_p``,
    ``bitlen q ≤ K_q`` (see the module docstring; ``K_q ≥ 1`` always)."""
    spare = inst.bit_bound - 2 * len(parameters(inst))
    return max(0, spare), max(1, spare + 1)


def box_bound(inst: ERMInstance) -> Any:
    """``2^K_p − 1``: ``|θ_c|`` for every coordinate of every admissible θ is at most this."""
    return exact.Q(2 ** bit_limits(inst)[0] - 1)


def theta_dependent(net: Any) -> set[str]:
    """Nodes whose value may depend on θ (a trainable edge lies on some path into them)."""
    dep: set[str] = set()
    for v in net.topological_order():
        if any(not e.frozen or e.src in dep for e in net.in_edges(v)):
            dep.add(v)
    return dep


def constant_values(inst: Any) -> list[dict[str, Any]]:
    """Per sample, the exact value of every θ-independent node."""
    net = inst.network
    dep = theta_dependent(net)
    out = []
    for s in inst.samples:
        x = s.inputs
        vals: dict[str, Any] = {}
        for v in net.topological_order():
            if v in dep:
                continue
            ins = net.in_edges(v)
            if not ins:
                vals[v] = x.get(v, exact.Q(0))
                continue
            pre = x.get(v, exact.Q(0)) + sum((e.w * vals[e.src] + e.b for e in ins), exact.Q(0))
            vals[v] = net.activation(v)(pre)
        out.append(vals)
    return out


def require_first_layer(inst: Any, fmt_name: str) -> None:
    """Refuse networks where a trainable weight multiplies a θ-dependent value (bilinear)."""
    dep = theta_dependent(inst.network)
    for e in inst.network.edges:
        if not e.frozen and e.src in dep:
            raise InputError(
                f"instance: edge {e.src}->{e.dst} is trainable and its tail {e.src!r} depends "
                f"on θ, so w·f is bilinear; {fmt_name} needs every trainable weight to multiply "
                "a θ-independent value (export the frozen form, not the pinned one)"
            )
