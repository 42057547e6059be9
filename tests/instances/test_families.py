"""Tests of ermbit.instances: determinism, shapes, and model counts against brute force.

Counts are checked by enumerating every assignment with itertools.product and
evaluating the clauses here, without any ermbit solver.
"""

from __future__ import annotations

import itertools
import math
import os
import random
import subprocess
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ermbit.cnf import CNF
from ermbit.errors import BackendUnavailable, BudgetExceeded, InputError, InputTypeError
from ermbit.instances import (
    FAMILIES,
    cnfgen_families,
    cnfgen_family,
    generate,
    parity_chain,
    parse_family_comment,
    permanent_brute,
    permanent_definition,
    pigeonhole,
    random_01_matrix,
    random_kcnf,
    random_kcnf_planted,
    random_mixed_cnf,
    xor_system,
)
from tests.profiles import examples

REPO = Path(__file__).resolve().parents[2]
SETTINGS = examples(40)
seeds = st.integers(0, 2**40)


def models(cnf: CNF) -> list[tuple[bool, ...]]:
    """Every satisfying assignment, by enumeration (index i-1 holds variable i)."""
    assert cnf.num_vars <= 16
    return [
        a
        for a in itertools.product((False, True), repeat=cnf.num_vars)
        if all(any(a[abs(l) - 1] == (l > 0) for l in c) for c in cnf.clauses)
    ]


def seeded_cnfs(seed: int) -> list[CNF]:
    return [
        random_kcnf(12, 40, 3, seed=seed),
        random_kcnf(12, 40, 3, seed=seed, planted=True),
        random_mixed_cnf(12, 40, min_width=1, max_width=5, seed=seed, tautology_prob="1/3"),
        parity_chain(9, seed=seed),
        xor_system(12, 10, 3, seed=seed),
    ]


# ---------------------------------------------------------------- determinism


def test_same_seed_same_output_different_seed_differs() -> None:
    for seed in (0, 1, 7, 2**35):
        for a, b in zip(seeded_cnfs(seed), seeded_cnfs(seed), strict=True):
            assert a.to_dimacs() == b.to_dimacs()
    for a, b in zip(seeded_cnfs(3), seeded_cnfs(4), strict=True):
        assert a.clauses != b.clauses
    assert random_01_matrix(8, seed=3) == random_01_matrix(8, seed=3)
    assert random_01_matrix(8, seed=3) != random_01_matrix(8, seed=4)


def test_global_random_state_untouched() -> None:
    random.seed(12345)
    state = random.getstate()
    seeded_cnfs(5)
    random_01_matrix(5, seed=1)
    assert random.getstate() == state


def test_output_does_not_depend_on_hash_seed() -> None:
    code = (
        "from tests.instances.test_families import seeded_cnfs\n"
        "from ermbit.instances import random_01_matrix\n"
        "print(''.join(f.to_dimacs() for f in seeded_cnfs(11)), random_01_matrix(6, seed=2))"
    )
    outputs = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        run = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.add(run.stdout)
    expected = "".join(f.to_dimacs() for f in seeded_cnfs(11))
    assert outputs == {f"{expected} {random_01_matrix(6, seed=2)}\n"}


def test_reproducibility_pin() -> None:
    # Not a correctness oracle: pins the seed -> instance map so that a change of the
    # sampling code (which would silently change published instances) fails loudly.
    assert random_kcnf(6, 3, 3, seed=0).clauses == PINNED_KCNF
    assert random_01_matrix(3, seed=0) == PINNED_MATRIX


PINNED_KCNF = ((3, -4, 5), (-1, -4, -5), (3, 4, -5))
PINNED_MATRIX = ((0, 1, 0), (0, 1, 1), (1, 0, 0))


# ---------------------------------------------------------------- random k-CNF


@SETTINGS
@given(n=st.integers(1, 12), m=st.integers(0, 30), data=st.data(), seed=seeds)
def test_random_kcnf_shape(n: int, m: int, data: st.DataObject, seed: int) -> None:
    k = data.draw(st.integers(1, n))
    f = random_kcnf(n, m, k, seed=seed)
    assert (f.num_vars, f.num_clauses) == (n, m)
    for c in f.clauses:
        assert len(c) == k and len({abs(l) for l in c}) == k
        assert all(1 <= abs(l) <= n for l in c)
    assert f.comments[0] == f"ermbit family random-kcnf n={n} m={m} k={k} seed={seed}"


