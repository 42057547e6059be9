"""Worksheets: exercises on a freshly generated tiny instance, with a checked answer key.

``worksheet(chain, seed, fmt)`` draws a tiny satisfiable CNF from ``seed`` (3 variables,
2–3 clauses), builds the chain's objects and asks questions about them: which bit of n_P
holds bit 0 of #SAT, what value a node carries under θ*, whether a witness is admissible
under β, which assignment a zero-loss θ maps back to.  Every answer is computed by ermbit
*and* checked by a second, independent computation (brute force, direct evaluation of the
Kronecker product, the activation applied by hand); a failed check raises, so no key is
ever written that ermbit could not confirm.  Different seeds give different variants.

>>> ws = worksheet("kronecker", 1, "md")
>>> ws.answers[0].checked and "Exercise 1" in ws.exercises and "Exercise 1" in ws.key
True
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ermbit import exact
from ermbit.cnf import CNF
from ermbit.errors import InputError, VerificationFailed
from ermbit.pipelines.explain.chains import CHAINS
from ermbit.pipelines.explain.tex import document, tex_escape

__all__ = ["Answer", "Worksheet", "key_path", "tiny_cnf", "worksheet"]


@dataclass(frozen=True)
class Answer:
    """One exercise: the question, ermbit's answer, how it was checked, and the outcome."""

    question: str
    answer: str
    check: str
    checked: bool


@dataclass(frozen=True)
class Worksheet:
    chain: str
    seed: int
    cnf: CNF
    answers: tuple[Answer, ...]
    exercises: str
    key: str


def tiny_cnf(seed: int) -> CNF:
    """A satisfiable CNF on 3 variables with 2–3 clauses of 1–3 literals, drawn from ``seed``."""
    rng = random.Random(seed)
    while True:
        clauses = []
        for _ in range(rng.randint(2, 3)):
            vs = rng.sample(range(1, 4), rng.randint(2, 3) if rng.random() < 0.85 else 1)
            clauses.append(tuple(v if rng.random() < 0.5 else -v for v in sorted(vs)))
        cnf = CNF(3, tuple(clauses))
        if _count(cnf):
            return cnf


def _models(cnf: CNF) -> list[tuple[bool, ...]]:
    return [a for a in itertools.product((False, True), repeat=cnf.num_vars) if cnf.satisfied_by(a)]


def _count(cnf: CNF) -> int:
    return len(_models(cnf))


def _ok(question: str, answer: Any, check: str, holds: bool) -> Answer:
    if not holds:
        raise VerificationFailed(f"worksheet: the key for {question!r} failed its check: {check}")
    return Answer(question, str(answer), check, True)


def _assign(a: Sequence[bool]) -> str:
    return ", ".join(f"x{i}={int(v)}" for i, v in enumerate(a, 1))


# ----------------------------------------------------------------- counting chains


def _kronecker_direct(cnf: CNF, K: int, B: int) -> Any:
    """N_φ multiplied out from its definition (no SLP): the check of the SLP's value."""
    z = [exact.Z(2) ** (K * B**j) for j in range(cnf.num_clauses)]
    n = exact.Z(1)
    for i in range(1, cnf.num_vars + 1):
        t = f = exact.Z(1)
        for j, c in enumerate(cnf.clauses):
            t, f = (t * z[j] if i in c else t), (f * z[j] if -i in c else f)
        n *= t + f
    for j, c in enumerate(cnf.clauses):
        n *= sum((z[j] ** e for e in range(len(c))), exact.Z(0))
    return n


