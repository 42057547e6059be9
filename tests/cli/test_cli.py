"""The command line, run in-process through ``ermbit.cli.main`` and compared with the library."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given

from ermbit.cnf import CNF
from tests.cli._run import run
from tests.profiles import examples
from tests.strategies import brute_count, cnfs


@pytest.fixture
def cnf_file(tmp_path: Path) -> Path:
    p = tmp_path / "f.cnf"
    CNF(3, ((1, 2), (-1, 3), (2, -3))).write(p)
    return p


@examples(25)
@given(cnfs(max_vars=5, max_clauses=5))
def test_count_every_method_agrees_with_brute_force(cnf: CNF) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "f.cnf"
        cnf.write(p)
        for method in ("auto", "brute", "dpll", "enum"):
            code, out, _ = run("count", str(p), "--method", method, "--json")
            assert code == 0
            obj = json.loads(out)
            assert obj["count"] == brute_count(cnf) and obj["method"] == method
            assert isinstance(obj["seconds"], float)


def test_count_all_cross_checks(cnf_file: Path) -> None:
    code, out, _ = run("count", str(cnf_file), "--method", "all", "--json")
    assert code == 0 and json.loads(out)["agreed"] is True
    assert json.loads(out)["count"] == brute_count(CNF.read(cnf_file))


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("p cnf 2 2\n1 2 0\n", 1),
        ("p cnf 2 1\n1 3 0\n", 2),
        ("c hi\n1 2 0\n", 2),
        ("p cnf 2 1\n1 x 0\n", 2),
        ("p cnf 2 1\np cnf 2 1\n1 0\n", 2),
        ("", 1),
    ],
)
def test_malformed_dimacs_exits_2_with_line(tmp_path: Path, text: str, line: int) -> None:
    p = tmp_path / "bad.cnf"
    p.write_text(text)
    code, out, err = run("count", str(p))
    assert code == 2 and out == ""
    assert f"{p}:{line}:" in err and "Traceback" not in err


def test_missing_file_and_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("count", str(tmp_path / "nope.cnf"))[0] == 2
    assert run("count")[0] == 2
    assert run("frobnicate")[0] == 2


def test_slp_bits_and_sign_of_a_huge_value(tmp_path: Path) -> None:
    import gmpy2

    from ermbit import formats
    from ermbit.slp import SLP

    gates = [("*", i, i) for i in range(22)] + [("-", 0, 22)]  # 3 - 3^(2^22): ~6.6M bits
    p = tmp_path / "p.json"
    formats.write(str(p), SLP(3, gates))
    value = 3 - gmpy2.mpz(3) ** (2**22)
    js = [0, 1, 5, 1000, 6_000_000]
    code, out, _ = run("slp", str(p), *[a for j in js for a in ("--bit", str(j))], "--sign")
    assert code == 0
    lines = out.split()
    assert lines[:-1] == [str(int(abs(value).bit_test(j))) for j in js]
    assert lines[-1] == "-1"


def test_slp_budget_refusal_exits_3(tmp_path: Path) -> None:
    from ermbit import formats
    from ermbit.slp import SLP

    p = tmp_path / "big.json"
    # 3^(2^60) − 6^(2^59): the sign analysis cannot decide it, so it must evaluate
    gates = [("*", i, i) for i in range(60)] + [("+", 0, 0)]
    gates += [("*", 61 + i, 61 + i) for i in range(59)] + [("-", 60, 120)]
    formats.write(str(p), SLP(3, gates))
    code, _, err = run("slp", str(p), "--sign", "--budget-bits", "1000")
    assert code == 3 and "--budget-bits" in err


def test_reduce_sat_to_slp_then_read_the_count_bits(cnf_file: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "p.json"
    code, _, _ = run("reduce", "sat-to-slp", str(cnf_file), "-o", str(out_file))
    assert code == 0
    meta = json.loads(out_file.read_text())["meta"]["count_bits"]
    bits = [str(meta["offset"] + r) for r in range(meta["width"])]
    code, out, _ = run("slp", str(out_file), *[a for b in bits for a in ("--bit", b)])
    count = sum(int(b) << r for r, b in enumerate(out.split()))
    assert code == 0 and count == brute_count(CNF.read(cnf_file))


def test_reduce_refuses_unknown_option(cnf_file: Path, tmp_path: Path) -> None:
    code, _, err = run(
        "reduce", "sat-to-nae", str(cnf_file), "-o", str(tmp_path / "x"), "--bounded"
    )
    assert code == 2 and "bounded" in err


def test_gen_is_deterministic_and_records_truth(tmp_path: Path) -> None:
    a, b = tmp_path / "a.cnf", tmp_path / "b.cnf"
    for p in (a, b):
        assert (
            run(
                "gen",
                "random-kcnf",
                "n=6",
                "m=20",
                "k=3",
                "--seed",
                "4",
                "-o",
                str(p),
                "--with-truth",
            )[0]
            == 0
        )
    assert a.read_bytes() == b.read_bytes()
    cnf = CNF.read(a)
    truth = next(c for c in cnf.comments if c.startswith("ermbit truth"))
    assert f"count={brute_count(cnf)}" in truth


def test_gen_bulk_writes_manifest_with_hashes(tmp_path: Path) -> None:
    import hashlib

    d = tmp_path / "out"
    code, _, _ = run(
        "gen",
        "random-kcnf",
        "n=4",
        "m=6",
        "k=3",
        "--seed",
        "1",
        "--count",
        "3",
        "--out-dir",
        str(d),
        "--reduce",
        "sat-to-nae",
    )
    assert code == 0
    man = json.loads((d / "manifest.json").read_text())
    assert len([f for f in man["files"] if f["role"] == "source"]) == 3
    for f in man["files"]:
        assert hashlib.sha256((d / f["path"]).read_bytes()).hexdigest() == f["sha256"]
        if f["role"] == "source":
            assert f["truth"]["count"] == brute_count(CNF.read(d / f["path"]))


def test_verify_catches_planted_bug_and_writes_shrunk_counterexample(tmp_path: Path) -> None:
    code, out, _ = run(
        "verify",
        "--reduction",
        "tests.broken_reductions:ForgetfulSatToNae",
        "--trials",
        "5",
        "--counterexamples",
        str(tmp_path),
        "--report",
        str(tmp_path / "r.json"),
    )
    assert code == 1 and "FAILED" in out
    shrunk = list(tmp_path.glob("*-shrunk.cnf"))
    assert shrunk
    code, out, _ = run(
        "verify",
        "--reduction",
        "tests.broken_reductions:ForgetfulSatToNae",
        "--rerun",
        str(shrunk[0]),
    )
    assert code == 1 and out.strip().endswith("FAILED")
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["passed"] is False and report["instances"]
    assert {"checks", "input_hash", "seconds", "source_size"} <= set(report["instances"][0])


def test_verify_correct_reduction_passes(tmp_path: Path) -> None:
    code, out, _ = run("verify", "sat-to-nae", "--trials", "3", "--json")
    assert code == 0 and json.loads(out)["failed"] == 0


def test_study_pac_and_gadget_negative_json() -> None:
    code, out, _ = run("study", "pac", "--q", "2", "8", "--json")
    rows = json.loads(out)["rows"]
    assert code == 0 and [r["q"] for r in rows] == [2, 8]
    assert rows[1]["bit_model_samples"] > rows[0]["bit_model_samples"]
    code, out, _ = run("study", "gadget-negative", "--alpha", "1/2", "2", "--json")
    verdicts = [r["verdict"] for r in json.loads(out)["rows"]]
    assert verdicts == ["inconsistent", "consistent"]


def test_study_bit_growth_shape() -> None:
    code, out, _ = run("study", "bit-growth", "--depth", "4", "--json")
    rows = json.loads(out)["rows"]
    z2 = [r["forward_bits"] for r in rows if r["activation"] == "z^2" and r["scale"] == "1"]
    assert code == 0 and all(b >= 2 * a - 30 for a, b in itertools.pairwise(z2))


def test_explain_kronecker_lists_every_step(tmp_path: Path) -> None:
    code, out, _ = run("explain", "kronecker", "--format", "md")
    assert code == 0 and "### Step 1: `sat-to-slp`" in out and "Every step confirmed" in out


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("ermbit ")


@pytest.mark.parametrize("bit_offset", [0, 1, 2])
def test_bitslp_to_erm_file_round_trip_and_solve(tmp_path: Path, bit_offset: int) -> None:
    from ermbit.formats import read
    from ermbit.slp import bit

    cnf_path = tmp_path / "f.cnf"
    CNF(3, ((1, -2), (2, 3))).write(cnf_path)
    slp_path, erm_path, wit = tmp_path / "c.json", tmp_path / "e.json", tmp_path / "w.json"
    assert run("reduce", "sat-to-slp", str(cnf_path), "-o", str(slp_path))[0] == 0
    j = json.loads(slp_path.read_text())["meta"]["count_bits"]["offset"] + bit_offset
    assert (
        run("reduce", "bitslp-to-erm", str(slp_path), "--bit", str(j), "-o", str(erm_path))[0] == 0
    )
    assert json.loads(erm_path.read_text())["kind"] == "erm"
    code, out, _ = run("solve", str(erm_path), "-w", str(wit), "--json")
    expected = bit(read(slp_path).obj, j) == 1
    assert code == 0 and json.loads(out)["decision"] is expected
    assert run("check", str(erm_path), str(wit))[0] == (0 if expected else 1)
