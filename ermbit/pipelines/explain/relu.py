"""Exhibits of the ReLU chains: gadget tables, witnesses, activation patterns, NAE and splits.

docs: constructions/sat-relu.md (R1: per-variable gadgets a_i, b_i, c_i and per-clause
k_j, Thm 1.4) and constructions/sat-relu2.md (R2: SAT → NAE-SAT → set splitting → the
classical 2-ReLU data set).  The witness shown is the lift of the first model in
lexicographic order (found by brute force: a walkthrough input has at most 6 variables).
"""

from __future__ import annotations

import itertools
from typing import Any

from ermbit import exact
from ermbit.cnf import CNF
from ermbit.pipelines.explain.blocks import Exhibit, Prose, Table, cut, short
from ermbit.pipelines.explain.netshow import drawing

__all__ = ["first_model", "groups_of", "show_nae", "show_relu", "show_relu2", "show_splitting"]


def first_model(cnf: CNF, nae: bool = False) -> tuple[bool, ...] | None:
    """The first (NAE-)model of ``cnf`` in lexicographic order, or None."""
    from ermbit.problems.nae import NAEFormula, nae_satisfied

    for a in itertools.product((False, True), repeat=cnf.num_vars):
        if nae_satisfied(NAEFormula(cnf), a) if nae else cnf.satisfied_by(a):
            return a
    return None


def _lit(lit: int) -> str:
    return f"x{lit}" if lit > 0 else f"¬x{-lit}"


def _assign(a: tuple[bool, ...]) -> str:
    return ", ".join(f"x{i}={int(v)}" for i, v in enumerate(a, 1))


def _relu_groups(n: int, m: int) -> dict[str, str]:
    g = {}
    for i in range(1, n + 1):
        for v in (f"v{i}", *(f"{p}{i}{s}" for p in "abcr" for s in ("", ".pre"))):
            g[v] = f"variable x{i}"
    for j in range(1, m + 1):
        g[f"k{j}"] = g[f"k{j}.pre"] = f"clause C{j}"
    return g


_UNITS = {"h1": "unit 1", "r1": "unit 1", "h2": "unit 2", "r2": "unit 2"}


def groups_of(reduction: str, target: Any) -> dict[str, str] | None:
    """The gadget clusters of the network a ReLU reduction builds (None: default groups)."""
    if reduction == "sat-to-relu":
        return _relu_groups(target.num_vars, int(target.instance.meta.get("clauses", 0)))
    if reduction == "splitting-to-relu2":
        return dict(_UNITS)
    return None


def _pattern(net: Any, p: Any, caption: str) -> Table:
    rows = []
    for v in net.node_ids:
        if str(net.activation(v).kind) == "relu":
            z = p.pre[v]
            rows.append((v, short(z), short(p.values[v]), "active" if z > 0 else "off"))
    shown, omitted, head = cut(rows)
    return Table(("ReLU node", "input", "output", "state"), tuple(shown), caption, omitted, head)


def _gadget_tables(src: CNF) -> Exhibit:
    var_rows = tuple(
        (f"x{i}", f"a{i} = ReLU(−t{i})", f"b{i} = ReLU(t{i} − 1)", f"c{i} = ReLU(t{i} − r{i})")
        for i in range(1, src.num_vars + 1)
    )
    gadgets = Table(
        ("variable", "t ≥ 0", "t ≤ 1", "t ∉ (0, 1), r = ReLU(2t − 1)"),
        var_rows,
        "t_i = w + b on the trainable edge s → v_i; every gadget must output 0.",
    )
    cl_rows = tuple(
        (
            f"C{j}",
            " ∨ ".join(map(_lit, c)) or "⊥",
            f"k{j} = ReLU(1 − ({' + '.join(f't{l}' if l > 0 else f'(1 − t{-l})' for l in c)}))",
        )
        for j, c in enumerate(src.clauses, 1)
    )
    clauses = Table(("clause", "literals", "gadget (must output 0)"), cl_rows)
    return Exhibit("Gadgets per variable and per clause", (gadgets, clauses))


def _enc_text(ev: Any) -> str:
    rel, verdict = ("≤", "admissible") if ev.admissible else (">", "NOT admissible")
    return (
        f"L(θ) = {exact.fmt(ev.loss)}, enc(θ) = {ev.enc_bits} {rel} β = {ev.bit_bound}: {verdict}"
    )


def show_relu(red: Any, src: CNF, target: Any) -> list[Exhibit]:
    """R1: gadget table per variable and clause; the witness and its activation pattern."""
    inst = target.instance
    out = [_gadget_tables(src)]
    model = first_model(src)
    if model is None:
        out.append(Exhibit("No witness", (Prose("φ is unsatisfiable: no θ has loss 0."),)))
        return out
    w = red.lift(src, target, model)
    net = inst.network.with_theta(inst.theta_of(w))
    p = net.forward(inst.samples[0].inputs)
    free = tuple(
        (f"{k[0]} → {k[1]}", exact.fmt(wb[0]), exact.fmt(wb[1]), exact.fmt(wb[0] + wb[1]))
        for k, wb in sorted(w.as_dict().items())
        if k in set(inst.network.free_edges())
    )
    back = red.back(src, target, w)
    out.append(
        Exhibit(
            f"The witness of the model {_assign(model)}",
            (
                Table(("trainable edge", "w", "b", "t = w + b"), free),
                Prose(f"{_enc_text(inst.evaluate(w))}. back(θ) = {_assign(back)}."),
                _pattern(net, p, "The activation pattern of the witness (input = pre-activation)"),
            ),
        )
    )
    groups = _relu_groups(src.num_vars, src.num_clauses)
    title = "Drawing under the witness (boxes: gadgets per variable and per clause)"
    out.append(drawing(net, title, group=groups, values=p.values))
    return out


