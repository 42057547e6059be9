"""Tests of ermbit.cnf: the CNF value type and strict DIMACS input/output."""

from __future__ import annotations

import gzip
import itertools
import lzma
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pysat.formula import CNF as PysatCNF

from ermbit.cnf import CNF
from ermbit.errors import DimacsError, InputError, InputTypeError
from tests.profiles import examples
from tests.strategies import brute_count, cnfs

SETTINGS = examples(50)

# --------------------------------------------------------------------------- golden errors

# (case id, DIMACS text, 1-based line the error must name)
MALFORMED = [
    ("empty file", "", 1),
    ("blank lines only", "\n  \n\t\n", 1),
    ("no header, comments only", "c one\nc two\nc three\n", 3),
    ("clause before header", "c hello\n1 -2 0\np cnf 2 1\n", 2),
    ("two headers", "p cnf 2 1\n1 0\np cnf 2 1\n", 3),
    ("header twice, second before clauses", "c x\np cnf 2 0\n\np cnf 2 0\n", 4),
    ("too few clauses", "c x\np cnf 2 3\n1 0\n2 0\n", 2),
    ("too few clauses with % marker", "p cnf 2 3\n1 0\n%\n0\n", 1),
    ("too many clauses, next line", "p cnf 2 1\n1 0\nc between\n-2 0\n", 4),
    ("too many clauses, same line", "p cnf 2 1\n1 2 0 -1 0\n", 2),
    ("too many clauses, extra empty clause", "p cnf 2 1\n1 0\n0\n", 3),
    ("too many clauses, after continuation", "p cnf 3 1\n1\n2 0\n\n3\n0\n", 5),
    ("header says zero clauses", "p cnf 2 0\n1 0\n", 2),
    ("literal above n", "p cnf 3 2\n1 2 0\n1 4 0\n", 3),
    ("negative literal below -n", "p cnf 3 1\n1\n-4 0\n", 3),
    ("literal with n = 0", "p cnf 0 1\n1 0\n", 2),
    ("non-integer token", "p cnf 2 1\n1 x 0\n", 2),
    ("decimal point", "p cnf 2 1\n1 2.0 0\n", 2),
    ("plus sign", "p cnf 2 1\n+1 0\n", 2),
    ("leading zero", "p cnf 2 1\n01 0\n", 2),
    ("minus zero", "p cnf 2 1\n1 -0\n", 2),
    ("fullwidth digit", "p cnf 2 1\n\uff11 0\n", 2),
    ("solver output line", "p cnf 2 1\n1 0\ns SATISFIABLE\n", 3),
    ("missing final 0", "p cnf 2 2\n1 0\n2\n", 3),
    ("missing final 0, clause spans lines", "p cnf 3 1\n1\n2\n3\n\n", 4),
    ("missing final 0 before % marker", "p cnf 2 1\n1 2\n%\n", 2),
    ("NUL byte", "p cnf 2 1\n1 0\n\x00\n", 3),
    ("control byte in comment", "c ok\nc bad \x07 bell\np cnf 0 0\n", 2),
    ("undecodable byte (surrogate escape)", "p cnf 1 1\n1 \udcff 0\n", 2),
    ("carriage return inside a line", "p cnf 2 1\r1 0\r", 1),
    ("header without counts", "p cnf\n", 1),
    ("header with 3 numbers", "c x\np cnf 2 1 5\n1 0\n", 2),
    ("header negative n", "p cnf -2 1\n", 1),
    ("header non-integer m", "p cnf 2 one\n", 1),
    ("wcnf header", "p wcnf 2 1 3\n", 1),
    ("upper-case header", "P CNF 2 1\n1 0\n", 1),
    ("p glued to cnf", "pcnf 2 1\n1 0\n", 1),
    ("pmc without show line", "c t pmc\np cnf 2 1\n1 0\n", 1),
    ("show line in an mc file", "c t mc\np cnf 2 1\n1 0\nc p show 1 0\n", 4),
    ("show variable above n", "p cnf 2 1\nc p show 1 3 0\n1 0\n", 2),
    ("show line before header, variable above n", "c p show 3 0\np cnf 2 1\n1 0\n", 1),
    ("show negative variable", "p cnf 2 1\nc p show -1 0\n1 0\n", 2),
    ("show zero in the middle", "p cnf 2 1\nc p show 1 0 2 0\n1 0\n", 2),
    ("show not terminated", "p cnf 2 1\nc p show 1 2\n1 0\n", 2),
    ("two type lines", "c t mc\nc t mc\np cnf 1 0\n", 2),
    ("weighted type", "c t wmc\np cnf 1 0\n", 1),
    ("projected weighted type", "c t pwmc\np cnf 1 0\n", 1),
    ("weight line", "p cnf 1 1\nc p weight 1 0.5 0\n1 0\n", 2),
    ("clause after % marker", "p cnf 2 1\n1 0\n%\n0\n2 0\n", 5),
    ("two zeros after % marker", "p cnf 2 1\n1 0\n%\n0\n0\n", 5),
    ("comment after % marker", "p cnf 2 1\n1 0\n%\nc late\n", 4),
]


