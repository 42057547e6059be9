"""ermbit: the bit-model dichotomy of deep network training, made executable.

The public API is re-exported here; see the README for the command line.
"""

from ermbit.errors import (
    BackendError,
    BackendUnavailable,
    BudgetExceeded,
    DimacsError,
    ErmbitError,
    FormatError,
    InputError,
    InputTypeError,
    VerificationFailed,
)
from ermbit.exact import Q, Z, bit, enc, fmt, parse, parse_int, size

__version__ = "0.1.0"

__all__ = [
    "Q",
    "BackendError",
    "BackendUnavailable",
    "BudgetExceeded",
    "DimacsError",
    "ErmbitError",
    "FormatError",
    "InputError",
    "InputTypeError",
    "VerificationFailed",
    "Z",
    "__version__",
    "bit",
    "enc",
    "fmt",
    "parse",
    "parse_int",
    "size",
]
