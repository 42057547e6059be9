"""What a walkthrough shows: a small model of displayable objects, shared by every renderer.

A step of a walk carries *exhibits*: titled lists of blocks.  A block is prose, a formula
(plain and LaTeX forms), a table, a bit string with marked ranges, a numbered listing or
a figure (SVG).  Renderers (:mod:`.render`, :mod:`.html`) turn blocks into text, Markdown,
LaTeX or HTML; nothing here knows any format.

Objects too big to show whole are cut to a head and a tail, and the cut says how much
was left out (a teacher must see that something is missing, and how much).

>>> w = bit_window(0b1011_0000_0111, [(0, 3, "#SAT")])
>>> [(s.hi, s.bits, s.label) for s in w.segments]
[(11, '101100000', ''), (2, '111', '#SAT')]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ermbit import exact

__all__ = [
    "BitSegment",
    "Bits",
    "Block",
    "Exhibit",
    "Figure",
    "Listing",
    "Math",
    "Prose",
    "Table",
    "bit_window",
    "cut",
    "short",
]

#: Largest number of rows (of a table or listing) shown whole; longer ones show head and tail.
MAX_ROWS = 40
#: Largest number of bits shown whole; longer values show windows around the marks.
MAX_BITS = 96
#: Largest size (bits) of a number written out in full.
MAX_NUMBER_BITS = 64


@dataclass(frozen=True)
class Prose:
    """A sentence or two."""

    text: str


@dataclass(frozen=True)
class Math:
    """A displayed formula: ``plain`` (Unicode, for text) and ``tex`` (LaTeX math)."""

    plain: str
    tex: str


@dataclass(frozen=True)
class Table:
    """A table; ``omitted`` rows were cut between ``rows[:head]`` and the rest."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    omitted: int = 0
    head: int = 0


@dataclass(frozen=True)
class BitSegment:
    """Bits ``hi`` down to ``hi - len(bits) + 1`` of a value, most significant first."""

    hi: int
    bits: str
    label: str = ""  # non-empty: a marked range (e.g. "#SAT", "queried bit")


@dataclass(frozen=True)
class Bits:
    """A value in binary: the shown segments (gaps between them are elided bits)."""

    caption: str
    total: int
    segments: tuple[BitSegment, ...]
    reading: str = ""  # what the marked bits say, in words ("#SAT = 7")

    def gaps(self) -> list[int]:
        """Elided bits before each segment (0 when it joins its predecessor)."""
        out, top = [], self.total - 1
        for s in self.segments:
            out.append(top - s.hi)
            top = s.hi - len(s.bits)
        return out

    @property
    def tail_gap(self) -> int:
        """Elided bits below the last segment."""
        return self.segments[-1].hi - len(self.segments[-1].bits) + 1 if self.segments else 0


@dataclass(frozen=True)
class Listing:
    """Numbered lines (e.g. SLP gates); ``omitted`` lines were cut after ``lines[:head]``."""

    lines: tuple[str, ...]
    caption: str = ""
    omitted: int = 0
    head: int = 0


@dataclass(frozen=True)
class Figure:
    """An inline SVG drawing with a caption."""

    svg: str
    caption: str


Block = Prose | Math | Table | Bits | Listing | Figure


@dataclass(frozen=True)
class Exhibit:
    """A titled group of blocks (one object of a step: "the SLP", "n_P in binary"…)."""

    title: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)


def short(q: Any) -> str:
    """A rational as text: in full up to 64 bits, else its size with leading/trailing digits.

    >>> short(5), short(exact.Z(1) << 100)
    ('5', '1267650600…205376 (101 bits)')
    """
    q = exact.parse(q)
    if exact.size(q) <= MAX_NUMBER_BITS:
        return exact.fmt(q)
    num, den = q.numerator, q.denominator
    text = str(abs(num))  # gmpy2 integers print at any size
    body = f"{text[:10]}…{text[-6:]}" if len(text) > 20 else text
    sign = "-" if num < 0 else ""
    tail = "" if den == 1 else f"/({exact.bitlen(den)}-bit denominator)"
    return f"{sign}{body}{tail} ({exact.bitlen(abs(num))} bits)"


def cut(rows: list[Any], limit: int = MAX_ROWS) -> tuple[list[Any], int, int]:
    """``(shown, omitted, head)``: all rows, or the first and last ``limit // 2``."""
    if len(rows) <= limit:
        return rows, 0, 0
    half = limit // 2
    return rows[:half] + rows[-half:], len(rows) - 2 * half, half


def _binary(v: Any, hi: int, lo: int) -> str:
    return "".join(str(int(v.bit_test(i))) for i in range(hi, lo - 1, -1))


def bit_window(
    value: Any,
    marks: list[tuple[int, int, str]],
    *,
    caption: str = "",
    reading: str = "",
    context: int = 6,
) -> Bits:
    """The bits of the integer ``|value|`` with ``marks`` = ``(lo, width, label)`` ranges.

    Short values are shown whole; long ones show their top ``context`` bits, each mark
    with ``context`` bits either side, and the bottom ``context`` bits.
    """
    v = abs(exact.Z(exact.parse_int(value, name="value")))
    tops = [lo + w for lo, w, _ in marks]
    total = max([exact.bitlen(v), 1, *tops])
    if total <= MAX_BITS:
        keep = [(total - 1, 0)]
    else:
        keep = [(total - 1, total - context)]
        keep += [(lo + w - 1 + context, lo - context) for lo, w, _ in marks]
        keep.append((context - 1, 0))
    ranges = _merge(keep, total)
    segments: list[BitSegment] = []
    for hi, lo in ranges:
        cuts = sorted(
            {hi + 1, lo, *(c for m in marks for c in (m[0], m[0] + m[1]) if lo < c <= hi)}
        )
        for top, bottom in zip(cuts[::-1], cuts[::-1][1:], strict=False):
            label = next((m[2] for m in marks if m[0] <= bottom and top <= m[0] + m[1]), "")
            segments.append(BitSegment(top - 1, _binary(v, top - 1, bottom), label))
    return Bits(caption, total, tuple(segments), reading)


def _merge(keep: list[tuple[int, int]], total: int) -> list[tuple[int, int]]:
    """Union of closed ranges (hi, lo) clipped to [0, total), highest first."""
    clipped = sorted(((min(h, total - 1), max(l, 0)) for h, l in keep), reverse=True)
    out: list[tuple[int, int]] = []
    for hi, lo in clipped:
        if out and hi >= out[-1][1] - 1:
            out[-1] = (out[-1][0], min(lo, out[-1][1]))
        else:
            out.append((hi, lo))
    return out