@pytest.mark.parametrize(
    ("text", "line"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_malformed_dimacs_names_file_and_line(text: str, line: int) -> None:
    with pytest.raises(DimacsError) as info:
        CNF.from_dimacs(text, path="bad.cnf")
    exc = info.value
    assert isinstance(exc, ValueError)
    assert isinstance(exc, InputError)
    assert exc.line == line
    assert exc.path == "bad.cnf"
    assert str(exc).startswith(f"bad.cnf:{line}: ")


def test_error_without_path_says_string() -> None:
    with pytest.raises(DimacsError, match=r"^<string>:2: literal 5 out of range"):
        CNF.from_dimacs("p cnf 2 1\n5 0\n")


def test_from_dimacs_wants_text() -> None:
    with pytest.raises(InputTypeError, match="text"):
        CNF.from_dimacs(b"p cnf 0 0\n")  # type: ignore[arg-type]


# ------------------------------------------------------------------------ golden accepts

ACCEPTED = [
    ("plain", "p cnf 3 2\n1 -2 0\n2 3 0\n", CNF(3, ((1, -2), (2, 3)))),
    ("clause spans lines", "p cnf 3 1\n1\n-2\n\n3 0\n", CNF(3, ((1, -2, 3),))),
    ("several per line", "p cnf 3 3\n1 0 -2 0 3\n-1 0\n", CNF(3, ((1,), (-2,), (3, -1)))),
    ("comment inside a clause", "p cnf 2 1\n1\nc hi\n2 0\n", CNF(2, ((1, 2),))),
    ("empty clause", "p cnf 1 2\n0\n1 0\n", CNF(1, ((), (1,)))),
    ("no clauses", "p cnf 4 0\n", CNF(4, ())),
    ("no variables", "p cnf 0 0\n", CNF(0, ())),
    ("CRLF, tabs, no final newline", "p cnf\t2 1\r\n 1\t-2 0 ", CNF(2, ((1, -2),))),
    ("byte-order mark", "\ufeffp cnf 1 1\n1 0\n", CNF(1, ((1,),))),
    ("SATLIB % marker then 0", "c uf\np cnf 3 2\n1 2 0\n-3 0\n%\n0\n\n", CNF(3, ((1, 2), (-3,)))),
    ("% marker alone", "p cnf 1 1\n1 0\n%\n", CNF(1, ((1,),))),
    ("mc header", "c t mc\np cnf 2 1\n1 0\n", CNF(2, ((1,),))),
    (
        "pmc with two show lines",
        "c t pmc\np cnf 4 1\nc p show 3 1 0\nc p show 2 3 0\n1 4 0\n",
        CNF(4, ((1, 4),), projection=(1, 2, 3)),
    ),
    ("show line, no type line", "p cnf 2 0\nc p show 2 0\n", CNF(2, (), projection=(2,))),
    ("empty projection", "c t pmc\np cnf 2 0\nc p show 0\n", CNF(2, (), projection=())),
    ("free comment starting with t", "c t is time\np cnf 1 0\n", CNF(1, ())),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED]
)
def test_accepted_dimacs(text: str, expected: CNF) -> None:
    got = CNF.from_dimacs(text)
    assert got == expected
    assert got.projection == expected.projection


def test_comments_kept_in_order_without_header_lines() -> None:
    text = (
        "c t mc\nc first\nc\n  c  indented twice \ncsecond\np cnf 2 2\n"
        "1 0\nc ermbit count 12\n2 0\n"
    )
    f = CNF.from_dimacs(text)
    assert f.comments == ("first", "", " indented twice ", "second", "ermbit count 12")
    back = CNF.from_dimacs(f.to_dimacs())
    assert back.comments == f.comments


def test_count_type_is_read_and_written() -> None:
    f = CNF.from_dimacs("c t pmc\np cnf 3 1\nc p show 2 0\n1 3 0\n")
    assert f.count_type == "pmc" and f.projection == (2,)
    lines = f.to_dimacs().splitlines()
    assert lines[0] == "c t pmc"
    assert "c p show 2 0" in lines
    assert CNF.from_dimacs("p cnf 1 0\n").count_type == "mc"
    assert CNF(1, ()).to_dimacs().splitlines()[0] == "c t mc"


def test_to_dimacs_golden() -> None:
    f = CNF(3, ((1, -2), (), (3, -3)), projection=(3, 1), comments=("ermbit count 0",))
    assert f.to_dimacs() == (
        "c t pmc\nc ermbit count 0\np cnf 3 3\nc p show 1 3 0\n1 -2 0\n0\n3 -3 0\n"
    )


# ------------------------------------------------------------------------- files, gzip


def test_gz_round_trip(tmp_path: Path) -> None:
    f = CNF(4, ((1, -2, 3), (), (4, -4)), projection=(2, 4), comments=("ermbit count 0", "x"))
    path = tmp_path / "f.cnf.gz"
    f.write(path)
    raw = path.read_bytes()
    assert raw[:2] == b"\x1f\x8b"
    assert gzip.decompress(raw).decode() == f.to_dimacs()
    back = CNF.read(path)
    assert back == f
    assert back.comments == f.comments
    assert back.projection == (2, 4)
    f.write(tmp_path / "again.cnf.gz")
    assert (tmp_path / "again.cnf.gz").read_bytes() == raw  # no timestamp in the header


def test_xz_and_plain_round_trip(tmp_path: Path) -> None:
    f = CNF(2, ((1, 2), (-1,)), comments=("hello",))
    for name in ("f.cnf", "f.cnf.xz", "f.cnf.gz"):
        f.write(tmp_path / name)
        assert CNF.read(str(tmp_path / name)) == f
    assert lzma.decompress((tmp_path / "f.cnf.xz").read_bytes()).decode() == f.to_dimacs()
    assert (tmp_path / "f.cnf").read_text() == f.to_dimacs()


def test_gzip_detected_by_magic_not_extension(tmp_path: Path) -> None:
    text = "p cnf 2 1\n1 -2 0\n"
    disguised = tmp_path / "looks_plain.cnf"
    disguised.write_bytes(gzip.compress(text.encode()))
    assert CNF.read(disguised) == CNF(2, ((1, -2),))
    misnamed = tmp_path / "not_really.cnf.gz"
    misnamed.write_text(text)
    assert CNF.read(misnamed) == CNF(2, ((1, -2),))


@pytest.mark.parametrize("compress", [lambda b: b, gzip.compress], ids=["plain", "gzip"])
def test_read_rejects_invalid_utf8_at_its_line(tmp_path: Path, compress: object) -> None:
    # outside a comment (a Latin-1 comment is accepted: tests/test_defects_inputs.py)
    data = b"c fine\np cnf 2 1\n1 \xe9 0\n1 0\n"
    path = tmp_path / "latin1.cnf"
    path.write_bytes(compress(data))  # type: ignore[operator]
    with pytest.raises(DimacsError) as info:
        CNF.read(path)
    assert isinstance(info.value, ValueError)
    assert info.value.line == 3
    assert info.value.path == str(path)


def test_read_rejects_nul_bytes_at_their_line(tmp_path: Path) -> None:
    path = tmp_path / "nul.cnf"
    path.write_bytes(b"p cnf 1 1\n\n\n1 \x00 0\n")
    with pytest.raises(DimacsError) as info:
        CNF.read(path)
    assert info.value.line == 4


def test_read_rejects_corrupt_gzip(tmp_path: Path) -> None:
    path = tmp_path / "broken.cnf.gz"
    path.write_bytes(gzip.compress(b"p cnf 1 1\n1 0\n" * 50)[:30])
    with pytest.raises(DimacsError) as info:
        CNF.read(path)
    assert info.value.path == str(path)
    assert "corrupt" in str(info.value)


def test_read_missing_file_is_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        CNF.read(tmp_path / "absent.cnf")


# --------------------------------------------------------------------- property tests

_TRICKY_COMMENTS = ["t is time", "t", "p", "p cnf 1 1", "  lead", "trail  ", "c", "%", "0", "1 2 0"]
_COMMENT_TEXT = st.sampled_from(_TRICKY_COMMENTS) | st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=12
).filter(lambda t: t.split()[:2] not in (["p", "show"], ["p", "weight"]) and t.split()[:1] != ["t"])


