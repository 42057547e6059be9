"""A catalogue of small training problems with known answers (family ``training``).

``ermbit gen training name=NAME -o FILE`` writes one as an ``erm`` instance.  Each
:class:`TrainingRecord` states the answer at its β, the least bit bound ``min_bits``
(least β' ≤ β with a witness; None if there is none) and **why it is known**: a proof
(below) or two independent methods agreeing -- the general solver
(:mod:`ermbit.solvers.erm.general`) and plain enumeration of the finite domain
(:mod:`ermbit.solvers.erm._general_enum`), which share only the model's forward pass;
``tests/test_training_catalogue.py`` re-checks every record with both (enumeration
where the domain is small enough, marked slow above that).

Networks: inputs ``x1, x2[, x3]`` (identity sources), one hidden layer of H units
``h0…`` with σ, an identity output ``y``; every edge trainable, weights and biases
initialised to 0 (solvers never read them).  Data: every point of {0, 1}^n, squared
loss, γ = 0 unless said otherwise.

Proofs used by the records:

* **XOR with one ReLU unit is infeasible over ℝ.**  With y = a·relu(z) + c and z affine,
  z00 + z11 = z01 + z10.  Fitting y00 = y11 = 0, y01 = y10 = 1 needs a ≠ 0, relu(z00) =
  relu(z11) = r and relu(z01) = relu(z10) = r + 1/a.  If r > 0 and r + 1/a > 0 the four z
  equal their relu values, so 2r = 2r + 2/a, impossible; if r > 0 = r + 1/a then
  z01 + z10 ≤ 0 < 2r = z00 + z11; if r = 0 then 1/a > 0 and z01 + z10 = 2/a > 0 ≥ z00 + z11.
* **Parity-3 and majority-3 are not sums of squares of affine forms.**  On {0, 1}^3 every
  function is a unique multilinear polynomial, and (affine)² reduces (x_i² = x_i) to
  degree ≤ 2; parity-3 (coefficient 4 on x1x2x3) and majority-3 (coefficient −2) have
  degree 3, so no one-hidden-layer z² network with identity output fits them, whatever
  the widths and bits.
* **XOR with one z² unit**: y = (x1 − x2)² costs 5 + 5 bits into h0 (w = ±1, b = 0) and
  5 bits out, 15 in all; no θ of 14 bits fits (both methods).
* **Majority-3 with two ReLU units**: with s = x1 + x2 + x3, relu(s − 1) − relu(s − 2) is
  0, 0, 1, 1 at s = 0, 1, 2, 3.  As θ: every in-weight 1, bias −1 on (x1, h0) and −2 on
  (x1, h1), out-weights 1 and −1, every other bias 0.  With size(±1) = 3, size(0) = 2,
  size(−2) = 4: enc = (6 + 5 + 5) + (7 + 5 + 5) + 5 + 5 = 43 (the tests evaluate it).
  The least β is not known.
* **Parity-3 with two ReLU units is infeasible over ℝ**, by two independent methods: the
  general solver's real relaxation (for each sign of the two out-weights -- a unit's
  |out-weight| scales into its in-weights -- every choice of pieces is refuted by a
  Farkas certificate it checks) and z3's exact nonlinear real arithmetic (QF_NRA,
  ``tests/instances/test_training_catalogue.py``, slow).
* **A line**: ``fit-line`` has two points, so (w, b) = (4/3, 1) is forced and enc =
  size(4/3) + size(1) = 6 + 3 = 9 exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import product
from typing import Any

from ermbit.errors import InputError
from ermbit.network.erm import ERMInstance, Loss, Sample
from ermbit.network.model import Network

__all__ = ["CATALOGUE", "TrainingRecord", "training", "training_names"]


def _layered(n_in: int, hidden: int, act: str) -> Network:
    xs = [f"x{i + 1}" for i in range(n_in)]
    hs = [f"h{j}" for j in range(hidden)]
    nodes = {**{x: "id" for x in xs}, **{h: act for h in hs}, "y": "id"}
    if hidden:
        edges = [(x, h, 0, 0) for h in hs for x in xs] + [(h, "y", 0, 0) for h in hs]
    else:
        edges = [(x, "y", 0, 0) for x in xs]
    return Network.from_specs(nodes, edges, ["y"])


def _boolean(
    n_in: int, hidden: int, act: str, fn: Callable[..., Any], beta: int, loss: str = "squared"
) -> ERMInstance:
    data = []
    for bits in product((0, 1), repeat=n_in):
        x = {f"x{i + 1}": b for i, b in enumerate(bits)}
        data.append(Sample.of(x, {"y": fn(*bits)}, Loss(loss)))
    return ERMInstance(_layered(n_in, hidden, act), tuple(data), 0, beta)


def _one_d(hidden: int, act: str, points: list[tuple[Any, Any]], beta: int) -> ERMInstance:
    nodes = {"x1": "id", **{f"h{j}": act for j in range(hidden)}, "y": "id"}
    if hidden:
        edges = [("x1", f"h{j}", 0, 0) for j in range(hidden)]
        edges += [(f"h{j}", "y", 0, 0) for j in range(hidden)]
    else:
        edges = [("x1", "y", 0, 0)]
    net = Network.from_specs(nodes, edges, ["y"])
    data = tuple(Sample.of({"x1": x}, {"y": y}) for x, y in points)
    return ERMInstance(net, data, 0, beta)


#: The planted teacher: 2 inputs, 1 hidden unit, θ* below; labels are its outputs.
TEACHER_THETA = {("x1", "h0"): (2, -1), ("x2", "h0"): (-1, 0), ("h0", "y"): ("1/2", 1)}


def _teacher(act: str, beta: int) -> ERMInstance:
    net = _layered(2, 1, act).with_theta(TEACHER_THETA)
    data = []
    for x1, x2 in product((-1, 0, 1, 2), repeat=2):
        out = net.forward({"x1": x1, "x2": x2}).output[0]
        data.append(Sample.of({"x1": x1, "x2": x2}, {"y": out}))
    student = _layered(2, 1, act)
    return ERMInstance(student, tuple(data), 0, beta, meta={"teacher": "TEACHER_THETA"})


def _xor(a: int, b: int) -> int:
    return a ^ b


def _and(a: int, b: int) -> int:
    return a & b


def _or(a: int, b: int) -> int:
    return a | b


def _signed_and(a: int, b: int) -> int:
    return 2 * (a & b) - 1


def _maj3(a: int, b: int, c: int) -> int:
    return int(a + b + c >= 2)


def _par3(a: int, b: int, c: int) -> int:
    return (a + b + c) % 2


AGREE = "the general solver and exhaustive enumeration agree"
SOLVER = "the general solver (complete search; NO at β' − 1 proves the minimum)"


@dataclass(frozen=True)
class TrainingRecord:
    """One catalogue entry: the instance at ``beta`` and what is known about it.

    ``decision`` is the answer at ``beta``; ``min_bits`` the least β' ≤ β with a witness
    (None: for a NO record, there is none up to β; for a YES record, not determined --
    the ``why`` says so); ``why`` the reason it is known; ``enumerable``
    whether plain enumeration of the domain is feasible (seconds to a minute);
    ``heavy`` whether proving ``min_bits`` takes more than a few seconds.
    """

    name: str
    build: Callable[[int], ERMInstance]
    beta: int
    decision: bool
    min_bits: int | None
    why: str
    enumerable: bool = False
    heavy: bool = False

    def instance(self, beta: int | None = None) -> ERMInstance:
        """The instance at ``beta`` (default: the record's β)."""
        return self.build(self.beta if beta is None else beta)


def _b(n: int, h: int, act: str, fn: Callable[..., Any], loss: str = "squared") -> Any:
    return lambda beta: _boolean(n, h, act, fn, beta, loss)


def _d(h: int, act: str, pts: list[tuple[Any, Any]]) -> Any:
    return lambda beta: _one_d(h, act, pts, beta)


_R = TrainingRecord
_LINE = [(1, "7/3"), (2, "11/3")]
_RAMP = [(-1, 0), (0, 0), (1, 1), (2, 2)]
_ABS = [(-2, 2), (-1, 1), (0, 0), (1, 1), (2, 2)]
_SQ = [(-1, 1), (0, 0), (1, 1), (2, 4)]
_PROOF = "proof in the module docstring"
#: The catalogue, by name.
CATALOGUE: dict[str, TrainingRecord] = {
    r.name: r
    for r in [
        _R("xor-relu-1", _b(2, 1, "relu", _xor), 18, False, None, f"infeasible over ℝ: {_PROOF}"),
        _R("xor-relu-2", _b(2, 2, "relu", _xor), 30, True, 30, SOLVER, heavy=True),
        _R("xor-relu-2-below", _b(2, 2, "relu", _xor), 29, False, None, SOLVER),
        _R("xor-z2-1", _b(2, 1, "z**2", _xor), 16, True, 15, f"{_PROOF}; {AGREE}", True),
        _R("and-relu-1", _b(2, 1, "relu", _and), 17, True, 16, AGREE, True),
        _R("and-z2-1", _b(2, 1, "z**2", _and), 24, True, 22, SOLVER, heavy=True),
        _R("or-relu-1", _b(2, 1, "relu", _or), 17, True, 17, AGREE, True),
        _R(
            "or-z2-1",
            _b(2, 1, "z**2", _or),
            26,
            True,
            None,
            "witness verified at β = 26; the minimum is 25 or 26: min-bits search answered "
            "every β' < 25 NO (15 minutes, not repeated in the tests)",
            heavy=True,
        ),
        _R("and-hinge-linear", _b(2, 0, "id", _signed_and, "hinge"), 15, True, 14, AGREE, True),
        _R("maj3-relu-1", _b(3, 1, "relu", _maj3), 19, False, None, f"infeasible over ℝ: {_PROOF}"),
        _R("maj3-z2-1", _b(3, 1, "z**2", _maj3), 19, False, None, f"infeasible over ℝ: {_PROOF}"),
        _R("maj3-relu-2", _b(3, 2, "relu", _maj3), 43, True, None, f"witness: {_PROOF}"),
        _R("par3-relu-1", _b(3, 1, "relu", _par3), 19, False, None, f"infeasible over ℝ: {_PROOF}"),
        _R("par3-relu-2", _b(3, 2, "relu", _par3), 40, False, None, f"infeasible over ℝ: {_PROOF}"),
        _R("par3-z2-1", _b(3, 1, "z**2", _par3), 19, False, None, f"infeasible over ℝ: {_PROOF}"),
        _R("fit-line", _d(0, "id", _LINE), 9, True, 9, f"{_PROOF}; {AGREE}", True),
        _R("fit-line-below", _d(0, "id", _LINE), 8, False, None, f"{_PROOF}; {AGREE}", True),
        _R("fit-ramp-relu-1", _d(1, "relu", _RAMP), 12, True, 10, AGREE, True),
        _R("fit-abs-relu-2", _d(2, "relu", _ABS), 20, True, 20, SOLVER),
        _R("fit-square-z2-1", _d(1, "z**2", _SQ), 12, True, 10, AGREE, True),
        _R("teacher-relu", lambda beta: _teacher("relu", beta), 20, True, 19, SOLVER, heavy=True),
        _R("teacher-z2", lambda beta: _teacher("z**2", beta), 20, True, 19, SOLVER, heavy=True),
    ]
}


def training_names() -> tuple[str, ...]:
    """The names of the catalogue's records."""
    return tuple(CATALOGUE)


def training(name: str, beta: int | None = None) -> ERMInstance:
    """The catalogue instance ``name`` (at its record's β unless ``beta`` is given).

    >>> inst = training("xor-z2-1")
    >>> inst.bit_bound, len(inst.samples), inst.network.free_edges()
    (16, 4, (('x1', 'h0'), ('x2', 'h0'), ('h0', 'y')))
    """
    if name not in CATALOGUE:
        raise InputError(f"name: unknown training problem {name!r}; known: {', '.join(CATALOGUE)}")
    if beta is not None and beta < 0:
        raise InputError(f"beta: must be ≥ 0, got {beta}")
    return CATALOGUE[name].instance(beta)
