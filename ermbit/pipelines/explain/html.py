"""One self-contained HTML page for a walk: inline CSS and SVG, no script, no network.

Readable on a projector (large type, high contrast) and on a phone (one column; tables,
bit strings and drawings scroll sideways inside their own box).  Steps and exhibits are
``<details>`` elements, so a teacher can collapse and open them without JavaScript.
Formulas are shown in their Unicode form (no MathJax: the page must work offline).
Marked bits carry ``class="mark"`` and the page's ``data-`` attributes hold the count
and the marked bits, for tests in a real browser.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ermbit.cnf import CNF
from ermbit.pipelines.explain.blocks import Bits, Block, Figure, Listing, Math, Prose, Table
from ermbit.pipelines.explain.chains import CHAINS, Step
from ermbit.pipelines.explain.render import check_text

__all__ = ["page"]

CSS = """
:root{--fg:#111;--muted:#555;--ok:#176c2f;--bad:#b00020;--mark:#ffd54a;--line:#ccd3de}
*{box-sizing:border-box}
body{font:19px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);
 margin:0 auto;max-width:1100px;padding:1rem}
h1{font-size:1.7rem;margin:.2rem 0}
h2{font-size:1.35rem;margin:0;display:inline}
h3{font-size:1.1rem;margin:0;display:inline}
.input{font-size:1.25rem;background:#eef3fa;border-radius:8px;padding:.5rem .8rem}
details.step{border:2px solid var(--line);border-radius:10px;margin:1rem 0;padding:.5rem 1rem}
details.ex{border-top:1px solid var(--line);margin:.6rem 0;padding-top:.4rem}
summary{cursor:pointer}
.verdict.ok{color:var(--ok);font-weight:bold}.verdict.bad{color:var(--bad);font-weight:bold}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.4rem 0;font-size:.95rem}
th,td{border-bottom:1px solid var(--line);padding:.15rem .6rem;text-align:left;
 white-space:nowrap}