@SETTINGS
@given(
    f=cnfs(max_vars=8, max_clauses=8, max_width=4, with_projection=True),
    comments=st.lists(_COMMENT_TEXT, max_size=3),
)
def test_write_read_round_trip(f: CNF, comments: list[str]) -> None:
    f = CNF(f.num_vars, f.clauses, f.projection, tuple(comments))
    back = CNF.from_dimacs(f.to_dimacs())
    assert back == f and back.comments == f.comments
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("f.cnf", "f.cnf.gz"):
            path = Path(tmp) / name
            f.write(path)
            back = CNF.read(path)
            assert back == f
            assert back.comments == f.comments
            assert back.projection == f.projection


@SETTINGS
@given(f=cnfs(max_vars=8, max_clauses=8, max_width=4))
def test_writer_output_parses_with_pysat(f: CNF) -> None:
    # An independent DIMACS reader sees the same clauses.
    other = PysatCNF(from_string=f.to_dimacs())
    assert [tuple(c) for c in other.clauses] == list(f.clauses)


@SETTINGS
@given(f=cnfs(max_vars=6, max_clauses=6, max_width=4))
def test_header_counts_must_match(f: CNF) -> None:
    # Lying about m by one in either direction is always caught.
    text = f.to_dimacs()
    head = f"p cnf {f.num_vars} {f.num_clauses}"
    for m in (f.num_clauses + 1, f.num_clauses - 1):
        if m < 0:
            continue
        with pytest.raises(DimacsError):
            CNF.from_dimacs(text.replace(head, f"p cnf {f.num_vars} {m}"))


