"""The argument validators every module uses, and the one default size budget.

Each validator returns the value in its canonical type or raises an error that names the
argument and the offending value: :class:`~ermbit.errors.InputTypeError` for a wrong type,
:class:`~ermbit.errors.InputError` for a wrong value.

Size budgets: every computation that can build huge numbers takes ``budget_bits``, the
largest value size (in bits) it may create.  ``None`` always means
:data:`DEFAULT_BUDGET_BITS`, never "unbounded"; pass a larger int to go further (on the
command line, ``--budget-bits N``).

>>> check_int(7, "n", minimum=1), budget(None) == DEFAULT_BUDGET_BITS
(7, True)
>>> check_int(True, "n")
Traceback (most recent call last):
...
ermbit.errors.InputTypeError: n: expected an int, got bool True
"""

from __future__ import annotations

from ermbit.errors import InputError, InputTypeError
from ermbit.exact import Z

__all__ = [
    "DEFAULT_BUDGET_BITS",
    "budget",
    "check_bool",
    "check_int",
    "check_positive",
    "check_timeout",
]

#: The default size budget: no single value may be predicted to need more than 2**30 bits
#: (128 MiB).  Multiplying two such numbers needs a few times that in scratch memory.
DEFAULT_BUDGET_BITS = 1 << 30

_MPZ = type(Z(0))


def check_int(value: object, name: str, *, minimum: int | None = None) -> int:
    """``value`` as an ``int`` (``mpz`` accepted), refusing bools, floats and strings."""
    if isinstance(value, _MPZ):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputTypeError(f"{name}: expected an int, got {type(value).__name__} {value!r:.80}")
    if minimum is not None and value < minimum:
        raise InputError(f"{name}: must be >= {minimum}, got {value}")
    return value


def check_positive(value: object, name: str) -> int:
    """``value`` as an ``int >= 1``."""
    return check_int(value, name, minimum=1)


def check_bool(value: object, name: str) -> bool:
    """``value`` as a ``bool``; ints such as 0/1 are refused so typos do not pass."""
    if not isinstance(value, bool):
        raise InputTypeError(f"{name}: expected a bool, got {type(value).__name__} {value!r}")
    return value


def check_timeout(timeout: object, name: str = "timeout") -> float | None:
    """A positive number of seconds, or None for no limit."""
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise InputError(f"{name}: expected a positive number of seconds or None, got {timeout!r}")
    return float(timeout)


def budget(budget_bits: object) -> int:
    """``budget_bits`` resolved: None → :data:`DEFAULT_BUDGET_BITS`; else an int >= 1."""
    if budget_bits is None:
        return DEFAULT_BUDGET_BITS
    return check_int(budget_bits, "budget_bits", minimum=1)
