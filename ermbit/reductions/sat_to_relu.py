"""SAT → ReLU ERM_bit by a direct gadget network (Thm 1.4 R1): NP-hardness.

The network (identity and ReLU nodes; every ReLU node fed by one identity "pre" node
through an edge frozen at (1, 0), the normal form pinning needs, Claim B.1):

* a source ``s``, fed 1 in the one main sample;
* per variable i an identity node ``v{i}`` with the only **trainable** edge into it,
  ``(s, v{i})``, so that its value is ``t_i = w + b``;
* per variable three gadgets, each a ReLU required to output 0:
  ``a{i} = ReLU(−t_i)`` (t_i ≥ 0), ``b{i} = ReLU(t_i − 1)`` (t_i ≤ 1), and
  ``c{i} = ReLU(t_i − r{i})`` with ``r{i} = ReLU(2t_i − 1)`` (t_i ∉ (0, 1): on (0, ½]
  r = 0 and t_i > 0; on (½, 1) t_i − (2t_i − 1) = 1 − t_i > 0; at 0 and 1 it is 0);
* per clause j a ReLU ``k{j} = ReLU(1 − Σ lit)`` required to output 0, with
  ``lit(x_i) = t_i`` and ``lit(¬x_i) = 1 − t_i``: the frozen edge ``(v{i}, k{j}.pre)`` has
  weight −1 for x_i and +1 for ¬x_i (x_i and ¬x_i together merge to 0), and the constant
  ``1 − #negative literals`` is the bias of the edge of the first literal.  An empty
  clause's pre node is a source fed 1, so ``k{j} = 1`` and the loss cannot vanish.

The main sample feeds ``s = 1`` and labels every gadget and clause output with 0 (squared
loss), γ = 0.  So L(θ) = 0 ⇔ every t_i ∈ {0, 1} and the assignment x_i = [t_i = 1]
satisfies φ.

* **Bit bound** β = 5n: the lifted witness puts ``(t_i, 0)`` on ``(s, v{i})``, of size
  ``size(t_i) + size(0) ≤ 3 + 2`` (every θ has enc ≥ 4n, as size(q) ≥ 2).
* **Counts**: decision-preserving only.  A model has the zero-loss witnesses with
  w + b = t_i on every edge -- infinitely many, of which the admissible ones (enc ≤ β)
  are finitely many and at least one (e.g. (1, 0) and (0, 1) for t_i = 1, (0, 0) and,
  budget permitting, (1, −1) for t_i = 0); ``back`` maps each to its model (many-to-one).
* **Pinned form** (``pinned=True``): :func:`~ermbit.reductions.pinning.pin_instance` of
  the above -- every edge trainable, forcing samples pin the gadgets; the baseline
  template also fixes the bias of ``(s, v{i})`` at 0, so there ``t_i = w``.

>>> from ermbit.cnf import CNF
>>> t = SatToRelu().forward(CNF(2, ((1, -2),)))
>>> t.instance.network.num_nodes, t.instance.bit_bound, t.instance.network.free_edges()
(21, 10, (('s', 'v1'), ('s', 'v2')))
>>> w = SatToRelu().lift(CNF(2, ((1, -2),)), t, (True, False))
>>> t.instance.evaluate(w).accepted, SatToRelu().back(CNF(2, ((1, -2),)), t, w)
(True, (True, False))
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from ermbit import exact
from ermbit.cnf import CNF
from ermbit.errors import InputError, InputTypeError, VerificationFailed
from ermbit.network.erm import ERMInstance, Sample, Witness
from ermbit.network.model import Network, NetworkBuilder
from ermbit.problems.nae import assignments
from ermbit.reductions.base import Claim, Oracles, Reduction
from ermbit.reductions.pinning import pin_instance

__all__ = [
    "SatReluInstance",
    "SatToRelu",
    "decided",
    "gadget_network",
    "sat_models",
]

Assignment = tuple[bool, ...]


@dataclass(frozen=True)
class SatReluInstance:
    """The ERM_bit instance of R1 with what ``back`` needs.

    Attributes
    ----------
    instance : ERMInstance
        Frozen form, or pinned when ``pinned``.
    num_vars : int
        n; variable i is read from edge ``("s", f"v{i}")``.
    pinned : bool
        Whether ``instance`` is the all-trainable pinned form.
    """

    instance: ERMInstance
    num_vars: int
    pinned: bool

    def size_summary(self) -> dict[str, int]:
        return self.instance.size_summary()

    def file_meta(self) -> dict[str, Any]:
        return dict(self.instance.meta)

    @staticmethod
    def edge(i: int) -> tuple[str, str]:
        """The trainable edge carrying t_i (1-based i)."""
        return ("s", f"v{i}")


def _relu(nb: NetworkBuilder, name: str) -> str:
    """A ReLU node ``name`` fed by a new identity node ``name.pre`` through (1, 0)."""
    nb.add_node(f"{name}.pre")
    nb.add_node(name, "relu")
    nb.add_edge(f"{name}.pre", name, 1, 0, frozen=True)
    return f"{name}.pre"


def _variable(nb: NetworkBuilder, i: int) -> list[str]:
    v = nb.add_node(f"v{i}")
    nb.add_edge("s", v, 0, 0)
    nb.add_edge(v, _relu(nb, f"a{i}"), -1, 0, frozen=True)
    nb.add_edge(v, _relu(nb, f"b{i}"), 1, -1, frozen=True)
    nb.add_edge(v, _relu(nb, f"r{i}"), 2, -1, frozen=True)
    pre = _relu(nb, f"c{i}")
    nb.add_edge(v, pre, 1, 0, frozen=True)
    nb.add_edge(f"r{i}", pre, -1, 0, frozen=True)
    return [f"a{i}", f"b{i}", f"c{i}"]


def _clause(nb: NetworkBuilder, j: int, clause: Sequence[int]) -> None:
    pre = _relu(nb, f"k{j}")
    const = 1 - sum(1 for lit in clause if lit < 0)
    for q, lit in enumerate(clause):
        # parallel edges (x and ¬x in one clause) merge: weights add to 0
        bias = const if q == 0 else 0
        nb.add_edge(f"v{abs(lit)}", pre, -1 if lit > 0 else 1, bias, frozen=True, merge=True)


def gadget_network(cnf: CNF) -> tuple[Network, tuple[str, ...], dict[str, Any]]:
    """(network, output nodes, main-sample inputs) of R1 for ``cnf`` (frozen form)."""
    nb = NetworkBuilder()
    nb.add_node("s")
    outputs: list[str] = []
    for i in range(1, cnf.num_vars + 1):
        outputs += _variable(nb, i)
    inputs: dict[str, Any] = {"s": 1}
    for j, clause in enumerate(cnf.clauses, start=1):
        _clause(nb, j, clause)
        if not clause:
            inputs[f"k{j}.pre"] = 1
        outputs.append(f"k{j}")
    return nb.build(outputs), tuple(outputs), inputs


def _check_cnf(src: object) -> CNF:
    if not isinstance(src, CNF):
        raise InputTypeError(f"src: expected a CNF, got {type(src).__name__}")
    return src


def decided(instance: ERMInstance, oracles: Oracles) -> bool:
    """The exact answer of the piecewise-linear solver; VerificationFailed if undecided."""
    res = oracles.decide_erm(instance, "pattern")
    if res.decision is None:
        raise VerificationFailed(
            f"the piecewise-linear solver left the instance undecided: {res.explanation}"
        )
    return res.decision


def sat_models(cnf: CNF, oracles: Oracles) -> Iterator[Assignment]:
    """Some models of ``cnf`` (all of them by enumeration when n ≤ 12, else one by the
    SAT oracle)."""
    if cnf.num_vars <= 12:
        yield from (a for a in assignments(cnf.num_vars) if cnf.satisfied_by(a))
        return
    model = oracles.sat_model(cnf)
    if model is not None:
        yield tuple(lit > 0 for lit in model)


class SatToRelu(Reduction):
    """CNF φ ↦ R1 gadget network; φ satisfiable ⇔ some admissible θ has loss 0."""

    name: ClassVar[str] = "sat-to-relu"
    source_kind: ClassVar[str] = "cnf"
    target_kind: ClassVar[str] = "erm"
    counting: ClassVar[str] = "decision"
    summary: ClassVar[str] = "SAT → ReLU ERM_bit, direct gadgets (Thm 1.4 R1): SAT ⇔ OPT = 0"

    def __init__(self, pinned: bool = False) -> None:
        if not isinstance(pinned, bool):
            raise InputTypeError(f"pinned: expected a bool, got {pinned!r}")
        self.pinned = pinned

    def forward(self, src: CNF) -> SatReluInstance:
        cnf = _check_cnf(src)
        net, outputs, inputs = gadget_network(cnf)
        main = Sample.of(inputs, {o: 0 for o in outputs}, "squared")
        meta = {
            "reduction": self.name,
            "variables": cnf.num_vars,
            "clauses": cnf.num_clauses,
            "pinned": self.pinned,
            "bit_bound": "5n (lifted witness (t_i, 0) on (s, v_i))",
        }
        inst = ERMInstance(net, (main,), 0, 5 * cnf.num_vars, None, meta)
        if self.pinned:
            p = pin_instance(inst)
            inst = ERMInstance(
                p.network, p.samples, 0, p.bit_bound, None, {**meta, "pinning": p.meta}
            )
        return SatReluInstance(inst, cnf.num_vars, self.pinned)

    def lift(self, src: CNF, target: SatReluInstance, solution: Sequence[bool]) -> Witness:
        values = tuple(bool(v) for v in solution)
        if len(values) != target.num_vars:
            raise InputError(
                f"solution: expected {target.num_vars} truth values, got {len(values)}"
            )
        free = {target.edge(i): (int(v), 0) for i, v in enumerate(values, start=1)}
        base = target.instance.network.theta() if target.pinned else {}
        return Witness.of({**base, **free})

    def back(self, src: CNF, target: SatReluInstance, solution: Witness) -> Assignment:
        theta = target.instance.theta_of(solution)
        out = []
        for i in range(1, target.num_vars + 1):
            w, b = theta[target.edge(i)]
            t = w + b  # v_i has one in-edge: its value is w·1 + b
            if t not in (0, 1):
                raise InputError(
                    f"solution: t_{i} = w + b = {exact.fmt(t)} on edge s->v{i} is not 0 or 1, "
                    "so the witness does not have zero loss"
                )
            out.append(t == 1)
        return tuple(out)

    def claim(self, src: CNF) -> Claim:
        return Claim(
            statement="φ satisfiable ⇔ some θ with enc(θ) ≤ β has L(θ) = 0",
            relation="iff",
            source=lambda s, o: o.is_sat(s),
            target=lambda s, t, o: decided(t.instance, o),
            source_oracle="SAT solver (oracles.is_sat)",
            target_oracle="pattern search (SAT patterns + exact LP)",
        )

    def source_solutions(self, src: CNF, oracles: Oracles) -> Iterator[Assignment]:
        return sat_models(_check_cnf(src), oracles)

    def is_source_solution(self, src: CNF, solution: Sequence[bool]) -> bool:
        return src.satisfied_by(tuple(bool(v) for v in solution))

    def is_target_solution(self, target: SatReluInstance, solution: Witness) -> bool:
        return target.instance.accepts(solution)

    def target_solutions(
        self, src: CNF, target: SatReluInstance, oracles: Oracles
    ) -> Iterator[Witness]:
        res = oracles.decide_erm(target.instance, "pattern")
        if res.decision and res.witness is not None:
            yield res.witness
