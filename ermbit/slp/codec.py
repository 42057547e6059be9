"""The ``ermbit/1`` kind ``slp``: ``{"a0": "p/q", "gates": [[op, j, k], ...]}``.

>>> from ermbit.slp import SLP
>>> decode_slp(encode_slp(SLP(1, [("*", 0, 0)])), "") == SLP(1, [("*", 0, 0)])
True
"""

from __future__ import annotations

from typing import Any, NoReturn

from ermbit import exact
from ermbit.errors import FormatError
from ermbit.fields import _show, as_int, as_list, as_rational, as_str, check_keys, join
from ermbit.slp.program import OPS, SLP, Gate

__all__ = ["decode_slp", "encode_slp"]


def encode_slp(slp: SLP) -> dict[str, Any]:
    return {"a0": exact.fmt(slp.a0), "gates": [[g.op, g.j, g.k] for g in slp.gates]}


def _gate_error(entry: Any, t: int, here: str) -> NoReturn:
    """Raise the error that names what is wrong with gate entry ``t``."""
    entry = as_list(entry, here)
    if len(entry) != 3:
        raise FormatError(f"expected [op, j, k], got {len(entry)} items", field=here)
    op = as_str(entry[0], join(here, 0))
    if op not in OPS:
        raise FormatError(f"op must be one of {list(OPS)}, got {op!r}", field=join(here, 0))
    for pos in (1, 2):
        v = as_int(entry[pos], join(here, pos))
        if not 0 <= v <= t:
            raise FormatError(
                f"operand {_show(v)} out of range: gate {t + 1} may use a_0..a_{t}",
                field=join(here, pos),
            )
    raise AssertionError(f"gate {t} is well formed")  # pragma: no cover


def decode_slp(fields: dict[str, Any], where: str) -> SLP:
    check_keys(fields, where, ("a0", "gates"))
    a0 = as_rational(fields["a0"], join(where, "a0"))
    gates = []
    for t, entry in enumerate(as_list(fields["gates"], join(where, "gates"))):
        # fast test for the common case; field names are only built for an error
        if (
            type(entry) is list
            and len(entry) == 3
            and entry[0] in OPS
            and type(entry[1]) is int
            and type(entry[2]) is int
            and 0 <= entry[1] <= t
            and 0 <= entry[2] <= t
        ):
            gates.append(Gate(*entry))
        else:
            _gate_error(entry, t, join(join(where, "gates"), t))
    return SLP(a0, tuple(gates))