# ---------------------------------------------------------------- normalisation, models


def test_normalisation_golden() -> None:
    f = CNF(3, ((1, 1, 2, 1), (-3, 2, -3), (1, -1, 1), ()))
    assert f.clauses == ((1, 2), (-3, 2), (1, -1), ())
    assert f.num_clauses == 4 and f.width == 2
    assert CNF.from_dimacs("p cnf 2 1\n1 1 -2 1 -2 0\n").clauses == ((1, -2),)


@SETTINGS
@given(
    n=st.integers(1, 5),
    raw=st.lists(
        st.lists(st.integers(1, 5).flatmap(lambda v: st.sampled_from((v, -v))), max_size=6),
        max_size=5,
    ),
)
def test_normalisation_removes_repeats_and_keeps_models(n: int, raw: list[list[int]]) -> None:
    raw = [[l if abs(l) <= n else (n if l > 0 else -n) for l in c] for c in raw]
    f = CNF(n, tuple(tuple(c) for c in raw))
    for got, c in zip(f.clauses, raw, strict=True):
        assert got == tuple(l for i, l in enumerate(c) if l not in c[:i])
    models_raw = sum(
        all(any(a[abs(l) - 1] == (l > 0) for l in c) for c in raw)
        for a in itertools.product((False, True), repeat=n)
    )
    assert brute_count(f) == models_raw