@SETTINGS
@given(n=st.integers(1, 10), m=st.integers(0, 60), data=st.data(), seed=seeds)
def test_planted_assignment_satisfies(n: int, m: int, data: st.DataObject, seed: int) -> None:
    k = data.draw(st.integers(1, min(n, 4)))
    f, sigma = random_kcnf_planted(n, m, k, seed=seed)
    assert len(sigma) == n and f.satisfied_by(sigma)
    assert all(any(sigma[abs(l) - 1] == (l > 0) for l in c) for c in f.clauses)
    lits = [int(t) for t in f.comments[1].split()[2:]]
    assert f.comments[1].startswith("ermbit planted ") and lits[-1] == 0
    assert tuple(l > 0 for l in lits[:-1]) == sigma and [abs(l) for l in lits[:-1]] == list(
        range(1, n + 1)
    )
    g = random_kcnf(n, m, k, seed=seed, planted=True)
    assert g.to_dimacs() == f.to_dimacs()


def test_random_3cnf_signs_are_balanced() -> None:
    f = random_kcnf(50, 2000, 3, seed=9)
    positives = sum(l > 0 for c in f.clauses for l in c)
    assert 2700 < positives < 3300  # 6000 fair coins: 3000 ± 4.5 sd


# ---------------------------------------------------------------- mixed widths


@SETTINGS
@given(n=st.integers(2, 10), m=st.integers(0, 30), data=st.data(), seed=seeds)
def test_random_mixed_widths(n: int, m: int, data: st.DataObject, seed: int) -> None:
    lo = data.draw(st.integers(1, n))
    hi = data.draw(st.integers(lo, n))
    f = random_mixed_cnf(n, m, min_width=lo, max_width=hi, seed=seed)
    assert f.num_clauses == m
    for c in f.clauses:
        assert lo <= len(c) <= hi and len({abs(l) for l in c}) == len(c)
    if hi >= 2:  # a tautology needs two literals
        g = random_mixed_cnf(n, m, min_width=lo, max_width=hi, seed=seed, tautology_prob=1)
        assert g.num_clauses == m
        for c in g.clauses:
            assert max(2, lo) <= len(c) <= hi and len({abs(l) for l in c}) == len(c) - 1
            assert any(-l in c for l in c)


def test_random_mixed_tautology_fraction() -> None:
    f = random_mixed_cnf(10, 3000, seed=2, tautology_prob=Fraction(1, 4))
    tautologies = sum(any(-l in c for l in c) for c in f.clauses)
    assert 600 < tautologies < 900  # 3000·1/4 = 750, sd ≈ 24
    assert {len(c) for c in f.clauses} == {1, 2, 3}


# ---------------------------------------------------------------- pigeonhole


def stirling2(j: int, p: int) -> int:
    if j == p:
        return 1
    if p == 0 or j < p:
        return 0
    return p * stirling2(j - 1, p) + stirling2(j - 1, p - 1)


@pytest.mark.parametrize("p,h", [(p, h) for p in range(0, 5) for h in range(0, 5) if p * h <= 12])
def test_pigeonhole_counts(p: int, h: int) -> None:
    f = pigeonhole(p, h)
    got = models(f)
    if p > h:
        assert got == []
        assert models(pigeonhole(p, h, functional=False)) == []
        return
    assert len(got) == math.factorial(h) // math.factorial(h - p)
    # Variable (i-1)·h + j means "pigeon i in hole j": the models are the injections.
    injections = set()
    for image in itertools.permutations(range(1, h + 1), p):
        a = [False] * (p * h)
        for i, j in enumerate(image, start=1):
            a[(i - 1) * h + j - 1] = True
        injections.add(tuple(a))
    assert set(got) == injections
    loose = sum(math.comb(h, j) * math.factorial(p) * stirling2(j, p) for j in range(p, h + 1))
    assert len(models(pigeonhole(p, h, functional=False))) == loose


# ---------------------------------------------------------------- parity and XOR


@pytest.mark.parametrize("n", range(1, 8))
@pytest.mark.parametrize("parity", [0, 1])
@pytest.mark.parametrize("seed", [None, 0, 5])
def test_parity_chain_count(n: int, parity: int, seed: int | None) -> None:
    f = parity_chain(n, parity=parity, seed=seed)
    inputs = [int(t) for t in f.comments[1].split()[2:-1]]
    assert f.comments[1].startswith("ermbit inputs ") and len(inputs) == n
    got = models(f)
    assert len(got) == 2 ** (n - 1)
    # Each input vector of the right parity extends to exactly one model.
    projected = [tuple(a[v - 1] for v in inputs) for a in got]
    assert len(set(projected)) == len(projected)
    assert all(sum(x) % 2 == parity for x in projected)


def test_parity_seed_changes_names_not_count() -> None:
    plain, shuffled = parity_chain(8), parity_chain(8, seed=1)
    assert plain.num_vars == shuffled.num_vars == 14
    assert plain.clauses != shuffled.clauses
    assert sorted(map(len, plain.clauses)) == sorted(map(len, shuffled.clauses))


