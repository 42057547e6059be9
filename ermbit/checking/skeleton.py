"""``ermbit new-reduction``: a module skeleton following the reduction protocol, and its test.

The module has the four parts of :class:`~ermbit.reductions.base.Reduction` -- ``forward``,
``lift``, ``back`` and a ``claim`` whose two sides take an ``Oracles`` object -- plus the
solution checkers the verifier needs, each raising ``NotImplementedError`` with a hint
until the student fills it in.  The test runs the generic verifier on a few small inputs
and, when a check fails, prints :func:`~ermbit.checking.student.student_report`.

>>> files = skeleton("double-negation", "cnf", "cnf")
>>> sorted(files), "class DoubleNegation(Reduction)" in files["double_negation.py"]
(['double_negation.py', 'test_double_negation.py'], True)
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path

from ermbit.errors import InputError

__all__ = ["KINDS", "skeleton", "write_skeleton"]

#: Source kinds with a default instance family (so ``ermbit verify`` can sweep them), and
#: how the skeleton's test makes small inputs of that kind.
KINDS: dict[str, str] = {
    "cnf": "CNF(3, ((1, -2), (2, 3), (-1, -3))), CNF(2, ((1,), (-1, 2))), CNF(2, ((1, 2),))",
    "nae": "NAEFormula(CNF(3, ((1, -2, 3),))), NAEFormula(CNF(2, ((1, 2),)))",
    "slp": 'SLP(1, [("+", 0, 0), ("*", 1, 1)]), SLP(3, [("*", 0, 0), ("-", 1, 0)])',
}
TARGET_KINDS = ("cnf", "nae", "splitting", "slp", "bitquery", "network", "backprop", "erm")

#: the module's ermbit imports, sorted as ruff sorts them
_MODULE_IMPORTS = {
    "cnf": "from ermbit.cnf import CNF\n"
    "from ermbit.reductions.base import Claim, Oracles, Reduction",
    "nae": "from ermbit.problems.nae import NAEFormula, assignments, nae_satisfied\n"
    "from ermbit.reductions.base import Claim, Oracles, Reduction",
    "slp": "from ermbit.reductions.base import Claim, Oracles, Reduction\n"
    "from ermbit.slp import SLP, evaluate",
}
#: the test's imports of the source types
_TEST_IMPORTS = {
    "cnf": "from ermbit.cnf import CNF",
    "nae": "from ermbit.cnf import CNF\nfrom ermbit.problems.nae import NAEFormula",
    "slp": "from ermbit.slp import SLP",
}

_TYPE = {"cnf": "CNF", "nae": "NAEFormula", "slp": "SLP"}

_SOURCE_ORACLE = {
    "cnf": ("o.count(s)", "model counter (oracles.count)", "equal"),
    "nae": ("_brute_nae(s)", "NAE enumeration", "equal"),
    "slp": ("evaluate(s)", "exact SLP evaluation", "equal"),
}

_MODULE = '''"""{name}: {source} → {target}, written by a student on the ermbit reduction protocol.

Describe the construction here, in words, with the paper's numbering if it has one.
Check it with:  ermbit verify --reduction {module}:{cls}
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

{imports}
{extra}

