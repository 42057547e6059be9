"""JSON ``ermbit/1`` codecs for the ``erm``, ``backprop`` and ``witness`` kinds (docs: format.md).

Registered with :mod:`ermbit.formats` when :mod:`ermbit.network.erm` is imported.  Decoders raise
:class:`~ermbit.errors.FormatError` naming the dotted field (``samples[2].loss``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ermbit.errors import FormatError, InputError
from ermbit.exact import fmt
from ermbit.formats import as_int, as_list, as_object, as_rational, as_str, check_keys, join
from ermbit.network.erm import BackpropInstance, ERMInstance, Loss, Sample, Witness
from ermbit.network.model import Network

__all__ = [
    "decode_backprop",
    "decode_erm",
    "decode_witness",
    "encode_backprop",
    "encode_erm",
    "encode_witness",
]

_T = TypeVar("_T")


def _encode_map(items: tuple[tuple[str, Any], ...]) -> dict[str, str]:
    return {k: fmt(v) for k, v in items}


def _encode_sample(s: Sample) -> dict[str, Any]:
    out: dict[str, Any] = {"x": _encode_map(s.x), "y": _encode_map(s.y), "loss": s.loss.to_json()}
    if s.repeat != 1:
        out["repeat"] = s.repeat
    return out


def _decode_map(value: Any, where: str) -> dict[str, Any]:
    obj = as_object(value, where)
    return {k: as_rational(v, join(where, k)) for k, v in obj.items()}


def _decode_loss(value: Any, where: str) -> Loss:
    if isinstance(value, str):
        try:
            return Loss(value)
        except InputError as exc:
            raise FormatError(str(exc), field=where) from exc
    obj = as_object(value, where)
    check_keys(obj, where, ("bit", "node"))
    return Loss(
        "bit", as_int(obj["bit"], join(where, "bit")), as_str(obj["node"], join(where, "node"))
    )


def _decode_sample(value: Any, where: str) -> Sample:
    obj = as_object(value, where)
    check_keys(obj, where, ("x", "loss"), ("y", "repeat"))
    x = _decode_map(obj["x"], join(where, "x"))
    y = _decode_map(obj.get("y", {}), join(where, "y"))
    loss = _decode_loss(obj["loss"], join(where, "loss"))
    repeat = as_int(obj.get("repeat", 1), join(where, "repeat"))
    if repeat < 1:
        raise FormatError(f"repeat must be >= 1, got {repeat}", field=join(where, "repeat"))
    return Sample(tuple(sorted(x.items())), tuple(sorted(y.items())), loss, repeat)


def _decode_samples(value: Any, where: str) -> tuple[Sample, ...]:
    return tuple(_decode_sample(s, join(where, i)) for i, s in enumerate(as_list(value, where)))


def _build(where: str, fn: Callable[..., _T], *args: Any, **kw: Any) -> _T:
    """Run a constructor; its InputError becomes a FormatError naming the document."""
    try:
        return fn(*args, **kw)
    except FormatError:
        raise
    except InputError as exc:
        raise FormatError(str(exc), field=where or None) from exc


def encode_erm(inst: ERMInstance) -> dict[str, Any]:
    return {
        "network": inst.network.to_json(),
        "samples": [_encode_sample(s) for s in inst.samples],
        "gamma": fmt(inst.gamma),
        "promise": None if inst.promise is None else [fmt(t) for t in inst.promise],
        "bit_bound": inst.bit_bound,
    }


def decode_erm(obj: dict[str, Any], where: str) -> ERMInstance:
    check_keys(obj, where, ("network", "samples", "gamma", "bit_bound"), ("promise",))
    net = Network.from_json(obj["network"], join(where, "network"))
    samples = _decode_samples(obj["samples"], join(where, "samples"))
    gamma = as_rational(obj["gamma"], join(where, "gamma"))
    bound = as_int(obj["bit_bound"], join(where, "bit_bound"))
    promise = obj.get("promise")
    pair = None
    if promise is not None:
        items = as_list(promise, join(where, "promise"))
        if len(items) != 2:
            raise FormatError("expected [a, b]", field=join(where, "promise"))
        pair = tuple(as_rational(t, join(join(where, "promise"), i)) for i, t in enumerate(items))
    return _build(where, ERMInstance, net, samples, gamma, bound, pair)


def encode_backprop(inst: BackpropInstance) -> dict[str, Any]:
    query: Any = "sign" if inst.query == "sign" else {"bit": inst.query}
    return {
        "network": inst.network.to_json(),
        "samples": [_encode_sample(s) for s in inst.samples],
        "edge": list(inst.edge),
        "query": query,
    }


def decode_backprop(obj: dict[str, Any], where: str) -> BackpropInstance:
    check_keys(obj, where, ("network", "samples", "edge", "query"))
    net = Network.from_json(obj["network"], join(where, "network"))
    samples = _decode_samples(obj["samples"], join(where, "samples"))
    edge = as_list(obj["edge"], join(where, "edge"))
    if len(edge) != 2:
        raise FormatError("expected [from, to]", field=join(where, "edge"))
    key = (as_str(edge[0], join(where, "edge[0]")), as_str(edge[1], join(where, "edge[1]")))
    q = obj["query"]
    query: Any
    if q == "sign":
        query = "sign"
    else:
        qo = as_object(q, join(where, "query"))
        check_keys(qo, join(where, "query"), ("bit",))
        query = as_int(qo["bit"], join(where, "query.bit"))
    return _build(where, BackpropInstance, net, samples, key, query)


def encode_witness(w: Witness) -> dict[str, Any]:
    return {"theta": {f"{u}->{v}": {"w": fmt(a), "b": fmt(b)} for (u, v), (a, b) in w.theta}}


def decode_witness(obj: dict[str, Any], where: str) -> Witness:
    check_keys(obj, where, ("theta",))
    theta = as_object(obj["theta"], join(where, "theta"))
    pairs = {}
    for key, val in theta.items():
        f = join(join(where, "theta"), key)
        if "->" not in key:
            raise FormatError("edge keys are written 'from->to'", field=f)
        u, _, v = key.partition("->")
        item = as_object(val, f)
        check_keys(item, f, ("w", "b"))
        pairs[(u, v)] = (as_rational(item["w"], join(f, "w")), as_rational(item["b"], join(f, "b")))
    return _build(where, Witness.of, pairs)