@SETTINGS
@given(n=st.integers(1, 8), m=st.integers(0, 5), data=st.data(), seed=seeds)
def test_xor_system_encoding(n: int, m: int, data: st.DataObject, seed: int) -> None:
    k = data.draw(st.integers(1, min(n, 4)))
    f = xor_system(n, m, k, seed=seed)
    assert f.num_clauses == m * 2 ** (k - 1) and all(len(c) == k for c in f.clauses)
    constraints = []
    for line in f.comments[1:]:
        words = line.split()
        assert words[:2] == ["ermbit", "xor"] and words[-2] == "="
        constraints.append(([int(v) for v in words[2:-2]], int(words[-1])))
    assert len(constraints) == m and all(len(vs) == k for vs, _ in constraints)
    expected = {
        a
        for a in itertools.product((False, True), repeat=n)
        if all(sum(a[v - 1] for v in vs) % 2 == b for vs, b in constraints)
    }
    assert set(models(f)) == expected


def test_xor_system_budget() -> None:
    with pytest.raises(BudgetExceeded, match="max_clauses=1536"):
        xor_system(12, 3, 10, seed=0, max_clauses=1000)


# ---------------------------------------------------------------- matrices


@SETTINGS
@given(
    st.integers(0, 6).flatmap(
        lambda n: st.lists(
            st.lists(st.integers(-3, 3), min_size=n, max_size=n), min_size=n, max_size=n
        )
    )
)
def test_ryser_equals_definition(matrix: list[list[int]]) -> None:
    assert permanent_brute(matrix) == permanent_definition(matrix)


@SETTINGS
@given(n=st.integers(0, 6), seed=seeds, num=st.integers(0, 4))
def test_random_01_matrix(n: int, seed: int, num: int) -> None:
    a = random_01_matrix(n, density=f"{num}/4", seed=seed)
    assert len(a) == n and all(len(r) == n and set(r) <= {0, 1} for r in a)
    if num == 0:
        assert all(x == 0 for r in a for x in r)
    if num == 4:
        assert all(x == 1 for r in a for x in r)
    assert permanent_brute(a) == permanent_definition(a)


def test_permanent_known_values() -> None:
    assert permanent_brute([[1] * 5] * 5) == 120
    identity = [[int(i == j) for j in range(4)] for i in range(4)]
    assert permanent_brute(identity) == permanent_definition(identity) == 1
    with pytest.raises(InputError, match="row 1"):
        permanent_brute([[1, 2], [3]])
    with pytest.raises(BudgetExceeded, match="max_subsets"):
        permanent_brute([[1] * 6] * 6, max_subsets=32)
    with pytest.raises(BudgetExceeded, match="permutations"):
        permanent_definition([[1] * 10] * 10)


# ---------------------------------------------------------------- bad input


KCNF, MIXED, GEN = random_kcnf, random_mixed_cnf, generate
BAD: list[tuple[Callable[..., object], tuple[Any, ...], dict[str, Any], type, str]] = [
    (KCNF, (3, 2, 4), {"seed": 0}, InputError, "k"),
    (KCNF, (3, 2, 0), {"seed": 0}, InputError, "k"),
    (KCNF, (3, -1, 2), {"seed": 0}, InputError, "m"),
    (KCNF, (3, 2, 2), {"seed": -1}, InputError, "seed"),
    (KCNF, (1.5, 2, 1), {"seed": 0}, InputTypeError, "n"),
    (KCNF, (3, 2, 2), {"seed": 0, "planted": 1}, InputTypeError, "planted"),
    (KCNF, (3, 2, 2), {"seed": None}, InputError, "seed"),
    (MIXED, (5, 2), {"min_width": 3, "max_width": 2, "seed": 0}, InputError, "min_width"),
    (MIXED, (2, 2), {"max_width": 3, "seed": 0}, InputError, "max_width"),
    (MIXED, (5, 2), {"seed": 0, "tautology_prob": 0.1}, InputTypeError, "tautology_prob"),
    (MIXED, (5, 2), {"seed": 0, "tautology_prob": "3/2"}, InputError, "tautology_prob"),
    (MIXED, (5, 2), {"max_width": 1, "seed": 0, "tautology_prob": "1/2"}, InputError, "max_width"),
    (pigeonhole, (-1, 2), {}, InputError, "pigeons"),
    (pigeonhole, (2, True), {}, InputTypeError, "holes"),
    (parity_chain, (0,), {}, InputError, "n"),
    (parity_chain, (3,), {"parity": 2}, InputError, "parity"),
    (xor_system, (3, 1, 4), {"seed": 0}, InputError, "k"),
    (random_01_matrix, (2,), {"density": "2", "seed": 0}, InputError, "density"),
    (random_01_matrix, (-1,), {"seed": 0}, InputError, "n"),
    (GEN, ("random-kcnf", {"n": "5", "m": "x", "k": "3"}, 1), {}, InputError, "m"),
    (GEN, ("random-kcnf", {"n": "5", "m": "4", "q": "3"}, 1), {}, InputError, "q"),
    (GEN, ("random-kcnf", {"n": "5", "m": "4"}, 1), {}, InputError, "k"),
    (GEN, ("random-kcnf", {"n": "5", "m": "4", "k": "2"}), {}, InputError, "seed"),
    (GEN, ("pigeonhole", {"pigeons": "3", "holes": "2"}, 1), {}, InputError, "seed"),
    (GEN, ("pigeonhole", {"pigeons": "3", "holes": "2", "functional": "maybe"}), {}, InputError,
     "functional"),
    (GEN, ("nope", {}), {}, InputError, "name"),
    (GEN, ("xor", {"n": "4", "m": "1", "k": "2", "seed": "1"}, 1), {}, InputError, "seed"),
    (GEN, ("matrix01", {"n": "3", "density": "1/0"}, 1), {}, InputError, "density"),
]  # fmt: skip


