"""Reading DIMACS text for :class:`ermbit.cnf.CNF` (private): bounded file reading with
gzip/xz inflated as a stream, UTF-8 decoding that names the line of a bad byte, and the
line-by-line reader with the model-counting headers ``c t`` and ``c p show``.

The limits (:data:`ERMBIT_MAX_VARS`, :data:`ERMBIT_MAX_INPUT_BYTES`) are checked while
reading, so a huge header or a compressed bomb is refused before memory is used.
"""

from __future__ import annotations

import gzip
import lzma
import os
import re
import zlib
from typing import TYPE_CHECKING, Any

from ermbit.errors import DimacsError, InputError

if TYPE_CHECKING:
    from ermbit.cnf import CNF

__all__ = [
    "ERMBIT_MAX_INPUT_BYTES",
    "ERMBIT_MAX_VARS",
    "Reader",
    "decode",
    "limit",
    "read_limited",
    "special_comment",
]

# Canonical decimal integers only: no "+", no leading zeros, no "-0", ASCII digits.
_INT_RE = re.compile(r"0|-?[1-9][0-9]*", re.ASCII)
_COUNT_RE = re.compile(r"0|[1-9][0-9]*", re.ASCII)
_COUNT_TYPES = ("mc", "pmc", "wmc", "pwmc")
_GZIP_MAGIC = b"\x1f\x8b"
_XZ_MAGIC = b"\xfd7zXZ\x00"

#: Default limits for reading DIMACS files, each raised by an environment variable of the
#: same name: the declared number of variables (every counter and solver allocates per
#: variable, so ``p cnf 1099511627776 1`` would exhaust memory before any clause is read)
#: and the size of the (decompressed) text, checked while a ``.gz``/``.xz`` is inflated.
ERMBIT_MAX_VARS = 10_000_000
ERMBIT_MAX_INPUT_BYTES = 1 << 30


def limit(name: str) -> int:
    """The limit ``name`` (``ERMBIT_MAX_VARS``...): the environment's value, else the default.

    Raises
    ------
    InputError
        If the environment variable is set but is not a positive integer.
    """
    default = int(globals()[name])
    raw = os.environ.get(name)
    if raw is None:
        return default
    if not raw.strip().isdigit() or int(raw) < 1:
        raise InputError(f"environment variable {name}: expected a positive integer, got {raw!r}")
    return int(raw)


def special_comment(body: str) -> str | None:
    """Classify the text after a line's leading ``c``: ``"type"``, ``"show"``,
    ``"weight"`` for model counting header lines, None for a free comment."""
    tokens = body.split()
    if len(tokens) == 2 and tokens[0] == "t" and tokens[1] in _COUNT_TYPES:
        return "type"
    if len(tokens) >= 2 and tokens[0] == "p" and tokens[1] in ("show", "weight"):
        return tokens[1]
    return None


def read_limited(path: str | os.PathLike[str], name: str, cap: int) -> bytes:
    """The file's bytes, inflated if gzip or xz, refused as soon as they pass ``cap``.

    The compressed stream is read in chunks, so a small ``.gz`` that inflates to gigabytes
    is stopped at ``cap`` bytes instead of being inflated whole.
    """
    with open(path, "rb") as raw:
        magic = raw.read(6)
        raw.seek(0)
        stream: Any = raw
        if magic.startswith(_GZIP_MAGIC):
            stream = gzip.GzipFile(fileobj=raw)
        elif magic.startswith(_XZ_MAGIC):
            stream = lzma.LZMAFile(raw)
        try:
            data = stream.read(cap + 1)
        except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
            raise DimacsError(f"corrupt compressed data: {exc}", path=name) from None
    if len(data) > cap:
        raise DimacsError(
            f"more than {cap} bytes of DIMACS text (after decompression); set the environment "
            "variable ERMBIT_MAX_INPUT_BYTES to read larger files",
            path=name,
        )
    return bytes(data)