def _counting(chain: str, cnf: CNF, rng: random.Random) -> list[Answer]:
    from ermbit.checking.oracles import SolverOracles
    from ermbit.reductions import get
    from ermbit.reductions.sat_to_slp import kronecker_parameters, read_block
    from ermbit.slp import evaluate_int

    t = get("sat-to-slp").forward(cnf)
    B, K, E = kronecker_parameters(cnf)
    n_p = evaluate_int(t.slp)
    count = SolverOracles().count(cnf)
    out = [
        _ok(
            "How many satisfying assignments does φ have?",
            count,
            f"the model counter's {count} equals brute force over 8 assignments",
            count == _count(cnf),
        ),
        _ok(
            "Compute B, K and E* of the Kronecker substitution. Which bit of n_P holds bit 0 "
            "of #SAT(φ)?",
            f"B = {B}, K = {K}, E* = {E}; bit K·E* = {K * E}",
            f"bits [{K * E}, {K * E + K}) of the SLP's exact value read {count} = #SAT(φ)",
            read_block(n_p, K * E, K) == count and K * E == t.offset,
        ),
        _ok(
            "Write N_φ as a product of T_i + F_i and clause factors; how many bits has n_P?",
            f"{exact.bitlen(n_p)} bits",
            "the product multiplied out from its definition equals the SLP's value",
            _kronecker_direct(cnf, K, B) == n_p,
        ),
    ]
    if chain != "kronecker":
        out += _network_questions(chain, t, rng)
    return out


def _network_questions(chain: str, t: Any, rng: random.Random) -> list[Answer]:
    from ermbit.problems.queries import BitQuery
    from ermbit.reductions import get
    from ermbit.slp import values

    q = BitQuery(t.slp, t.offset)
    g = get("slp-to-backprop-bit").forward(q)
    sn, net = g.built, g.instance.network
    p = net.forward(sn.inputs())
    vals = values(sn.program)
    small = [i for i in range(1, sn.program.length + 1) if exact.bitlen(vals[i]) <= 24]
    i = rng.choice(small)
    v = sn.value_node[i]
    sig = [u for u in net.node_ids if str(net.activation(u).kind) == "poly"]
    sig = [u for u in sig if exact.size(p.values[u]) <= 40] or sig
    u = rng.choice(sig)
    (pre,) = [e.src for e in net.in_edges(u)]
    out = [
        _ok(
            f"Under θ*, with input a0 = {exact.fmt(sn.program.a0)}, what value does node {v} "
            "carry?",
            exact.fmt(p.values[v]),
            f"equals a{i} of the SLP, evaluated directly",
            p.values[v] == vals[i],
        ),
        _ok(
            f"What value does the σ node {u} carry (σ = {net.activation(u)})?",
            exact.fmt(p.values[u]),
            f"σ applied by hand to the value {exact.fmt(p.values[pre])} of its input node {pre}",
            p.values[u] == sn.activation(p.values[pre]),
        ),
    ]
    return [*out, _answer_question(chain, t, q, g)]


def _answer_question(chain: str, t: Any, q: Any, g: Any) -> Answer:
    """The chain's last object: the queried gradient bit, or the loss of θ* in ERM_bit."""
    from ermbit.reductions import get
    from ermbit.slp import bit

    expected = bit(t.slp, t.offset)
    if chain == "sharp-p-backprop":
        inst = g.instance
        return _ok(
            "Which bit of ∂L/∂w_e* does the Backprop-Bit instance ask for, and what is it?",
            f"bit {inst.query}, value {inst.answer()}",
            f"bit {t.offset} of n_P (read from the SLP) is {expected}",
            inst.answer() == expected,
        )
    e = get("bitslp-to-erm").forward(q)
    loss = e.loss()
    return _ok(
        "In the ERM_bit instance, what is the loss of θ*? Is OPT = 0?",
        f"L(θ*) = {exact.fmt(loss)}; OPT = 0: {'yes' if loss == 0 else 'no'}",
        f"L(θ*) = 0 exactly when bit {t.offset} of n_P is 1 (it is {expected})",
        (loss == 0) == (expected == 1),
    )


# --------------------------------------------------------------------- ReLU chains

