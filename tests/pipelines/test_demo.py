"""``ermbit demo``: every claim confirmed on the default formula, and failures are reported."""

from __future__ import annotations

import io

from ermbit.cli import main
from ermbit.cnf import CNF
from ermbit.pipelines import demo


def test_demo_confirms_every_claim() -> None:
    out = io.StringIO()
    assert main(["demo"], out=out, err=io.StringIO()) == 0
    text = out.getvalue()
    for section in ("1. Model counting", "Thm 1.3", "Thm 1.1", "Thm 1.4", "Fig. 1"):
        assert section in text
    assert "NOT confirmed" not in text
    assert text.rstrip().splitlines()[-1].startswith("result: every claim was confirmed")


def test_demo_on_an_unsatisfiable_formula() -> None:
    cnf = CNF(2, ((1, 2), (-1, 2), (1, -2), (-1, -2)))
    lines = list(demo.run(cnf))
    assert all(ok for _, ok in lines)
    assert any("#SAT = 0" in line for line, _ in lines)
    assert any("unsatisfiable, as PySAT says" in line for line, _ in lines)


def test_demo_reports_a_broken_counter(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ermbit.solvers.sat import counting

    real = counting.count_dpll
    monkeypatch.setattr(counting, "count_dpll", lambda cnf, **kw: real(cnf, **kw) + 1)
    lines = list(demo.run(quick=True))
    assert not lines[-1][1]
    assert "SOME CLAIM WAS NOT CONFIRMED" in lines[-1][0]
