"""Float gradient descent on the paper's instances, against exact answers.

**This module contains floating-point code on purpose** (NumPy float64; the optional
extra ``float``).  Two tables:

* **Training** (:func:`training_study`): the R1/R2 networks of random 3-CNF φ
  (``sat-to-relu``, ``sat-to-relu2``), written as ReLU networks *in θ* (the samples are
  constants; :func:`ermbit.export.vnncomp.theta_network`), trained by Adam on the squared
  loss from many seeded random initialisations.  A run *reaches zero loss* only if its θ,
  rounded to simplest rationals, has loss exactly 0 under the NP verifier.  The fraction
  of such runs is set against the satisfiability of φ: a satisfiable φ may still defeat
  gradient descent, an unsatisfiable one never yields a verified run.
* **Gradients** (:func:`gradient_study`): Backprop-Bit/Sign instances of growing size
  (``3^(2^L)`` by L squarings, bit 0; and the sign of ``1 − c`` computed from huge values),
  float64 reverse mode (:func:`ermbit.studies.float_vs_exact.float_edge_gradient`) against
  the exact gradient: bit and sign agreement, inf/nan, underflow to 0 -- the exploding and
  vanishing gradients of the paper, in the arithmetic frameworks use.

PyTorch is not used here: the NumPy path computes the same float64 operations.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ermbit import exact
from ermbit.cnf import CNF
from ermbit.export._common import parameters
from ermbit.export.mps import witness_from_solution
from ermbit.export.vnncomp import theta_network
from ermbit.instances import generate
from ermbit.network.erm import ERMInstance
from ermbit.reductions.sat_to_relu import SatToRelu
from ermbit.reductions.splitting_to_relu import SatToRelu2
from ermbit.studies.float_vs_exact import _numpy, cancellation, float_edge_gradient, square_chain

__all__ = [
    "format_gradients",
    "format_training",
    "gradient_study",
    "GradRow",
    "plot",
    "train_runs",
    "training_study",
    "TrainRow",
]


@dataclass(frozen=True)
class TrainRow:
    """One formula: family, n, m, seed, satisfiable, runs, verified zero-loss runs."""

    family: str
    n: int
    m: int
    seed: int
    satisfiable: bool
    runs: int
    reached: int
    best_float_loss: float


def _matrices(inst: ERMInstance) -> tuple[list[tuple[Any, Any]], tuple[Any, Any], Any, Any]:
    """Float64 layers ``(W, c)``, the output map, labels and repeats (FLOAT)."""
    np = _numpy()
    layers, outs, labels, col = theta_network(inst)

    def mat(forms: list[dict[int, Any]], rows: int) -> tuple[Any, Any]:
        w, c = np.zeros((rows, len(forms))), np.zeros(len(forms))
        for j, z in enumerate(forms):
            for k, v in z.items():
                if k < 0:
                    c[j] = float(v)
                else:
                    w[col[k], j] = float(v)
        return w, c

    width, mats = len(parameters(inst)), []
    for layer in layers:
        mats.append(mat(layer, width))
        width += len(layer)
    reps = np.array([s.repeat for s in inst.samples for _ in s.y], dtype=float)
    return mats, mat(outs, width), np.array([float(t) for _, t in labels]), reps


def _loss_grad(theta: Any, mats: Any, out: Any, y: Any, rep: Any) -> tuple[float, Any]:
    """Squared loss and its gradient in θ by reverse mode (FLOAT)."""
    np = _numpy()
    s, pres = theta, []
    for w, c in mats:
        pre = s @ w + c
        pres.append(pre)
        s = np.concatenate([s, np.maximum(pre, 0.0)])
    diff = s @ out[0] + out[1] - y
    ds = out[0] @ (2.0 * rep * diff)
    for (w, _), pre in zip(reversed(mats), reversed(pres), strict=True):
        k = len(pre)
        dpre = ds[-k:] * (pre > 0)
        ds = ds[:-k] + w @ dpre
    return float(rep @ diff**2), ds


def train_runs(
    inst: ERMInstance, runs: int, *, steps: int = 1500, lr: float = 0.05, seed: int = 0
) -> tuple[int, float]:
    """(runs whose rounded θ has exact zero loss, best float loss) over seeded Adam runs."""
    np = _numpy()
    mats, out, y, rep = _matrices(inst)
    names = [p.name for p in parameters(inst)]
    reached, best = 0, math.inf
    for r in range(runs):
        rng = np.random.default_rng([seed, r])
        theta = rng.uniform(-1.0, 1.0, len(names))
        m1, m2 = np.zeros_like(theta), np.zeros_like(theta)
        loss = math.inf
        for t in range(1, steps + 1):
            loss, g = _loss_grad(theta, mats, out, y, rep)
            if loss < 1e-14:
                break
            m1 = 0.9 * m1 + 0.1 * g
            m2 = 0.999 * m2 + 0.001 * g * g
            theta = theta - lr * (m1 / (1 - 0.9**t)) / (np.sqrt(m2 / (1 - 0.999**t)) + 1e-12)
        best = min(best, loss)
        values = dict(zip(names, (float(v) for v in theta), strict=True))
        wit, _ = witness_from_solution(inst, values, tolerances=(1e-9, 1e-6, 1e-3))
        if inst.evaluate(wit).loss == 0:
            reached += 1
    return reached, best


def training_study(
    sizes: Sequence[int] = (4, 6),
    *,
    seeds: Sequence[int] = (0, 1, 2),
    runs: int = 8,
    steps: int = 1500,
    families: Sequence[str] = ("sat-to-relu", "sat-to-relu2"),
    progress: Callable[[int, int], None] | None = None,
) -> list[TrainRow]:
    """One row per (family, n, seed): random 3-CNF at ratio 4.26, ``runs`` inits each."""
    from ermbit.solvers.sat.cdcl import is_satisfiable

    reds = {"sat-to-relu": SatToRelu(), "sat-to-relu2": SatToRelu2()}
    jobs = [(f, n, s) for f in families for n in sizes for s in seeds]
    rows = []
    for k, (fam, n, seed) in enumerate(jobs):
        m = int(exact.Z(round(n * exact.parse("213/50"))))
        cnf = generate("random-kcnf", {"n": str(n), "m": str(m), "k": "3"}, seed=seed)
        assert isinstance(cnf, CNF)
        inst = reds[fam].forward(cnf).instance
        reached, best = train_runs(inst, runs, steps=steps, seed=seed)
        rows.append(TrainRow(fam, n, m, seed, is_satisfiable(cnf), runs, reached, best))
        if progress:
            progress(k + 1, len(jobs))
    return rows


@dataclass(frozen=True)
class GradRow:
    """One gradient instance: exact size and answer, float64 value, status and agreement."""

    instance: str
    query: str
    exact_bits: int
    exact_answer: int
    float_gradient: float
    status: str
    float_answer: int | None
    agrees: bool


def _status(g: float, exact_g: Any) -> str:
    if math.isnan(g):
        return "nan"
    if math.isinf(g):
        return "inf (overflow)"
    if g == 0 and exact_g != 0:
        return "0 (underflow/cancel)"
    return "exact" if Fraction(g) == exact.to_fraction(exact_g) else "rounded"


def gradient_study(levels: Sequence[int] = (2, 4, 6, 8, 10), sigma: str = "z**2") -> list[GradRow]:
    """Float64 against exact on Backprop-Bit (bit 0 of 3^(2^L)) and Backprop-Sign
    (the sign of 1 − 2 = −1 computed through 3^(2^L)), for each L."""
    from ermbit.problems.queries import BitQuery
    from ermbit.reductions.backprop import PosSlpToBackpropSign, SlpToBackpropBit
    from ermbit.studies.float_vs_exact import float_bit

    rows = []
    for level in levels:
        cases = [
            (f"square3-{level}", SlpToBackpropBit(sigma).forward(BitQuery(square_chain(level), 0))),
            (f"cancel-{level}", PosSlpToBackpropSign(sigma).forward(cancellation(level, 2))),
        ]
        for name, t in cases:
            inst = t.instance
            g_exact = inst.gradient(budget_bits=1 << 24)
            answer = inst.answer(budget_bits=1 << 24)
            g = float_edge_gradient(inst.network, inst.samples, inst.edge)
            if inst.query == "sign":
                got = None if math.isnan(g) else (g > 0) - (g < 0)
                query = "sign"
            else:
                got = float_bit(g, int(inst.query))
                query = f"bit {inst.query}"
            rows.append(
                GradRow(
                    name,
                    query,
                    exact.size(g_exact),
                    answer,
                    g,
                    _status(g, g_exact),
                    got,
                    got == answer,
                )
            )
    return rows


def format_training(rows: Sequence[TrainRow]) -> str:
    head = ["family", "n", "m", "seed", "SAT", "runs", "zero loss (verified)", "best float loss"]
    body = [
        [r.family, str(r.n), str(r.m), str(r.seed), "yes" if r.satisfiable else "no", str(r.runs),
         f"{r.reached}/{r.runs}", f"{r.best_float_loss:.3g}"]
        for r in rows
    ]  # fmt: skip
    return _table(head, body)


def format_gradients(rows: Sequence[GradRow]) -> str:
    head = ["instance", "query", "exact bits", "exact", "float64", "status", "float", "agrees"]
    body = [
        [r.instance, r.query, str(r.exact_bits), str(r.exact_answer), f"{r.float_gradient:.4g}",
         r.status, "—" if r.float_answer is None else str(r.float_answer),
         "yes" if r.agrees else "NO"]
        for r in rows
    ]  # fmt: skip
    return _table(head, body)


def _table(head: list[str], body: list[list[str]]) -> str:
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    out = ["  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True))]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.rjust(w) for c, w in zip(x, widths, strict=True)) for x in body]
    return "\n".join(out)


def plot(train: Sequence[TrainRow], grads: Sequence[GradRow], path: str) -> None:
    """Left: fraction of verified zero-loss runs vs n (SAT and UNSAT formulas apart);
    right: exact gradient size vs instance, float64 failures marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4))
    for fam in sorted({r.family for r in train}):
        for sat in (True, False):
            sub = [r for r in train if r.family == fam and r.satisfiable == sat]
            ns = sorted({r.n for r in sub})
            if not ns:
                continue
            ys = [
                sum(r.reached for r in sub if r.n == n) / sum(r.runs for r in sub if r.n == n)
                for n in ns
            ]
            a.plot(ns, ys, marker="o", label=f"{fam}, {'SAT' if sat else 'UNSAT'}")
    a.set_xlabel("n")
    a.set_ylabel("fraction of runs with verified zero loss")
    a.legend()
    xs = list(range(len(grads)))
    b.bar(xs, [g.exact_bits for g in grads], color=["g" if g.agrees else "r" for g in grads])
    b.set_yscale("log")
    b.set_xticks(xs, [g.instance for g in grads], rotation=60, fontsize=7)
    b.set_ylabel("exact gradient size (bits); red: float64 wrong")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
