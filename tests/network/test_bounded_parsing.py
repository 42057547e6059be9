"""Bounded parsing: polynomial expressions and JSON documents that would exhaust memory
or the stack are refused at once, naming the limit; ordinary ones parse exactly."""

from __future__ import annotations

import re
import tracemalloc
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ermbit import formats
from ermbit.errors import FormatError, InputError
from ermbit.exact import bitlen
from ermbit.network import polyparse
from ermbit.network.activations import Activation, Polynomial, parse_activation
from ermbit.network.polyparse import parse_poly


def peak_bytes(fn: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        fn()
    except (InputError, FormatError):
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


HOSTILE = [
    ("x**(9**9)", "integer literal"),
    ("(x+1)**(2*2*2*2*2*2*2*2*2*2*2*2*2*2*2*2)", "integer literal"),
    ("z**(100*100*100)", "integer literal"),
    ("(z**100)**100", "max_degree=1000"),
    ("2**2**2**2**2**2", "chained powers"),
    ("((z+1)**300)**300", "max_degree=1000"),
    (" + ".join(f"{k}*z**{k % 7}" for k in range(3000)), "max_chars=2000"),
    ("9" * 1500 + "**40", "max_coeff_bits=100000"),
]


@pytest.mark.parametrize(("text", "limit"), HOSTILE)
def test_hostile_expressions_are_refused_at_once(text: str, limit: str) -> None:
    with pytest.raises(InputError, match=limit.replace("*", r"\*")):
        parse_activation(text)
    assert peak_bytes(lambda: parse_activation(text)) < 2_000_000


def test_limits_can_be_raised_and_long_sums_need_no_recursion() -> None:
    text = "+".join(["z"] * 3000)
    with pytest.raises(InputError, match="max_chars"):
        parse_poly(text)
    assert parse_poly(text, max_chars=10_000) == (0, 3000)
    assert parse_poly("(z**100)**10", max_degree=1000)[-1] == 1
    deep = "(" * 3000 + "z" + ")" * 3000
    with pytest.raises(InputError, match="max_depth=100"):
        parse_poly(deep, max_chars=10_000)
    unary = "-" * 3000 + "z"
    with pytest.raises(InputError, match="max_depth=100"):
        parse_poly(unary, max_chars=10_000)
    assert parse_poly("-" * 50 + "z") == (0, 1)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("0.5*z", "floats are not exact"),
        ("sin(z)", "only the variable"),
        ("z**-1", "integer literal"),
        ("z/(z-1)", "division by a non-constant"),
        ("z/(1-1)", "division by zero"),
        ("2z", "not a polynomial"),
        ("z +", "ends too early"),
        ("(z", "ends too early"),
        ("z)", "unexpected ')'"),
        ("", "empty"),
        ("z ** ٣", "unexpected character"),
    ],
)
def test_malformed_expressions_say_why(text: str, why: str) -> None:
    with pytest.raises(InputError, match=re.escape(why)):
        parse_poly(text)


# --- agreement with an independent evaluation ----------------------------------------

Expr = tuple[str, Callable[[Fraction], Fraction]]


def _leaf() -> st.SearchStrategy[Expr]:
    nums = st.integers(0, 40).map(lambda k: (str(k), lambda z, k=k: Fraction(k)))
    return nums | st.just(("z", lambda z: z))


def _extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    def binop(op: str) -> st.SearchStrategy[Expr]:
        fns = {
            "+": lambda a, b: a + b,
            "-": lambda a, b: a - b,
            "*": lambda a, b: a * b,
        }
        return st.tuples(children, children).map(
            lambda ab: (
                f"({ab[0][0]} {op} {ab[1][0]})",
                lambda z, ab=ab: fns[op](ab[0][1](z), ab[1][1](z)),
            )
        )

    power = st.tuples(children, st.integers(0, 3)).map(
        lambda pk: (f"({pk[0][0]})**{pk[1]}", lambda z, pk=pk: pk[0][1](z) ** pk[1])
    )
    divide = st.tuples(children, st.integers(1, 9)).map(
        lambda pk: (f"{pk[0][0]} / {pk[1]}", lambda z, pk=pk: pk[0][1](z) / pk[1])
    )
    negate = children.map(lambda e: (f"-{e[0]}", lambda z, e=e: -e[1](z)))
    return binop("+") | binop("-") | binop("*") | power | divide | negate