@pytest.mark.parametrize("call,args,kwargs,exc,name", BAD)
def test_bad_parameters_are_named(
    call: Callable[..., object], args: tuple[Any, ...], kwargs: dict[str, Any], exc: type, name: str
) -> None:
    with pytest.raises(exc) as info:
        call(*args, **kwargs)
    assert str(info.value).startswith(f"{name}:"), str(info.value)


# ---------------------------------------------------------------- registry


def test_generate_matches_direct_calls() -> None:
    assert generate("random-kcnf", {"n": "9", "m": "20", "k": "3", "planted": "yes"}, 4) == (
        random_kcnf(9, 20, 3, seed=4, planted=True)
    )
    assert generate("pigeonhole", {"pigeons": "4", "holes": "3"}) == pigeonhole(4, 3)
    assert generate("parity", {"n": "5", "parity": "0"}) == parity_chain(5, parity=0)
    assert generate("matrix01", {"n": "4", "density": "1/3"}, 8) == random_01_matrix(
        4, density="1/3", seed=8
    )
    assert set(FAMILIES) >= {"random-kcnf", "random-mixed", "pigeonhole", "parity", "xor"}
    assert all(callable(f) and isinstance(d, str) and d for f, d in FAMILIES.values())


@pytest.mark.parametrize("seed", [0, 3])
def test_family_comment_regenerates(seed: int) -> None:
    cnfs = [*seeded_cnfs(seed), pigeonhole(3, 4, functional=False), parity_chain(4)]
    for f in cnfs:
        again = generate(*parse_family_comment(f.comments[0]))
        assert isinstance(again, CNF) and again.to_dimacs() == f.to_dimacs()


# ---------------------------------------------------------------- CNFgen bridge


def test_cnfgen_missing_raises_backend_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cnfgen", None)  # makes `import cnfgen` fail
    with pytest.raises(BackendUnavailable, match=r"pip install 'ermbit\[cnfgen\]'"):
        cnfgen_family("php", 3, 2)
    with pytest.raises(BackendUnavailable):
        cnfgen_families()


def test_cnfgen_bridge() -> None:
    pytest.importorskip("cnfgen")
    import networkx as nx

    assert {"php", "tseitin", "ordering", "randkcnf", "parity"} <= set(cnfgen_families())
    php = cnfgen_family("php", 3, 2)
    ours = pigeonhole(3, 2, functional=False)
    assert php.num_vars == ours.num_vars and set(php.clauses) == set(ours.clauses)
    assert php.comments[0] == "ermbit family cnfgen name=php args=3,2"
    php_ok = cnfgen_family("php", 2, 3)
    assert len(models(php_ok)) == len(models(pigeonhole(2, 3, functional=False)))
    # Tseitin with an odd total charge is unsatisfiable; with even charge it has
    # 2^(|E| - |V| + 1) models on a connected graph.
    cycle = nx.cycle_graph(5)
    assert models(cnfgen_family("tseitin", cycle)) == []
    even = cnfgen_family("tseitin", cycle, [1, 1, 0, 0, 0])
    assert len(models(even)) == 2
    with pytest.raises(InputError, match=r"^name:"):
        cnfgen_family("no-such-family")
    with pytest.raises(InputError, match=r"^seed:"):
        cnfgen_family("randkcnf", 3, 5, 10)


def test_cnfgen_random_family_is_seeded_and_hygienic() -> None:
    pytest.importorskip("cnfgen")
    random.seed(99)
    state = random.getstate()
    a = cnfgen_family("randkcnf", 3, 8, 12, seed=5)
    b = cnfgen_family("randkcnf", 3, 8, 12, seed=5)
    assert random.getstate() == state
    assert a.clauses == b.clauses and a.num_clauses == 12
    assert all(len(c) == 3 for c in a.clauses)
