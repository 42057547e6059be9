"""The real relaxation of a zero-loss fit: no real θ at all, hence NO at every β.

When every sample must have loss 0 (:func:`~._general_model.zero_loss_mode`), every
relevant activation is piecewise linear (identity, ReLU, PL, a polynomial of degree ≤ 1),
and every trainable edge leaves a θ-free node (a source, or a node fed by θ-free nodes
through frozen edges only), then on each sample, once a *piece* is chosen for every
θ-dependent node, every pre-activation is affine in the real variables

    w_e  (one per trainable edge)   and   B_v  (one per trainable node: only the sum of the
                                             biases into v enters a pass)

and "loss 0" is a system of linear constraints: z in the piece's interval (piece 0 is
z ≤ t_0, piece i is t_{i−1} < z ≤ t_i, the last z > t_{n−1}, so the pieces are disjoint
and every real z is in exactly one), and every labelled output equal to its label
(squared, half-squared, exact) or with margin t·ŷ ≥ 1 (hinge).  A real θ of loss 0
exists iff, for some choice of pieces on every sample, the union of these systems is
feasible.

**Scalable units.**  A trainable edge may also leave a hidden unit h whose σ is
positively homogeneous (σ(αz) = α·σ(z) for α > 0: ReLU, identity, a leaky ReLU) when h
is fed only by trainable edges from θ-free nodes, takes no sample input, is not an
output, and has this one out-edge: w·σ(z_h) = sign(w)·σ(|w|·z_h), and |w|·z_h is again
any affine function of h's inputs, so over ℝ the weight is ±1 (w = 0 is h's parameters
all 0).  Each choice of signs is one more outer branch (:attr:`RealCheck.sign_choices`).
This covers two-layer networks trained end to end, such as XOR on a 2-2-1 ReLU network.

:func:`real_check` decides it by depth-first search over the samples: first each
sample's own feasible piece choices (its *local patterns*), then one local pattern per
sample, with an exact LP on the union so far.  Infeasibility is proved by a Farkas
certificate, which this module re-checks itself (:func:`_refutes`): the LP engine only
proposes it.  Across samples it backjumps (see :class:`Relaxation`).  Every branch
refuted means no real θ reaches loss 0, so no rational θ of any size does, and the
answer is NO for every β ("infeasible-over-reals").

The search is exponential in the worst case, so :func:`~.general.solve_general` gives it
turns between turns of the finite search, of equal time, each resuming where the last
stopped and twice as long, up to :data:`LP_CAP` LPs in all; the finite search then goes
on alone.  Neither can slow the other down by more than a factor of about two.  It never
decides YES by itself -- a real θ need not be short -- but the feasible branch it ends
on is a polyhedron of real fits, which :mod:`._general_realpoint` rounds to a short
rational θ for the NP verifier to accept or not.

**Independence.**  The LP engine (:func:`ermbit.solvers.lp.program.feasible`) is the one
the structural solvers use, but here it only *proposes*: a wrong "feasible" merely leaves
the relaxation without an answer, and a wrong "infeasible" fails :func:`_refutes`, this
module's own check.  So a NO of the general solver never rests on the shared engine.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from ermbit.exact import Q
from ermbit.solvers.erm._general_model import Compiled
from ermbit.solvers.erm._general_relax_model import (
    Affine,
    Row,
    add,
    applies,
    mirrored,
    pieces,
    row,
    scalable,
    theta_free,
)
from ermbit.solvers.lp.linear import Constraint
from ermbit.solvers.lp.program import feasible

__all__ = ["LP_CAP", "RealCheck", "Relaxation", "applies", "real_check"]

#: Most LPs the relaxation may solve in all before it gives up (the search goes on).
LP_CAP = 20_000
#: Most LPs for one sample's own piece choices: past it the relaxation gives up for good.
#: It is built for many samples with few pieces each; one sample of many nodes (the
#: gadgets of SAT → ReLU) has exponentially many, which the finite search handles better.
SAMPLE_LPS = 1000


class _Hopeless(Exception):
    pass


@dataclass
class RealCheck:
    """What the relaxation found: ``infeasible`` (a proof), ``feasible``, or ``gave-up``."""

    status: str
    lps: int = 0
    refuted: int = 0
    patterns: list[int] = field(default_factory=list)  # local patterns per sample
    sign_choices: int = 0  # output signs of the scalable hidden units tried
    stopped: str = ""  # why it gave up for good (no more turns help), if it did

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "real_status": self.status,
            "real_lps": self.lps,
            "real_refuted": self.refuted,
        }
        return out | ({"real_stopped": self.stopped} if self.stopped else {})


def _refutes(rows: list[Row], cert: tuple[Any, ...]) -> bool:
    """Whether the multipliers ``cert`` prove ``rows`` infeasible: y ≥ 0 on ≤/<, ≤ 0 on
    ≥/>, Σ y·a = 0, and Σ y·b < 0 (or = 0 with a strict row used)."""
    combo: dict[Any, Any] = {}
    total, strict = Q(0), False
    for (coef, op, rhs), y in zip(rows, cert, strict=True):
        if (op in ("<=", "<") and y < 0) or (op in (">=", ">") and y > 0):
            return False
        if y:
            strict = strict or op in ("<", ">")
            total += y * rhs
            for v, c in coef.items():
                combo[v] = combo.get(v, Q(0)) + y * c
    return not any(combo.values()) and (total < 0 or (total == 0 and strict))


Steps = Generator[None, None, Any]


class Relaxation:
    """The relaxation of one instance, run in turns (:meth:`advance`) that resume where
    the last one stopped.

    The search is written as generators that pause after every LP, so a turn of k LPs
    is k steps of it.  Across samples it backjumps: a Farkas certificate names the rows
    it uses, hence the samples whose piece choices conflict; when every choice on a
    sample fails for reasons that involve only earlier samples, the search returns to
    the latest of them at once (conflict-directed backjumping: the choices skipped
    would meet the same refuted rows).
    """

    def __init__(
        self,
        comp: Compiled,
        deadline: float | None,
        on_stop: Callable[[], None],
        progress: Callable[[dict[str, Any]], None] | None = None,
    ):
        self.comp, self.deadline, self.on_stop, self.progress = comp, deadline, on_stop, progress
        self._last_report = 0.0
        self.check = RealCheck("gave-up")
        #: when feasible: the rows of the branch found, a polyhedron of real θ of loss 0,
        #: and the signs of the scalable units' out-edges (search position → ±1) with it
        self.solution: list[Row] | None = None
        self.signs: dict[int, int] = {}
        self._pos = {info.name: i for i, info in enumerate(comp.nodes)}
        self._sample_start: int | None = None
        self._steps = self._search()

    def advance(self, seconds: float | None = None, lps: int | None = None) -> RealCheck:
        """Go on for about ``seconds`` more (at least one step; the LP under way is
        finished) and at most ``lps`` more LPs; the status stays ``gave-up`` until it
        answers."""
        until = None if seconds is None else time.monotonic() + seconds
        stop_at = None if lps is None else self.check.lps + lps
        if self.check.stopped:
            return self.check
        try:
            while self.check.status == "gave-up":
                if stop_at is not None and self.check.lps >= stop_at:
                    break
                next(self._steps)  # at least one step a turn: every turn makes progress
                if until is not None and time.monotonic() > until:
                    break
        except StopIteration as done:
            self.check.status = "feasible" if done.value else "infeasible"
        except _Hopeless as exc:
            self.check.stopped = str(exc)
        return self.check

    def lp(self, rows: list[Row]) -> set[int] | None:
        """None if ``rows`` are feasible over ℝ; else the rows a re-checked Farkas
        certificate uses."""
        self.check.lps += 1
        now = time.monotonic()
        if self.deadline is not None and now > self.deadline:
            self.on_stop()
        if self.progress is not None and now - self._last_report > 0.25:
            self._last_report = now
            self.progress(self.check.as_dict())
        start = self._sample_start
        if start is not None and self.check.lps - start > SAMPLE_LPS:
            raise _Hopeless(f"one sample's piece choices took more than {SAMPLE_LPS} LPs")
        res = feasible([Constraint(c, op, b) for c, op, b in rows])
        if res.status != "infeasible":
            return None
        assert res.certificate is not None
        if not _refutes(rows, res.certificate):
            raise AssertionError("the LP's Farkas certificate does not refute its system")
        self.check.refuted += 1
        return {i for i, y in enumerate(res.certificate) if y}

    def _search(self) -> Steps:
        free = theta_free(self.comp)
        scale = scalable(self.comp, free)
        scaled = [j for j, ok in enumerate(scale) if ok]
        for signs in itertools.product((1, -1), repeat=len(scaled)):
            self.signs = dict(zip(scaled, signs, strict=True))
            if mirrored(self.signs, self.comp):
                continue
            self.check.sign_choices += 1
            per: list[list[list[Row]]] = []
            for s in range(len(self.comp.inst.samples)):
                found: list[list[Row]] = []
                self._sample_start = self.check.lps
                yield from self._walk(s, free, 0, [], [], found)
                per.append(found)
            self._sample_start = None
            self.check.patterns = [len(p) for p in per]
            order = sorted(range(len(per)), key=lambda s: len(per[s]))
            found_all, _ = yield from self._branch([per[s] for s in order], 0, [], [])
            if found_all:
                return True
        return False

    def _walk(
        self,
        s: int,
        free: list[bool],
        i: int,
        vals: list[Affine],
        rows: list[Row],
        out: list[list[Row]],
    ) -> Steps:
        """Every feasible choice of pieces on sample ``s`` (its *local patterns*) into
        ``out``, as their rows; nodes from position ``i`` on are still open."""
        comp = self.comp
        if i == len(comp.nodes):
            done = rows + self._label_rows(comp.inst.samples[s], vals)
            refuted = self.lp(done)
            yield
            if refuted is None:
                out.append(done)
            return
        info = comp.nodes[i]
        z: Affine = ({}, info.inputs[s])
        for j, w, b in info.frozen:
            z = add(z, vals[j], w)
            z = (z[0], z[1] + b)
        for key, j in zip(info.train, info.train_src, strict=True):
            if free[j]:
                z = add(z, ({("w", *key): vals[j][1]}, Q(0)))
            else:  # a scalable unit's out-edge: its weight's sign times the unit's value
                z = add(z, vals[j], self.signs[j])
        if info.train:
            z = add(z, ({("B", info.name): Q(1)}, Q(0)))
        if free[i] or not z[0]:
            c = z[1] if info.source else info.act(z[1])
            yield from self._walk(s, free, i + 1, [*vals, ({}, c)], rows, out)
            return
        parts = pieces(info.act)
        assert parts is not None
        for lo, hi, slope, icpt in parts:
            more = [row(z, ">", lo)] if lo is not None else []
            more += [row(z, "<=", hi)] if hi is not None else []
            if len(parts) > 1:
                refuted = self.lp(rows + more)
                yield
                if refuted is not None:
                    continue
            value = ({v: slope * c for v, c in z[0].items()}, slope * z[1] + icpt)
            yield from self._walk(s, free, i + 1, [*vals, value], rows + more, out)

    def _label_rows(self, smp: Any, vals: list[Affine]) -> list[Row]:
        rows = []
        for v, t in smp.y:
            out = vals[self._pos[v]]
            if smp.loss.kind == "hinge":
                rows.append(row(({u: t * c for u, c in out[0].items()}, t * out[1]), ">=", 1))
            else:
                rows.append(row(out, "==", t))
        return rows

    def _branch(
        self, per: list[list[list[Row]]], k: int, rows: list[Row], level: list[int]
    ) -> Steps:
        """(found, conflict): whether samples k, k+1, … have a choice compatible with
        ``rows`` (``level[r]``: the sample that row r came from); if not, the earlier
        samples whose rows the refutations used."""
        if k == len(per):
            self.solution = rows
            return True, set()
        conflict: set[int] = set()
        for pat in per[k]:
            both, owners = rows + pat, level + [k] * len(pat)
            # a forced pattern is checked with the next choice (or at the last sample)
            if len(per[k]) > 1 or k == len(per) - 1:
                used = self.lp(both)
                yield
                if used is not None:
                    conflict |= {owners[r] for r in used} - {k}
                    continue
            found, below = yield from self._branch(per, k + 1, both, owners)
            if found:
                return True, set()
            if k not in below:
                return False, below  # sample k's choice is not to blame: jump back
            conflict |= below - {k}
        return False, conflict


def real_check(
    comp: Compiled,
    deadline: float | None,
    on_stop: Callable[[], None],
    lp_cap: int | None = None,
) -> RealCheck:
    """Run the relaxation on ``comp`` (it must :func:`apply <applies>`) for at most
    ``lp_cap`` LPs (default :data:`LP_CAP`); ``on_stop`` is called (and should raise)
    when ``deadline`` passes."""
    return Relaxation(comp, deadline, on_stop).advance(lps=LP_CAP if lp_cap is None else lp_cap)
