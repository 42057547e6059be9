"""Declared output sizes: the verifier checks actual ≤ declared and reports the ratio."""

from __future__ import annotations

import io
import json
import random

import pytest

from ermbit.checking.verifier import verify
from ermbit.cli import main
from ermbit.cnf import CNF
from ermbit.reductions import get
from ermbit.reductions.nae_to_splitting import NaeToSplitting
from ermbit.reductions.sat_to_nae import SatToNae
from ermbit.reductions.sizes import DECLARED, SizeBound, check_sizes


def random_cnf(rng: random.Random) -> CNF:
    n = rng.randint(1, 4)
    clauses = tuple(
        tuple(v * rng.choice((1, -1)) for v in rng.sample(range(1, n + 1), rng.randint(1, n)))
        for _ in range(rng.randint(0, 5))
    )
    return CNF(n, clauses)


@pytest.mark.parametrize("name", ["sat-to-nae", "sat-to-relu", "sat-to-relu2", "sat-to-slp"])
def test_declared_bounds_hold_on_random_inputs(name: str) -> None:
    rng = random.Random(name)
    ratios = []
    for _ in range(8):
        report = verify(get(name), random_cnf(rng), max_witnesses=1)
        sizes = next(c for c in report.checks if c.name == "sizes")
        assert sizes.passed, sizes.detail
        ratios.append(report.meta["size_ratio"])
    assert all(0 < r <= 1 for r in ratios)


def test_chain_of_declared_bounds() -> None:
    cnf = CNF(3, ((1, -2), (2, 3)))
    nae = SatToNae().forward(cnf)
    report = verify(NaeToSplitting(), nae, max_witnesses=1)
    assert next(c for c in report.checks if c.name == "sizes").passed


def test_an_output_over_its_bound_is_a_failed_claim(monkeypatch: pytest.MonkeyPatch) -> None:
    tight = SizeBound({"variables": "n", "clauses": "m"}, lambda z, src, red: dict(z))
    monkeypatch.setitem(DECLARED, "sat-to-nae", tight)
    ok, detail, ratio = check_sizes(
        "sat-to-nae", {"variables": 3, "clauses": 2}, {"variables": 4, "clauses": 2}
    )
    assert not ok and "variables 4 > n = 3" in detail and ratio == 4 / 3
    report = verify(SatToNae(), CNF(3, ((1, 2),)), max_witnesses=1)
    assert not report.passed
    assert next(c for c in report.checks if c.name == "sizes").status == "failed"


def test_undeclared_reductions_say_so() -> None:
    assert check_sizes("no-such-reduction", {}, {}) is None
    report = verify(get("sat-to-relu", pinned=True), CNF(1, ((1,),)), max_witnesses=1)
    assert report.meta["sizes"] == "no declared size bound"


def test_cli_verify_reports_the_tightest_ratio() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(["verify", "sat-to-nae", "--trials", "2", "--json"], out=out, err=err)
    obj = json.loads(out.getvalue())
    assert code == 0 and 0 < obj["size_ratio"] <= 1


@pytest.mark.parametrize("activation", ["z**2", "z**3 + 2*z", "z**4 - z"])
def test_slp_network_size_follows_lemma_3_2(activation: str) -> None:
    red = get("slp-to-network", activation=activation)
    for seed in range(6):
        src = _random_slp(random.Random(seed))
        report = verify(red, src, max_witnesses=1)
        sizes = next(c for c in report.checks if c.name == "sizes")
        assert sizes.passed, sizes.detail


def _random_slp(rng: random.Random) -> object:
    from ermbit.slp import SLP

    gates = []
    for i in range(rng.randint(1, 6)):
        gates.append((rng.choice("+-*"), rng.randint(0, i), rng.randint(0, i)))
    return SLP(rng.randint(1, 3), gates)


def test_permanent_slp_size() -> None:
    red = get("perm-to-slp")
    rng = random.Random(7)
    for n in range(1, 7):
        matrix = tuple(tuple(rng.randint(0, 1) for _ in range(n)) for _ in range(n))
        report = verify(red, matrix, max_witnesses=1)
        sizes = next(c for c in report.checks if c.name == "sizes")
        assert sizes.passed, sizes.detail


def test_bounded_slp_size_is_quadratic() -> None:
    from ermbit.slp import SLP

    red = get("slp-to-bnslp")
    rng = random.Random(11)
    for _ in range(12):
        slp = _random_slp(rng)
        src = SLP(1, slp.gates)  # the rewriting needs a0 = 1
        report = verify(red, src, max_witnesses=1)
        sizes = next(c for c in report.checks if c.name == "sizes")
        assert sizes.passed, sizes.detail
    squarings = SLP(1, [("+", 0, 0)] + [("*", i, i) for i in range(1, 8)])
    assert next(c for c in verify(red, squarings).checks if c.name == "sizes").passed
