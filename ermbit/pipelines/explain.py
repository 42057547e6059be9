"""Step-by-step walkthroughs of the reduction chains, for teaching.

A *chain* is a sequence of registered reductions with the small adapters between them
(e.g. "ask for bit K·E* of the Kronecker SLP").  :func:`walk` runs a chain on a tiny input,
and for every step records what the step builds, its size, the claim and the outcome of
the generic verifier on that step.  :func:`render` turns the walk into plain text,
Markdown with LaTeX, or a LaTeX fragment.

>>> from ermbit.cnf import CNF
>>> steps = walk("kronecker", CNF(2, ((1, 2),)))
>>> [s.reduction for s in steps], steps[0].report.passed
(['sat-to-slp'], True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ermbit.checking.verifier import VerificationReport, size_summary, verify
from ermbit.cnf import CNF
from ermbit.errors import InputError

__all__ = ["CHAINS", "Step", "render", "walk"]

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
        (ChainStep("sat-to-nae"), ChainStep("nae-to-splitting"), ChainStep("splitting-to-relu2")),
    ),
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


def walk(chain: str, src: Any, *, max_witnesses: int = 2) -> list[Step]:
    """Run ``chain`` on ``src`` and verify every step.

    Raises
    ------
    InputError
        For an unknown chain, or an input too large to walk through (a walkthrough is
        for tiny inputs: at most 6 variables).
    """
    from ermbit import reductions

    if chain not in CHAINS:
        raise InputError(f"chain: unknown {chain!r}; known: {', '.join(CHAINS)}")
    if isinstance(src, CNF) and src.num_vars > 6:
        raise InputError(f"input: {src.num_vars} variables; a walkthrough takes at most 6")
    steps = []
    for cs in CHAINS[chain][1]:
        red = reductions.get(cs.reduction, **dict(cs.options))
        report = verify(red, src, max_witnesses=max_witnesses)
        target = red.forward(src)
        steps.append(
            Step(
                red.name,
                red.summary,
                size_summary(src),
                size_summary(target),
                red.claim(src).statement,
                report,
                target,
                cs.adapter_text,
                _details(target),
            )
        )
        src = cs.adapter(src, target)
    return steps


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


def _cnf_text(cnf: CNF, latex: bool) -> str:
    if not latex:
        return str(cnf)

    def lit(l: int) -> str:
        return f"x_{{{l}}}" if l > 0 else rf"\lnot x_{{{-l}}}"

    if not cnf.clauses:
        return r"\top"
    return r" \land ".join(
        "(" + r" \lor ".join(map(lit, c)) + ")" if c else r"\bot" for c in cnf.clauses
    )


def _sizes(d: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in d.items()) or "—"


def _check_text(rep: VerificationReport) -> tuple[str, list[str]]:
    verdict = "confirmed" if rep.passed else "NOT confirmed"
    details = [f"{c.name}: {c.status} — {c.detail}" for c in rep.checks if c.name != "forward"]
    return verdict, details


#: LaTeX's special characters in running text, and what prints them literally.
_TEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}


#: The symbols the summaries and claims use, as commands any LaTeX engine knows.
_TEX_SYMBOLS = {
    "·": r"\ensuremath{\cdot}",
    "α": r"\ensuremath{\alpha}",
    "β": r"\ensuremath{\beta}",
    "γ": r"\ensuremath{\gamma}",
    "θ": r"\ensuremath{\theta}",
    "σ": r"\ensuremath{\sigma}",
    "φ": r"\ensuremath{\varphi}",
    "ℓ": r"\ensuremath{\ell}",
    "→": r"\ensuremath{\to}",
    "↦": r"\ensuremath{\mapsto}",
    "⇔": r"\ensuremath{\Leftrightarrow}",
    "∂": r"\ensuremath{\partial}",
    "≤": r"\ensuremath{\le}",
    "≥": r"\ensuremath{\ge}",
    "≠": r"\ensuremath{\ne}",
    "⌊": r"\ensuremath{\lfloor}",
    "⌋": r"\ensuremath{\rfloor}",
    "¬": r"\ensuremath{\lnot}",
    "∨": r"\ensuremath{\lor}",
    "∧": r"\ensuremath{\land}",
    "∗": "*",
    "−": "-",
    "–": "--",
    "—": "---",
    "…": r"\ldots{}",
    "⁰": r"\textsuperscript{0}",
    "²": r"\textsuperscript{2}",
}


def tex(text: str) -> str:
    r"""``text`` for LaTeX running text: specials escaped, symbols as commands, ASCII only.

    Summaries and claims carry ``#``, ``_``, ``^`` and Unicode mathematics; the fragment
    must compile with plain pdflatex, so a character with no command here is spelled by
    its Unicode name.

    >>> print(tex("#SAT = bit_j of 2^n, θ ≤ β"))
    \#SAT = bit\_j of 2\^{}n, \ensuremath{\theta} \ensuremath{\le} \ensuremath{\beta}
    """
    import unicodedata

    out = []
    for ch in text:
        if ch in _TEX:
            out.append(_TEX[ch])
        elif ch in _TEX_SYMBOLS:
            out.append(_TEX_SYMBOLS[ch])
        elif ord(ch) > 127:
            out.append(f"[{unicodedata.name(ch, f'U+{ord(ch):04X}').lower()}]")
        else:
            out.append(ch)
    return "".join(out)


def render(chain: str, src: Any, steps: list[Step], fmt: str = "text") -> str:
    """The walkthrough as ``text``, ``md`` (Markdown with LaTeX) or ``latex`` (a fragment)."""
    if fmt not in ("text", "md", "latex"):
        raise InputError(f"--format: expected text, md or latex, got {fmt!r}")
    desc = CHAINS[chain][0]
    latex = fmt != "text"
    shown = _cnf_text(src, latex) if isinstance(src, CNF) else str(src)
    out: list[str] = []
    if fmt == "text":
        out += [f"chain {chain}: {desc}", f"input: {shown}", ""]
    elif fmt == "md":
        out += [f"## Chain `{chain}`", "", desc, "", f"Input: $\\varphi = {shown}$", ""]
    else:
        out += [
            f"\\paragraph{{Chain \\texttt{{{tex(chain)}}}.}} {tex(desc)}.",
            f"Input: $\\varphi = {shown}$.",
            "\\begin{enumerate}",
        ]
    for i, s in enumerate(steps, 1):
        verdict, details = _check_text(s.report)
        if fmt == "text":
            out += [
                f"step {i}: {s.reduction} — {s.summary}",
                f"  builds: {_sizes(s.target_size)} (from {_sizes(s.source_size)})",
                *([f"  with:   {s.details}"] if s.details else []),
                f"  claim:  {s.claim}",
                f"  check:  {verdict}",
            ]
            out += [f"          {d}" for d in details]
            if s.then:
                out.append(f"  then:   {s.then}")
            out.append("")
        elif fmt == "md":
            out += [
                f"### Step {i}: `{s.reduction}`",
                "",
                s.summary,
                "",
                f"- **Builds:** {_sizes(s.target_size)} (from {_sizes(s.source_size)})",
                *([f"- **Parameters:** {s.details}"] if s.details else []),
                f"- **Claim:** {s.claim}",
                f"- **Check:** {verdict}",
            ]
            out += [f"  - {d}" for d in details]
            if s.then:
                out.append(f"- **Then:** {s.then}")
            out.append("")
        else:
            out += [
                f"\\item \\texttt{{{tex(s.reduction)}}}: {tex(s.summary)}. "
                f"Builds {tex(_sizes(s.target_size))}. Claim: {tex(s.claim)}. "
                f"Check: {tex(verdict)}."
            ]
    if fmt == "latex":
        out.append("\\end{enumerate}")
    ok = all(s.report.passed for s in steps)
    out.append(
        ("every step confirmed" if ok else "SOME STEP FAILED")
        if fmt == "text"
        else ("**Every step confirmed.**" if ok else "**Some step failed.**")
        if fmt == "md"
        else ("Every step confirmed." if ok else "Some step failed.")
    )
    return "\n".join(out) + "\n"


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