EXPRS = st.recursive(_leaf(), _extend, max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(EXPRS)
def test_parse_agrees_with_direct_evaluation(expr: Expr) -> None:
    text, value = expr
    try:
        coeffs = parse_poly(text)
    except InputError as exc:
        assert "max_" in str(exc)  # only a limit may refuse a well-formed expression
        return
    poly = Polynomial(coeffs)
    for z in range(-3, 4):
        assert Fraction(str(poly(z))) == value(Fraction(z)), (text, z)


@settings(max_examples=150, deadline=None)
@given(EXPRS)
def test_predicted_sizes_bound_the_actual_ones(expr: Expr) -> None:
    text, _ = expr
    parser = polyparse._Parser(text, None, polyparse.MAX_DEPTH)
    tree = parser.sum(0)
    limits = polyparse._Limits(text, 10**9, 10**9)
    size = limits.measure(tree)
    coeffs = polyparse._eval(text, tree)
    while len(coeffs) > 1 and not coeffs[-1]:
        coeffs.pop()
    assert len(coeffs) - 1 <= size.degree
    den = 1
    for c in coeffs:
        den = den * int(c.denominator) // _gcd(den, int(c.denominator))
    assert den <= 2**size.den_bits
    assert all(
        bitlen(int(c.numerator) * (den // int(c.denominator))) <= size.num_bits for c in coeffs
    )


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


# --- JSON documents ------------------------------------------------------------------


def test_json_nested_100000_deep_is_refused_at_once(tmp_path: Path) -> None:
    text = '{"format": "ermbit/1", "kind": "network", "meta": ' + "[" * 100_000 + "]" * 100_000
    text += "}"
    with pytest.raises(FormatError, match="MAX_JSON_DEPTH"):
        formats.loads(text)
    path = tmp_path / "deep.json"
    path.write_text(text)
    with pytest.raises(FormatError, match="nested deeper than 500") as info:
        formats.read(path)
    assert info.value.path == str(path)
    assert peak_bytes(lambda: formats.loads(text)) < 2_000_000
    with pytest.raises(InputError, match="MAX_JSON_DEPTH"):
        parse_activation('{"poly": ' + "[" * 100_000 + "]" * 100_000 + "}")


def test_brackets_inside_strings_do_not_count() -> None:
    assert formats.parse_json_bounded('["' + "[" * 1000 + '"]') == ["[" * 1000]


def test_json_number_and_file_size_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "MAX_NUMBER_DIGITS", 50)
    with pytest.raises(FormatError, match=r"51 digits.*MAX_NUMBER_DIGITS"):
        formats.parse_json_bounded("[" + "1" * 51 + "]")
    assert formats.parse_json_bounded("[" + "1" * 50 + "]") == [int("1" * 50)]
    path = tmp_path / "big.json"
    path.write_text(" " * 200)
    monkeypatch.setattr(formats, "MAX_FILE_BYTES", 100)
    with pytest.raises(FormatError, match=r"200 bytes.*MAX_FILE_BYTES"):
        formats.read(path)


# --- activation strings in instance files --------------------------------------------

NETWORK = """{
  "format": "ermbit/1", "kind": "network",
  "nodes": [{"id": "a", "activation": "id"}, {"id": "b", "activation": ACT}],
  "edges": [{"from": "a", "to": "b", "w": "1", "b": "0"}],
  "outputs": ["b"]
}"""


@pytest.mark.parametrize(
    ("act", "coeffs"),
    [
        ('"z**2"', ("0", "0", "1")),
        ('"x^3 + 2*x"', ("0", "2", "0", "1")),
        ('"z/3 + 1"', ("1", "1/3")),
    ],
)
def test_instance_files_accept_activation_strings(act: str, coeffs: tuple[str, ...]) -> None:
    net = formats.loads(NETWORK.replace("ACT", act)).obj
    assert dict(net.nodes)["b"] == Polynomial(coeffs)
    poly_form = formats.loads(
        NETWORK.replace("ACT", '{"poly": [' + ", ".join(f'"{c}"' for c in coeffs) + "]}")
    ).obj
    assert poly_form == net


@pytest.mark.parametrize(
    ("act", "why"),
    [
        ('"0.5*z"', "floats are not exact"),
        ('"sin(z)"', "only the variable"),
        ('"sigmoid"', "unknown activation 'sigmoid'"),
        ('"z**(9**9)"', "integer literal"),
        ('"((z+1)**300)**300"', "max_degree"),
    ],
)
def test_instance_files_refuse_bad_activation_strings(act: str, why: str) -> None:
    with pytest.raises(FormatError, match=why) as info:
        formats.loads(NETWORK.replace("ACT", act))
    assert info.value.field is not None and "activation" in info.value.field


def test_from_json_string_round_trips() -> None:
    assert Activation.from_json("z**2") == Polynomial(("0", "0", "1"))


@pytest.mark.parametrize("expr", ["x**(9**9)", "(x+1)**(2*2*2*2*2*2*2*2*2*2*2*2*2*2*2*2)"])
def test_cli_refuses_hostile_activation_with_exit_2(tmp_path: Path, expr: str) -> None:
    import io

    from ermbit.cli import main
    from ermbit.cnf import CNF

    src = tmp_path / "f.cnf"
    CNF(2, ((1, 2),)).write(src)
    out, err = io.StringIO(), io.StringIO()
    code = main(["count", str(src), "--via", "backprop", "--activation", expr], out=out, err=err)
    assert code == 2 and "integer literal" in err.getvalue()


def test_counterexample_files_are_read_with_the_same_limits(tmp_path: Path) -> None:
    from ermbit.checking.counterexample import read_counterexample

    path = tmp_path / "x.instance.json"
    path.write_text('{"data": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(FormatError, match="MAX_JSON_DEPTH"):
        read_counterexample(path)


def test_a_raised_depth_limit_still_cannot_overflow_the_stack() -> None:
    deep = "(" * 5000 + "z" + ")" * 5000
    with pytest.raises(InputError, match="Python's stack"):
        parse_poly(deep, max_chars=100_000, max_depth=10**6)
