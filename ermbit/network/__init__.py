"""The paper's model: networks, activations, ERM_bit and Backprop instances.

* :mod:`ermbit.network.model` — the network (a DAG with edge weights and biases),
  :class:`NetworkBuilder`, exact forward and backward passes;
* :mod:`ermbit.network.activations` — identity, ReLU, piecewise-linear, polynomial, rounded;
* :mod:`ermbit.network.erm` — losses, samples, :class:`ERMInstance` (ERM_bit),
  :class:`BackpropInstance` (Backprop-Bit/Sign), witnesses and the NP verifier;
* :mod:`ermbit.network.codec`, :mod:`ermbit.network.erm_codec` — the ``ermbit/1`` codecs;
* :mod:`ermbit.network.symmetry` — exact algebra of one activation (pinning, presolve);
* :mod:`ermbit.network.draw` — DOT and PNG drawings;
* ``ermbit.network.engine`` — private: plans, static and dynamic exact passes, lower
  bounds, backward, bit accounting.  Use the methods of :class:`Network`.

See the docs page *The model and the numbers*.
"""

from ermbit.network.activations import (
    Activation,
    Identity,
    PiecewiseLinear,
    Polynomial,
    ReLU,
    parse_activation,
)
from ermbit.network.erm import (
    LOSS_KINDS,
    BackpropInstance,
    ERMInstance,
    Evaluation,
    Loss,
    Sample,
    Witness,
)
from ermbit.network.model import Edge, Grad, Network, NetworkBuilder, Pass

__all__ = [
    "LOSS_KINDS",
    "Activation",
    "BackpropInstance",
    "ERMInstance",
    "Edge",
    "Evaluation",
    "Grad",
    "Identity",
    "Loss",
    "Network",
    "NetworkBuilder",
    "Pass",
    "PiecewiseLinear",
    "Polynomial",
    "ReLU",
    "Sample",
    "Witness",
    "parse_activation",
]
