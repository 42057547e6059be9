"""Reductions: one per module, each following :class:`~ermbit.reductions.base.Reduction`.

:data:`REGISTRY` is the one explicit table of registered reductions, by name.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from typing import Any, cast

from ermbit.errors import InputError
from ermbit.reductions.base import Claim, Reduction, relation_holds

__all__ = ["REGISTRY", "Claim", "Reduction", "get", "load", "relation_holds"]

#: name -> "module:Class"; instantiated on first use so that importing ermbit stays cheap.
REGISTRY: dict[str, str] = {
    "sat-to-slp": "ermbit.reductions.sat_to_slp:SatToSlp",
    "perm-to-slp": "ermbit.reductions.perm_to_slp:PermToSlp",
    "slp-to-bnslp": "ermbit.reductions.bnslp:SlpToBnslp",
    "sat-to-nae": "ermbit.reductions.sat_to_nae:SatToNae",
    "nae-to-splitting": "ermbit.reductions.nae_to_splitting:NaeToSplitting",
    "slp-to-network": "ermbit.reductions.slp_to_network:SlpToNetwork",
    "slp-to-backprop-bit": "ermbit.reductions.backprop:SlpToBackpropBit",
    "posslp-to-backprop-sign": "ermbit.reductions.backprop:PosSlpToBackpropSign",
    "pin": "ermbit.reductions.pinning:Pin",
    "sat-to-relu": "ermbit.reductions.sat_to_relu:SatToRelu",
    "splitting-to-relu2": "ermbit.reductions.splitting_to_relu:SplittingToRelu2",
    "sat-to-relu2": "ermbit.reductions.splitting_to_relu:SatToRelu2",
    "bitslp-to-erm": "ermbit.reductions.bitslp_to_erm:BitslpToErm",
    "posslp-to-erm": "ermbit.reductions.bitslp_to_erm:PosSlpToErm",
}


def get(name: str, **options: Any) -> Reduction:
    """The registered reduction called ``name``, built with ``options``.

    Options are keyword arguments of the reduction's constructor (``activation``,
    ``bounded``, ``promise``, ``pinned``...); one the reduction does not take is refused.

    Raises
    ------
    InputError
        If no reduction has that name; the message lists the registered ones.
    """
    if name not in REGISTRY:
        known = ", ".join(sorted(REGISTRY)) or "none"
        raise InputError(f"reduction: unknown name {name!r}; registered: {known}")
    return load(REGISTRY[name], **options)


def _import(name: str) -> Any:
    """Import a module by dotted name, or from a file when ``name`` is a ``.py`` path.

    A file is loaded with :mod:`importlib.util` under a private module name; ``sys.path``
    is never changed.
    """
    if name.endswith(".py"):
        path = Path(name).resolve()
        if not path.is_file():
            raise InputError(f"reduction: no file {name!r}")
        mod_name = f"ermbit_user_reduction_{abs(hash(str(path))):x}"
        spec = importlib.util.spec_from_file_location(mod_name, path)
        if spec is None or spec.loader is None:
            raise InputError(f"reduction: cannot load {name!r} as a Python module")
        module = importlib.util.module_from_spec(spec)
        sys.modules[mod_name] = module  # dataclasses and pickling look modules up here
        spec.loader.exec_module(module)
        return module
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        raise InputError(
            f"reduction: cannot import module {name!r} ({exc}); for a file of your own "
            f"pass its path, e.g. 'my_reduction.py:MyReduction'"
        ) from exc


def load(spec: str, **options: Any) -> Reduction:
    """Instantiate ``"package.module:Class"`` or ``"path/to/file.py:Class"`` (a user's own
    reduction following the protocol)."""
    if ":" not in spec:
        raise InputError(
            f"reduction: expected 'package.module:Class' or 'file.py:Class', got {spec!r}"
        )
    mod_name, _, cls_name = spec.rpartition(":")
    try:
        module = _import(mod_name)
    except ImportError as exc:
        raise InputError(f"reduction: cannot import module {mod_name!r}: {exc}") from exc
    cls = getattr(module, cls_name, None)
    if cls is None:
        raise InputError(f"reduction: module {mod_name!r} has no attribute {cls_name!r}")
    if not isinstance(cls, type):
        if options:
            raise InputError(f"reduction: {spec!r} is an object and takes no options")
        obj = cls
    else:
        try:
            obj = cls(**options)
        except TypeError as exc:
            given = ", ".join(sorted(options)) or "none"
            raise InputError(
                f"reduction: {spec!r} does not take the options given ({given}): {exc}"
            ) from exc
    for attr in ("forward", "claim"):
        if not callable(getattr(obj, attr, None)):
            raise InputError(f"reduction: {spec!r} has no method {attr!r}")
    return cast(Reduction, obj)
