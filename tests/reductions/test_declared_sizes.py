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
    report = verify(get("sat-to-nae"), CNF(1, ((1,),)), max_witnesses=1)
    assert "sizes" not in report.meta or report.meta["sizes"] != "no declared size bound"


def test_every_builtin_reduction_declares_its_size() -> None:
    from ermbit.reductions import REGISTRY

    assert set(REGISTRY) <= set(DECLARED), set(REGISTRY) - set(DECLARED)


def _size_check(report: object) -> object:
    return next(c for c in report.checks if c.name == "sizes")  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["sat-to-relu", "sat-to-relu2"])
def test_pinned_forms_have_their_own_bound(name: str) -> None:
    rng = random.Random(name)
    for _ in range(4):
        report = verify(get(name, pinned=True), random_cnf(rng), max_witnesses=1)
        check = _size_check(report)
        assert check.status == "passed", check.detail  # type: ignore[attr-defined]
        assert "samples" in check.detail and 0 < report.meta["size_ratio"] <= 1  # type: ignore[attr-defined]


A0S = ("1", "3", "-2", "1/3", "-5/7", "0", "4", "1/8")


@pytest.mark.parametrize("a0", A0S)
@pytest.mark.parametrize("name", ["posslp-to-backprop-sign", "posslp-to-erm"])
def test_sign_reductions_sizes_for_every_a0(name: str, a0: str) -> None:
    from ermbit.slp import SLP

    rng = random.Random(a0 + name)
    red = get(name)
    for _ in range(4):
        src = SLP(a0, _random_slp(rng).gates)  # type: ignore[attr-defined]
        check = _size_check(verify(red, src, max_witnesses=1))
        assert check.status == "passed", check.detail  # type: ignore[attr-defined]


@pytest.mark.parametrize("a0", A0S)
@pytest.mark.parametrize("name", ["slp-to-backprop-bit", "bitslp-to-erm"])
def test_bit_reductions_sizes_for_every_a0(name: str, a0: str) -> None:
    from ermbit.problems.queries import BitQuery
    from ermbit.slp import SLP

    rng = random.Random(a0 + name)
    for _ in range(4):
        src = BitQuery(SLP(a0, _random_slp(rng).gates), rng.randint(0, 3))  # type: ignore[attr-defined]
        check = _size_check(verify(get(name), src, max_witnesses=1))
        assert check.status == "passed", check.detail  # type: ignore[attr-defined]


def test_bounded_gradient_variants_are_declared() -> None:
    from ermbit.problems.queries import BitQuery
    from ermbit.slp import SLP

    src = SLP(1, [("+", 0, 0), ("*", 1, 1), ("-", 2, 0)])
    for red, obj in (
        (get("slp-to-backprop-bit", bounded=True), BitQuery(src, 1)),
        (get("posslp-to-backprop-sign", bounded=True), src),
        (get("posslp-to-backprop-sign", bounded=True), SLP("1/3", src.gates)),
    ):
        check = _size_check(verify(red, obj, max_witnesses=1))
        assert check.status == "passed", check.detail  # type: ignore[attr-defined]


def test_homogenising_deep_squarings_stays_within_the_bound() -> None:
    """The worst case of the q^d lifts: degrees doubling, then sums of unequal degrees."""
    from ermbit.reductions.backprop import homogenise
    from ermbit.reductions.sizes import _homogenised_gates
    from ermbit.slp import SLP

    for a0 in ("1/3", "-7/5", "0", "1024/3"):
        gates = [("*", i, i) for i in range(6)] + [("+", i, 0) for i in range(6, 12)]
        slp = SLP(a0, gates)
        assert homogenise(slp)[0].length <= _homogenised_gates(slp)


def test_pin_declares_the_forcing_samples() -> None:
    from ermbit.network.erm import ERMInstance, Sample
    from ermbit.network.model import NetworkBuilder

    for act, gamma in (("z**3", "0"), ("relu", "5/2")):
        nb = NetworkBuilder()
        for v, a in (("s", "id"), ("L", "id"), ("U", act), ("o", "id")):
            nb.add_node(v, a)
        nb.add_edge("s", "L", 1, 2, frozen=True)
        nb.add_edge("L", "U", 1, 0, frozen=True)
        nb.add_edge("U", "o", 3, 0, frozen=True)
        sample = Sample.of({"s": 1}, {"o": 27}, "squared", 2)
        src = ERMInstance(nb.build(["o"]), (sample,), gamma, 8)
        _check_pin(src)


def _check_pin(src: object) -> None:
    report = verify(get("pin"), src, max_witnesses=1)
    check = _size_check(report)
    assert check.status == "passed" and "sample_weight" in check.detail, check.detail  # type: ignore[attr-defined]


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
