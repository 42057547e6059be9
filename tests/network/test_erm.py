"""Tests of ermbit.network.erm (losses, ERM_bit, witnesses) and its JSON kinds
(ermbit.network.erm_codec).

The oracle is written out here on :class:`fractions.Fraction`: a one-edge network
``s -> t`` computes ``ŷ = w·x + b``, and every loss of docs: model.md is re-implemented.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ermbit import exact
from ermbit.errors import FormatError, InputError
from ermbit.formats import dumps, loads
from ermbit.network.erm import BackpropInstance, ERMInstance, Loss, Sample, Witness
from ermbit.network.model import Network
from tests.profiles import examples
from tests.reference import ref_bit
from tests.strategies_net import rationals

PROPS = examples(50)


def line(w: Any = "1/2", b: Any = 0) -> Network:
    return Network.from_specs({"s": "id", "t": "id"}, [("s", "t", w, b)], ["t"])


def ref_loss(kind: str, yhat: Fraction, y: Fraction, j: int) -> Fraction:
    if kind == "squared":
        return (yhat - y) ** 2
    if kind == "half_squared":
        return (yhat - y) ** 2 / 2
    if kind == "hinge":
        return max(Fraction(0), 1 - y * yhat)
    if kind == "exact":
        return Fraction(int(yhat != y))
    return Fraction(1 - ref_bit(yhat, j))


def _loss_spec(kind: str, j: int) -> Any:
    return {"bit": j, "node": "t"} if kind == "bit" else kind


SAMPLES = st.lists(
    st.tuples(
        st.sampled_from(("squared", "half_squared", "hinge", "exact", "bit")),
        rationals(4, 4),
        rationals(4, 4),
        st.integers(-4, 4),
        st.integers(1, 3),
    ),
    min_size=1,
    max_size=4,
)


@PROPS
@given(rationals(), rationals(), SAMPLES)
def test_loss_is_the_sum_of_repeated_sample_losses(w: Fraction, b: Fraction, items: Any) -> None:
    samples = [
        Sample.of({"s": x}, {"t": y}, _loss_spec(kind, j), rep) for kind, x, y, j, rep in items
    ]
    inst = ERMInstance(line(w, b), samples, 0, 100)
    want = sum((rep * ref_loss(kind, w * x + b, y, j) for kind, x, y, j, rep in items), Fraction(0))
    assert exact.to_fraction(inst.loss()) == want
    assert inst.total_repeat == sum(rep for *_, rep in items)
    # θ given explicitly overrides the network's own parameters
    assert exact.to_fraction(inst.loss({("s", "t"): (0, 0)})) == sum(
        (rep * ref_loss(kind, Fraction(0), y, j) for kind, x, y, j, rep in items), Fraction(0)
    )


def test_losses_by_hand() -> None:
    net = line("1/2", 0)  # ŷ = x/2
    cases = [
        (Sample.of({"s": 3}, {"t": 1}, "squared"), Fraction(1, 4)),
        (Sample.of({"s": 3}, {"t": 1}, "half_squared", 4), Fraction(1, 2)),
        (Sample.of({"s": 1}, {"t": 1}, "hinge"), Fraction(1, 2)),
        (Sample.of({"s": 4}, {"t": -1}, "hinge"), Fraction(3)),
        (Sample.of({"s": 4}, {"t": 1}, "hinge"), Fraction(0)),
        (Sample.of({"s": 2}, {"t": 1}, "exact", 7), Fraction(0)),
        (Sample.of({"s": 2}, {"t": 2}, "exact", 7), Fraction(7)),
        (Sample.of({"s": "3/2"}, {}, {"bit": -1, "node": "t"}), Fraction(0)),  # 3/4 = 0.11
        (Sample.of({"s": "3/2"}, {}, {"bit": -2, "node": "t"}), Fraction(0)),
        (Sample.of({"s": "1/2"}, {}, {"bit": -1, "node": "t"}), Fraction(1)),  # 1/4 = 0.01
        (Sample.of({"s": -10}, {}, {"bit": 0, "node": "t"}, 3), Fraction(0)),  # |−5| = 101
        (Sample.of({"s": -10}, {}, {"bit": 1, "node": "t"}, 3), Fraction(3)),
    ]
    for s, want in cases:
        assert exact.to_fraction(ERMInstance(net, (s,), 0, 9).loss()) == want, s
    both = ERMInstance(net, [c[0] for c in cases], 0, 9).loss()
    assert exact.to_fraction(both) == sum(c[1] for c in cases)  # a sum, not a mean


def test_admissibility_and_acceptance() -> None:
    inst = ERMInstance(line(), (Sample.of({"s": 2}, {"t": 1}, "squared"),), 0, 6)
    theta = {("s", "t"): ("1/2", 0)}  # size(1/2) + size(0) = 4 + 2
    assert exact.enc(theta) == 6 and inst.is_admissible(theta) and inst.accepts(theta)
    tight = ERMInstance(inst.network, inst.samples, 0, 5)
    assert not tight.is_admissible(theta) and not tight.accepts(theta)
    ev = tight.evaluate(theta)
    assert (ev.loss, ev.enc_bits, ev.admissible, ev.accepted) == (0, 6, False, False)
    wrong = {("s", "t"): (1, 0)}  # loss (2 − 1)² = 1 > γ = 0 but admissible
    assert inst.is_admissible(wrong) and not inst.accepts(wrong)
    frozen = Network.from_specs({"s": "id", "t": "id"}, [("s", "t", 1, 0, True)], ["t"])
    with pytest.raises(InputError, match="frozen"):
        ERMInstance(frozen, (), 0, 0).theta_of({("s", "t"): (1, 0)})


def test_instance_validation() -> None:
    net = line()
    with pytest.raises(InputError, match="not an output"):
        ERMInstance(net, (Sample.of({}, {"s": 1}),), 0, 0)
    with pytest.raises(InputError, match="a < b"):
        ERMInstance(net, (), 0, 0, (1, 1))
    with pytest.raises(InputError, match="repeat"):
        Sample.of({}, {}, "exact", 0)
    with pytest.raises(InputError, match="unknown kind"):
        Loss("cubic")
    with pytest.raises(InputError, match="needs a bit index"):
        Loss("bit")


# ---------------------------------------------------------------- JSON round trips


THETAS = st.dictionaries(
    st.tuples(st.sampled_from("abc"), st.sampled_from("xyz")),
    st.tuples(rationals(9, 9), rationals(9, 9)),
    max_size=5,
)


@PROPS
@given(THETAS)
def test_witness_json_round_trip(theta: dict[tuple[str, str], Any]) -> None:
    wit = Witness.of(theta)
    text = dumps(wit)
    back = loads(text).obj
    assert back == wit and back.enc() == exact.enc(theta)
    plain = json.loads(text)["theta"]
    assert {k: (exact.parse(v["w"]), exact.parse(v["b"])) for k, v in plain.items()} == {
        f"{u}->{v}": (exact.parse(w), exact.parse(b)) for (u, v), (w, b) in theta.items()
    }


@PROPS
@given(rationals(), rationals(), SAMPLES, st.booleans())
def test_erm_json_round_trip(w: Fraction, b: Fraction, items: Any, promise: bool) -> None:
    samples = [
        Sample.of({"s": x}, {"t": y}, _loss_spec(kind, j), rep) for kind, x, y, j, rep in items
    ]
    inst = ERMInstance(line(w, b), samples, "1/3", 17, (0, 2) if promise else None)
    back = loads(dumps(inst, meta={"note": "x"})).obj
    assert back == inst and back.loss() == inst.loss()
    assert back.promise == inst.promise and back.bit_bound == 17


@pytest.mark.parametrize("query", ["sign", 3, -2])
def test_backprop_json_round_trip(query: Any) -> None:
    inst = BackpropInstance(
        line(), (Sample.of({"s": 2}, {"t": -1}, "half_squared", 3),), ("s", "t"), query
    )
    back = loads(dumps(inst)).obj
    assert back == inst and back.gradient() == inst.gradient() == 3 * (1 + 1) * 2
    assert back.query == query


def _erm_doc(**changes: Any) -> str:
    doc = json.loads(dumps(ERMInstance(line(), (Sample.of({"s": 1}, {"t": 1}, "exact", 2),), 0, 9)))
    for path, value in changes.items():
        obj = doc
        keys = path.split("__")
        for k in keys[:-1]:
            obj = obj[int(k)] if k.isdigit() else obj[k]
        if value is None:
            del obj[keys[-1]]
        else:
            obj[int(keys[-1]) if keys[-1].isdigit() else keys[-1]] = value
    return json.dumps(doc)


def _bp_doc(**changes: Any) -> str:
    inst = BackpropInstance(line(), (Sample.of({"s": 1}, {"t": 0}),), ("s", "t"), 2)
    doc = json.loads(dumps(inst))
    doc.update(changes)
    return json.dumps(doc)


MALFORMED = [
    ("loss name", _erm_doc(samples__0__loss="cubic"), "samples[0].loss"),
    ("bit loss without node", _erm_doc(samples__0__loss={"bit": 1}), "samples[0].loss.node"),
    (
        "bit index string",
        _erm_doc(samples__0__loss={"bit": "1", "node": "t"}),
        "samples[0].loss.bit",
    ),
    ("repeat zero", _erm_doc(samples__0__repeat=0), "samples[0].repeat"),
    ("float label", _erm_doc(samples__0__y={"t": 0.5}), "samples[0].y.t"),
    ("missing x", _erm_doc(samples__0__x=None), "samples[0].x"),
    ("float gamma", _erm_doc(gamma=0.5), "gamma"),
    ("promise of three", _erm_doc(promise=["0", "1", "2"]), "promise"),
    ("promise entry", _erm_doc(promise=["0", "x"]), "promise[1]"),
    ("missing bit bound", _erm_doc(bit_bound=None), "bit_bound"),
    ("network edge weight", _erm_doc(network__edges__0__w="1/0"), "network.edges[0].w"),
    ("backprop edge", _bp_doc(edge=["s"]), "edge"),
    ("backprop query", _bp_doc(query={"bit": "x"}), "query.bit"),
    ("backprop query kind", _bp_doc(query={"sign": 1}), "query.bit"),
    (
        "witness key",
        json.dumps(
            {"format": "ermbit/1", "kind": "witness", "theta": {"st": {"w": "1", "b": "0"}}}
        ),
        "theta.st",
    ),
    (
        "witness missing b",
        json.dumps({"format": "ermbit/1", "kind": "witness", "theta": {"s->t": {"w": "1"}}}),
        "theta.s->t.b",
    ),
    (
        "witness float",
        json.dumps(
            {"format": "ermbit/1", "kind": "witness", "theta": {"s->t": {"w": 0.5, "b": "0"}}}
        ),
        "theta.s->t.w",
    ),
]


@pytest.mark.parametrize(
    ("text", "field"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_malformed_documents_name_the_field(text: str, field: str) -> None:
    with pytest.raises(FormatError) as info:
        loads(text)
    assert info.value.field == field
    assert repr(field) in str(info.value)
