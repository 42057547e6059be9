"""The chains a walkthrough follows, and the walk itself.

A *chain* is a sequence of registered reductions with the small adapters between them
(e.g. "ask for bit K·E* of the Kronecker SLP").  :func:`walk` runs a chain on a tiny input,
and for every step records what the step builds, its size, the claim, the outcome of
the generic verifier on that step, and the step's *exhibits*: the objects themselves
(polynomial, SLP, bits, network values, gadgets, witnesses; :mod:`.counting`, :mod:`.relu`).

>>> from ermbit.cnf import CNF
>>> steps = walk("kronecker", CNF(2, ((1, 2),)))
>>> [s.reduction for s in steps], steps[0].report.passed
(['sat-to-slp'], True)
>>> [e.title for e in steps[0].exhibits][-1]
'n_P in binary, the #SAT block marked'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ermbit.checking.verifier import VerificationReport, size_summary, verify
from ermbit.cnf import CNF
from ermbit.errors import InputError
from ermbit.pipelines.explain import counting, relu
from ermbit.pipelines.explain.blocks import Exhibit

__all__ = ["CHAINS", "SHOWS", "ChainStep", "Step", "network_drawing", "network_of", "walk"]

Adapter = Callable[[Any, Any], Any]


def _count_bit(src: Any, target: Any) -> Any:
    """Ask for the lowest bit of the count block: bit K·E* of n_P."""
    from ermbit.problems.queries import BitQuery

    return BitQuery(target.slp, target.offset)


def _same(src: Any, target: Any) -> Any:
    return target


@dataclass(frozen=True)
class ChainStep:
    reduction: str
    options: tuple[tuple[str, Any], ...] = ()
    adapter: Adapter = _same  # from (this step's source, its target) to the next source
    adapter_text: str = ""


#: name -> (description, steps)
CHAINS: dict[str, tuple[str, tuple[ChainStep, ...]]] = {
    "kronecker": (
        "#SAT → SLP: the count becomes a block of bits of one huge integer",
        (ChainStep("sat-to-slp"),),
    ),
    "sharp-p-backprop": (
        "#SAT → SLP → polynomial network → one bit of one gradient coordinate (Thm 1.3)",
        (
            ChainStep(
                "sat-to-slp",
                adapter=_count_bit,
                adapter_text="ask for bit K·E* of n_P (the lowest bit of #SAT)",
            ),
            ChainStep("slp-to-backprop-bit"),
        ),
    ),
    "sharp-p-erm": (
        "#SAT → SLP → polynomial network → promise ERM_bit with all edges pinned (Thm 1.1)",
        (
            ChainStep(
                "sat-to-slp",
                adapter=_count_bit,
                adapter_text="ask for bit K·E* of n_P (the lowest bit of #SAT)",
            ),
            ChainStep("bitslp-to-erm"),
        ),
    ),
    "np-relu": (
        "SAT → ReLU ERM_bit by direct gadgets (NP-hardness, Thm 1.4 side)",
        (ChainStep("sat-to-relu"),),
    ),
    "np-relu2": (
        "SAT → NAE-SAT → set splitting → the classical 2-ReLU data set (Blum–Rivest style)",
        # one composite reduction, walked link by link
        (ChainStep("sat-to-relu2"),),
    ),
}


#: reduction name -> what its step shows (reductions without an entry show no objects).
SHOWS: dict[str, Callable[[Any, Any, Any], list[Exhibit]]] = {
    "sat-to-slp": counting.show_kronecker,
    "slp-to-backprop-bit": counting.show_backprop,
    "bitslp-to-erm": counting.show_erm,
    "sat-to-relu": relu.show_relu,
    "sat-to-nae": relu.show_nae,
    "nae-to-splitting": relu.show_splitting,
    "splitting-to-relu2": relu.show_relu2,
}


@dataclass(frozen=True)
class Step:
    """One step of a walk: the reduction, what it built and how it was checked."""

    reduction: str
    summary: str
    source_size: dict[str, int]
    target_size: dict[str, int]
    claim: str
    report: VerificationReport
    target: Any
    then: str
    details: str = ""
    exhibits: tuple[Exhibit, ...] = ()


#: Reductions that build a polynomial network and take σ as ``activation``.
TAKES_SIGMA = ("slp-to-backprop-bit", "bitslp-to-erm")


def walk(
    chain: str,
    src: Any,
    *,
    max_witnesses: int = 2,
    show: bool = True,
    activation: str | None = None,
) -> list[Step]:
    """Run ``chain`` on ``src``, verify every step and (``show``) collect its exhibits.

    ``activation`` is σ for the chains that build a polynomial network (default z²).

    Raises
    ------
    InputError
        For an unknown chain, an input too large to walk through (a walkthrough is for
        tiny inputs: at most 6 variables), or an ``activation`` the chain does not use.
    """
    from ermbit import reductions

    if chain not in CHAINS:
        raise InputError(f"chain: unknown {chain!r}; known: {', '.join(CHAINS)}")
    if isinstance(src, CNF) and src.num_vars > 6:
        raise InputError(f"input: {src.num_vars} variables; a walkthrough takes at most 6")
    if activation is not None and not any(c.reduction in TAKES_SIGMA for c in CHAINS[chain][1]):
        raise InputError(
            f"--activation: chain {chain!r} builds no polynomial network; σ applies to "
            "sharp-p-backprop and sharp-p-erm"
        )
    steps = []
    for cs in CHAINS[chain][1]:
        opts = dict(cs.options)
        if activation is not None and cs.reduction in TAKES_SIGMA:
            opts["activation"] = activation
        red = reductions.get(cs.reduction, **opts)
        links = _links(red, src)
        for i, (link, link_src, target) in enumerate(links):
            steps.append(
                Step(
                    link.name,
                    link.summary,
                    size_summary(link_src),
                    size_summary(target),
                    link.claim(link_src).statement,
                    verify(link, link_src, max_witnesses=max_witnesses),
                    target,
                    cs.adapter_text if i == len(links) - 1 else "",
                    _details(target),
                    tuple(_show(link, link_src, target)) if show else (),
                )
            )
        src = cs.adapter(src, links[-1][2])
    return steps


def _links(red: Any, src: Any) -> list[tuple[Any, Any, Any]]:
    """``(reduction, its source, its target)`` per step: a
    :class:`~ermbit.reductions.compose.Composite` is built once and walked link by link."""
    from ermbit.reductions.compose import Composite

    if isinstance(red, Composite):
        return red.steps(src, red.forward(src))
    return [(red, src, red.forward(src))]


def _show(red: Any, src: Any, target: Any) -> list[Exhibit]:
    fn = SHOWS.get(red.name)
    return fn(red, src, target) if fn is not None else []


def _flat(d: Any, prefix: str = "") -> list[str]:
    out: list[str] = []
    for k, v in d.items():
        if k in ("reduction", "source"):
            continue
        if isinstance(v, dict):
            out += _flat(v, f"{prefix}{k}.")
        else:
            out.append(f"{prefix}{k} = {v}")
    return out


def _details(target: Any) -> str:
    """The construction's parameters, from the metadata its file would carry."""
    meta = target.file_meta() if hasattr(target, "file_meta") else getattr(target, "meta", {})
    return ", ".join(_flat(meta)) if isinstance(meta, dict) else ""


def network_of(steps: list[Step]) -> Any:
    """The network of the last step whose target carries one (None if none does)."""
    from ermbit.network.model import Network

    for s in reversed(steps):
        t = s.target
        for obj in (
            t,
            getattr(t, "network", None),
            getattr(getattr(t, "instance", None), "network", None),
        ):
            if isinstance(obj, Network):
                return obj
    return None


def network_drawing(
    steps: list[Step],
) -> tuple[Any, dict[str, str] | None, tuple[str, str] | None] | None:
    """``(network, gadget groups, queried edge)`` of the last step that builds a network."""
    for s in reversed(steps):
        net = network_of([s])
        if net is None:
            continue
        t = s.target
        edge = getattr(getattr(t, "instance", None), "edge", None)
        return net, relu.groups_of(s.reduction, t), edge
    return None
