"""Paper Fig. 1 (docs: results.md): value sizes and gradient norms against depth, σ = z² and ReLU.

For depth d = 1..D, a random layered network (:func:`layered_network`) is run forward
and backward exactly; each row reports the largest size (docs: model.md, bits) of any value of
the two passes and ``log₂‖∇L‖``.  With σ = z² the sizes roughly double per layer; with
ReLU they grow at most linearly (App. E, :mod:`ermbit.studies.app_e`).

Set-up (every choice documented, all exact):

* ``width`` sources ``x0..``, then d hidden layers of ``width`` σ-nodes, fully connected
  from the previous layer, then one identity output node ``out`` fed by the last layer.
* Weights ``p/q`` with ``p ∈ ±{1..3}``, ``q ∈ {1..4}``; biases ``p ∈ {−2..2}``,
  ``q ∈ {1..4}``; inputs ``p ∈ {−3..3}``, ``q ∈ {1..4}``; all drawn from ``seed``.
  The networks are **nested**: the depth-d network is the depth-(d+1) one without its
  last hidden layer (same draws), so rows of one table differ only by depth.
* Scaling **[choice]**: the paper scales the weights by 3 at each layer; we read this as
  "every layer's weights multiplied by ``scale``" (biases unchanged), and run
  ``scale = 1`` (unscaled) and ``scale = 3``.
* Loss: half-squared ``½(f_out − y)²`` with label ``y = label ∈ {0, 1}`` (default 1), so
  the backward seed is ``f_out − y``.  The gradient is over **all** parameters, weights
  and biases: ``‖g‖² = Σ_e (∂L/∂w_e)² + (∂L/∂b_e)²``, an exact rational;
  ``log2_grad_norm = ½·log₂‖g‖²`` is a floating *display* value computed from that
  rational's bit lengths and 64-bit leading parts (error < 1e-12), never from float
  arithmetic on the network.
* Budget: before each pass the size is predicted (:meth:`Network.predict_bits`, and the
  backward prediction of :meth:`Network.backward`); past ``budget_bits`` the row is
  marked refused with the predicted size and nothing is computed.

>>> rows = bit_growth(3, width=2, activations=("z**2",), scales=(1,))
>>> [r.depth for r in rows], all(not r.refused for r in rows)
([1, 2, 3], True)
>>> rows[2].max_bits > rows[1].max_bits > rows[0].max_bits
True
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ermbit.errors import BackendUnavailable, BudgetExceeded, InputError, InputTypeError
from ermbit.exact import Q, bitlen, fmt, parse
from ermbit.files import write_atomic
from ermbit.instances.net_families import layered_network
from ermbit.network.activations import parse_activation
from ermbit.network.model import Network
from ermbit.validate import check_int

__all__ = [
    "DEFAULT_BUDGET",
    "GrowthRow",
    "bit_growth",
    "format_rows",
    "layered_network",
    "log2_display",
    "measure_row",
    "plot",
]

#: Default size budget of the study (bits): depth 10 at width 4 fits easily.
DEFAULT_BUDGET = 1 << 22
_MANTISSA = 64


def log2_display(q: object) -> float:
    """``log₂|q|`` of an exact rational as a display float (``-inf`` for 0).

    The integer part comes from bit lengths, the rest from the leading 64 bits of the
    numerator and denominator, so the error is below 1e-12 however large ``q`` is.

    >>> log2_display(8), log2_display("1/4"), round(log2_display(3 << 5000) - 5000, 9)
    (3.0, -2.0, 1.584962501)
    """
    r = abs(parse(q, name="q"))
    if r == 0:
        return -math.inf

    def lead(n: Any) -> tuple[int, int]:
        shift = max(0, bitlen(n) - _MANTISSA)
        return shift, int(n >> shift)

    sp, mp = lead(r.numerator)
    sq, mq = lead(r.denominator)
    return (sp - sq) + (math.log2(mp) - math.log2(mq))


@dataclass(frozen=True)
class GrowthRow:
    """One depth of one series (σ, scale).

    ``forward_bits``/``backward_bits`` are the largest sizes of the passes
    (:attr:`Pass.max_value_bits`, :attr:`Grad.max_bits`); ``log2_grad_norm`` is a display
    float (module docstring).  A refused row has ``predicted_bits > budget_bits``,
    ``None`` in the measured fields, and ``refused_pass`` naming the pass whose prediction
    was over the budget (``"forward"``: nothing ran; ``"backward"``: only the forward
    pass ran).
    """

    activation: str
    scale: str
    depth: int
    predicted_bits: int
    budget_bits: int | None
    forward_bits: int | None = None
    backward_bits: int | None = None
    log2_grad_norm: float | None = None
    refused_pass: str | None = None

    def __post_init__(self) -> None:
        check_int(self.depth, "depth", minimum=1)
        if self.refused_pass not in (None, "forward", "backward"):
            raise InputError(
                f"refused_pass: expected 'forward', 'backward' or None, got {self.refused_pass!r}"
            )
        done = self.forward_bits is not None and self.backward_bits is not None
        if done == self.refused:
            raise InputError("forward_bits, backward_bits: given exactly when not refused")

    @property
    def refused(self) -> bool:
        """Whether a pass was refused by the budget."""
        return self.refused_pass is not None

    @property
    def max_bits(self) -> int | None:
        """Largest value size over both passes (None if refused)."""
        if self.forward_bits is None or self.backward_bits is None:
            return None
        return max(self.forward_bits, self.backward_bits)

    @property
    def note(self) -> str:
        """``"refused: predicted N bits > budget"`` for a refused row, else ``""``."""
        if not self.refused:
            return ""
        return (
            f"refused: predicted {self.predicted_bits} bits > budget {self.budget_bits} "
            f"({self.refused_pass} pass)"
        )


def measure_row(
    net: Network,
    x: dict[str, Any],
    *,
    label: int = 1,
    budget_bits: int | None = DEFAULT_BUDGET,
    activation: str = "",
    scale: str = "1",
    depth: int = 1,
) -> GrowthRow:
    """Run one network (output node ``out``) forward and backward under the budget."""
    predicted = net.predict_bits(x)

    def row(bits: int, **measured: Any) -> GrowthRow:
        return GrowthRow(activation, scale, depth, bits, budget_bits, **measured)

    if budget_bits is not None and predicted > budget_bits:
        return row(predicted, refused_pass="forward")
    p = net.forward(x, budget_bits=budget_bits)
    try:
        grad = net.backward(p, {"out": p.value("out") - label}, budget_bits=budget_bits)
    except BudgetExceeded as exc:
        return row(exc.predicted, refused_pass="backward")
    sq = sum((g * g for g in grad.dw.values()), Q(0))
    sq += sum((g * g for g in grad.db.values()), Q(0))
    return row(
        predicted,
        forward_bits=p.max_value_bits,
        backward_bits=grad.max_bits,
        log2_grad_norm=log2_display(sq) / 2,
    )


def bit_growth(
    max_depth: int = 10,
    *,
    width: int = 4,
    seed: int = 0,
    activations: Sequence[object] = ("z**2", "relu"),
    scales: Sequence[object] = (1, 3),
    label: int = 1,
    budget_bits: int | None = DEFAULT_BUDGET,
    max_edges: int = 10**6,
) -> list[GrowthRow]:
    """Fig. 1: one row per (activation, scale, depth) with depth = 1..``max_depth``.

    Raises
    ------
    InputError
        ``max_depth`` or ``width`` below 1, a label other than 0 or 1.
    BudgetExceeded
        If the deepest network would have more than ``max_edges`` edges.
    """
    max_depth = check_int(max_depth, "max_depth", minimum=1)
    width = check_int(width, "width", minimum=1)
    edges = max_depth * width * width + width  # the deepest network: width² edges a layer
    if edges > max_edges:  # predicted before any network is built
        raise BudgetExceeded(
            f"the depth-{max_depth} network of width {width}",
            predicted=edges,
            budget=max_edges,
            unit="edges",
            hint="use a smaller --width or --depth (or pass a larger max_edges)",
        )
    if isinstance(label, bool) or label not in (0, 1):
        raise InputError(f"label: must be 0 or 1, got {label!r}")
    if isinstance(activations, str) or isinstance(scales, str):
        raise InputTypeError("activations, scales: expected sequences, not a string")
    rows = []
    for spec in activations:
        act = parse_activation(spec)
        for sc in scales:
            factor = parse(sc, name="scales")
            for d in range(1, max_depth + 1):
                net, x = layered_network(d, act, width=width, seed=seed, scale=factor)
                name, sc_text = str(act), fmt(factor)
                row = measure_row(
                    net,
                    x,
                    label=label,
                    budget_bits=budget_bits,
                    activation=name,
                    scale=sc_text,
                    depth=d,
                )
                rows.append(row)
    return rows


def format_rows(rows: Sequence[GrowthRow]) -> str:
    """A plain-text table (one line per row); the CLI prints it."""
    head = f"{'activation':<20} {'scale':>5} {'depth':>5} {'fwd bits':>10} {'bwd bits':>10}"
    head += f" {'max bits':>10} {'log2|grad|':>12}  note"
    lines = [head]
    for r in rows:

        def cell(v: object) -> str:
            return "-" if v is None else str(v)

        lg = "-" if r.log2_grad_norm is None else f"{r.log2_grad_norm:.6f}"
        lines.append(
            f"{r.activation:<20} {r.scale:>5} {r.depth:>5} {cell(r.forward_bits):>10} "
            f"{cell(r.backward_bits):>10} {cell(r.max_bits):>10} {lg:>12}  {r.note}".rstrip()
        )
    return "\n".join(lines)


def plot(rows: Sequence[GrowthRow], path: str) -> None:
    """Save Fig. 1 as a PNG: max value bits (log scale) and log₂‖∇L‖ against depth.

    Refused rows are left out.  Needs matplotlib (optional extra ``plot``).

    Raises
    ------
    BackendUnavailable
        If matplotlib is not installed.
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise BackendUnavailable(
            "plot: matplotlib is not installed; install it with pip install 'ermbit[plot]'"
        ) from exc
    series: dict[tuple[str, str], list[GrowthRow]] = {}
    for r in rows:
        if not r.refused:
            series.setdefault((r.activation, r.scale), []).append(r)
    fig = Figure(figsize=(10, 4))
    FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2)
    for (act, sc), items in series.items():
        label = f"{act}, weights ×{sc}"
        depths = [r.depth for r in items]
        left.plot(depths, [r.max_bits for r in items], marker="o", label=label)
        right.plot(depths, [r.log2_grad_norm for r in items], marker="o", label=label)
    left.set_yscale("log")
    left.set(xlabel="depth", ylabel="max value size (bits)", title="value sizes")
    right.set(xlabel="depth", ylabel="log2 ||grad L||", title="gradient norm")
    left.legend(fontsize="small")
    fig.tight_layout()
    buf = io.BytesIO()  # rendered in memory, then written atomically (never half a PNG)
    fig.savefig(buf, format="png")
    write_atomic(path, buf.getvalue())