#: ways to write t = w + b on an edge fed 1: t = 1, and t = 0 (some exceed β on purpose)
_SPLITS: dict[int, list[tuple[Any, Any]]] = {
    1: [(1, 0), (0, 1), (3, -2), ("1/2", "1/2"), (9, -8)],
    0: [(0, 0), (1, -1), (7, -7)],
}


def _size_by_hand(x: Any) -> int:
    """docs: model.md: size(p/q) = 1 + bitlen(|p|) + bitlen(q), in lowest terms."""
    from fractions import Fraction

    f = Fraction(str(x))
    return 1 + abs(f.numerator).bit_length() + f.denominator.bit_length()


def _relu(cnf: CNF, rng: random.Random) -> list[Answer]:
    from ermbit.network.erm import Witness
    from ermbit.reductions import get

    red = get("sat-to-relu")
    t = red.forward(cnf)
    inst = t.instance
    model = rng.choice(_models(cnf))
    theta: dict[tuple[str, str], tuple[Any, Any]] = {
        t.edge(i): rng.choice(_SPLITS[int(v)]) for i, v in enumerate(model, 1)
    }
    w = Witness.of(theta)
    enc = sum(_size_by_hand(x) for wb in theta.values() for x in wb)
    shown = "; ".join(f"s→v{k[1][1:]}: ({exact.fmt(a)}, {exact.fmt(b)})" for k, (a, b) in w.theta)
    out = [
        _ok(
            f"θ puts (w, b) = {shown} on the trainable edges. Is θ admissible under β = "
            f"{inst.bit_bound}?",
            f"enc(θ) = {enc}: {'admissible' if enc <= inst.bit_bound else 'not admissible'}",
            "enc(θ) summed by hand (1 + bitlen|p| + bitlen q per number) agrees with the "
            "instance's own admissibility test",
            inst.is_admissible(w) == (enc <= inst.bit_bound) and enc == exact.enc(theta),
        ),
    ]
    back = red.back(cnf, t, w)
    out.append(
        _ok(
            "This θ has loss 0. Which assignment does it map back to?",
            _assign(back),
            "t_i = w + b read by hand gives the same assignment, and it satisfies φ",
            back == model and cnf.satisfied_by(back) and inst.loss(w) == 0,
        )
    )
    p = inst.network.with_theta(inst.theta_of(w)).forward(inst.samples[0].inputs)
    relus = [v for v in inst.network.node_ids if str(inst.network.activation(v).kind) == "relu"]
    active = [v for v in relus if p.pre[v] > 0]
    by_hand = [f"r{i}" for i, v in enumerate(model, 1) if v]  # r_i = ReLU(2t_i − 1)
    out.append(
        _ok(
            "Which ReLU nodes are active (input > 0) under this θ?",
            ", ".join(active) or "none",
            "by hand: only r_i = ReLU(2t_i − 1) with t_i = 1 is active; every gadget "
            "output must be 0",
            sorted(active) == sorted(by_hand),
        )
    )
    return out


def _relu2(cnf: CNF, rng: random.Random) -> list[Answer]:
    from ermbit.problems.nae import nae_satisfied
    from ermbit.problems.splitting import is_split
    from ermbit.reductions.splitting_to_relu import SatToRelu2

    composite = SatToRelu2()  # sat-to-nae, nae-to-splitting, splitting-to-relu2
    chained = composite.forward(cnf)
    nae, sp = chained.chain
    target = chained.final
    model = rng.choice(_models(cnf))
    _, side, w = composite.lifts(cnf, chained, model)  # the split is shown
    n_nae = sum(nae_satisfied(nae, a) for a in itertools.product((False, True), repeat=4))
    back = composite.back(cnf, chained, w)
    s1 = ", ".join(_lit(e) for e, s in enumerate(side) if s == 0)
    ev = target.instance.evaluate(w)
    return [
        _ok(
            "Add z = x4 to every clause. How many NAE models has φ'?",
            n_nae,
            f"brute force: 2·#SAT(φ) = 2·{_count(cnf)}",
            n_nae == 2 * _count(cnf),
        ),
        _ok(
            f"Which split (S₁ = the true literals) does the model {_assign(model)} give?",
            f"S₁ = {{{s1}}}",
            "every set of the splitting instance meets both parts",
            is_split(sp, side),
        ),
        _ok(
            "The lifted first layer has loss 0. Is it admissible, and which assignment of φ "
            "does it map back to?",
            f"enc(θ) = {ev.enc_bits} ≤ β = {ev.bit_bound}; {_assign(back)}",
            "loss 0 and admissible by exact evaluation; the assignment satisfies φ",
            ev.accepted and ev.loss == 0 and cnf.satisfied_by(back) and back == model,
        ),
    ]


