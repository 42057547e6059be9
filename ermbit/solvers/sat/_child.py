"""A native back end run in a fresh ``python -c`` child with time and memory limits.

Internal module.  Native model counters and compilers can abort the whole process
(GMP's out-of-memory abort, a "double free" seen with d4's binding on competition
instances) and cannot be interrupted from Python, so ermbit never imports them into its
own process.  The child sets ``RLIMIT_AS`` before it imports the binding, sends the C-level
stdout to ``/dev/null`` (the counters print statistics there) and writes its JSON answer
on a duplicate of the original descriptor.  Payload and answer go through temporary files,
not pipes: the parent may be busy while the child writes, and a full pipe would stall it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from typing import Any

from ermbit.errors import BackendError, Undecided

__all__ = ["PRELUDE", "ChildRun"]

#: Start of every child script: limits, quiet stdout, ``answer`` is the real stdout.
PRELUDE = r"""
import json, os, resource, sys
limit = int(sys.argv[1]) << 20
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.set_int_max_str_digits(0)
answer = os.fdopen(os.dup(1), "w")
os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
payload = json.load(sys.stdin)
"""


class ChildRun:
    """One child process running ``PRELUDE + script`` on a JSON ``payload``.

    The script reads ``payload`` and writes one JSON document to ``answer``.  The child
    starts at once; :meth:`done` polls it, :meth:`result` waits for it.  Leaving the
    ``with`` block kills a child that is still running.
    """

    def __init__(self, name: str, script: str, payload: Any, *, memory_mb: int) -> None:
        self.name = name
        self.memory_mb = int(memory_mb)
        self._files = [tempfile.TemporaryFile("w+") for _ in range(3)]
        stdin, stdout, stderr = self._files
        json.dump(payload, stdin)
        stdin.seek(0)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", PRELUDE + script, str(self.memory_mb)],
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
        )

    def __enter__(self) -> ChildRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()
        for f in self._files:
            f.close()

    def kill(self) -> None:
        """Stop the child if it is still running."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def done(self) -> bool:
        """Whether the child has exited (successfully or not)."""
        return self.proc.poll() is not None

    def result(self, timeout: float | None = None) -> Any:
        """The child's JSON answer, waiting at most ``timeout`` seconds.

        Raises
        ------
        Undecided
            If the child runs out of time (it is then killed): not a failure, a limit.
        BackendError
            If the child runs out of memory, crashes, or writes no readable answer.
        """
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise Undecided(
                f"method {self.name!r} exceeded the time limit of {timeout} s and was killed; "
                "pass a larger timeout="
            ) from None
        _, stdout, stderr = self._files
        stdout.seek(0)
        stderr.seek(0)
        out, err = stdout.read(), stderr.read()
        if code != 0:
            tail = " | ".join(err.strip().splitlines()[-3:]) or "no message"
            raise BackendError(
                f"method {self.name!r} failed (exit code {code}, memory limit "
                f"{self.memory_mb} MiB; pass a larger memory_mb= if it ran out): {tail}"
            )
        try:
            return json.loads(out)
        except ValueError as exc:
            raise BackendError(
                f"method {self.name!r} returned an unreadable answer: {out[:200]!r}"
            ) from exc
