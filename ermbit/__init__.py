"""ermbit: the bit-model dichotomy of deep network training, made executable.

The public API is re-exported here (the command line is :mod:`ermbit.cli`):

* exact numbers: :func:`parse`, :func:`size`, :func:`bit`, :func:`enc` (docs: model.md);
* formulas and programs: :class:`CNF`, :class:`SLP`, :class:`SLPBuilder`;
* the network model: :class:`Network`, :class:`NetworkBuilder`, :class:`Edge`, the
  activations, and :class:`ERMInstance`, :class:`BackpropInstance`, :class:`Sample`,
  :class:`Loss`, :class:`Witness`;
* solvers: :func:`count`, :func:`cross_check`, :func:`solve_sat`, :func:`solve_erm`,
  :func:`decide`, :func:`count_via_backprop`, :func:`count_via_erm`;
* reductions and checking: :func:`get_reduction`, :data:`REGISTRY`, :func:`verify`,
  :func:`sweep`.

>>> import ermbit
>>> f = ermbit.CNF(2, ((1, 2),))
>>> ermbit.count(f), ermbit.verify(ermbit.get_reduction("sat-to-slp"), f).passed
(3, True)
"""

from ermbit.checking.sweep import sweep
from ermbit.checking.verifier import VerificationReport, verify
from ermbit.cnf import CNF
from ermbit.errors import (
    BackendError,
    BackendUnavailable,
    BudgetExceeded,
    DimacsError,
    ErmbitError,
    FormatError,
    InputError,
    InputTypeError,
    Undecided,
    VerificationFailed,
)
from ermbit.exact import Q, Z, bit, enc, fmt, parse, parse_int, size
from ermbit.network.activations import Identity, PiecewiseLinear, Polynomial, ReLU, parse_activation
from ermbit.network.erm import BackpropInstance, ERMInstance, Loss, Sample, Witness
from ermbit.network.model import Edge, Network, NetworkBuilder
from ermbit.pipelines.decide import decide
from ermbit.pipelines.via_backprop import count_via_backprop
from ermbit.pipelines.via_erm import count_via_erm
from ermbit.reductions import REGISTRY, Claim, Reduction
from ermbit.reductions import get as get_reduction
from ermbit.slp import SLP, SLPBuilder
from ermbit.solvers.erm.dispatch import solve_erm
from ermbit.solvers.sat.cdcl import solve as solve_sat
from ermbit.solvers.sat.counting import count, cross_check

__version__ = "0.1.0"

__all__ = [
    "CNF",
    "REGISTRY",
    "SLP",
    "BackendError",
    "BackendUnavailable",
    "BackpropInstance",
    "BudgetExceeded",
    "Claim",
    "DimacsError",
    "ERMInstance",
    "Edge",
    "ErmbitError",
    "FormatError",
    "Identity",
    "InputError",
    "InputTypeError",
    "Loss",
    "Network",
    "NetworkBuilder",
    "PiecewiseLinear",
    "Polynomial",
    "Q",
    "ReLU",
    "Reduction",
    "SLPBuilder",
    "Sample",
    "Undecided",
    "VerificationFailed",
    "VerificationReport",
    "Witness",
    "Z",
    "__version__",
    "bit",
    "count",
    "count_via_backprop",
    "count_via_erm",
    "cross_check",
    "decide",
    "enc",
    "fmt",
    "get_reduction",
    "parse",
    "parse_activation",
    "parse_int",
    "size",
    "solve_erm",
    "solve_sat",
    "sweep",
    "verify",
]
