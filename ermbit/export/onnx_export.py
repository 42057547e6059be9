"""A network at fixed parameters as an ONNX model in float64 (opset 17).

* One input ``x`` of shape ``[batch, k]``: the k nodes that receive inputs -- every source,
  and every other node some sample feeds (the model lets inputs enter hidden nodes too).
* One output ``y`` of shape ``[batch, outputs]``.
* ``metadata_props``: ``ermbit.inputs`` and ``ermbit.outputs`` hold the node ids in
  tensor order (JSON lists); ``ermbit.inexact`` counts the constants float64 rounds.
* Per node: ``pre = x_v + Σ w·f_u + Σ b`` (``Mul``/``Sum``), then ``Relu``, a polynomial by
  Horner (``Mul``/``Add``), or a piecewise-linear σ as ``Where(LessOrEqual(z, t), …)``
  (a breakpoint belongs to the piece on its left, as in ermbit).

**What is exact in the file.**  Every constant that float64 holds exactly (integers below
2^53, dyadic fractions…); the others are rounded to nearest (``1/3`` becomes
``0.3333333333333333``) and counted.  A value float64 cannot hold at all (|v| ≥ 2^1024) is
refused with its size: parameters always, and with samples also every exact value of the
forward passes.  ``--data`` writes the samples beside the model (``.npz``: ``x``, ``y``
with NaN where a node is unlabelled, ``repeat``, and the exact values as strings).
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from ermbit import exact
from ermbit.errors import BackendUnavailable, BudgetExceeded, InputTypeError
from ermbit.export._common import Exported
from ermbit.network.erm import BackpropInstance, ERMInstance, Witness
from ermbit.network.model import Network

__all__ = ["export", "input_nodes", "to_onnx"]

OPSET = 17
_MAX_BITS = 1024


def _modules() -> tuple[Any, Any]:
    try:
        import numpy
        import onnx
    except ImportError as exc:  # pragma: no cover - depends on the environment
        msg = "onnx export needs onnx and numpy: pip install ermbit[export]"
        raise BackendUnavailable(msg) from exc
    return onnx, numpy


def _check_magnitude(q: Any, what: str) -> None:
    if q == 0:
        return
    a = abs(exact.parse(q))
    bits = exact.bitlen(a.numerator // a.denominator)
    if bits > _MAX_BITS:
        raise BudgetExceeded(
            f"{what} = a rational of {exact.size(a)} bits: float64",
            predicted=bits,
            budget=_MAX_BITS,
            hint="keep the exact file: float64 holds magnitudes below 2^1024 only",
        )


def input_nodes(net: Network, samples: Any = ()) -> tuple[str, ...]:
    """Sources and fed nodes, in node order: the columns of ``x``."""
    fed = set(net.sources) | {v for s in samples for v, _ in s.x}
    return tuple(v for v in net.node_ids if v in fed)


class _Graph:
    def __init__(self, onnx: Any, numpy: Any) -> None:
        self.onnx, self.np = onnx, numpy
        self.nodes: list[Any] = []
        self.inits: list[Any] = []
        self.inexact = 0
        self.count = 0

    def const(self, q: Any, what: str) -> str:
        _check_magnitude(q, what)
        fr = exact.to_fraction(q)
        f = float(fr)
        if Fraction(f) != fr:
            self.inexact += 1
        name = f"c{len(self.inits)}"
        arr = self.np.array([f], dtype=self.np.float64)
        self.inits.append(self.onnx.numpy_helper.from_array(arr, name))
        return name

    def op(self, kind: str, inputs: list[str], **attrs: Any) -> str:
        self.count += 1
        out = f"t{self.count}"
        self.nodes.append(self.onnx.helper.make_node(kind, inputs, [out], **attrs))
        return out


def _sigma(g: _Graph, act: Any, z: str, v: str) -> str:
    if act.kind == "id":
        return z
    if act.kind == "relu":
        return g.op("Relu", [z])
    if act.kind == "poly":
        acc = g.const(act.coeffs[-1], f"σ coefficient at {v}")
        for c in reversed(act.coeffs[:-1]):
            acc = g.op("Add", [g.op("Mul", [acc, z]), g.const(c, f"σ coefficient at {v}")])
        return acc
    pieces = [
        g.op("Add", [g.op("Mul", [z, g.const(s, f"slope at {v}")]), g.const(c, f"cut at {v}")])
        for s, c in zip(act.slopes, act.intercepts, strict=True)
    ]
    acc = pieces[-1]
    for t, piece in zip(reversed(act.breakpoints), reversed(pieces[:-1]), strict=True):
        cond = g.op("LessOrEqual", [z, g.const(t, f"breakpoint at {v}")])
        acc = g.op("Where", [cond, piece, acc])
    return acc


def to_onnx(net: Network, samples: Any = ()) -> Any:
    """The ONNX ``ModelProto`` of ``net`` at its own parameters (see the module docstring)."""
    onnx, np = _modules()
    g = _Graph(onnx, np)
    ins = input_nodes(net, samples)
    col = {v: i for i, v in enumerate(ins)}
    f: dict[str, str] = {}
    for v in net.topological_order():
        here = None
        if v in col:
            idx = onnx.numpy_helper.from_array(np.array([col[v]], dtype=np.int64), f"i{col[v]}")
            g.inits.append(idx)
            here = g.op("Gather", ["x", f"i{col[v]}"], axis=1)
        edges = net.in_edges(v)
        if not edges:  # a source: always a column of x
            f[v] = str(here)
            continue
        terms = [here] if here is not None else []
        for e in edges:
            terms.append(g.op("Mul", [f[e.src], g.const(e.w, f"w of {e.src}->{e.dst}")]))
        z = g.op("Sum", terms) if len(terms) > 1 else terms[0]
        bias = sum((e.b for e in edges), exact.Q(0))
        if bias != 0:
            z = g.op("Add", [z, g.const(bias, f"bias into {v}")])
        f[v] = _sigma(g, net.activation(v), z, v)
    g.nodes.append(onnx.helper.make_node("Concat", [f[o] for o in net.outputs], ["y"], axis=1))
    dbl = onnx.TensorProto.DOUBLE
    graph = onnx.helper.make_graph(
        g.nodes,
        "ermbit",
        [onnx.helper.make_tensor_value_info("x", dbl, ["batch", len(ins)])],
        [onnx.helper.make_tensor_value_info("y", dbl, ["batch", len(net.outputs)])],
        g.inits,
    )
    model = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", OPSET)])
    meta = {
        "ermbit.inputs": json.dumps(list(ins)),
        "ermbit.outputs": json.dumps(list(net.outputs)),
        "ermbit.inexact": str(g.inexact),
    }
    onnx.helper.set_model_props(model, meta)
    onnx.checker.check_model(model)
    return model


def _check_values(inst: Any) -> None:
    """Refuse when an exact forward value on a sample is beyond float64's range."""
    passes = inst.network.forward_batch([s.inputs for s in inst.samples])
    for i, p in enumerate(passes):
        for v, q in p.values.items():
            _check_magnitude(q, f"the value of node {v!r} on sample {i}")


