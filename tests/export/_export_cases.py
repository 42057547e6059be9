"""Tiny formulas with known satisfiability for the export round-trip tests."""

from __future__ import annotations

from ermbit.cnf import CNF

#: (name, formula); satisfiability is decided by PySAT in the tests, never hard-coded.
FORMULAS = [
    ("imp", CNF(2, ((1, -2), (2,)))),
    ("contra", CNF(1, ((1,), (-1,)))),
    ("tri", CNF(3, ((1, 2), (-1, 3), (-2, -3)))),
    ("xor-unsat", CNF(2, ((1, 2), (-1, -2), (1, -2), (-1, 2)))),
]
