"""Tests of ermbit.formats: exact round trips and malformed documents naming the field."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from hypothesis import given

from ermbit import exact, formats, kind_registry
from ermbit.errors import FormatError, InputError
from ermbit.formats import Document, dumps, loads, read, register_kind, write
from ermbit.slp import SLP
from tests.profiles import examples
from tests.strategies_slp import slps

PROPS = examples(50)
META = {
    "reduction": "sharpsat-kronecker",
    "count_bits": {"offset": 12345678901234567890, "width": 4},
    "claims": [{"bit": 3, "value": True}, None, "1/3"],
    "empty": {},
}


def doc_text(**fields: object) -> str:
    """A valid slp document with some fields replaced (None deletes a field)."""
    base: dict[str, object] = {
        "format": "ermbit/1",
        "kind": "slp",
        "a0": "1",
        "gates": [["+", 0, 0], ["*", 1, 1], ["-", 2, 0], ["*", 3, 2]],
    }
    base.update(fields)
    return json.dumps({k: v for k, v in base.items() if v is not None})


@PROPS
@given(slps(max_gates=10, integer=True) | slps(max_gates=10, integer=False))
def test_slp_round_trip(slp):
    text = dumps(slp, meta=META)
    doc = loads(text)
    assert doc == Document("slp", slp, META)
    assert doc.obj.a0 == slp.a0 and doc.obj.gates == slp.gates
    plain = json.loads(text)  # standard JSON, rationals as strings
    assert plain["format"] == "ermbit/1" and plain["kind"] == "slp"
    assert exact.parse(plain["a0"]) == slp.a0
    assert [tuple(g) for g in plain["gates"]] == [(g.op, g.j, g.k) for g in slp.gates]
    assert dumps(doc.obj, doc.meta) == text


def test_document_without_meta_and_int_rationals():
    doc = loads(doc_text(a0=3))
    assert doc.meta == {} and doc.obj.a0 == 3 and doc.obj.length == 4
    assert "meta" not in json.loads(dumps(doc.obj))
    assert loads(doc_text(a0="-6/4", gates=[])).obj == SLP("-3/2")


def test_read_write(tmp_path):
    path = tmp_path / "p.json"
    slp = SLP("2/3", [("*", 0, 0), ("+", 1, 0)])
    write(path, slp, meta={"note": "ü"})
    assert read(path) == Document("slp", slp, {"note": "ü"})
    path.write_text(doc_text(a0=0.25))
    with pytest.raises(FormatError) as info:
        read(path)
    assert info.value.path == str(path) and info.value.field == "a0"
    assert str(path) in str(info.value)


MALFORMED = [
    ("float a0", doc_text(a0=0.5), "a0"),
    (
        "float index",
        doc_text(gates=[["+", 0, 0], ["*", 1, 1], ["-", 2, 0], ["*", 1.0, 2]]),
        "gates[3][1]",
    ),
    ("exponent", doc_text(gates=[["+", 0, 1e0]]), "gates[0][2]"),
    ("NaN in meta", doc_text()[:-1] + ', "meta": {"x": [1, NaN]}}', "meta.x[1]"),
    ("Infinity", doc_text()[:-1] + ', "meta": {"x": Infinity}}', "meta.x"),
    ("missing gates", doc_text(gates=None), "gates"),
    ("missing a0", doc_text(a0=None), "a0"),
    ("missing format", doc_text(format=None), "format"),
    ("missing kind", doc_text(kind=None), "kind"),
    ("unknown format", doc_text(format="ermbit/2"), "format"),
    ("unknown kind", doc_text(kind="polynomial"), "kind"),
    ("kind not a string", doc_text(kind=3), "kind"),
    ("unknown field", doc_text(extra=1), "extra"),
    ("bad op", doc_text(gates=[["/", 0, 0]]), "gates[0][0]"),
    ("op not a string", doc_text(gates=[[1, 0, 0]]), "gates[0][0]"),
    ("forward ref", doc_text(gates=[["+", 0, 0], ["+", 1, 2]]), "gates[1][2]"),
    ("negative index", doc_text(gates=[["+", -1, 0]]), "gates[0][1]"),
    ("index as string", doc_text(gates=[["+", "0", 0]]), "gates[0][1]"),
    ("index as bool", doc_text(gates=[["+", 0, True]]), "gates[0][2]"),
    ("short gate", doc_text(gates=[["+", 0]]), "gates[0]"),
    ("gate not a list", doc_text(gates=[{"op": "+"}]), "gates[0]"),
    ("gates not a list", doc_text(gates="++"), "gates"),
    ("a0 bool", doc_text(a0=True), "a0"),
    ("a0 zero denominator", doc_text(a0="1/0"), "a0"),
    ("a0 garbage", doc_text(a0="one"), "a0"),
    ("a0 array", doc_text(a0=[]), "a0"),
    ("meta not an object", doc_text(meta=[1]), "meta"),
    (
        "duplicate key",
        '{"format": "ermbit/1", "kind": "slp", "a0": "1", "a0": "2", "gates": []}',
        "a0",
    ),
    # over Python's 4300-digit int() limit: must still be a FormatError naming the field
    ("huge index", doc_text(gates=[["+", 0, 999]]).replace("999", "1" + "0" * 5000), "gates[0][2]"),
    ("not an object", "[1, 2]", None),
    ("not JSON", '{"format": "ermbit/1",', None),
]


@pytest.mark.parametrize(
    ("text", "field"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_malformed_documents_name_the_field(text, field):
    with pytest.raises(FormatError) as info:
        loads(text)
    assert info.value.field == field
    if field is not None:
        assert repr(field) in str(info.value)


def test_dumps_refuses_bad_meta_and_unknown_objects():
    with pytest.raises(FormatError) as info:
        dumps(SLP(1), meta={"count_bits": {"width": 0.5}})
    assert info.value.field == "meta.count_bits.width"
    with pytest.raises(FormatError) as info:
        dumps(SLP(1), meta={"x": [1, {2: 3}]})
    assert info.value.field == "meta.x[1]"
    with pytest.raises(FormatError) as info:
        dumps(SLP(1), meta={"q": exact.parse("1/2")})
    assert info.value.field == "meta.q"
    with pytest.raises(InputError, match="no ermbit/1 kind"):
        dumps(object())
    assert loads(dumps(SLP(1), meta={"t": (1, 2), "z": exact.Z(7)})).meta == {"t": [1, 2], "z": 7}


@dataclass(frozen=True)
class Toy:
    weight: object


def test_register_a_new_kind():
    def encode(t: Toy) -> dict[str, object]:
        return {"weight": exact.fmt(t.weight)}

    def decode(fields: dict[str, object], where: str) -> Toy:
        formats.check_keys(fields, where, ("weight",))
        return Toy(formats.as_rational(fields["weight"], formats.join(where, "weight")))

    register_kind("test-toy", Toy, encode, decode)
    try:
        register_kind("test-toy", Toy, encode, decode)  # same class again: no-op
        with pytest.raises(InputError, match="already registered"):
            register_kind("test-toy", SLP, encode, decode)
        assert "test-toy" in formats.kinds()
        doc = loads(dumps(Toy(exact.parse("-7/3"))))
        assert doc.kind == "test-toy" and doc.obj == Toy(exact.parse("-7/3"))
        with pytest.raises(FormatError) as info:
            loads('{"format": "ermbit/1", "kind": "test-toy", "weight": 1.5}')
        assert info.value.field == "weight"
    finally:
        kind_registry._REGISTRY.pop("test-toy", None)


def test_join_paths():
    assert formats.join("", "a") == "a"
    assert formats.join("a", 0) == "a[0]"
    assert formats.join("a[0]", "b") == "a[0].b"
