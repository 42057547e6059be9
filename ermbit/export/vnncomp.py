"""VNN-COMP benchmark directories with known answers, from the NP reductions SAT → ReLU.

For an instance of ``sat-to-relu`` (R1) or ``sat-to-relu2`` / ``splitting-to-relu2`` (R2),
frozen form: the trainable parameters sit in the first layer and multiply constants, so
the map θ ↦ (outputs on every sample) is a ReLU network **in θ**.  It is written as ONNX
with input ``X`` of shape ``[1, P]`` (θ, coordinates in :func:`ermbit.export._common.parameters`
order) and output ``Y`` of shape ``[1, M]`` (the labelled outputs, sample by sample); the
samples are constants.  The layers are ``MatMul``/``Add``/``Relu``/``Concat``: layer ℓ
computes the ReLU nodes of depth ℓ from θ and the earlier ReLU outputs.

The VNN-LIB property boxes θ (``|θ_c| ≤ B``) and asks for ``Y = labels`` (hinge:
``y·Y ≥ 1``).  A verifier's "sat" (a counterexample) is a θ of zero loss, so:
**"sat" ⇔ the formula is satisfiable** -- R1 and R2 map back every *real* zero-loss θ to a
model, and B is chosen so that the box holds a zero-loss θ whenever one exists (the
largest coordinate of the witness ermbit's exact solver finds, at least 1).  The known
answer comes from that exact solver, whose "yes" carries a verified witness and whose
"no" is exhaustive; it is written to ``answers.csv``.

Layout: ``onnx/<name>.onnx``, ``vnnlib/<name>.vnnlib``, ``instances.csv`` (rows
``onnx,vnnlib,timeout``), ``answers.csv`` (``name,sat|unsat``).

**What is exact.**  The network's constants and labels of R1/R2 are small integers:
float64 and the decimals of VNN-LIB hold them exactly; B is an integer.
"""

from __future__ import annotations

import csv
import os
from typing import Any

from ermbit import exact
from ermbit.errors import InputError, InputTypeError, VerificationFailed
from ermbit.export._common import Exported, constant_values, parameters, require_first_layer
from ermbit.export.onnx_export import _modules
from ermbit.network.erm import ERMInstance

__all__ = [
    "REDUCTIONS",
    "build_benchmark",
    "export",
    "known_answer",
    "theta_network",
    "vnnlib",
]

REDUCTIONS = ("sat-to-relu", "sat-to-relu2", "splitting-to-relu2")
Form = dict[int, Any]  # basis index -> coefficient; -1 is the constant


def _check(inst: Any) -> ERMInstance:
    if not isinstance(inst, ERMInstance):
        raise InputTypeError(f"instance: vnncomp needs an ERM instance, got {inst!r}")
    red = inst.meta.get("reduction")
    if red not in REDUCTIONS or inst.meta.get("pinned"):
        raise InputError(
            f"instance: vnncomp takes frozen instances of {', '.join(REDUCTIONS)} (their "
            f"answer is known over the reals), not reduction {red!r}"
        )
    require_first_layer(inst, "vnncomp")
    return inst


def _add(a: Form, b: Form, c: Any = 1) -> Form:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, exact.Q(0)) + c * v
    return out


def theta_network(inst: ERMInstance) -> tuple[list[list[Form]], list[Form], list[Any], Form]:
    """``(layers, outputs, labels, column)``: per layer the pre-activation forms of its ReLUs,
    the output forms and labels; forms are over basis keys (θ coordinates 0..P−1, then one
    key per ReLU evaluation) and ``column`` maps each key to its column in ``[θ, layer 1, …]``.
    """
    net, params = inst.network, parameters(inst)
    index = {(p.edge, p.part): i for i, p in enumerate(params)}
    place: dict[int, tuple[int, int]] = {i: (0, i) for i in range(len(params))}
    layers: list[list[Form]] = []
    outs: list[Form] = []
    labels: list[Any] = []
    consts = constant_values(inst)
    for i, s in enumerate(inst.samples):
        vals: dict[str, Form] = {v: {-1: c} for v, c in consts[i].items()}
        for v in net.topological_order():
            if v in vals:
                continue
            z: Form = {-1: s.inputs.get(v, exact.Q(0))}
            for e in net.in_edges(v):
                if e.frozen:
                    z = _add(_add(z, vals[e.src], e.w), {-1: e.b})
                else:
                    tail = vals[e.src][-1]
                    z = _add(z, {index[e.key, "w"]: tail, index[e.key, "b"]: exact.Q(1)})
            kind = net.activation(v).kind
            if kind == "id":
                vals[v] = z
                continue
            if kind != "relu":
                raise InputError(f"node {v!r}: vnncomp writes ReLU networks, σ is {kind!r}")
            d = 1 + max((place[k][0] for k in z if k >= 0), default=0)
            while len(layers) < d:
                layers.append([])
            key = len(place)
            place[key] = (d, len(layers[d - 1]))
            layers[d - 1].append(z)
            vals[v] = {key: exact.Q(1)}
        for v, t in s.y:
            outs.append(vals[v])
            labels.append((s.loss.kind, t))
    offsets = [len(params)]
    for layer in layers:
        offsets.append(offsets[-1] + len(layer))
    column = {k: (k if d == 0 else offsets[d - 1] + j) for k, (d, j) in place.items()}
    return layers, outs, labels, column


