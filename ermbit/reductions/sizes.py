"""Declared output sizes of the reductions, as formulas in the source's size parameters.

A reduction is polynomial only if its output size is bounded by a formula in the size of
its input; this table states that formula for each reduction (read off the construction
in its module, which follows the paper's lemma), and the verifier checks every output
against it (:func:`check_sizes`): actual ≤ declared on each size key, with the tightest
ratio actual / declared reported.  A key over its bound is a failed claim.

Source parameters are the keys of the source's ``size_summary`` (``variables`` n,
``clauses`` m, ``literals`` ℓ for a CNF; ``elements`` d and ``sets`` s for set splitting);
an n×n matrix and an SLP of ℓ gates are read from the source itself.

Every built-in reduction is in :data:`DECLARED`, its pinned form (``pinned=True``, the
forcing samples of Claim B.1) included: a reduction with a ``pinned`` flag declares the
pinned bound in ``pinned_formulas``.  A user reduction without a declared bound is
reported as such in the report's ``meta``.

>>> ok, detail, ratio = check_sizes("sat-to-nae", {"variables": 3, "clauses": 2},
...                                 {"variables": 4, "clauses": 2})
>>> ok, ratio
(True, 1.0)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["DECLARED", "SizeBound", "check_sizes"]

Sizes = Mapping[str, int]


@dataclass(frozen=True)
class SizeBound:
    """Formulas (for reports) and the function computing them.

    ``bound(sizes, src, red)`` gets the source's size summary, the source itself (for
    parameters its summary lacks, such as an SLP's length) and the reduction (for its
    options, such as the activation's degree μ).
    """

    formulas: Mapping[str, str]
    bound: Callable[[Sizes, Any, Any], dict[str, int]]
    pinned_formulas: Mapping[str, str] | None = None

    def formulas_for(self, red: Any) -> Mapping[str, str]:
        """The formulas of the form ``red`` builds (pinned or not)."""
        if self.pinned_formulas is not None and getattr(red, "pinned", False):
            return self.pinned_formulas
        return self.formulas


def _relu2(d: int, s: int) -> dict[str, int]:
    # sources x0..x(d-1), h1, h2, r1, r2, o, y; 2d trainable + 5 frozen edges;
    # the origin, d unit vectors, one indicator per set (each sample has weight 1)
    return {"nodes": d + 6, "edges": 2 * d + 5, "samples": 1 + d + s, "sample_weight": 1 + d + s}


def _kronecker(z: Sizes) -> dict[str, int]:
    # K = n + Σ⌈log₂ k_j⌉ + 1 ≤ n + ℓ + 1 and B = 2·max k_j ≤ 2ℓ + 2.  Gates: Z_1 = (a0+a0)^K
    # by squaring (≤ 1 + 2·bitlen K), Z_j = Z_(j-1)^B (≤ 2·bitlen B each), per variable
    # T_i + F_i (≤ occurrences + 1), per clause 1 + Z_j + ... + Z_j^(k_j − 1) (≤ 2k_j + 1),
    # the product of the n + m factors, and one copy gate for the output.
    n, m, lits = z["variables"], z["clauses"], z["literals"]
    k, b = n + lits + 1, 2 * lits + 2
    gates = 2 * k.bit_length() + 2 * m * b.bit_length() + 3 * lits + 2 * n + 2 * m + 2
    return {"gates": gates, "count_width": k}


def _slp_network_sizes(gates: int, mu: int) -> dict[str, int]:
    # Lemma 3.2: per ± gate v_i and ≤ 2 edges; per · gate v_i, z_i and, per shift r with
    # κ_r ≠ 0 (at most μ + 1 of them), L1..L3 and U1..U3 with 10 edges, plus (z_i, v_i).
    return {
        "gates": gates,
        "nodes": 1 + gates * (2 + 6 * (mu + 1)),
        "edges": gates * (1 + 10 * (mu + 1)),
    }


def _slp_network(src: Any, red: Any) -> dict[str, int]:
    return _slp_network_sizes(src.length, red.activation.degree)


def _permanent(src: Any) -> dict[str, int]:
    # K = bitlen(n^n) ≤ n·bitlen(n).  Gates: X_0 = (a0+a0)^K by squaring, X_j = X_(j-1)^(n+1)
    # (≤ 2·bitlen(n+1) each), one sum of ≤ n terms per row (an empty row costs one gate
    # for 0), the product of the n rows, and one copy gate.
    n = len(src)
    k = n * n.bit_length()
    gates = 2 * k.bit_length() + 2 * (n - 1) * (n + 1).bit_length() + n * n + n + 1
    return {"gates": gates, "count_width": k}


def _bounded_slp(src: Any) -> dict[str, int]:
    # Lemma A.5: exponents e_i ≤ 2^i, so a ± gate scales each operand by < 2^ℓ (≤ ℓ
    # multiplications each, plus the gate), a · gate is one gate, the squares b_0^(2^r)
    # are cached (≤ ℓ + 1 of them), the final alignment to 2^ℓ takes ≤ ℓ + 1, and the
    # build may add one copy gate: O(ℓ²) gates in all.
    n = src.length
    m = 2 * n * n + 3 * n + 3
    return {"gates": m, "m": m, "source_gates": n}


def _templates_bound(edges: int, tau_total: int) -> int:
    # Claim B.1 (ermbit.reductions.pinning): the baseline, one template per frozen edge
    # into an identity node (≤ E), and τ(σ) templates per non-identity node.
    return 1 + edges + tau_total


def _pin(base: Mapping[str, int], tau_total: int, gamma_floor: int = 0) -> dict[str, int]:
    """Pinning keeps nodes and edges and adds ≤ 1 + E + Στ forcing samples, each repeated
    ``max(b, ⌊γ⌋, 0) + 1`` times (b = the main samples' total weight)."""
    t = _templates_bound(base["edges"], tau_total)
    b = base["sample_weight"]
    return {
        "nodes": base["nodes"],
        "edges": base["edges"],
        "samples": base["samples"] + t,
        "sample_weight": b + t * (max(b, gamma_floor, 0) + 1),
    }


def _maybe_pinned(base: dict[str, int], red: Any) -> dict[str, int]:
    # the pinned forms of the ReLU reductions: every non-identity node is a ReLU (τ = 2
    # templates), γ = 0
    return _pin(base, 2 * base["nodes"]) if getattr(red, "pinned", False) else base


def _pinned_formulas(base: Mapping[str, str]) -> dict[str, str]:
    n, e, s, w = (f"({base[k]})" for k in ("nodes", "edges", "samples", "sample_weight"))
    t = f"(1 + {e} + 2{n})"
    return {
        "nodes": base["nodes"],
        "edges": base["edges"],
        "samples": f"{s} + {t}",
        "sample_weight": f"{w} + {t}·({w} + 1)",
    }


def _tau_total(network: Any) -> int:
    """Σ τ(σ_v) over the non-identity nodes: deg σ for a polynomial, else the number of
    template points (2 for ReLU)."""
    from ermbit.network.activations import Identity, Polynomial
    from ermbit.network.symmetry import template_points

    total = 0
    for _, act in network.nodes:
        if isinstance(act, Identity):
            continue
        total += act.degree if isinstance(act, Polynomial) else len(template_points(act))
    return total


def _pin_reduction(z: Sizes, src: Any) -> dict[str, int]:
    g = src.gamma
    return _pin(z, _tau_total(src.network), int(g.numerator // g.denominator))


def _homogenised_gates(src: Any) -> int:
    # ermbit.reductions.backprop.homogenise: p and q by doubling (≤ 2·bitlen + 2 gates
    # each, 0 by a − a), per · gate one gate, per ± gate two lifts by q^d (d < 2^ℓ: ≤ 2ℓ
    # squarings and multiplications, and one product each) and the gate: ≤ 4ℓ + 3.
    lth: int = src.length
    a0 = src.a0
    p, q = int(abs(a0.numerator)), int(a0.denominator)
    return lth * (4 * lth + 3) + 2 * p.bit_length() + 2 * q.bit_length() + 4


def _sign_program(src: Any, bounded: bool) -> int:
    """Gates of the program PosSLP builds on: homogenised when a_0 is 0 or not an integer
    (or ≠ 1 for the bounded variant), then the 2n_P − 1 fix (≤ 3 gates)."""
    a0 = src.a0
    needs = a0 == 0 or not src.is_integer or (bounded and a0 != 1)
    return (_homogenised_gates(src) if needs else src.length) + 3


def _bnslp_gates(gates: int) -> int:
    return 2 * gates * gates + 3 * gates + 3


def _sign_gates(src: Any, bounded: bool) -> int:
    gates = _sign_program(src, bounded)
    return _bnslp_gates(gates) if bounded else gates


def _gradient(gates: int, mu: int) -> dict[str, int]:
    # Thm 1.3: the Lemma 3.2 network of the program, one node t and one edge e* = (v_ℓ, t),
    # one sample (repeated B times)
    net = _slp_network_sizes(gates, mu)
    return {"gates": gates, "nodes": net["nodes"] + 1, "edges": net["edges"] + 1, "samples": 1}


def _slp_erm(gates: int, mu: int, copies: int) -> dict[str, int]:
    # Thm 1.1: the Lemma 3.2 network pinned (every σ node of degree μ), the b main copies
    net = _slp_network_sizes(gates, mu)
    base = {**net, "samples": 1, "sample_weight": copies}
    return _pin(base, mu * net["nodes"])


_RELU = {"nodes": "9n + 2m + 1", "edges": "10n + m + ℓ", "samples": "1", "sample_weight": "1"}
_SPLIT = {"nodes": "d + 6", "edges": "2d + 5", "samples": "1 + d + s", "sample_weight": "1 + d + s"}
_SAT2 = {
    "nodes": "2n + 8",
    "edges": "4n + 9",
    "samples": "3n + m + 4",
    "sample_weight": "3n + m + 4",
}
_NET = "1 + L·(2 + 6(μ + 1))"
_EDGES = "L·(1 + 10(μ + 1))"
_T = f"(1 + {_EDGES} + μ·({_NET}))"
_HOMOG = "ℓ(4ℓ + 3) + 2·bitlen|p| + 2·bitlen q + 4"
_SLP_ERM = {
    "nodes": _NET,
    "edges": _EDGES,
    "samples": f"1 + {_T}",
    "sample_weight": f"b + {_T}·(b + 1)",
}
_GRADIENT = {
    "gates": "L",
    "nodes": "2 + L·(2 + 6(μ + 1))",
    "edges": f"1 + {_EDGES}",
    "samples": "1",
}


def _where(formulas: Mapping[str, str], gates: str) -> dict[str, str]:
    return {k: f"{v} (L = {gates})" if "L" in v else v for k, v in formulas.items()}


#: reduction name -> its declared output size.
DECLARED: dict[str, SizeBound] = {
    "slp-to-bnslp": SizeBound(
        {"gates": "2ℓ² + 3ℓ + 3", "m": "2ℓ² + 3ℓ + 3", "source_gates": "ℓ"},
        lambda z, src, red: _bounded_slp(src),
    ),
    "perm-to-slp": SizeBound(
        {
            "gates": "2·bitlen(n·bitlen n) + 2(n − 1)·bitlen(n + 1) + n² + n + 1",
            "count_width": "n·bitlen(n)",
        },
        lambda z, src, red: _permanent(src),
    ),
    "slp-to-network": SizeBound(
        {"gates": "ℓ", "nodes": "1 + ℓ·(2 + 6(μ + 1))", "edges": "ℓ·(1 + 10(μ + 1))"},
        lambda z, src, red: _slp_network(src, red),
    ),
    "sat-to-slp": SizeBound(
        {
            "gates": "2·bitlen(n + ℓ + 1) + 2m·bitlen(2ℓ + 2) + 3ℓ + 2n + 2m + 2",
            "count_width": "n + ℓ + 1",
        },
        lambda z, src, red: _kronecker(z),
    ),
    "sat-to-relu": SizeBound(
        # s; per variable v_i and the ReLU gadgets a_i, b_i, r_i, c_i with their pre nodes;
        # per clause k_j and its pre node.  Edges: per variable (s, v_i), 4 frozen (pre, relu),
        # (v_i, a/b/r/c.pre) and (r_i, c_i.pre); per clause (pre, k_j) and one edge per
        # literal (x and ¬x in one clause merge, so fewer).  One main sample.
        _RELU,
        lambda z, src, red: _maybe_pinned(
            {
                "nodes": 9 * z["variables"] + 2 * z["clauses"] + 1,
                "edges": 10 * z["variables"] + z["clauses"] + z["literals"],
                "samples": 1,
                "sample_weight": 1,
            },
            red,
        ),
        _pinned_formulas(_RELU),
    ),
    "sat-to-nae": SizeBound(
        {"variables": "n + 1", "clauses": "m"},
        lambda z, src, red: {"variables": z["variables"] + 1, "clauses": z["clauses"]},
    ),
    "nae-to-splitting": SizeBound(
        {"elements": "2n", "sets": "n + m"},
        lambda z, src, red: {"elements": 2 * z["variables"], "sets": z["variables"] + z["clauses"]},
    ),
    "splitting-to-relu2": SizeBound(
        _SPLIT,
        lambda z, src, red: _maybe_pinned(_relu2(z["elements"], z["sets"]), red),
        _pinned_formulas(_SPLIT),
    ),
    "sat-to-relu2": SizeBound(
        _SAT2,
        lambda z, src, red: _maybe_pinned(
            _relu2(2 * (z["variables"] + 1), z["variables"] + 1 + z["clauses"]), red
        ),
        _pinned_formulas(_SAT2),
    ),
    "slp-to-backprop-bit": SizeBound(
        _where(_GRADIENT, "ℓ (2ℓ² + 3ℓ + 3 bounded)"),
        lambda z, src, red: _gradient(
            _bnslp_gates(src.slp.length) if red.bounded else src.slp.length,
            red.activation.degree,
        ),
    ),
    "posslp-to-backprop-sign": SizeBound(
        _where(_GRADIENT, f"L₀ + 3 (2L₀² + 3L₀ + 3 bounded), L₀ = ℓ or {_HOMOG}"),
        lambda z, src, red: _gradient(_sign_gates(src, red.bounded), red.activation.degree),
    ),
    "bitslp-to-erm": SizeBound(
        _where(_SLP_ERM, "ℓ"),
        lambda z, src, red: _slp_erm(src.slp.length, red.activation.degree, red.copies),
    ),
    "posslp-to-erm": SizeBound(
        _where(_SLP_ERM, f"L₀ + 3, L₀ = ℓ or {_HOMOG}"),
        lambda z, src, red: _slp_erm(_sign_program(src, False), red.activation.degree, red.copies),
    ),
    "pin": SizeBound(
        {
            "nodes": "N",
            "edges": "E",
            "samples": "S + (1 + E + Στ)",
            "sample_weight": "W + (1 + E + Στ)·(max(W, ⌊γ⌋) + 1)",
        },
        lambda z, src, red: _pin_reduction(z, src),
    ),
}


def check_sizes(
    name: str, source: Sizes, target: Sizes, *, src: Any = None, red: Any = None
) -> tuple[bool, str, float | None] | None:
    """``(ok, detail, tightest ratio)`` for the declared bound of ``name``, or ``None``
    when none is declared.  Only keys present in both the bound and ``target`` count;
    ``src`` and ``red`` are passed to the bound (see :class:`SizeBound`)."""
    declared = DECLARED.get(name)
    if declared is None:
        return None
    bound = declared.bound(source, src, red)
    formulas = declared.formulas_for(red)
    keys = [k for k in bound if k in target]
    over = [k for k in keys if target[k] > bound[k]]
    ratios = [target[k] / bound[k] for k in keys if bound[k] > 0]
    parts = [f"{k} {target[k]} ≤ {formulas[k]} = {bound[k]}" for k in keys]
    if over:
        bad = ", ".join(f"{k} {target[k]} > {formulas[k]} = {bound[k]}" for k in over)
        return False, f"output larger than declared: {bad}", max(ratios, default=None)
    return True, "; ".join(parts), max(ratios, default=None)
