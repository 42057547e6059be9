"""The whole exception hierarchy of ermbit.

Bad input raises an :class:`InputError` (also a :class:`ValueError`) or an
:class:`InputTypeError` (also a :class:`TypeError`), so callers that only know the
builtin exceptions still catch them.  "This instance has no solution" is an *answer*
and never an exception.  Refusing work past a size budget raises
:class:`BudgetExceeded`; a claim that a checker finds false raises
:class:`VerificationFailed`; a missing or failing optional backend raises
:class:`BackendUnavailable` or :class:`BackendError`; a search or back end that stopped at
its time or size limit without an answer raises :class:`Undecided`.

>>> try:
...     raise DimacsError("literal 7 out of range (n = 3)", path="f.cnf", line=4)
... except ValueError as exc:
...     print(exc)
f.cnf:4: literal 7 out of range (n = 3)
"""

from __future__ import annotations

import re

__all__ = [
    "BackendError",
    "BackendUnavailable",
    "BudgetExceeded",
    "DimacsError",
    "ErmbitError",
    "FormatError",
    "InputError",
    "InputTypeError",
    "Undecided",
    "VerificationFailed",
]


class ErmbitError(Exception):
    """Base class of every error raised on purpose by ermbit."""


class InputError(ErmbitError, ValueError):
    """A value was of the right type but not acceptable (malformed, out of range)."""


class InputTypeError(ErmbitError, TypeError):
    """A value of the wrong type was given (a float where a rational is required...)."""


class DimacsError(InputError):
    """A DIMACS file is malformed.

    Parameters
    ----------
    message : str
        What is wrong.
    path : str or None
        The file (``"<string>"`` when parsing text).
    line : int or None
        The 1-based line number where the problem was found.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        where = path if path is not None else "<string>"
        prefix = f"{where}:{line}: " if line is not None else f"{where}: "
        super().__init__(prefix + message)


class FormatError(InputError):
    """A JSON ``ermbit/1`` document is malformed.

    ``field`` names the offending field as a dotted path (``"samples[2].loss"``).
    """

    def __init__(self, message: str, *, field: str | None = None, path: str | None = None):
        self.message = message
        self.field = field
        self.path = path
        parts = []
        if path is not None:
            parts.append(str(path))
        if field is not None:
            parts.append(f"field {field!r}")
        prefix = ": ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class BudgetExceeded(ErmbitError):
    """A computation was refused because its predicted size exceeds a budget.

    Attributes
    ----------
    predicted : int
        The predicted size (bits, unless ``unit`` says otherwise).
    budget : int
        The budget in force.
    hint : str
        How to raise the budget (an argument name or command-line flag).
    """

    def __init__(
        self,
        what: str,
        *,
        predicted: int,
        budget: int,
        unit: str = "bits",
        hint: str = "pass a larger budget",
    ):
        self.what = what
        self.predicted = int(predicted)
        self.budget = int(budget)
        self.unit = unit
        # a hint may quote the predicted size; thousands of digits help nobody
        self.hint = re.sub(r"\d{31,}", lambda m: f"about 10^{len(m.group()) - 1}", hint)
        hint = self.hint
        super().__init__(
            f"{what} is predicted to need {_amount(self.predicted)} {unit}, over the budget of "
            f"{_amount(self.budget)} {unit}; to go ahead anyway, {hint}"
        )


def _amount(n: int) -> str:
    """``n`` in decimal, or as a power of two when the decimal would be unreadably long.

    Sizes predicted from 2^n assignments or repeated squaring can have thousands of
    digits; printing them in full is useless (and once crashed at Python's int-to-str
    limit), so past 30 digits the exponent is what is shown.

    >>> _amount(1000), _amount(1 << 200), _amount((1 << 200) + 1)
    ('1000', '2^200', 'about 2^200')
    """
    if abs(n) < 10**30:
        return str(n)
    k = abs(n).bit_length() - 1
    sign = "-" if n < 0 else ""
    return f"{sign}2^{k}" if abs(n) == 1 << k else f"{sign}about 2^{k}"


class VerificationFailed(ErmbitError):
    """A claimed relationship was checked and found false.

    ``counterexample`` carries whatever reproduces the failure (an input, a witness).
    """

    def __init__(self, message: str, *, claim: str | None = None, counterexample: object = None):
        self.claim = claim
        self.counterexample = counterexample
        super().__init__(message)


class BackendError(ErmbitError, RuntimeError):
    """An external backend (solver, counter) failed, stalled or was killed."""


class BackendUnavailable(BackendError):
    """An optional backend is not installed; the message says which extra installs it."""


class Undecided(BackendError):
    """A solver or counter stopped within its limits (a time-out) without an answer.

    Not a refutation: the same call with larger limits may answer.  The command line
    exits with its own code for it (4, see the README's exit-code table).
    """
