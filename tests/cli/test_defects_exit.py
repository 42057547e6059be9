"""Regression tests for issue 13's exit-code table, U1, and the big-number crashes C1/C2.

The table (README "Exit codes", ``ermbit.cli._base.EXIT_CODES``): 0 an answer, 1 a claim
or check refuted, 2 bad input, 3 refused by a budget, 4 undecided within the limits,
5 internal error, 130 interrupted.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ermbit.cli._base import EXIT_CODES
from ermbit.cnf import CNF
from ermbit.errors import BudgetExceeded, Undecided
from tests.cli._run import run


@pytest.fixture
def cnf_file(tmp_path: Path) -> Path:
    p = tmp_path / "f.cnf"
    CNF(3, ((1, 2), (-1, 3))).write(p)
    return p


def test_readme_table_matches_the_code() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Exit codes", 1)[1].split("\n#", 1)[0]
    rows = dict(re.findall(r"^\| `(\d+)` \| ([^|]+) \|", section, flags=re.MULTILINE))
    assert {int(k) for k in rows} == set(EXIT_CODES)


def test_internal_error_is_one_line_exit_5_traceback_only_with_debug(
    monkeypatch: pytest.MonkeyPatch, cnf_file: Path
) -> None:
    from ermbit.solvers.sat import counting

    def boom(*a: object, **k: object) -> int:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(counting, "count", boom)
    code, _, err = run("count", str(cnf_file))
    assert code == 5 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "ZeroDivisionError" in err and "report" in err and "--debug" in err
    code, _, err = run("--debug", "count", str(cnf_file))
    assert code == 5 and "Traceback" in err


def test_ctrl_c_is_exit_130_one_line(monkeypatch: pytest.MonkeyPatch, cnf_file: Path) -> None:
    from ermbit.solvers.sat import counting

    def interrupted(*a: object, **k: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(counting, "count", interrupted)
    code, _, err = run("count", str(cnf_file))
    assert code == 130 and err.strip() == "ermbit count: interrupted"


def test_time_out_is_undecided_not_refuted(monkeypatch: pytest.MonkeyPatch, cnf_file: Path) -> None:
    from ermbit.solvers.sat import counting

    def slow(*a: object, **k: object) -> int:
        raise Undecided("method 'dpll' exceeded its timeout; pass a larger timeout=")

    monkeypatch.setattr(counting, "count", slow)
    code, _, err = run("count", str(cnf_file), "--method", "dpll", "--timeout", "1")
    assert code == 4 and "--timeout" in err and "timeout=" not in err


@pytest.mark.parametrize("method", ["dpll", "auto"])
def test_counter_time_outs_exit_4(tmp_path: Path, method: str) -> None:
    from ermbit.instances import generate

    p = tmp_path / "r.cnf"
    generate("random-kcnf", {"n": "60", "m": "200", "k": "3"}, 1).write(p)  # type: ignore[attr-defined]
    code, _, err = run("count", str(p), "--method", method, "--timeout", "0.000001")
    assert code == 4 and "undecided" in err and "--timeout" in err


def test_method_all_with_every_method_timed_out_is_undecided(
    monkeypatch: pytest.MonkeyPatch, cnf_file: Path
) -> None:
    from ermbit.solvers.sat import counting

    def nothing(cnf: CNF, **k: object) -> counting.CrossCheck:
        return counting.CrossCheck.from_counts(
            {"dpll": "error: method 'dpll' exceeded its timeout", "brute": "skipped: n too big"}
        )

    monkeypatch.setattr(counting, "cross_check", nothing)
    code, out, _ = run("count", str(cnf_file), "--method", "all")
    assert code == 4 and "UNDECIDED" in out and "DISAGREE" not in out


def test_unreachable_scheduler_is_not_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    import distributed

    def refuse(*a: object, **k: object) -> None:
        raise OSError("Timed out trying to connect")

    monkeypatch.setattr(distributed, "Client", refuse)
    code, _, err = run("verify", "sat-to-nae", "--trials", "1", "--scheduler", "tcp://127.0.0.1:9")
    assert code == 2 and "cannot reach" in err


def test_rerun_of_the_wrong_kind_is_bad_input(cnf_file: Path) -> None:
    code, out, err = run("verify", "slp-to-backprop-bit", "--rerun", str(cnf_file))
    assert code == 2 and "bitquery" in err and "FAILED" not in out


def test_demo_reports_a_budget_refusal_as_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from ermbit.pipelines import demo

    def refused(cnf: CNF) -> demo.Lines:
        raise BudgetExceeded("the step", predicted=10, budget=1, hint="pass budget_bits=10")
        yield "", True  # a generator

    monkeypatch.setattr(demo, "_decide", refused)
    monkeypatch.setattr(demo, "_via", lambda cnf, truth, how: iter(()))
    monkeypatch.setattr(demo, "_growth", lambda depth: iter(()))
    code, out, _ = run("demo")
    assert code == 3 and "refused" in out and "NOT CONFIRMED" not in out
    assert "--budget-bits 10" in out


def test_demo_on_an_unsat_formula_claims_no_model(tmp_path: Path) -> None:
    p = tmp_path / "u.cnf"
    CNF(1, ((1,), (-1,))).write(p)
    lines = [
        line for line, _ in __import__("ermbit.pipelines.demo").pipelines.demo._decide(CNF.read(p))
    ]
    text = "\n".join(lines)
    assert "unsatisfiable" in text and "the model satisfies" not in text


def test_c1_counts_past_4300_digits_print(tmp_path: Path) -> None:
    p = tmp_path / "b.cnf"
    p.write_text("p cnf 15000 2\n1 2 0\n-1 3 0\n")
    code, out, _ = run("count", str(p), "--json")
    # (x1 ∨ x2)(¬x1 ∨ x3): 4 of the 8 assignments of x1..x3, times 2^14997
    assert code == 0 and int(json.loads(out)["count"]) == 4 << 14997
    code, out, _ = run("count", str(p))
    assert code == 0 and int(out) == 4 << 14997


def test_c2_budget_refusal_of_a_huge_prediction_is_exit_3(tmp_path: Path) -> None:
    p = tmp_path / "b.cnf"
    p.write_text("p cnf 15000 1\n1 2 0\n")
    code, _, err = run("count", str(p), "--method", "brute")
    assert code == 3 and "2^15000" in err
    assert "max_vars=" not in err and "--method" in err


def test_c2_slp_of_many_squarings_is_refused_not_crashed(tmp_path: Path) -> None:
    # 2, then 15,000 squarings, then a subtraction (so the sign is not known from the ops)
    gates = [["+", 0, 0]] + [["*", t, t] for t in range(1, 15000)] + [["-", 15000, 1]]
    p = tmp_path / "s.json"
    p.write_text(json.dumps({"format": "ermbit/1", "kind": "slp", "a0": "1", "gates": gates}))
    code, _, err = run("slp", str(p), "--sign")
    assert code == 3 and "Traceback" not in err and "about 2^14999 bits" in err
    assert "--budget-bits about 10^" in err and "budget_bits=" not in err
    assert len(err) < 1000  # no number with thousands of digits


def test_hints_speak_flags_not_keywords(tmp_path: Path) -> None:
    p = tmp_path / "w.cnf"
    CNF(45, ((1, 2),)).write(p)
    code, out, _ = run("count", str(p), "--method", "all")
    assert code == 0 and "max_vars=" not in out and "brute" in out


def test_a_reader_that_goes_away_ends_quietly_with_141(cnf_file: Path) -> None:
    """``ermbit … | head``: the reader closes the pipe; no error message, exit 141."""
    import io

    from ermbit.cli import main

    class ClosedPipe(io.StringIO):
        def write(self, s: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    err = io.StringIO()
    assert main(["count", str(cnf_file)], out=ClosedPipe(), err=err) == 141
    assert err.getvalue() == ""


def test_head_on_a_real_pipe(tmp_path: Path) -> None:
    """A real ``| head -c 1`` on a long output: 141 and nothing on stderr (or 0 when the
    whole output fit in the pipe before the reader left)."""
    import subprocess
    import sys

    code = "import sys; from ermbit.cli import main; sys.exit(main(sys.argv[1:]))"
    argv = [sys.executable, "-c", code, "explain", "sharp-p-erm", "--format", "html"]
    producer = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert producer.stdout is not None and producer.stderr is not None
    reader = subprocess.run(["head", "-c", "1"], stdin=producer.stdout, capture_output=True)
    producer.stdout.close()
    err = producer.stderr.read()
    assert producer.wait() in (0, 141) and err == b"" and reader.stdout == b"<"