def _lit(e: int) -> str:
    return f"x{e // 2 + 1}" if e % 2 == 0 else f"¬x{e // 2 + 1}"


_MAKERS: dict[str, Callable[[str, CNF, random.Random], list[Answer]]] = {
    "kronecker": _counting,
    "sharp-p-backprop": _counting,
    "sharp-p-erm": _counting,
    "np-relu": lambda c, f, r: _relu(f, r),
    "np-relu2": lambda c, f, r: _relu2(f, r),
}


def worksheet(chain: str, seed: int, fmt: str = "md") -> Worksheet:
    """Exercises and a checked key for ``chain`` on the tiny CNF of ``seed``.

    Raises
    ------
    InputError
        Unknown chain, or ``fmt`` not ``md`` / ``latex``.
    VerificationFailed
        If an answer fails its independent check (the key is then not produced).
    """
    if chain not in CHAINS:
        raise InputError(f"chain: unknown {chain!r}; known: {', '.join(CHAINS)}")
    if fmt not in ("md", "latex"):
        raise InputError(f"fmt: a worksheet is md or latex, got {fmt!r}")
    cnf = tiny_cnf(seed)
    answers = tuple(_MAKERS[chain](chain, cnf, random.Random(f"{chain}/{seed}")))
    ex, key = _write(chain, seed, cnf, answers, fmt)
    return Worksheet(chain, seed, cnf, answers, ex, key)


def key_path(path: str) -> str:
    """``sheet.md`` → ``sheet-key.md``."""
    stem, dot, ext = path.rpartition(".")
    return f"{stem}-key.{ext}" if dot and "/" not in ext else f"{path}-key"


def _write(
    chain: str, seed: int, cnf: CNF, answers: tuple[Answer, ...], fmt: str
) -> tuple[str, str]:
    title = f"ermbit worksheet: chain {chain}, variant {seed}"
    intro = f"{CHAINS[chain][0]}. The formula: φ = {cnf}."
    if fmt == "md":
        ex = [f"# {title}", "", intro, ""]
        key = [f"# Answer key: chain {chain}, variant {seed}", "", f"φ = {cnf}", ""]
        for i, a in enumerate(answers, 1):
            ex += [f"**Exercise {i}.** {a.question}", ""]
            key += [f"**Exercise {i}.** {a.answer}  ", f"*Checked:* {a.check} ✓", ""]
        return "\n".join(ex), "\n".join(key)
    ex_body = [tex_escape(intro), r"\begin{enumerate}"]
    key_body = [tex_escape(f"φ = {cnf}"), r"\begin{enumerate}"]
    for i, a in enumerate(answers, 1):
        ex_body.append(rf"\item \textbf{{Exercise {i}.}} {tex_escape(a.question)}\vspace{{3em}}")
        key_body.append(
            rf"\item \textbf{{Exercise {i}.}} {tex_escape(a.answer)}\par"
            rf"\emph{{Checked: {tex_escape(a.check)}.}}"
        )
    ex_body.append(r"\end{enumerate}")
    key_body.append(r"\end{enumerate}")
    return (
        document("\n".join(ex_body), title),
        document("\n".join(key_body), f"Answer key: chain {chain}, variant {seed}"),
    )
