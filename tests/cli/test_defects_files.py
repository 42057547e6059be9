"""Regression tests for lost work (issue 13, L1) and the one rule for output files.

An output that is also an input is refused; an existing output needs ``--force``;
files are written atomically; an interrupted ``gen`` or ``verify`` keeps what it did.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from ermbit.cnf import CNF
from tests.cli._run import run


@pytest.fixture
def cnf_file(tmp_path: Path) -> Path:
    p = tmp_path / "f.cnf"
    CNF(2, ((1, 2),)).write(p)
    return p


def test_reduce_onto_its_own_input_is_refused_and_the_input_kept(cnf_file: Path) -> None:
    before = cnf_file.read_bytes()
    for target in (str(cnf_file), str(cnf_file.parent / "." / cnf_file.name)):
        code, _, err = run("reduce", "sat-to-slp", str(cnf_file), "-o", target, "--force")
        assert code == 2 and "destroy the input" in err
    assert cnf_file.read_bytes() == before


def test_solve_witness_onto_the_instance_is_refused(cnf_file: Path, tmp_path: Path) -> None:
    r = tmp_path / "r.json"
    assert run("reduce", "sat-to-relu", str(cnf_file), "-o", str(r))[0] == 0
    before = r.read_bytes()
    code, _, err = run("solve", str(r), "-w", str(r))
    assert code == 2 and "destroy the input" in err and r.read_bytes() == before


def test_existing_output_needs_force(cnf_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    out.write_text("keep me")
    code, _, err = run("reduce", "sat-to-slp", str(cnf_file), "-o", str(out))
    assert code == 2 and "--force" in err and out.read_text() == "keep me"
    assert run("reduce", "sat-to-slp", str(cnf_file), "-o", str(out), "--force")[0] == 0
    assert json.loads(out.read_text())["kind"] == "slp"


def test_write_is_atomic_when_interrupted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from ermbit import files

    p = tmp_path / "f.cnf"
    CNF(1, ((1,),)).write(p)
    before = p.read_bytes()

    def stop(src: Any, dst: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", stop)
    with pytest.raises(KeyboardInterrupt):
        CNF(3, ((1, 2, 3),)).write(p)
    assert p.read_bytes() == before and os.listdir(tmp_path) == ["f.cnf"]


def test_interrupted_gen_leaves_a_manifest_of_what_was_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from ermbit.checking import manifest

    real, calls = manifest.write_instance, []

    def write_two(*a: Any, **k: Any) -> None:
        if len(calls) == 2:
            raise KeyboardInterrupt
        calls.append(a)
        real(*a, **k)

    monkeypatch.setattr(manifest, "write_instance", write_two)
    d = tmp_path / "out"
    args = ["random-kcnf", "n=5", "m=4", "k=3", "--count", "5", "--out-dir", str(d)]
    code, _, err = run("gen", *args)
    assert code == 130 and "Traceback" not in err
    doc = json.loads((d / "manifest.json").read_text())
    listed = {f["path"] for f in doc["files"]}
    on_disk = {p.name for p in d.iterdir()} - {"manifest.json"}
    assert doc["complete"] is False and listed == on_disk and len(listed) == 2


def test_duplicate_gen_parameters_are_refused(tmp_path: Path) -> None:
    args = ["random-kcnf", "n=5", "n=6", "m=3", "k=3", "-o", str(tmp_path / "a.cnf")]
    code, _, err = run("gen", *args)
    assert code == 2 and "'n' given twice" in err


def test_unwritable_report_is_refused_before_the_sweep(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from ermbit.checking import sweep

    def never(*a: Any, **k: Any) -> None:
        raise AssertionError("the sweep ran")

    monkeypatch.setattr(sweep, "sweep", never)
    code, _, err = run("verify", "sat-to-nae", "--report", str(tmp_path / "no" / "r.json"))
    assert code == 2 and "--report" in err and "does not exist" in err


def test_ctrl_c_in_verify_keeps_the_partial_report(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from ermbit import reductions
    from ermbit.checking import sweep
    from ermbit.checking.verifier import verify

    red = reductions.get("sat-to-nae")
    done = [verify(red, CNF(2, ((1, 2),))), verify(red, CNF(2, ((1,), (-2,))))]

    def interrupted(spec: str, *, progress: Any, **k: Any) -> None:
        for t, rep in enumerate(done):
            progress(t + 1, 10, rep)
        raise KeyboardInterrupt

    monkeypatch.setattr(sweep, "sweep", interrupted)
    report = tmp_path / "r.json"
    code, _, err = run("verify", "sat-to-nae", "--report", str(report))
    doc = json.loads(report.read_text())
    assert code == 130 and err.strip() == "ermbit verify: interrupted"
    assert doc["interrupted"] is True and doc["instances"] == 2
    assert [r["input_hash"] for r in doc["reports"]] == [r.to_json()["input_hash"] for r in done]


def test_stale_witness_is_removed_on_no(cnf_file: Path, tmp_path: Path) -> None:
    from ermbit.formats import read
    from ermbit.slp import bit

    slp_path, erm_path, wit = tmp_path / "c.json", tmp_path / "e.json", tmp_path / "w.json"
    assert run("reduce", "sat-to-slp", str(cnf_file), "-o", str(slp_path))[0] == 0
    off = json.loads(slp_path.read_text())["meta"]["count_bits"]["offset"]
    j = next(j for j in range(off, off + 8) if bit(read(slp_path).obj, j) == 0)
    assert (
        run("reduce", "bitslp-to-erm", str(slp_path), "--bit", str(j), "-o", str(erm_path))[0] == 0
    )
    wit.write_text("an old witness")
    code, out, _ = run("solve", str(erm_path), "-w", str(wit), "--force", "--json")
    assert code == 0 and json.loads(out)["decision"] is False
    # the old file is gone: removed, or replaced by the solver's best θ, which check rejects
    assert not wit.exists() or run("check", str(erm_path), str(wit))[0] == 1


def test_progress_without_a_terminal_writes_plain_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ermbit.cli import tools

    buf = io.StringIO()  # not a TTY
    monkeypatch.setattr(tools.sys, "stderr", buf)
    for done in range(1, 21):
        tools._progress(done, 20)
    text = buf.getvalue()
    assert "\r" not in text and text.splitlines()[-1] == "progress 20/20"
    assert len(text.splitlines()) == 10


def test_explain_draw_follows_the_output_rule(tmp_path: Path) -> None:
    dot = tmp_path / "n.dot"
    dot.write_text("old")
    code, _, err = run("explain", "np-relu", "--draw", str(dot))
    assert code == 2 and "--force" in err and dot.read_text() == "old"
    assert run("explain", "np-relu", "--draw", str(dot), "--force")[0] == 0
    assert dot.read_text().startswith(("digraph", "//", "strict"))


def test_counterexamples_dir_checked_before_the_sweep(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from ermbit.checking import sweep

    def never(*a: Any, **k: Any) -> None:
        raise AssertionError("the sweep ran")

    monkeypatch.setattr(sweep, "sweep", never)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run("verify", "sat-to-nae", "--counterexamples", str(blocker))
    assert code == 2 and "--counterexamples" in err and "not a directory" in err


def test_study_hints_name_flags() -> None:
    from ermbit.cli._base import cli_text

    for hint in (
        "pass a larger size_budget",
        "pass a larger search_budget (or fewer shifts or points)",
        "use a smaller --max-shift (or pass a larger max_entries)",
    ):
        text = cli_text(f"x is predicted to need 5 bits; to go ahead anyway, {hint}")
        assert "--max-shift" in text and "_budget" not in text and "max_entries" not in text


def test_ctrl_c_stops_the_worker_processes(tmp_path: Path) -> None:
    """A real SIGINT to ``verify --workers 2``: exit 130, the report written, and the pool's
    worker processes gone (not left to finish their batches)."""
    import signal
    import subprocess
    import sys
    import time

    report = tmp_path / "r.json"
    argv = ["verify", "sat-to-relu", "--trials", "400", "--workers", "2", "--report", str(report)]
    code = "import sys; from ermbit.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *argv], stderr=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert proc.stderr is not None
    assert proc.stderr.readline().startswith(b"progress")  # the workers are running
    kids = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True)
    workers = [int(k) for k in kids.stdout.split()]
    assert workers
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.decode().strip().endswith("ermbit verify: interrupted")
    assert json.loads(report.read_text())["interrupted"] is True
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = [pid for pid in workers if _alive(pid)]
    assert not alive


def _alive(pid: int) -> bool:
    """Running (not a zombie) -- a terminated child the parent never reaped is not running."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"
