"""Seeded instance families: pure functions of their parameters and a seed.

:data:`FAMILIES` maps a family name to ``(function, description)``; :func:`generate`
builds a family from string parameters as they come from a command line
(``n=10 m=40 k=3``), converting each according to the function's type hints: ``int``
parameters must be decimal integers, ``bool`` ones ``true``/``false``, and anything
else (a rational such as ``density=1/3``) is passed on as a string for the family to
parse.  To add a family, write the function with annotated keyword-compatible
parameters and add one entry to :data:`FAMILIES`.

Every generated CNF records its call in the comment ``ermbit family NAME k=v ...``,
which :func:`parse_family_comment` turns back into arguments for :func:`generate`.

>>> f = generate("random-kcnf", {"n": "10", "m": "42", "k": "3"}, seed=7)
>>> f.comments[0]
'ermbit family random-kcnf n=10 m=42 k=3 seed=7'
>>> generate(*parse_family_comment(f.comments[0])) == f
True
>>> generate("pigeonhole", {"pigeons": "3", "holes": "x"})
Traceback (most recent call last):
...
ermbit.errors.InputError: holes: expected a decimal integer, got 'x'
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

from ermbit.errors import InputError, InputTypeError
from ermbit.instances.cnf_families import (
    parity_chain,
    pigeonhole,
    random_kcnf,
    random_kcnf_planted,
    random_mixed_cnf,
    xor_system,
)
from ermbit.instances.cnfgen_bridge import cnfgen_families, cnfgen_family
from ermbit.instances.matrices import permanent_brute, permanent_definition, random_01_matrix
from ermbit.instances.net_families import random_network
from ermbit.instances.slp_families import random_slp
from ermbit.instances.training import training

__all__ = [
    "FAMILIES",
    "takes_seed",
    "cnfgen_families",
    "cnfgen_family",
    "generate",
    "parity_chain",
    "parse_family_comment",
    "permanent_brute",
    "permanent_definition",
    "pigeonhole",
    "random_01_matrix",
    "random_kcnf",
    "random_kcnf_planted",
    "random_mixed_cnf",
    "random_network",
    "random_slp",
    "training",
    "xor_system",
]

#: Family name -> (function, description of its parameters).
FAMILIES: dict[str, tuple[Callable[..., Any], str]] = {
    "random-kcnf": (
        random_kcnf,
        "n m k [planted=false], seed: m random clauses of k distinct variables among n; "
        "planted=true keeps only clauses satisfied by a hidden assignment",
    ),
    "random-mixed": (
        random_mixed_cnf,
        "n m [min_width=1] [max_width=3] [tautology_prob=0], seed: clause widths uniform "
        "in min_width..max_width, tautologies with the rational probability tautology_prob",
    ),
    "pigeonhole": (
        pigeonhole,
        "pigeons holes [functional=true] [max_clauses=1000000]: PHP, unsatisfiable iff "
        "pigeons > holes; "
        "functional: h!/(h-p)! models",
    ),
    "parity": (
        parity_chain,
        "n [parity=1], [seed]: x1 xor ... xor xn = parity by a Tseitin chain, 2^(n-1) "
        "models; a seed renames variables and shuffles clauses",
    ),
    "xor": (
        xor_system,
        "n m k [max_clauses=1000000], seed: m random XOR constraints of width k, "
        "2^(k-1) clauses each",
    ),
    "matrix01": (
        random_01_matrix,
        "n [density=1/2], seed: n×n 0/1 matrix, entries 1 with the rational probability density",
    ),
    "random-network": (
        random_network,
        "depth [width=4] [activation=relu] [scale=1], seed: fully connected layers of one "
        "activation (relu, z**2, any polynomial), rational weights, identity output",
    ),
    "training": (
        training,
        "name [beta]: a small training problem with a known answer (XOR, AND, OR, majority-3, "
        "parity-3, 1-D fits, planted teachers; ReLU and z**2), ermbit.instances.training",
    ),
    "random-slp": (
        random_slp,
        "gates [a0=1] [ops=+-*], seed: gate i = a_(i-1) op a_k, k uniform in 0..i-1, "
        "op uniform in ops",
    ),
}

_INT_RE = re.compile(r"[+-]?[0-9]+", re.ASCII)
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_FAMILY_RE = re.compile(r"ermbit family (\S+)((?: \S+=\S*)*)")


def _convert(key: str, text: str, hint: object) -> object:
    """Parse ``text`` according to the annotation ``hint`` (int, bool, or left as text)."""
    kinds = set(typing.get_args(hint)) if isinstance(hint, types.UnionType) else {hint}
    if str in kinds or not kinds & {bool, int}:
        return text
    if bool in kinds:
        low = text.strip().lower()
        if low in _TRUE | _FALSE:
            return low in _TRUE
        raise InputError(f"{key}: expected true or false, got {text!r}")
    if not _INT_RE.fullmatch(text.strip()):
        raise InputError(f"{key}: expected a decimal integer, got {text!r}")
    return int(text)


def _arguments(
    name: str, function: Callable[..., Any], params: Mapping[str, Any]
) -> dict[str, Any]:
    signature = inspect.signature(function)
    hints = typing.get_type_hints(function)
    accepted = [p for p in signature.parameters if p != "seed"]
    args: dict[str, Any] = {}
    for key, value in params.items():
        if key not in accepted:
            expected = ", ".join(accepted)
            raise InputError(f"{key}: unknown parameter for family {name!r}; expected {expected}")
        args[key] = _convert(key, value, hints.get(key)) if isinstance(value, str) else value
    missing = [
        p.name
        for p in signature.parameters.values()
        if p.default is inspect.Parameter.empty and p.name not in args and p.name != "seed"
    ]
    if missing:
        raise InputError(f"{missing[0]}: missing parameter for family {name!r}")
    return args


def takes_seed(name: str) -> bool:
    """Whether family ``name`` is random, i.e. takes a ``seed`` (the one place that says so).

    >>> takes_seed("random-kcnf"), takes_seed("pigeonhole")
    (True, False)
    """
    if name not in FAMILIES:
        raise InputError(f"family: unknown family {name!r}; known: {', '.join(FAMILIES)}")
    return "seed" in inspect.signature(FAMILIES[name][0]).parameters


def generate(name: str, params: Mapping[str, Any], seed: int | None = None) -> object:
    """Build the family ``name`` from command-line style parameters.

    Parameters
    ----------
    name : str
        A key of :data:`FAMILIES`.
    params : mapping of str to str
        Parameter values as text (``{"n": "10", "k": "3"}``); non-string values are
        passed to the family unchanged.  A ``"seed"`` entry may stand for ``seed``.
    seed : int or None
        The seed, for families that take one.

    Returns
    -------
    object
        What the family returns: a :class:`~ermbit.cnf.CNF`, or a matrix for
        ``matrix01``.

    Raises
    ------
    InputError
        For an unknown family or parameter, a missing parameter, a value that does not
        parse, a seed given twice, a seed missing for a random family or given to a
        deterministic one, and whatever the family refuses; the message starts with
        the parameter's name.
    """
    if not isinstance(name, str):
        raise InputTypeError(f"name: expected a str, got {type(name).__name__} {name!r}")
    if name not in FAMILIES:
        raise InputError(f"name: unknown family {name!r}; known: {', '.join(FAMILIES)}")
    function = FAMILIES[name][0]
    params = dict(params)
    if "seed" in params:
        if seed is not None:
            raise InputError("seed: given both as a parameter and as the seed argument")
        seed = typing.cast(int, _convert("seed", params.pop("seed"), int))
    args = _arguments(name, function, params)
    seed_param = inspect.signature(function).parameters.get("seed")
    if not takes_seed(name):
        if seed is not None:
            raise InputError(f"seed: family {name!r} is deterministic and takes no seed")
    elif seed is None and seed_param is not None and seed_param.default is inspect.Parameter.empty:
        raise InputError(f"seed: family {name!r} is random and needs a seed")
    elif seed is not None:
        args["seed"] = seed
    obj = function(**args)
    _check_readable(name, obj)
    return obj


def _check_readable(name: str, obj: object) -> None:
    """Refuse a formula that no ermbit command would read back (see ``cnf.limit``)."""
    from ermbit.cnf import CNF, limit

    cap = limit("ERMBIT_MAX_VARS")
    if isinstance(obj, CNF) and obj.num_vars > cap:
        raise InputError(
            f"n: family {name!r} makes {obj.num_vars} variables, over the limit of {cap} "
            "that ermbit reads; set the environment variable ERMBIT_MAX_VARS to go further"
        )


def parse_family_comment(comment: str) -> tuple[str, dict[str, str]]:
    """Split a comment ``ermbit family NAME k=v ...`` into ``(NAME, {k: v})``.

    The seed, when present, is one of the parameters, which :func:`generate` accepts.

    >>> parse_family_comment("ermbit family xor n=4 m=2 k=3 seed=5")
    ('xor', {'n': '4', 'm': '2', 'k': '3', 'seed': '5'})
    """
    match = _FAMILY_RE.fullmatch(comment.strip())
    if match is None:
        raise InputError(f"comment: {comment!r} is not of the form 'ermbit family NAME k=v ...'")
    pairs = (item.split("=", 1) for item in match.group(2).split())
    return match.group(1), {k: v for k, v in pairs}