@SETTINGS
@given(f=cnfs(max_vars=5, max_clauses=5, max_width=3))
def test_satisfied_by_agrees_with_direct_evaluation(f: CNF) -> None:
    for a in itertools.product((False, True), repeat=f.num_vars):
        expected = all(any(a[abs(l) - 1] == (l > 0) for l in c) for c in f.clauses)
        assert f.satisfied_by(a) is expected
        literals = [i + 1 if v else -(i + 1) for i, v in enumerate(a)]
        if literals:
            assert f.satisfied_by(literals[::-1]) is expected


def test_satisfied_by_golden_and_errors() -> None:
    f = CNF(2, ((1, 2), (-1,)))
    assert [f.satisfied_by(a) for a in itertools.product((False, True), repeat=2)] == [
        False,
        True,
        False,
        False,
    ]
    assert CNF(1, ((1, -1),)).satisfied_by((False,))
    assert not CNF(1, ((),)).satisfied_by((True,))
    with pytest.raises(InputError, match="expected 2 truth values"):
        f.satisfied_by((True,))
    with pytest.raises(InputError, match=r"no value for variables \[2\]"):
        f.satisfied_by([1])
    with pytest.raises(InputError, match="literal 3"):
        f.satisfied_by([1, 3])


def test_brute_count_matches_spec_vectors() -> None:
    # docs: constructions/kronecker.md test vectors.
    assert brute_count(CNF(2, ((1, 2),))) == 3
    assert brute_count(CNF(2, ((1, -1),))) == 4
    assert brute_count(CNF(3, ())) == 8
    assert brute_count(CNF(2, ((1,), ()))) == 0
    f = CNF(3, ((1, 2), (-1, 3)), projection=(1,))
    assert brute_count(f) == 4 and brute_count(f, projected=True) == 2


def test_strategy_covers_empty_clauses_and_tautologies() -> None:
    from hypothesis import find

    find(cnfs(), lambda f: () in f.clauses)
    find(cnfs(), lambda f: any(-l in c for c in f.clauses for l in c))
    find(cnfs(), lambda f: f.num_vars == 0)
    none = find(cnfs(allow_empty_clause=False), lambda f: f.num_clauses >= 3)
    assert all(none.clauses)


# ---------------------------------------------------------------- constructors, checks


def test_from_clauses_infers_num_vars() -> None:
    assert CNF.from_clauses([[1, -5], [2]]) == CNF(5, ((1, -5), (2,)))
    assert CNF.from_clauses([]) == CNF(0, ())
    assert CNF.from_clauses([[]]) == CNF(0, ((),))
    assert CNF.from_clauses([(1,)], num_vars=3).num_vars == 3
    assert CNF.from_clauses([[1]], projection=[4]).num_vars == 4
    assert CNF.from_clauses(iter([iter([2, 2])])) == CNF(2, ((2,),))
    with pytest.raises(InputError, match="literal -3, out of range for n = 2"):
        CNF.from_clauses([[1, -3]], num_vars=2)
    with pytest.raises(InputTypeError, match="clause 1"):
        CNF.from_clauses([[1], ["2"]])  # type: ignore[list-item]


def test_constructor_rejects_bad_values() -> None:
    with pytest.raises(InputError, match="clause 1 contains literal 0"):
        CNF(2, ((1,), (0,)))
    with pytest.raises(InputError, match="num_vars"):
        CNF(-1, ())
    with pytest.raises(InputTypeError, match="clause 0"):
        CNF(2, ((1.0,),))  # type: ignore[arg-type]
    with pytest.raises(InputTypeError):
        CNF(True, ())
    with pytest.raises(InputError, match="projection"):
        CNF(2, (), projection=(3,))


@pytest.mark.parametrize(
    "comment", ["two\nlines", "cr\r", "nul\x00", "t mc", " t  pmc", "p show 1 0", "p weight 1 1 0"]
)
def test_comments_that_cannot_round_trip_are_refused(comment: str) -> None:
    with pytest.raises(InputError, match=r"comments\[1\]"):
        CNF(1, (), comments=("fine", comment))


def test_comments_must_be_a_sequence() -> None:
    with pytest.raises(InputTypeError, match="comments"):
        CNF(1, (), comments="ermbit count 2")  # type: ignore[arg-type]
    assert CNF(1, ((1,),), comments=("a",)) == CNF(1, ((1,),), comments=("b",))
