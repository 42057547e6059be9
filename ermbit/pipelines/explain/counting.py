"""Exhibits of the polynomial chains: Kronecker polynomial, SLP, n_P, gadget, network, gradient.

docs: constructions/kronecker.md (N_φ, B, K, E*, Z_j), constructions/gadgets.md
(Lemma 3.1: x·y = Σ_r κ_r(σ(x+y+r) − σ(x+r) − σ(y+r))), constructions/slp-network.md
(Lemma 3.2: v_i carries a_i under θ*), constructions/backprop.md (Thm 1.3: ∂L/∂w_e* = a_0·n_P)
and constructions/bitslp-erm.md (Thm 1.1: bit loss on v_ℓ).
"""

from __future__ import annotations

from typing import Any

from ermbit import exact
from ermbit.cnf import CNF
from ermbit.pipelines.explain.blocks import (
    Exhibit,
    Listing,
    Math,
    Prose,
    Table,
    bit_window,
    cut,
    short,
)
from ermbit.pipelines.explain.netshow import drawing, layer_table

__all__ = ["gadget_exhibit", "show_backprop", "show_erm", "show_kronecker"]


def _lit(lit: int) -> tuple[str, str]:
    v = abs(lit)
    return (f"x{v}", f"x_{{{v}}}") if lit > 0 else (f"¬x{v}", rf"\lnot x_{{{v}}}")


def _zs(idx: list[int]) -> tuple[str, str]:
    if not idx:
        return "1", "1"
    return "·".join(f"Z{j}" for j in idx), r" ".join(f"Z_{{{j}}}" for j in idx)


def _polynomial(cnf: CNF) -> tuple[Exhibit, Math]:
    rows, pf, tf = [], [], []
    for i in range(1, cnf.num_vars + 1):
        t = [j for j, c in enumerate(cnf.clauses, 1) if i in c]
        f = [j for j, c in enumerate(cnf.clauses, 1) if -i in c]
        (tp, tt), (fp, ft) = _zs(t), _zs(f)
        rows.append((f"x{i}", tp, fp))
        pf.append(f"({tp} + {fp})")
        tf.append(f"({tt} + {ft})")
    for j, c in enumerate(cnf.clauses, 1):
        terms = ["1", f"Z{j}", *(f"Z{j}^{e}" for e in range(2, len(c)))][: len(c)]
        pf.append("(" + " + ".join(terms) + ")")
        tex = ["1", f"Z_{{{j}}}", *(f"Z_{{{j}}}^{{{e}}}" for e in range(2, len(c)))][: len(c)]
        tf.append("(" + " + ".join(tex) + ")")
    math = Math("N_φ = " + " · ".join(pf), r"N_\varphi = " + r" \cdot ".join(tf))
    table = Table(
        ("variable", "T_i (clauses with x_i)", "F_i (clauses with ¬x_i)"),
        tuple(rows),
        "Each literal brings the Z_j of every clause it occurs in.",
    )
    return Exhibit("The Kronecker polynomial", (table, math)), math


def show_kronecker(red: Any, src: CNF, target: Any) -> list[Exhibit]:
    """Formula, parameters, polynomial, SLP listing and n_P with the #SAT block marked."""
    from ermbit.reductions.sat_to_slp import kronecker_parameters, read_block
    from ermbit.slp import values

    base, width, e_star = kronecker_parameters(src)
    clauses = tuple(
        (f"C{j}", " ∨ ".join(_lit(lit)[0] for lit in c) or "⊥", str(len(c)), f"2^(K·B^{j - 1})")
        for j, c in enumerate(src.clauses, 1)
    )
    params = Exhibit(
        "Kronecker parameters",
        (
            Table(("clause", "literals", "k_j", "Z_j"), clauses),
            Math(
                f"B = 2·max k_j = {base},  K = n + Σ⌈log₂ k_j⌉ + 1 = {width},  "
                f"E* = Σ k_j·B^(j−1) = {e_star}",
                rf"B = 2\max_j k_j = {base},\quad K = n + \sum_j \lceil\log_2 k_j\rceil + 1"
                rf" = {width},\quad E^* = \sum_j k_j B^{{j-1}} = {e_star}",
            ),
        ),
    )
    poly, _ = _polynomial(src)
    slp = target.slp
    vals = values(slp)
    lines = [f"a0 = {short(slp.a0)}"] + [
        f"a{i} = a{g.j} {g.op} a{g.k}    = {short(vals[i])}" for i, g in enumerate(slp.gates, 1)
    ]
    shown, omitted, head = cut(lines)
    listing = Exhibit(
        f"The SLP ({slp.length} gates; the output n_P is a{slp.length})",
        (Listing(tuple(shown), "", omitted, head),),
    )
    n_p = vals[-1]
    count = read_block(n_p, target.offset, target.width)
    bits = bit_window(
        n_p,
        [(target.offset, target.width, "#SAT")],
        caption=f"n_P in binary: bits [K·E*, K·E* + K) = [{target.offset}, "
        f"{target.offset + target.width}) hold #SAT(φ)",
        reading=f"#SAT(φ) = {count}",
    )
    return [params, poly, listing, Exhibit("n_P in binary, the #SAT block marked", (bits,))]