def _write_data(inst: Any, path: str, ins: tuple[str, ...]) -> None:
    _, np = _modules()
    outs = inst.network.outputs
    xs = [[s.inputs.get(v, exact.Q(0)) for v in ins] for s in inst.samples]
    ys = [[s.labels.get(v) for v in outs] for s in inst.samples]
    np.savez(
        path,
        x=np.array([[float(q) for q in r] for r in xs], dtype=np.float64).reshape(-1, len(ins)),
        y=np.array(
            [[float("nan") if q is None else float(q) for q in r] for r in ys], dtype=np.float64
        ).reshape(-1, len(outs)),
        repeat=np.array([s.repeat for s in inst.samples], dtype=np.int64),
        x_exact=np.array([[exact.fmt(q) for q in r] for r in xs], dtype=str).reshape(-1, len(ins)),
        y_exact=np.array(
            [["" if q is None else exact.fmt(q) for q in r] for r in ys], dtype=str
        ).reshape(-1, len(outs)),
    )


def export(
    inst: Any, out: str, *, witness: Witness | None = None, data: bool = False, **_: Any
) -> Exported:
    """Write the network of ``inst`` (an instance, or a bare network) at its parameters or
    at ``witness``; with ``data`` also ``out`` with ``.npz`` for the samples."""
    onnx, _ = _modules()
    if isinstance(inst, ERMInstance | BackpropInstance):
        net, samples = inst.network, inst.samples
        if witness is not None:
            if not isinstance(inst, ERMInstance):
                raise InputTypeError("witness: only an ERM instance takes a witness")
            net = net.with_theta(inst.theta_of(witness))
            inst = ERMInstance(net, samples, inst.gamma, inst.bit_bound, inst.promise)
    elif isinstance(inst, Network):
        net, samples = inst, ()
    else:
        raise InputTypeError(f"instance: expected an instance or a network, got {inst!r}")
    for e in net.edges:
        _check_magnitude(e.w, f"w of {e.src}->{e.dst}")
        _check_magnitude(e.b, f"b of {e.src}->{e.dst}")
    if samples:
        _check_values(inst)
    model = to_onnx(net, samples)
    onnx.save(model, out)
    paths = [out]
    if data and samples:
        stem = out[:-5] if out.endswith(".onnx") else out
        _write_data(inst, stem + ".npz", input_nodes(net, samples))
        paths.append(stem + ".npz")
    inexact = dict((p.key, p.value) for p in model.metadata_props)["ermbit.inexact"]
    return Exported(
        "onnx",
        tuple(paths),
        f"ONNX opset {OPSET}, float64; {inexact} constants rounded to nearest, the rest exact",
    )
