"""Writing files so that an interrupted run never leaves a truncated one.

Every file ermbit writes goes through :func:`write_atomic`: the bytes go to a temporary
file in the same directory, which is then renamed over the destination.  A rename within
one directory is atomic on POSIX and Windows, so a reader (or a Ctrl-C) sees either the
old file or the whole new one, never half of it.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_atomic(d / "a.txt", "hello\\n")
>>> (d / "a.txt").read_text(), sorted(p.name for p in d.iterdir())
('hello\\n', ['a.txt'])
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ermbit.errors import InputError

__all__ = ["same_file", "write_atomic", "writable"]


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` (text is UTF-8) to ``path`` through a temporary file and a rename.

    Raises
    ------
    OSError
        If the directory cannot be written; the temporary file is removed.
    """
    target = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        # mkstemp makes the file private (0600); give it the mode a plain open() would
        os.chmod(tmp, _mode_of(target))
        os.replace(tmp, target)
    except BaseException:  # KeyboardInterrupt too: never leave the fragment behind
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode_of(target: Path) -> int:
    """The existing file's permissions, else what ``open(..., "w")`` gives (0666 & ~umask)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether ``a`` and ``b`` name the same file (through links, ``./`` and the like)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): compare the resolved names
        return Path(a).resolve() == Path(b).resolve()


def writable(path: str | os.PathLike[str], what: str) -> None:
    """Refuse at once an output ``path`` whose directory is missing or not writable.

    Checked before long work starts, so a sweep is not run for a report it cannot save.

    Raises
    ------
    InputError
        Naming ``what`` (the flag) and the path.
    """
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise InputError(f"{what}: {path} is a directory, expected a file name")
    if not parent.is_dir():
        raise InputError(f"{what}: cannot write {path}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise InputError(f"{what}: cannot write {path}: permission denied")