def decode(data: bytes, name: str) -> str:
    """UTF-8 text; a comment line that is not UTF-8 (often Latin-1) is read as Latin-1.

    Comments are free text, and files from older tools carry Latin-1 names in them; any
    other line that is not UTF-8 is binary data and refused, naming the line.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lines: list[str] = []
    for k, line in enumerate(data.split(b"\n")):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            if not line.lstrip().startswith(b"c"):
                raise DimacsError(
                    f"byte 0x{line[exc.start]:02x} is not valid UTF-8 "
                    "(binary data, not DIMACS text)",
                    path=name,
                    line=k + 1,
                ) from None
            lines.append(line.decode("latin-1"))
    return "\n".join(lines)


class Reader:
    """Line-by-line state of :meth:`CNF.from_dimacs`."""

    def __init__(self, path: str | None):
        self.path = path
        self.header: tuple[int, int, int] | None = None  # n, m, line
        self.clauses: list[tuple[int, ...]] = []
        self.open: list[int] = []  # literals of the clause not yet ended by 0
        self.open_line = 0
        self.comments: list[str] = []
        self.count_type: tuple[str, int] | None = None  # type, line
        self.show: list[tuple[int, int]] | None = None  # (variable, line)
        self.show_line = 0
        self.end_line = 0  # line of the '%' marker
        self.zero_after_end = False

    def error(self, message: str, line: int) -> DimacsError:
        return DimacsError(message, path=self.path, line=line)

    def feed(self, number: int, line: str) -> None:
        s = line.strip()
        if self.end_line:
            self._after_end(number, s)
        elif not s:
            return
        elif s[0] == "c":
            self._comment(number, line.lstrip())  # trailing blanks belong to the comment
        elif s[0] == "p":
            self._header(number, s.split())
        elif s == "%":
            self.end_line = number
        else:
            self._literals(number, s.split())

    def _after_end(self, number: int, s: str) -> None:
        if s == "0" and not self.zero_after_end:
            self.zero_after_end = True
        elif s:
            raise self.error(f"{s!r} after the '%' end marker on line {self.end_line}", number)

    def _comment(self, number: int, s: str) -> None:
        body = s[1:]
        kind = special_comment(body)
        tokens = body.split()
        if kind is None:
            self.comments.append(body[1:] if body[:1] == " " else body)
        elif kind == "weight" or tokens[-1] in ("wmc", "pwmc"):
            raise self.error(f"weighted model counting ({s!r}) is not supported", number)
        elif kind == "type":
            if self.count_type is not None:
                raise self.error(f"second 'c t' line (first on line {self.count_type[1]})", number)
            self.count_type = (tokens[1], number)
        else:
            self._show(number, tokens[2:])

    def _show(self, number: int, tokens: list[str]) -> None:
        if not tokens or tokens[-1] != "0":
            raise self.error("'c p show' line not terminated by 0", number)
        if self.show is None:
            self.show, self.show_line = [], number
        for tok in tokens[:-1]:
            if not _COUNT_RE.fullmatch(tok) or int(tok) == 0:
                raise self.error(f"'c p show' expects variables >= 1, got {tok!r}", number)
            self.show.append((int(tok), number))

    def _header(self, number: int, tokens: list[str]) -> None:
        if self.header is not None:
            raise self.error(f"second 'p' line (first on line {self.header[2]})", number)
        if len(tokens) != 4 or tokens[0] != "p" or tokens[1] != "cnf":
            shown = " ".join(tokens)
            raise self.error(f"malformed problem line {shown!r}, expected 'p cnf n m'", number)
        for what, tok in (("variables", tokens[2]), ("clauses", tokens[3])):
            if not _COUNT_RE.fullmatch(tok):
                raise self.error(f"number of {what} {tok!r} is not an integer >= 0", number)
        n, cap = int(tokens[2]), limit("ERMBIT_MAX_VARS")
        if n > cap:
            raise self.error(
                f"header declares {n} variables, over the limit of {cap}; set the "
                "environment variable ERMBIT_MAX_VARS to read larger formulas",
                number,
            )
        self.header = (n, int(tokens[3]), number)

    def _literals(self, number: int, tokens: list[str]) -> None:
        if self.header is None:
            raise self.error("clause before the 'p cnf' header", number)
        n, m, hline = self.header
        for tok in tokens:
            if not _INT_RE.fullmatch(tok):
                raise self.error(
                    f"expected a literal (decimal integer, no '+' or leading zeros), got {tok!r}",
                    number,
                )
            if not self.open and len(self.clauses) == m:
                raise self.error(
                    f"more clauses than the {m} declared in the header on line {hline}", number
                )
            lit = int(tok)
            if lit == 0:
                self.clauses.append(tuple(self.open))
                self.open = []
            elif abs(lit) > n:
                raise self.error(
                    f"literal {lit} out of range for n = {n} (header on line {hline})", number
                )
            else:
                self.open.append(lit)
                self.open_line = number

    def finish(self, last_line: int) -> CNF:
        if self.open:
            raise self.error("last clause not terminated by 0 at end of file", self.open_line)
        if self.header is None:
            raise self.error("no 'p cnf' header", last_line)
        n, m, hline = self.header
        if len(self.clauses) < m:
            raise self.error(f"header declares {m} clauses, found {len(self.clauses)}", hline)
        for v, line in self.show or ():
            if v > n:
                raise self.error(f"'c p show' variable {v} out of range for n = {n}", line)
        if self.count_type is not None:
            kind, tline = self.count_type
            if kind == "pmc" and self.show is None:
                raise self.error("'c t pmc' but no 'c p show ... 0' line", tline)
            if kind == "mc" and self.show is not None:
                raise self.error(
                    f"'c p show' in a file declared 'c t mc' (line {tline})", self.show_line
                )
        projection = None if self.show is None else tuple(v for v, _ in self.show)
        from ermbit.cnf import CNF  # the value type this reader builds

        return CNF(n, tuple(self.clauses), projection, tuple(self.comments))