def show_nae(red: Any, src: CNF, target: Any) -> list[Exhibit]:
    """SAT → NAE: every clause gets z; a model and its two NAE images."""
    z = target.cnf.num_vars
    rows = tuple(
        (f"C{j}", " ∨ ".join(map(_lit, c)) or "⊥", " ∨ ".join(map(_lit, d)))
        for j, (c, d) in enumerate(zip(src.clauses, target.cnf.clauses, strict=True), 1)
    )
    blocks: list[Any] = [Table(("clause", "in φ", f"in φ' (z = x{z})"), rows)]
    model = first_model(src)
    if model is not None:
        lifted = red.lift(src, target, model)
        comp = tuple(not v for v in lifted)
        blocks.append(
            Prose(
                f"The model {_assign(model)} lifts to {_assign(lifted)} (z false); its "
                f"complement {_assign(comp)} is the other NAE model it stands for."
            )
        )
    return [Exhibit("NAE formula φ'", tuple(blocks))]


def _element(e: int) -> str:
    return f"x{e // 2 + 1}" if e % 2 == 0 else f"¬x{e // 2 + 1}"


def show_splitting(red: Any, src: Any, target: Any) -> list[Exhibit]:
    """NAE → splitting: the sets on the literal universe and the split of a model."""
    rows = tuple(
        (f"S{k}", "{" + ", ".join(_element(e) for e in s) + "}")
        for k, s in enumerate(target.sets, 1)
    )
    blocks: list[Any] = [Table(("set", "elements (literals)"), rows)]
    model = first_model(src.cnf, nae=True)
    if model is not None:
        side = red.lift(src, target, model)
        s1 = [_element(e) for e, s in enumerate(side) if s == 0]
        s2 = [_element(e) for e, s in enumerate(side) if s == 1]
        blocks.append(
            Prose(
                f"The NAE model {_assign(model)} gives the split S₁ = {{{', '.join(s1)}}} "
                f"(the true literals), S₂ = {{{', '.join(s2)}}}: every set meets both."
            )
        )
    return [Exhibit("Set splitting on the literals", tuple(blocks))]


def _first_split(sp: Any) -> tuple[int, ...] | None:
    from ermbit.problems.splitting import is_split

    return next((s for s in itertools.product((0, 1), repeat=sp.size) if is_split(sp, s)), None)


def _point_patterns(net: Any, samples: Any, points: list[tuple[str, Any]]) -> list[tuple[str, ...]]:
    """Per data point: each unit's input (on/off), f(x) and the label."""
    rows = []
    for s, (pt, y) in zip(samples, points, strict=True):
        p = net.forward(s.inputs)
        units = [
            f"{short(p.pre[f'r{k}'])} ({'on' if p.pre[f'r{k}'] > 0 else 'off'})" for k in (1, 2)
        ]
        rows.append((pt, *units, short(p.values["y"]), exact.fmt(y)))
    return rows


def show_relu2(red: Any, src: Any, target: Any) -> list[Exhibit]:
    """R2: the data set, the lifted first layer and each point's activation pattern."""
    inst = target.instance
    d = src.size
    points = []
    for s in inst.samples:
        x = dict(s.x)
        points.append(("".join(str(int(x.get(f"x{i}", 0))) for i in range(d)), s.labels["y"]))
    data = Table(
        ("point x", "label"),
        tuple((p, exact.fmt(y)) for p, y in points),
        "f(x) = ReLU(1 − ReLU(w₁·x + c₁) − ReLU(w₂·x + c₂)); squared loss.",
    )
    out = [Exhibit("The data set", (data,))]
    split = _first_split(src)
    if split is None:
        out.append(Exhibit("No split", (Prose("The sets cannot be split: OPT > 0."),)))
        return out
    w = red.lift(src, target, split)
    theta = inst.theta_of(w)
    net = inst.network.with_theta(theta)
    w_rows = tuple(
        (f"x{i}", *(exact.fmt(theta[(f"x{i}", f"h{k}")][0]) for k in (1, 2)), str(split[i] + 1))
        for i in range(d)
    )
    rows = _point_patterns(net, inst.samples, points)
    shown, omitted, head = cut(rows)
    ev = inst.evaluate(w)
    out.append(
        Exhibit(
            f"The witness of the split {''.join(str(s + 1) for s in split)}",
            (
                Table(("coordinate", "w₁", "w₂", "part"), w_rows, "All biases 0."),
                Table(
                    ("point", "unit 1 input", "unit 2 input", "f(x)", "label"),
                    tuple(shown),
                    _enc_text(ev) + ".",
                    omitted,
                    head,
                ),
            ),
        )
    )
    out.append(drawing(net, "Drawing (the first layer is trainable)", group=dict(_UNITS)))
    return out
