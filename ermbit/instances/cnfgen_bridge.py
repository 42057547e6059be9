"""Optional bridge to CNFgen's formula families (``pip install 'ermbit[cnfgen]'``).

CNFgen is GPL-licensed and never a hard dependency of ermbit: it is imported inside
the functions, and a missing install raises :class:`~ermbit.errors.BackendUnavailable`.
A CNFgen formula is converted through its DIMACS text and :meth:`CNF.from_dimacs`, so
the result obeys the same checks as any file read by ermbit.

CNFgen's random families seed Python's *global* generator; the bridge saves and
restores that state around each call, and insists on an explicit ``seed`` for them so
that the result is a function of the arguments.

>>> import pytest; _ = pytest.importorskip("cnfgen")
>>> f = cnfgen_family("php", 3, 2)
>>> f.num_vars, f.num_clauses, f.comments[0]
(6, 9, 'ermbit family cnfgen name=php args=3,2')
"""

from __future__ import annotations

import random
from types import ModuleType
from typing import Any, cast

from ermbit.cnf import CNF
from ermbit.errors import BackendUnavailable, InputError, InputTypeError

__all__ = ["cnfgen_families", "cnfgen_family"]

# Short names (those of the ``cnfgen`` command line where it has one) -> CNFgen callables.
_NAMES = {
    "php": "PigeonholePrinciple",
    "gphp": "GraphPigeonholePrinciple",
    "bphp": "BinaryPigeonholePrinciple",
    "rphp": "RelativizedPigeonholePrinciple",
    "op": "OrderingPrinciple",
    "ordering": "OrderingPrinciple",
    "gop": "GraphOrderingPrinciple",
    "randkcnf": "RandomKCNF",
    "randkxor": "RandomKXOR",
    "tseitin": "TseitinFormula",
    "count": "CountingPrinciple",
    "matching": "PerfectMatchingPrinciple",
    "mchess": "MutilatedChessboard",
    "kclique": "CliqueFormula",
    "kcolor": "GraphColoringFormula",
    "ec": "EvenColoringFormula",
    "cliquecoloring": "CliqueColoring",
    "domset": "DominatingSet",
    "ram": "RamseyNumber",
    "vdw": "VanDerWaerden",
    "ptn": "PythagoreanTriples",
    "peb": "PebblingFormula",
    "stone": "StoneFormula",
    "subsetcard": "SubsetCardinalityFormula",
    "cpls": "CPLSFormula",
    "pitfall": "PitfallFormula",
}
# "parity" is CNFgen's parity principle: the counting principle with p = 2.
_FIXED_TAIL = {"parity": ("CountingPrinciple", (2,))}
_RANDOM = {"randkcnf", "randkxor"}
_INSTALL = "pip install 'ermbit[cnfgen]'"


def _cnfgen() -> ModuleType:
    try:
        import cnfgen
    except ImportError as exc:
        raise BackendUnavailable(f"CNFgen is not installed; {_INSTALL}") from exc
    return cast(ModuleType, cnfgen)


def cnfgen_families() -> list[str]:
    """The family names :func:`cnfgen_family` accepts with the installed CNFgen, sorted.

    Raises
    ------
    BackendUnavailable
        If CNFgen is not installed.

    >>> import pytest; _ = pytest.importorskip("cnfgen")
    >>> {"php", "tseitin", "randkcnf"} <= set(cnfgen_families())
    True
    """
    module = _cnfgen()
    names = {**_NAMES, **{k: attr for k, (attr, _) in _FIXED_TAIL.items()}}
    return sorted(name for name, attr in names.items() if hasattr(module, attr))


def _describe(value: object) -> str:
    """A one-token description of an argument for the provenance comment."""
    if isinstance(value, bool | int | str) or value is None:
        return str(value)
    return f"<{type(value).__name__}>"


def cnfgen_family(name: str, *args: Any, **kwargs: Any) -> CNF:
    """Build CNFgen's family ``name`` with ``args``/``kwargs`` and convert it to a :class:`CNF`.

    ``name`` is one of :func:`cnfgen_families` (``"php"``, ``"tseitin"``, ``"ordering"``,
    ``"randkcnf"``...); the arguments are those of the CNFgen function it names (for
    example ``cnfgen_family("php", 5, 4)`` is ``PigeonholePrinciple(5, 4)``, and the
    graph families take a networkx graph).  The random families ``randkcnf`` and
    ``randkxor`` require ``seed=``.  Variables keep CNFgen's DIMACS numbering.  The
    first comment records the call (``ermbit family cnfgen name=php args=5,4``), graphs
    and other objects being named by their type; the second is CNFgen's description.

    Raises
    ------
    BackendUnavailable
        If CNFgen is not installed (install it with ``pip install 'ermbit[cnfgen]'``).
    InputError
        If ``name`` is unknown, a random family has no seed, or CNFgen rejects the
        arguments (its message is included).
    InputTypeError
        If ``name`` is not a string.
    """
    if not isinstance(name, str):
        raise InputTypeError(f"name: expected a str, got {type(name).__name__} {name!r}")
    module = _cnfgen()
    attr, tail = _FIXED_TAIL.get(name, (_NAMES.get(name, ""), ()))
    if not attr or not hasattr(module, attr):
        known = ", ".join(cnfgen_families())
        raise InputError(f"name: unknown CNFgen family {name!r}; known: {known}")
    if name in _RANDOM and kwargs.get("seed") is None:
        raise InputError(f"seed: CNFgen family {name!r} is random; pass seed=<int>")
    state = random.getstate()
    try:
        formula = getattr(module, attr)(*args, *tail, **kwargs)
    except (ValueError, TypeError, KeyError) as exc:
        raise InputError(f"args: CNFgen {attr} rejected {args!r} {kwargs!r}: {exc}") from exc
    finally:
        random.setstate(state)
    cnf = CNF.from_dimacs(formula.to_dimacs(), path=f"<cnfgen {name}>")
    call = ",".join([*map(_describe, args), *(f"{k}:{_describe(v)}" for k, v in kwargs.items())])
    comments = [f"ermbit family cnfgen name={name} args={call}"]
    description = getattr(formula, "header", {}).get("description")
    if isinstance(description, str) and description.isprintable():
        comments.append(f"cnfgen {description}")
    return CNF(cnf.num_vars, cnf.clauses, cnf.projection, (*comments, *cnf.comments))
