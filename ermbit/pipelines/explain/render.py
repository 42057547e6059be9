"""Render a walk as plain text, Markdown (with LaTeX maths) or a LaTeX fragment.

Each step prints what it builds, the claim and the verifier's verdict, then its exhibits
(:mod:`.blocks`).  HTML is :mod:`.html`.  LaTeX output is pure ASCII and compiles with
pdflatex inside :func:`~ermbit.pipelines.explain.tex.document`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ermbit.checking.verifier import VerificationReport
from ermbit.cnf import CNF
from ermbit.errors import InputError
from ermbit.pipelines.explain.blocks import (
    Bits,
    Block,
    Exhibit,
    Figure,
    Listing,
    Math,
    Prose,
    Table,
)
from ermbit.pipelines.explain.chains import CHAINS, Step
from ermbit.pipelines.explain.tex import tex_escape

__all__ = ["FORMATS", "check_text", "cnf_text", "render", "render_block"]

FORMATS = ("text", "md", "latex", "html")


def cnf_text(cnf: CNF, latex: bool) -> str:
    """φ in Unicode, or as LaTeX maths."""
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


def check_text(rep: VerificationReport) -> tuple[str, list[str]]:
    """The verdict and one line per check (the forward construction itself is omitted)."""
    verdict = "confirmed" if rep.passed else "NOT confirmed"
    details = [f"{c.name}: {c.status} — {c.detail}" for c in rep.checks if c.name != "forward"]
    return verdict, details


# ------------------------------------------------------------------------- blocks


def _bit_rows(b: Bits) -> list[tuple[str, str, str, int]]:
    """(bit range, bits, label, elided bits before) per segment."""
    rows = []
    for seg, gap in zip(b.segments, b.gaps(), strict=True):
        lo = seg.hi - len(seg.bits) + 1
        rng = str(seg.hi) if seg.hi == lo else f"{seg.hi}..{lo}"
        rows.append((rng, seg.bits, seg.label, gap))
    return rows


def _text_table(t: Table) -> list[str]:
    cells = [list(t.header), *(list(r) for r in t.rows)]
    widths = [max(len(r[i]) for r in cells) for i in range(len(t.header))]

    def line(r: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()

    out = [line(cells[0]), "  ".join("-" * w for w in widths)]
    for i, r in enumerate(cells[1:]):
        if t.omitted and i == t.head:
            out.append(f"… {t.omitted} rows not shown …")
        out.append(line(r))
    return out + ([t.caption] if t.caption else [])


def _text(b: Block) -> list[str]:
    if isinstance(b, Prose):
        return [b.text]
    if isinstance(b, Math):
        return [b.plain]
    if isinstance(b, Table):
        return _text_table(b)
    if isinstance(b, Listing):
        out = list(b.lines[: b.head or None])
        if b.omitted:
            out += [f"… {b.omitted} lines not shown …", *b.lines[b.head :]]
        return out
    if isinstance(b, Bits):
        out = [f"{b.caption} ({b.total} bits, most significant first)"]
        for rng, bits, label, gap in _bit_rows(b):
            if gap:
                out.append(f"  {'':>12}  … {gap} bits not shown …")
            out.append(f"  {rng:>12}  {bits}" + (f"   ← {label}" if label else ""))
        if b.tail_gap:
            out.append(f"  {'':>12}  … {b.tail_gap} bits not shown …")
        return out + ([f"reads: {b.reading}"] if b.reading else [])
    assert isinstance(b, Figure)
    return [f"[drawing: {b.caption or 'the network'} — see --format html or --draw]"]


def _md_cell(s: str) -> str:
    return s.replace("|", r"\|")


def _md(b: Block) -> list[str]:
    if isinstance(b, Prose):
        return [b.text, ""]
    if isinstance(b, Math):
        return ["$$", b.tex, "$$", ""]
    if isinstance(b, Table):
        out = ["| " + " | ".join(map(_md_cell, b.header)) + " |", "|" + "---|" * len(b.header)]
        for i, r in enumerate(b.rows):
            if b.omitted and i == b.head:
                out.append(f"| … {b.omitted} rows not shown … |" + " |" * (len(b.header) - 1))
            out.append("| " + " | ".join(map(_md_cell, r)) + " |")
        return [*out, "", *([f"*{b.caption}*", ""] if b.caption else [])]
    if isinstance(b, Listing | Bits):
        return ["```text", *_text(b), "```", ""]
    assert isinstance(b, Figure)
    return [f"*(Drawing: {b.caption or 'the network'}; see the HTML page.)*", ""]


def _tex_table(t: Table) -> list[str]:
    out = [r"{\small\begin{tabular}{" + "l" * len(t.header) + "}", r"\hline"]
    out.append(" & ".join(tex_escape(h) for h in t.header) + r" \\ \hline")
    for i, r in enumerate(t.rows):
        if t.omitted and i == t.head:
            out.append(rf"\multicolumn{{{len(t.header)}}}{{l}}{{\ldots{{}} {t.omitted} rows "
                       r"not shown \ldots{}} \\")  # fmt: skip
        out.append(" & ".join(tex_escape(c) for c in r) + r" \\")
    out += [r"\hline", r"\end{tabular}}\par"]
    return out + ([rf"\emph{{{tex_escape(t.caption)}}}\par"] if t.caption else [])


def _tex(b: Block) -> list[str]:
    if isinstance(b, Prose):
        return [tex_escape(b.text) + r"\par"]
    if isinstance(b, Math):
        return [r"\[", b.tex, r"\]"]
    if isinstance(b, Table):
        return _tex_table(b)
    if isinstance(b, Listing):
        return [r"{\small\ttfamily", *(tex_escape(x) + r"\\" for x in _text(b)), r"}\par"]
    if isinstance(b, Bits):
        rows = []
        for rng, bits, label, gap in _bit_rows(b):
            if gap:
                rows.append(rf"& \ldots{{}} {gap} bits not shown \ldots{{}} & \\")
            shown = rf"\underline{{\textbf{{{bits}}}}}" if label else bits
            rows.append(rf"{rng} & \texttt{{{shown}}} & {tex_escape(label)} \\")
        if b.tail_gap:
            rows.append(rf"& \ldots{{}} {b.tail_gap} bits not shown \ldots{{}} & \\")
        return [
            tex_escape(f"{b.caption} ({b.total} bits):") + r"\par",
            r"{\small\begin{tabular}{rll}",
            *rows,
            r"\end{tabular}}\par",
            *([tex_escape(f"Reads: {b.reading}.") + r"\par"] if b.reading else []),
        ]
    assert isinstance(b, Figure)
    return [rf"\emph{{(Drawing: {tex_escape(b.caption or 'the network')}; see the HTML page.)}}"]


_BLOCKS: dict[str, Callable[[Block], list[str]]] = {"text": _text, "md": _md, "latex": _tex}


def render_block(b: Block, fmt: str) -> list[str]:
    """One block as lines of ``fmt`` (text, md or latex)."""
    return _BLOCKS[fmt](b)


def _exhibits(exhibits: tuple[Exhibit, ...], fmt: str) -> list[str]:
    out: list[str] = []
    for ex in exhibits:
        if fmt == "text":
            out += [f"  -- {ex.title} --"]
            out += ["  " + line for b in ex.blocks for line in _text(b)]
            out.append("")
        elif fmt == "md":
            out += [f"#### {ex.title}", ""]
            out += [line for b in ex.blocks for line in _md(b)]
        else:
            out += [rf"\par\textbf{{{tex_escape(ex.title)}.}}\par"]
            out += [line for b in ex.blocks for line in _tex(b)]
    return out


# --------------------------------------------------------------------------- walk


def render(chain: str, src: Any, steps: list[Step], fmt: str = "text") -> str:
    """The walkthrough as ``text``, ``md`` (Markdown with LaTeX), ``latex`` (a fragment)
    or ``html`` (a self-contained page, :func:`~ermbit.pipelines.explain.html.page`)."""
    if fmt not in FORMATS:
        raise InputError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt == "html":
        from ermbit.pipelines.explain.html import page

        return page(chain, src, steps)
    desc = CHAINS[chain][0]
    shown = cnf_text(src, fmt != "text") if isinstance(src, CNF) else str(src)
    out: list[str] = []
    if fmt == "text":
        out += [f"chain {chain}: {desc}", f"input: {shown}", ""]
    elif fmt == "md":
        out += [f"## Chain `{chain}`", "", desc, "", f"Input: $\\varphi = {shown}$", ""]
    else:
        out += [
            rf"\paragraph{{Chain \texttt{{{tex_escape(chain)}}}.}} {tex_escape(desc)}.",
            f"Input: $\\varphi = {shown}$.",
            r"\begin{enumerate}",
        ]
    for i, s in enumerate(steps, 1):
        out += _step(i, s, fmt)
    if fmt == "latex":
        out.append(r"\end{enumerate}")
    ok = all(s.report.passed for s in steps)
    words = {
        "text": ("every step confirmed", "SOME STEP FAILED"),
        "md": ("**Every step confirmed.**", "**Some step failed.**"),
        "latex": ("Every step confirmed.", "Some step failed."),
    }[fmt]
    out.append(words[0] if ok else words[1])
    return "\n".join(out) + "\n"


def _step(i: int, s: Step, fmt: str) -> list[str]:
    verdict, details = check_text(s.report)
    if fmt == "text":
        out = [
            f"step {i}: {s.reduction} — {s.summary}",
            f"  builds: {_sizes(s.target_size)} (from {_sizes(s.source_size)})",
            *([f"  with:   {s.details}"] if s.details else []),
            f"  claim:  {s.claim}",
            f"  check:  {verdict}",
            *(f"          {d}" for d in details),
            "",
            *_exhibits(s.exhibits, fmt),
        ]
        return out + ([f"  then:   {s.then}", ""] if s.then else [])
    if fmt == "md":
        out = [
            f"### Step {i}: `{s.reduction}`",
            "",
            s.summary,
            "",
            f"- **Builds:** {_sizes(s.target_size)} (from {_sizes(s.source_size)})",
            *([f"- **Parameters:** {s.details}"] if s.details else []),
            f"- **Claim:** {s.claim}",
            f"- **Check:** {verdict}",
            *(f"  - {d}" for d in details),
            "",
            *_exhibits(s.exhibits, fmt),
        ]
        return out + ([f"**Then:** {s.then}", ""] if s.then else [])
    return [
        rf"\item \texttt{{{tex_escape(s.reduction)}}}: {tex_escape(s.summary)}. "
        f"Builds {tex_escape(_sizes(s.target_size))}. Claim: {tex_escape(s.claim)}. "
        f"Check: {verdict}.\\par",
        *_exhibits(s.exhibits, fmt),
        *([tex_escape(f"Then: {s.then}.") + r"\par"] if s.then else []),
    ]