th{background:#f3f5f8}
.math{font-size:1.1rem;background:#fafafa;padding:.4rem .6rem;border-left:4px solid #9bb;
 overflow-x:auto;white-space:nowrap}
pre,.bits{font:1rem/1.4 ui-monospace,"DejaVu Sans Mono",monospace}
.bits td{font:1rem ui-monospace,"DejaVu Sans Mono",monospace}
.mark{background:var(--mark);font-weight:bold;outline:2px solid #c79a00}
.gap{color:var(--muted);font-style:italic}
.reading{font-size:1.2rem;font-weight:bold}
.caption{color:var(--muted);font-size:.9rem}
.final{font-size:1.3rem;font-weight:bold}
svg{max-width:none;height:auto}
@media (max-width:700px){body{font-size:16px;padding:.5rem}h1{font-size:1.3rem}}
"""


def _table(t: Table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in t.header)
    rows = []
    for i, r in enumerate(t.rows):
        if t.omitted and i == t.head:
            rows.append(
                f'<tr><td class="gap" colspan="{len(t.header)}">… {t.omitted} rows not shown …'
                "</td></tr>"
            )
        rows.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>")
    cap = f'<div class="caption">{escape(t.caption)}</div>' if t.caption else ""
    return f'<div class="scroll"><table><tr>{head}</tr>{"".join(rows)}</table></div>{cap}'


def _bits(b: Bits) -> str:
    rows = []
    for seg, gap in zip(b.segments, b.gaps(), strict=True):
        if gap:
            rows.append(f'<tr><td></td><td class="gap">… {gap} bits not shown …</td><td></td></tr>')
        lo = seg.hi - len(seg.bits) + 1
        rng = str(seg.hi) if seg.hi == lo else f"{seg.hi}…{lo}"
        if seg.label:
            bits = (
                f'<span class="mark" data-hi="{seg.hi}" data-lo="{lo}" '
                f'title="{escape(seg.label)}">{seg.bits}</span>'
            )
        else:
            bits = seg.bits
        rows.append(f"<tr><td>{rng}</td><td>{bits}</td><td>{escape(seg.label)}</td></tr>")
    if b.tail_gap:
        rows.append(f'<tr><td></td><td class="gap">… {b.tail_gap} bits not shown …</td></tr>')
    reading = f'<div class="reading">{escape(b.reading)}</div>' if b.reading else ""
    return (
        f'<div class="caption">{escape(b.caption)} ({b.total} bits, most significant first)'
        f'</div><div class="scroll"><table class="bits">{"".join(rows)}</table></div>{reading}'
    )


def _block(b: Block) -> str:
    if isinstance(b, Prose):
        return f"<p>{escape(b.text)}</p>"
    if isinstance(b, Math):
        return f'<div class="math">{escape(b.plain)}</div>'
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, Listing):
        lines = list(b.lines)
        if b.omitted:
            lines.insert(b.head, f"… {b.omitted} lines not shown …")
        return f'<div class="scroll"><pre>{escape(chr(10).join(lines))}</pre></div>'
    if isinstance(b, Bits):
        return _bits(b)
    assert isinstance(b, Figure)
    cap = f'<div class="caption">{escape(b.caption)}</div>' if b.caption else ""
    return f'<figure class="scroll">{b.svg}</figure>{cap}'


def _step(i: int, s: Step) -> str:
    verdict, details = check_text(s.report)
    cls = "ok" if s.report.passed else "bad"
    builds = ", ".join(f"{k} {v}" for k, v in s.target_size.items())
    parts = [
        f'<details class="step" open><summary><h2>Step {i}: {escape(s.reduction)}</h2> '
        f'<span class="verdict {cls}">{escape(verdict)}</span></summary>',
        f"<p>{escape(s.summary)}</p>",
        "<ul>",
        f"<li><b>Builds:</b> {escape(builds)}</li>",
        *([f"<li><b>Parameters:</b> {escape(s.details)}</li>"] if s.details else []),
        f"<li><b>Claim:</b> {escape(s.claim)}</li>",
        f'<li><b>Check:</b> <span class="verdict {cls}">{escape(verdict)}</span><ul>',
        *(f"<li>{escape(d)}</li>" for d in details),
        "</ul></li></ul>",
    ]
    for ex in s.exhibits:
        parts.append(f'<details class="ex" open><summary><h3>{escape(ex.title)}</h3></summary>')
        parts += [_block(b) for b in ex.blocks]
        parts.append("</details>")
    if s.then:
        parts.append(f"<p><b>Then:</b> {escape(s.then)}</p>")
    parts.append("</details>")
    return "\n".join(parts)


def _marks(steps: list[Step]) -> list[str]:
    return [
        f"{seg.label}:{seg.bits}"
        for s in steps
        for ex in s.exhibits
        for b in ex.blocks
        if isinstance(b, Bits)
        for seg in b.segments
        if seg.label
    ]


def page(chain: str, src: Any, steps: list[Step]) -> str:
    """The walk of ``chain`` on ``src`` as a complete HTML document."""
    desc = CHAINS[chain][0]
    shown = str(src) if isinstance(src, CNF) else repr(src)
    ok = all(s.report.passed for s in steps)
    final = "Every step confirmed." if ok else "Some step failed."
    marks = escape("; ".join(_marks(steps)))
    body = "\n".join(_step(i, s) for i, s in enumerate(steps, 1))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ermbit explain {escape(chain)}</title>
<style>{CSS}</style></head>
<body data-chain="{escape(chain)}" data-marks="{marks}" data-passed="{str(ok).lower()}">
<h1>Chain <code>{escape(chain)}</code></h1>
<p>{escape(desc)}</p>
<p class="input">φ = {escape(shown)}</p>
{body}
<p class="final verdict {"ok" if ok else "bad"}">{final}</p>
<p class="caption">Made by ermbit explain; every number on this page was computed exactly
and every claim checked by independent oracles.</p>
</body></html>
"""
