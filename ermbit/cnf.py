"""CNF formulas: the value type and strict DIMACS input/output.

A :class:`CNF` has variables ``1..n`` and clauses of non-zero DIMACS literals.  Clauses
are normalised on construction (docs: format.md): repeated literals are removed, keeping the
first occurrence; a clause may contain ``x`` and ``-x`` (it is then always satisfied);
an empty clause makes the formula unsatisfiable.  Clause order is kept.

>>> f = CNF(2, ((1, 2, 1), (-1,)))
>>> f.clauses
((1, 2), (-1,))
>>> f.satisfied_by((False, True)), f.satisfied_by((True, True))
(True, False)

DIMACS as read by :meth:`CNF.from_dimacs` and :meth:`CNF.read`:

* exactly one problem line ``p cnf n m``, before any clause; the counts are checked:
  exactly ``m`` clauses, every literal within ``±n``;
* a clause is a run of non-zero integers ended by ``0``; it may span lines and a line
  may hold several clauses; a lone ``0`` is the empty clause;
* a line whose first non-blank character is ``c`` is a comment, kept in order in
  :attr:`CNF.comments` (the text after the ``c`` and one blank);
* model counting competition lines are read, not kept as comments: ``c t mc`` or
  ``c t pmc`` (see :attr:`CNF.count_type`) and ``c p show v1 ... vk 0`` (sets
  :attr:`CNF.projection`; several such lines are united).  Weighted counting
  (``c t wmc``, ``c t pwmc``, ``c p weight``) is refused, since reading such a file
  as unweighted would change its count;
* blank lines are ignored;
* SATLIB end marker: a line ``%`` ends the input.  It may be followed by one line
  ``0`` (the SATLIB ``uf*``/``flat*`` files end so; that ``0`` is *not* an empty
  clause) and by blank lines, nothing else;
* everything else -- a token that is not a decimal integer, a stray line, text that is
  not UTF-8, NUL or other control bytes -- raises :class:`~ermbit.errors.DimacsError`
  naming the file and the 1-based line.

>>> g = CNF.from_dimacs("c ermbit count 3\\np cnf 2 1\\n1 2 0\\n")
>>> g == CNF(2, ((1, 2),)), g.comments
(True, ('ermbit count 3',))
>>> print(g.to_dimacs(), end="")
c t mc
c ermbit count 3
p cnf 2 1
1 2 0
>>> CNF.from_dimacs("p cnf 2 1\\n1 3 0\\n", path="f.cnf")
Traceback (most recent call last):
...
ermbit.errors.DimacsError: f.cnf:2: literal 3 out of range for n = 2 (header on line 1)
"""

from __future__ import annotations

import gzip
import lzma
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ermbit._dimacs import Reader, decode, limit, read_limited, special_comment
from ermbit.errors import DimacsError, InputError, InputTypeError
from ermbit.exact import Z
from ermbit.files import write_atomic
from ermbit.validate import check_int

__all__ = [
    "CNF",
    "limit",
]

# Control characters other than tab/CR/LF, and lone surrogates (undecodable bytes that
# were smuggled in with errors="surrogateescape"), mean the input is not a text file.
_GARBAGE_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_MPZ = Z


def _normalise(clauses: Iterable[Any], n: int) -> tuple[tuple[int, ...], ...]:
    """Check every literal and drop repeats inside a clause (first occurrence kept)."""
    norm: list[tuple[int, ...]] = []
    for ci, clause in enumerate(clauses):
        if isinstance(clause, str | bytes) or not isinstance(clause, Iterable):
            raise InputTypeError(f"clause {ci}: expected a sequence of ints, got {clause!r}")
        seen: dict[int, None] = {}
        for lit in clause:
            lit = check_int(lit, f"clause {ci}")
            if lit == 0:
                raise InputError(f"clause {ci} contains literal 0")
            if abs(lit) > n:
                raise InputError(f"clause {ci} contains literal {lit}, out of range for n = {n}")
            seen.setdefault(lit, None)
        norm.append(tuple(seen))
    return tuple(norm)


def _check_comment(index: int, text: str) -> str:
    """Refuse comments that :meth:`CNF.to_dimacs` could not write back as one free line."""
    text = str(text)
    bad = re.search(r"[\r\n]", text) or _GARBAGE_RE.search(text)
    if bad is not None:
        raise InputError(f"comments[{index}]: contains the control character {bad.group()!r}")
    if special_comment(text) is not None:
        raise InputError(
            f"comments[{index}]: {text!r} would be read back as a model counting header; "
            "use the projection field instead"
        )
    return text