class {cls}(Reduction):
    """{source} → {target}: say what is preserved (a count, satisfiability, a bit)."""

    name: ClassVar[str] = "{name}"
    source_kind: ClassVar[str] = "{source}"
    target_kind: ClassVar[str] = "{target}"
    counting: ClassVar[str] = "decision"  # or "parsimonious", "k-to-1", "turing"
    summary: ClassVar[str] = "{source} → {target}"

    def forward(self, src: {stype}) -> Any:
        """Build the target instance from ``src`` (construct only: never solve here)."""
        raise NotImplementedError("forward: build the {target} instance from the {source} src")

    def lift(self, src: {stype}, target: Any, solution: Any) -> Any:
        """Map a solution of ``src`` to a solution of ``target``."""
        raise NotImplementedError("lift: map a source solution to a target solution")

    def back(self, src: {stype}, target: Any, solution: Any) -> Any:
        """Map a solution of ``target`` back to a solution of ``src``."""
        raise NotImplementedError("back: map a target solution to a source solution")

    def claim(self, src: {stype}) -> Claim:
        """What the verifier checks: a quantity of the source (by an independent oracle)
        against one of the target, related by ``relation``."""
        return Claim(
            statement="say the claim in words, e.g. #SAT(φ) = #models(target)",
            relation="{relation}",  # "equal", "iff" or "times" (with factor=k)
            source=lambda s, o: {source_expr},
            target=lambda s, t, o: self.target_quantity(t, o),
            source_oracle="{source_oracle}",
            target_oracle="describe how the target side is computed",
        )

    def target_quantity(self, target: Any, oracles: Oracles) -> Any:
        """The target side of the claim (you may solve or evaluate the target here)."""
        raise NotImplementedError("claim: compute the target's side of the claim")

    # -- solution checking: what lift and back are checked against
    def source_solutions(self, src: Any, oracles: Oracles) -> Iterator[Any]:
        """Some (all, for tiny inputs) solutions of ``src``."""
        raise NotImplementedError("source_solutions: yield solutions of the source")

    def is_source_solution(self, src: Any, solution: Any) -> bool:
        raise NotImplementedError("is_source_solution: check a source solution")

    def is_target_solution(self, target: Any, solution: Any) -> bool:
        raise NotImplementedError("is_target_solution: check a target solution")
'''

_EXTRA = {
    "cnf": "",
    "nae": """

def _brute_nae(f: NAEFormula) -> int:
    return sum(nae_satisfied(f, a) for a in assignments(f.cnf.num_vars))
""",
    "slp": "",
}

_TEST = '''"""The generic verifier on small inputs of {name}; a failure is explained in words."""

from __future__ import annotations

import pytest
from ermbit.checking.student import student_report
from ermbit.checking.verifier import verify
{test_imports}

from {module} import {cls}

INPUTS = [{inputs}]


@pytest.mark.parametrize("src", INPUTS)
def test_verifier_confirms_{func}(src: object) -> None:
    red = {cls}()
    report = verify(red, src)
    assert report.passed, student_report(red, src, report)
'''


def _names(name: str) -> tuple[str, str]:
    if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", name):
        raise InputError(
            f"name: expected lowercase words joined by '-', e.g. 'sat-to-clique', got {name!r}"
        )
    module = name.replace("-", "_")
    if keyword.iskeyword(module):
        raise InputError(f"name: {name!r} is a Python keyword")
    return module, "".join(part.capitalize() for part in name.split("-"))


def skeleton(name: str, source: str, target: str) -> dict[str, str]:
    """``{file name: text}`` of the module and its test."""
    if source not in KINDS:
        raise InputError(f"--source: expected one of {', '.join(KINDS)}, got {source!r}")
    if target not in TARGET_KINDS:
        raise InputError(f"--target: expected one of {', '.join(TARGET_KINDS)}, got {target!r}")
    module, cls = _names(name)
    expr, oracle, relation = _SOURCE_ORACLE[source]
    fields = {
        "name": name,
        "source": source,
        "target": target,
        "module": module,
        "cls": cls,
        "imports": _MODULE_IMPORTS[source],
        "test_imports": _TEST_IMPORTS[source],
        "extra": _EXTRA[source],
        "source_expr": expr,
        "source_oracle": oracle,
        "relation": relation,
        "inputs": KINDS[source],
        "func": module,
        "stype": _TYPE[source],
    }
    return {
        f"{module}.py": _MODULE.format(**fields),
        f"test_{module}.py": _TEST.format(**fields),
    }


def write_skeleton(name: str, source: str, target: str, directory: str | Path) -> list[Path]:
    """Write the skeleton into ``directory``; refuses to overwrite an existing file."""
    d = Path(directory)
    files = skeleton(name, source, target)
    paths = [d / f for f in files]
    for p in paths:
        if p.exists():
            raise InputError(f"{p}: exists already; choose another name or directory")
    d.mkdir(parents=True, exist_ok=True)
    for p, text in zip(paths, files.values(), strict=True):
        p.write_text(text, encoding="utf-8")
    return paths