def _onnx_model(inst: ERMInstance) -> tuple[Any, list[Any], int]:
    onnx, np = _modules()
    layers, outs, labels, col_of = theta_network(inst)
    p = len(parameters(inst))
    g_nodes, inits, cur, cur_w = [], [], "X", p
    mk = onnx.helper.make_node

    def mat(forms: list[Form], rows: int, name: str) -> tuple[str, str]:
        w = np.zeros((rows, len(forms)), dtype=np.float64)
        c = np.zeros((1, len(forms)), dtype=np.float64)
        for j, z in enumerate(forms):
            for k, v in z.items():
                if k < 0:
                    c[0, j] = float(v)
                else:
                    w[col_of[k], j] = float(v)
        inits.append(onnx.numpy_helper.from_array(w, f"{name}_W"))
        inits.append(onnx.numpy_helper.from_array(c, f"{name}_c"))
        return f"{name}_W", f"{name}_c"

    for d, layer in enumerate(layers):
        w, c = mat(layer, cur_w, f"L{d}")
        g_nodes += [
            mk("MatMul", [cur, w], [f"L{d}_mm"]),
            mk("Add", [f"L{d}_mm", c], [f"L{d}_pre"]),
            mk("Relu", [f"L{d}_pre"], [f"L{d}_r"]),
            mk("Concat", [cur, f"L{d}_r"], [f"S{d}"], axis=1),
        ]
        cur, cur_w = f"S{d}", cur_w + len(layer)
    w, c = mat(outs, cur_w, "out")
    g_nodes += [mk("MatMul", [cur, w], ["out_mm"]), mk("Add", ["out_mm", c], ["Y"])]
    t = onnx.TensorProto.DOUBLE
    graph = onnx.helper.make_graph(
        g_nodes,
        "ermbit_theta",
        [onnx.helper.make_tensor_value_info("X", t, [1, p])],
        [onnx.helper.make_tensor_value_info("Y", t, [1, len(outs)])],
        inits,
    )
    model = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    return model, labels, p


def _num(q: Any) -> str:
    return repr(float(exact.to_fraction(q)))  # VNN-LIB writes negative numbers as "-1.0"


def vnnlib(p: int, labels: list[Any], box: Any) -> str:
    """The property: θ in the box and every output at its label (a counterexample = fit)."""
    lines = ["; ermbit vnncomp: counterexample <=> a zero-loss theta in the box"]
    lines += [f"(declare-const X_{i} Real)" for i in range(p)]
    lines += [f"(declare-const Y_{j} Real)" for j in range(len(labels))]
    for i in range(p):
        lines += [f"(assert (<= X_{i} {_num(box)}))", f"(assert (>= X_{i} {_num(-box)}))"]
    for j, (kind, t) in enumerate(labels):
        if kind == "hinge":
            op = ">=" if t > 0 else "<="
            lines.append(f"(assert ({op} Y_{j} {_num(1 / t)}))")
        else:
            lines += [f"(assert (<= Y_{j} {_num(t)}))", f"(assert (>= Y_{j} {_num(t)}))"]
    return "\n".join(lines) + "\n"


def known_answer(inst: ERMInstance) -> tuple[bool, Any]:
    """``(satisfiable, box)`` from ermbit's exact solver (see the module docstring)."""
    from ermbit.solvers.erm.pattern import solve_pl

    res = solve_pl(inst)
    if res.decision is None:
        raise VerificationFailed(
            f"the pattern search left the instance undecided: {res.explanation}"
        )
    box = exact.Q(1)
    if res.witness is not None:
        for w, b in res.witness.as_dict().values():
            box = max(box, abs(w), abs(b))
    return bool(res.decision), box


def build_benchmark(
    items: list[tuple[str, ERMInstance]], out: str, *, timeout: int = 60
) -> list[str]:
    """Write a benchmark directory for ``(name, instance)`` pairs; returns the files."""
    onnx, _ = _modules()
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    os.makedirs(os.path.join(out, "vnnlib"), exist_ok=True)
    rows, answers, files = [], [], []
    for name, inst in items:
        _check(inst)
        sat, box = known_answer(inst)
        model, labels, p = _onnx_model(inst)
        o, v = f"onnx/{name}.onnx", f"vnnlib/{name}.vnnlib"
        onnx.save(model, os.path.join(out, o))
        with open(os.path.join(out, v), "w", encoding="utf-8") as fh:
            fh.write(vnnlib(p, labels, box))
        rows.append([o, v, str(timeout)])
        answers.append([name, "sat" if sat else "unsat"])
        files += [o, v]
    for fname, data in (("instances.csv", rows), ("answers.csv", answers)):
        with open(os.path.join(out, fname), "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(data)
    return files


def export(inst: Any, out: str, *, timeout: int = 60, **_: Any) -> Exported:
    """A benchmark directory ``out`` holding this one instance."""
    name = os.path.splitext(os.path.basename(out.rstrip("/")))[0] or "instance"
    files = build_benchmark([(name, _check(inst))], out, timeout=timeout)
    return Exported(
        "vnncomp",
        tuple(os.path.join(out, f) for f in files),
        "VNN-COMP layout; 'sat' (a counterexample) iff the formula is satisfiable; "
        "small integer constants, exact in float64",
    )
