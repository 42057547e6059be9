"""Write the combinatorial model-counting instances shipped in ``tests/data/counting/``.

Each family is a classical counting problem whose count is published (OEIS, or a
textbook result), encoded directly: one Boolean variable per choice, "exactly one" as
one at-least-one clause plus pairwise at-most-one clauses, and no auxiliary variables,
so the models are in bijection with the combinatorial objects and the model count *is*
the published number.  ``index.json`` records each file, its source and its count.

Run: ``python benchmarks/counting_instances.py [OUTDIR]`` (default ``tests/data/counting``).
"""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Iterable
from pathlib import Path

Clause = tuple[int, ...]


def exactly_one(lits: list[int]) -> list[Clause]:
    """One at-least-one clause and the pairwise at-most-one clauses."""
    return [tuple(lits), *((-a, -b) for a, b in itertools.combinations(lits, 2))]


def at_most_one(lits: list[int]) -> list[Clause]:
    return [(-a, -b) for a, b in itertools.combinations(lits, 2)]


def queens(n: int) -> tuple[int, list[Clause]]:
    """Placements of ``n`` non-attacking queens on an ``n x n`` board (OEIS A000170)."""
    q = [[r * n + c + 1 for c in range(n)] for r in range(n)]
    clauses: list[Clause] = []
    for r in range(n):
        clauses += exactly_one(q[r])
    for c in range(n):
        clauses += exactly_one([q[r][c] for r in range(n)])
    for d in range(-(n - 1), n):
        clauses += at_most_one([q[r][r - d] for r in range(n) if 0 <= r - d < n])
        clauses += at_most_one([q[r][d + n - 1 - r] for r in range(n) if 0 <= d + n - 1 - r < n])
    return n * n, clauses


def dominoes(rows: int, cols: int) -> tuple[int, list[Clause]]:
    """Domino tilings of a ``rows x cols`` board (Kasteleyn; Temperley-Fisher; A004003)."""
    edges: dict[tuple[tuple[int, int], tuple[int, int]], int] = {}
    for r, c in itertools.product(range(rows), range(cols)):
        for dr, dc in ((0, 1), (1, 0)):
            if r + dr < rows and c + dc < cols:
                edges[((r, c), (r + dr, c + dc))] = len(edges) + 1
    clauses: list[Clause] = []
    for cell in itertools.product(range(rows), range(cols)):
        clauses += exactly_one([v for e, v in edges.items() if cell in e])
    return len(edges), clauses


def latin(n: int) -> tuple[int, list[Clause]]:
    """Latin squares of order ``n`` (OEIS A002860)."""

    def x(r: int, c: int, s: int) -> int:
        return (r * n + c) * n + s + 1

    clauses: list[Clause] = []
    rng = range(n)
    for a, b in itertools.product(rng, rng):
        clauses += exactly_one([x(a, b, s) for s in rng])
        clauses += exactly_one([x(a, c, b) for c in rng])
        clauses += exactly_one([x(r, a, b) for r in rng])
    return n**3, clauses


def pigeonhole(pigeons: int, holes: int) -> tuple[int, list[Clause]]:
    """Injective maps of ``pigeons`` into ``holes``: none when pigeons > holes."""
    p = [[i * holes + j + 1 for j in range(holes)] for i in range(pigeons)]
    clauses: list[Clause] = [tuple(row) for row in p]
    for j in range(holes):
        clauses += at_most_one([p[i][j] for i in range(pigeons)])
    return pigeons * holes, clauses


#: name -> (formula, published count, source)
FAMILIES = {
    "queens-8": (lambda: queens(8), 92, "8-queens solutions, OEIS A000170 (n = 8)"),
    "queens-10": (lambda: queens(10), 724, "10-queens solutions, OEIS A000170 (n = 10)"),
    "domino-6x6": (lambda: dominoes(6, 6), 6728, "domino tilings of 6x6, OEIS A004003 (n = 3)"),
    "domino-8x8": (
        lambda: dominoes(8, 8),
        12988816,
        "domino tilings of the chessboard, OEIS A004003 (n = 4); Fisher-Temperley 1961",
    ),
    "latin-4": (lambda: latin(4), 576, "Latin squares of order 4, OEIS A002860 (n = 4)"),
    "latin-5": (lambda: latin(5), 161280, "Latin squares of order 5, OEIS A002860 (n = 5)"),
    "php-8-7": (lambda: pigeonhole(8, 7), 0, "pigeonhole principle, 8 pigeons in 7 holes"),
}


def dimacs(name: str, n: int, clauses: Iterable[Clause], count: int, source: str) -> str:
    body = [tuple(c) for c in clauses]
    head = [
        f"c {name}: {source}",
        f"c published count {count}; written by benchmarks/counting_instances.py",
        "c t mc",
        f"p cnf {n} {len(body)}",
    ]
    return "\n".join(head + [" ".join(map(str, c)) + " 0" for c in body]) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "tests/data/counting")
    out.mkdir(parents=True, exist_ok=True)
    index = []
    for name, (make, count, source) in FAMILIES.items():
        n, clauses = make()
        (out / f"{name}.cnf").write_text(dimacs(name, n, clauses, count, source))
        index.append({"file": f"{name}.cnf", "count": count, "source": source})
    (out / "index.json").write_text(json.dumps(index, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