@dataclass(frozen=True)
class CNF:
    """A CNF formula over variables ``1..num_vars``.

    Parameters
    ----------
    num_vars : int
        Number of variables ``n >= 0``; variables that occur in no clause still count
        (they double the model count).
    clauses : sequence of sequences of int
        DIMACS literals ``±i`` with ``1 <= i <= n``.
    projection : sequence of int or None
        Optional projection set (``c p show ... 0``), kept for round trips; stored
        sorted without repeats.
    comments : tuple of str
        Free comment lines (without the leading ``c``), kept in order for round trips
        and ignored by ``==``.  Tools store facts here, e.g. ``"ermbit count 12"``.

    Raises
    ------
    InputError
        If ``num_vars < 0``, a literal is 0 or out of range (the message names the
        clause, 0-based, and the literal), or a comment holds a line break or control
        character or reads as a ``c t``/``c p`` header line.
    InputTypeError
        If a literal is not an int or ``comments`` is a single string.
    """

    num_vars: int
    clauses: tuple[tuple[int, ...], ...]
    projection: tuple[int, ...] | None = None
    comments: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        n = check_int(self.num_vars, "num_vars")
        if n < 0:
            raise InputError(f"num_vars: must be >= 0, got {n}")
        object.__setattr__(self, "num_vars", n)
        object.__setattr__(self, "clauses", _normalise(self.clauses, n))
        if self.projection is not None:
            proj = [check_int(v, "projection") for v in self.projection]
            for v in proj:
                if not 1 <= v <= n:
                    raise InputError(f"projection: variable {v} out of range for n = {n}")
            object.__setattr__(self, "projection", tuple(sorted(set(proj))))
        if isinstance(self.comments, str | bytes):
            raise InputTypeError(f"comments: expected a sequence of str, got {self.comments!r}")
        comments = tuple(_check_comment(i, c) for i, c in enumerate(self.comments))
        object.__setattr__(self, "comments", comments)

    @classmethod
    def from_clauses(
        cls,
        clauses: Iterable[Iterable[int]],
        num_vars: int | None = None,
        *,
        projection: Iterable[int] | None = None,
        comments: Iterable[str] = (),
    ) -> CNF:
        """Build a CNF, taking ``n`` as the largest variable mentioned when ``num_vars`` is None.

        >>> CNF.from_clauses([[1, -3], [2]]).num_vars
        3
        >>> CNF.from_clauses([]).num_vars, CNF.from_clauses([[1]], num_vars=4).num_vars
        (0, 4)
        """
        # Materialise once (iterators are fine); the constructor reports bad items.
        rows: tuple[Any, ...] = tuple(
            tuple(c) if isinstance(c, Iterable) and not isinstance(c, str | bytes) else c
            for c in clauses
        )
        proj = None if projection is None else tuple(projection)
        if num_vars is None:
            mentioned = [*(l for c in rows if isinstance(c, tuple) for l in c), *(proj or ())]
            num_vars = max((abs(int(x)) for x in mentioned if isinstance(x, int | Z)), default=0)
        return cls(num_vars, rows, proj, tuple(comments))

    @property
    def num_clauses(self) -> int:
        """Number of clauses ``m``."""
        return len(self.clauses)

    @property
    def width(self) -> int:
        """Largest clause size (0 if there is no clause)."""
        return max((len(c) for c in self.clauses), default=0)

    @property
    def count_type(self) -> str:
        """Model counting problem type: ``"pmc"`` with a projection set, else ``"mc"``.

        The reader checks a ``c t`` line against the presence of ``c p show``, so this
        is the type the file declared (when it declared one).
        """
        return "mc" if self.projection is None else "pmc"

    def satisfied_by(self, assignment: Sequence[bool] | Sequence[int]) -> bool:
        """Whether a total assignment satisfies every clause.

        ``assignment`` is either ``n`` truth values (index ``i - 1`` for variable ``i``)
        or a list of DIMACS literals mentioning every variable once.
        """
        values = self._as_bools(assignment)
        return all(any(values[abs(l) - 1] == (l > 0) for l in c) for c in self.clauses)

    def _as_bools(self, assignment: Sequence[Any]) -> tuple[bool, ...]:
        items = list(assignment)
        if not items or all(isinstance(x, bool) for x in items):
            if len(items) != self.num_vars:
                raise InputError(
                    f"assignment: expected {self.num_vars} truth values, got {len(items)}"
                )
            return tuple(items)
        vals: list[bool | None] = [None] * self.num_vars
        for lit in items:
            lit = check_int(lit, "assignment")
            if lit == 0 or abs(lit) > self.num_vars:
                raise InputError(f"assignment: literal {lit} out of range for n = {self.num_vars}")
            vals[abs(lit) - 1] = lit > 0
        missing = [i + 1 for i, v in enumerate(vals) if v is None]
        if missing:
            raise InputError(f"assignment: no value for variables {missing[:10]}")
        return tuple(bool(v) for v in vals)

    # ------------------------------------------------------------------ DIMACS

    @classmethod
    def from_dimacs(cls, text: str, *, path: str | None = None) -> CNF:
        """Parse strict DIMACS CNF text (the format in the module docstring).

        ``path`` only names the source in error messages (``"<string>"`` when None).

        Raises
        ------
        DimacsError
            For any malformed input, naming ``path`` and the 1-based line.
        InputTypeError
            If ``text`` is not a ``str`` (use :meth:`read` for files and bytes).
        """
        if not isinstance(text, str):
            raise InputTypeError(
                f"text: expected str, got {type(text).__name__}; use CNF.read for files"
            )
        text = text.removeprefix("\ufeff")  # a UTF-8 byte-order mark is an encoding artefact
        bad = _GARBAGE_RE.search(text)
        if bad is not None:
            raise DimacsError(
                f"control character {bad.group()!r} (binary data, not DIMACS text)",
                path=path,
                line=text.count("\n", 0, bad.start()) + 1,
            )
        if not text.strip():
            raise DimacsError("empty file: no 'p cnf' header", path=path, line=1)
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()
        reader = Reader(path)
        for number, line in enumerate(lines, start=1):
            line = line.removesuffix("\r")
            if "\r" in line:
                raise DimacsError("carriage return inside a line", path=path, line=number)
            reader.feed(number, line)
        return reader.finish(len(lines))

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> CNF:
        """Read a DIMACS file; gzip (and xz) input is recognised by its magic bytes.

        Raises
        ------
        DimacsError
            For malformed DIMACS, bytes that are not UTF-8 (naming the line of the first
            bad byte) or a corrupt compressed stream.
        OSError
            If the file cannot be opened.
        """
        name = os.fsdecode(path)
        data = read_limited(path, name, limit("ERMBIT_MAX_INPUT_BYTES"))
        return cls.from_dimacs(decode(data, name), path=name)

    def to_dimacs(self) -> str:
        """DIMACS text: ``c t`` line, comments, ``p cnf n m``, ``c p show``, one clause a line.

        ``from_dimacs(f.to_dimacs()) == f`` and the comments come back in order.

        >>> print(CNF(3, ((1, -2), ()), projection=(3, 1)).to_dimacs(), end="")
        c t pmc
        p cnf 3 2
        c p show 1 3 0
        1 -2 0
        0
        """
        out = [f"c t {self.count_type}"]
        out += [f"c {c}" if c else "c" for c in self.comments]
        out.append(f"p cnf {self.num_vars} {self.num_clauses}")
        if self.projection is not None:
            out.append(" ".join(["c p show", *map(str, self.projection), "0"]))
        out += [" ".join([*map(str, c), "0"]) for c in self.clauses]
        return "\n".join(out) + "\n"

    def write(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`to_dimacs` to ``path``, gzipped if it ends with ``.gz`` (xz: ``.xz``)."""
        data = self.to_dimacs().encode("utf-8")
        name = os.fsdecode(path)
        if name.endswith(".gz"):
            data = gzip.compress(data, mtime=0)  # mtime=0: same formula, same bytes
        elif name.endswith(".xz"):
            data = lzma.compress(data)
        write_atomic(path, data)

    def __str__(self) -> str:
        def lit(l: int) -> str:
            return f"x{l}" if l > 0 else f"¬x{-l}"

        if not self.clauses:
            return "⊤"
        return " ∧ ".join("(" + " ∨ ".join(map(lit, c)) + ")" if c else "⊥" for c in self.clauses)