def gadget_exhibit(gadget: Any, D: int) -> Exhibit:
    """Lemma 3.1 for the chosen σ: the identity with its κ, and one instance checked."""
    ks = [(r, k) for r, k in zip(gadget.shifts, gadget.kappa, strict=True) if k != 0]
    plain = " + ".join(f"({exact.fmt(k)})·(σ(x+y+{r}) − σ(x+{r}) − σ(y+{r}))" for r, k in ks)
    tex = " + ".join(
        rf"\left({_tex_q(k)}\right)\left(\sigma(x+y+{r}) - \sigma(x+{r}) - \sigma(y+{r})\right)"
        for r, k in ks
    )
    sq = " + ".join(f"({exact.fmt(2 * k)})·σ(x+{r})" for r, k in ks)
    sq_tex = " + ".join(rf"\left({_tex_q(2 * k)}\right)\sigma(x+{r})" for r, k in ks)
    table = Table(
        ("shift r", "κ_r", "D·κ_r (edge weight)"),
        tuple(
            (str(r), exact.fmt(k), exact.fmt(k * D))
            for r, k in zip(gadget.shifts, gadget.kappa, strict=True)
        ),
        f"D = {D}; the gadget's output edge into v_i has weight 1/D.",
    )
    from ermbit.network.activations import Polynomial

    x, y = exact.Q(3), exact.Q(-5)
    check = gadget.multiply(x, y)
    return Exhibit(
        "The multiplication gadget (Lemma 3.1)",
        (
            Prose(
                f"σ(z) = {Polynomial(gadget.coeffs)}; its shifts σ(z + r), r = 0..μ, span the "
                "polynomials of degree ≤ μ, so x·y and x² are combinations of them."
            ),
            Math("x·y = " + plain, r"x y = " + tex),
            Math("x² = " + sq, r"x^2 = " + sq_tex),
            table,
            Prose(
                f"Check at x = 3, y = −5: the right-hand side is {exact.fmt(check)} "
                f"({'correct' if check == x * y else 'WRONG'})."
            ),
        ),
    )


def _tex_q(q: Any) -> str:
    q = exact.parse(q)
    if q.denominator == 1:
        return exact.fmt(q)
    sign = "-" if q < 0 else ""
    return rf"{sign}\frac{{{abs(q.numerator)}}}{{{q.denominator}}}"


def show_backprop(red: Any, src: Any, target: Any) -> list[Exhibit]:
    """Gadget, network values under θ*, the loss and ∂L/∂w_e* with the queried bit marked."""
    inst = target.instance
    sn = target.built
    sample = inst.samples[0]
    p = inst.network.forward(sample.inputs)
    net_ex = Exhibit(
        "The network under θ* (every edge frozen but e*)",
        (
            Prose(
                f"Input: v0 = a0 = {short(sn.program.a0)}. Node v_i carries a_i; the queried "
                f"coordinate is the weight of e* = {inst.edge[0]} → {inst.edge[1]}, at (0, 0)."
            ),
            layer_table(inst.network, p.values, "Node values of the forward pass"),
        ),
    )
    loss = sample.repeat * sample.loss.value(p.values, sample.labels)
    grad = inst.gradient()
    q = int(inst.query)
    bit = exact.bit(grad, q)
    j = target.meta.get("source_bit", q)
    gbits = bit_window(
        grad.numerator,
        [(q, 1, "queried bit")],
        caption=f"∂L/∂w_e* = a0·n_P in binary; bit {q} = bit {j} of n_P",
        reading=f"bit {q} of the gradient = {bit}",
    )
    loss_ex = Exhibit(
        "The loss and the exact gradient",
        (
            Math(
                f"L(θ) = (B/2)·(w·n_P + a0)² = {short(loss)} at w = 0;  ∂L/∂w_e* = B·a0·n_P",
                r"L(\theta) = \tfrac{B}{2}(w\,n_P + a_0)^2 = "
                + _tex_q(loss)
                + r"\text{ at } w = 0,\qquad \partial L/\partial w_{e^*} = B\,a_0\,n_P",
            ),
            gbits,
        ),
    )
    pic = drawing(
        inst.network,
        "Drawing (red: the queried coordinate e* and the way the loss reaches it)",
        highlight=inst.edge,
        values=p.values,
    )
    return [gadget_exhibit(sn.gadget, sn.D), net_ex, loss_ex, pic]


def show_erm(red: Any, src: Any, target: Any) -> list[Exhibit]:
    """The pinned network, the main sample under θ*, the bit loss and its answer."""
    inst = target
    main = inst.samples[0]
    node, j = main.loss.node, main.loss.j
    p = inst.network.forward(main.inputs)
    out = p.values[node]
    free = len(inst.network.free_edges())
    prose = Prose(
        f"The Lemma 3.2 network with every edge pinned: {inst.network.num_nodes} nodes, "
        f"{inst.network.num_edges} edges ({free} trainable), {len(inst.samples) - 1} forcing "
        f"samples (each repeated {inst.meta.get('forcing_repeat')}×) fix θ = θ*. "
        f"Bit bound β = {inst.bit_bound}, enc(θ*) = {exact.enc(inst.network.theta())}."
    )
    obits = bit_window(
        out.numerator,
        [(j, 1, "bit j")],
        caption=f"ŷ at {node} under θ* (= n_P) in binary; the bit loss reads bit {j}",
        reading=f"bit {j} = {exact.bit(out, j)}, so L(θ*) = {exact.fmt(inst.loss())}",
    )
    return [
        Exhibit(
            "The promise ERM_bit instance",
            (prose, layer_table(inst.network, p.values, "Main sample, forward pass under θ*")),
        ),
        Exhibit("The bit loss", (obits,)),
        drawing(inst.network, "Drawing (dashed: frozen; solid: trainable)", values=p.values),
    ]
