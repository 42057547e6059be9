"""The complete search of the general solver: node by node, value vectors, memo.

Search state after the nodes at positions < i are fixed: the *value vector* of each of
them, ``(f^v(x_1), …, f^v(x_m))`` over the samples.  The rest of the search depends on
the state only through the vectors later nodes read, the per-sample loss over the
outputs computed so far (:meth:`Search._partial`), and the remaining bit budget R.
Hence, exactly:

* **one parameter choice per vector.**  The node's parameters (trainable weights and the
  bias sum B, at its cheapest split) are enumerated in order of total cost, so the first
  choice reaching a vector is a cheapest one; later choices with the same vector are
  skipped, since anything they complete a cheaper one completes too.
* **memo.**  ``(i, needed vectors, partial losses) → R`` records that no completion
  exists within R bits; a smaller budget then fails too (feasibility is monotone in R).
  The memos and the per-node sets of vectors seen are caches: forgetting an entry only
  repeats work, never changes an answer.  So memory stays bounded -- each is emptied
  when it reaches :data:`CACHE_ENTRIES` (a run of 15 minutes grew past 8 GB without it),
  and ``memo_resets`` counts how often.
* **loss bound.**  Every per-sample loss is ≥ 0 and the loss of a sample restricted to
  the labelled nodes already computed is a lower bound; past γ the branch is cut.
* **symmetry.**  Interchangeable hidden nodes (see :mod:`._general_model`) take
  lexicographically non-decreasing vectors.
* **linear sinks** (zero-loss mode): the cheapest parameters are solved for exactly
  (:mod:`._general_linear`); independent sinks' costs add up.

No float is used; every value is an exact rational computed by the model's own σ.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ermbit.exact import Q, size
from ermbit.solvers.erm._general_bounds import (
    Interval,
    act_image,
    act_range,
    affine,
    loss_lower_bound,
    total,
)
from ermbit.solvers.erm._general_linear import least_cost, solve_affine
from ermbit.solvers.erm._general_model import Compiled, NodeInfo, affine_form
from ermbit.solvers.erm._general_rationals import of_size

__all__ = ["Paused", "Search", "Stopped"]

Vec = tuple[Any, ...]
Choice = tuple[tuple[Any, ...], Any]  # (weights, bias sum)


#: Entries a memo (or one node's set of vectors seen) may hold before it is emptied.
CACHE_ENTRIES = 500_000


class Stopped(Exception):
    """A user limit stopped the search (the message says which)."""


class Paused(Exception):
    """The search's turn is over (:attr:`Search.pause_at`); it may be run again."""


@dataclass
class Stats:
    """Counters of one search."""

    choices: int = 0
    vectors: int = 0
    memo_hits: int = 0
    memo_resets: int = 0
    interval_cuts: int = 0
    loss_cuts: int = 0
    symmetry_cuts: int = 0
    linear_solves: int = 0
    real_infeasible: int = 0
    leaves: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _weight_sizes(k: int, total: int) -> Iterator[tuple[int, ...]]:
    """Every tuple of k sizes ≥ 2 with sum ≤ total."""
    if k == 0:
        yield ()
        return
    for s in range(2, total - 2 * (k - 1) + 1):
        for rest in _weight_sizes(k - 1, total - s):
            yield (s, *rest)


def choices(info: NodeInfo, cost: int) -> Iterator[Choice]:
    """Every (weights, bias sum) of the node of total cost exactly ``cost``."""
    k = len(info.train)
    if k == 0:
        if cost == 0:
            yield (), Q(0)
        return
    assert info.bias is not None
    for sizes in _weight_sizes(k, cost - 2 * k):
        b_cost = cost - sum(sizes)
        sums = info.bias.with_cost(b_cost)
        if not sums:
            continue
        for ws in itertools.product(*(of_size(s) for s in sizes)):
            for b in sums:
                yield ws, b


@dataclass
class Search:
    """One search over the finite domain; :meth:`run` answers for one budget."""

    comp: Compiled
    node_limit: int | None = None
    deadline: float | None = None
    progress: Callable[[dict[str, Any]], None] | None = None
    stats: Stats = field(default_factory=Stats)
    memo: dict[Any, int] = field(default_factory=dict)
    sink_memo: dict[Any, Any] = field(default_factory=dict)
    budget: int = 0
    #: pause (raise :class:`Paused`) once ``time.monotonic()`` passes this
    pause_at: float | None = None
    _last_report: float = 0.0

    def __post_init__(self) -> None:
        n = len(self.comp.nodes)
        self.vals: list[Vec | None] = [None] * n
        self.chosen: list[Choice | None] = [None] * n
        self.samples = self.comp.inst.samples

    # ------------------------------------------------------------- limits, progress

    def _tick(self, solve: bool = False) -> None:
        st = self.stats
        if solve:
            st.linear_solves += 1
        else:
            st.choices += 1
        spent = st.choices + st.linear_solves
        if self.node_limit is not None and spent > self.node_limit:
            raise Stopped(f"node limit {self.node_limit} reached")
        if (st.choices + st.linear_solves) % 256 == 0:
            now = time.monotonic()
            if self.deadline is not None and now > self.deadline:
                raise Stopped("time limit reached")
            if self.pause_at is not None and now > self.pause_at:
                raise Paused
            if self.progress is not None and now - self._last_report > 0.25:
                self._last_report = now
                self.progress({"beta": self.budget, **st.as_dict()})

    # ------------------------------------------------------------- evaluation

    def _inputs(self, info: NodeInfo) -> tuple[list[Any], list[Vec]]:
        """Per sample: the constant part of the pre-activation; per trainable edge: f^u."""
        const = list(info.inputs)
        for j, w, b in info.frozen:
            vj = self.vals[j]
            assert vj is not None
            for s in range(len(const)):
                const[s] += w * vj[s] + b
        srcs = []
        for j in info.train_src:
            vj = self.vals[j]
            assert vj is not None
            srcs.append(vj)
        return const, srcs

    def _vector(self, info: NodeInfo, const: list[Any], srcs: list[Vec], ch: Choice) -> Vec:
        if info.source:
            return tuple(info.inputs)
        ws, b = ch
        act = info.act
        out = []
        for s in range(len(const)):
            z = const[s] + b
            for w, f in zip(ws, srcs, strict=True):
                if w:
                    z += w * f[s]
            out.append(act(z))
        return tuple(out)

    def _partial(self, upto: int) -> tuple[Any, ...]:
        """Per sample: its loss over the labelled nodes among positions < ``upto``.

        Squared, half-squared and hinge losses add up over nodes; an exact-match loss is
        1 once one computed node misses; a bit loss counts once its node is computed.
        Every later node only adds to these, so they bound the loss from below and,
        with the position, are all the future needs to know of the computed outputs.
        """
        nodes = self.comp.nodes
        known = {
            nodes[j].name: j for j in range(upto) if nodes[j].output and self.vals[j] is not None
        }
        out = []
        for s, smp in enumerate(self.samples):
            if smp.loss.kind == "bit" and smp.loss.node not in known:
                out.append(Q(0))
                continue
            vals = {v: self.vals[j][s] for v, j in known.items()}  # type: ignore[index]
            out.append(smp.loss.value(vals, {v: t for v, t in smp.y if v in known}))
        return tuple(out)

    def _loss_bound(self, upto: int) -> Any:
        """Σ repeat·loss over the labelled nodes computed so far (a lower bound)."""
        part = self._partial(upto)
        return sum((smp.repeat * p for smp, p in zip(self.samples, part, strict=True)), Q(0))

    # ------------------------------------------------------------- the search

    def run(self, budget: int) -> bool:
        """Whether some θ of the relevant nodes with cost ≤ ``budget`` reaches loss ≤ γ."""
        self.budget = budget
        if budget < self.comp.rest_least[0]:
            return False
        return self._dfs(0, budget)

    def _key(self, i: int) -> Any:
        return (i, tuple(self.vals[j] for j in self.comp.front[i]), self._partial(i))

    def _dfs(self, i: int, budget: int) -> bool:
        comp = self.comp
        if i == comp.n_enum:
            return self._finish(budget)
        key = self._key(i)
        if self.memo.get(key, -1) >= budget:
            self.stats.memo_hits += 1
            return False
        info = comp.nodes[i]
        room = budget - comp.rest_least[i + 1]
        const, srcs = self._inputs(info)
        seen: set[Vec] = set()
        for cost in range(info.least, room + 1):
            for ch in choices(info, cost):
                self._tick()
                vec = self._vector(info, const, srcs, ch)
                if vec in seen:
                    continue
                if len(seen) >= CACHE_ENTRIES:
                    seen.clear()  # a repeated vector costs more and completes nothing new
                    self.stats.memo_resets += 1
                seen.add(vec)
                self.stats.vectors += 1
                if self._cut(i, info, vec):
                    continue
                self.chosen[i] = ch
                if self._dfs(i + 1, budget - cost):
                    return True
        self.vals[i] = None
        self._remember(self.memo)
        self.memo[key] = max(self.memo.get(key, -1), budget)
        return False

    def _remember(self, cache: dict[Any, Any]) -> None:
        """Empty ``cache`` when it is full (see the module docstring: caches only)."""
        if len(cache) >= CACHE_ENTRIES:
            cache.clear()
            self.stats.memo_resets += 1

    def _cut(self, i: int, info: NodeInfo, vec: Vec) -> bool:
        if info.sym_prev is not None:
            prev = self.vals[info.sym_prev]
            assert prev is not None
            if vec < prev:
                self.stats.symmetry_cuts += 1
                return True
        self.vals[i] = vec
        if info.output and self._loss_bound(i + 1) > self.comp.inst.gamma:
            self.stats.loss_cuts += 1
            return True
        if self.comp.lookahead[i] and self._interval_bound(i) > self.comp.inst.gamma:
            self.stats.interval_cuts += 1
            return True
        return False

    def _interval_bound(self, i: int) -> Any:
        """Σ repeat·(least loss) over the intervals every later node's value lies in, the
        nodes at positions ≤ i fixed (:mod:`._general_bounds`): a lower bound on the loss
        of every completion."""
        nodes = self.comp.nodes
        total_loss = Q(0)
        for s, smp in enumerate(self.samples):
            ivs: list[Interval] = []
            for j, info in enumerate(nodes):
                vj = self.vals[j] if j <= i else None
                if vj is not None:
                    ivs.append((vj[s], vj[s]))
                elif info.source:
                    ivs.append((info.inputs[s], info.inputs[s]))
                elif info.train:
                    ivs.append(act_range(info.act))
                else:
                    pre = total(
                        [(info.inputs[s], info.inputs[s])]
                        + [affine(ivs[k], w, b) for k, w, b in info.frozen]
                    )
                    ivs.append(act_image(info.act, pre))
            named = {nodes[j].name: iv for j, iv in enumerate(ivs)}
            total_loss += smp.repeat * loss_lower_bound(smp.loss, named, smp.labels)
            if total_loss > self.comp.inst.gamma:
                break
        return total_loss

    def _finish(self, budget: int) -> bool:
        self.stats.leaves += 1
        comp = self.comp
        sinks = range(comp.n_enum, len(comp.nodes))
        if not sinks:
            return bool(self._loss_bound(len(comp.nodes)) <= comp.inst.gamma)
        spent = 0
        for i in sinks:
            cap = budget - spent - comp.rest_least[i + 1]
            got = self._sink(i, cap)
            if got is None:
                return False
            spent += got[0]
            self.chosen[i] = got[1]
        return True

    def _sink(self, i: int, cap: int) -> tuple[int, Choice] | None:
        """The cheapest parameters of linear sink i within ``cap`` bits (None: none)."""
        info = self.comp.nodes[i]
        const, srcs = self._inputs(info)
        key = (i, tuple(const), tuple(srcs))
        old = self.sink_memo.get(key)
        if old is not None and old[0] == "found":  # the least cost is known
            return (old[1], old[2]) if old[1] <= cap else None
        if old is not None and old[1] >= cap:  # nothing within a larger cap
            return None
        self._tick(solve=True)
        got = self._solve_sink(info, const, srcs, cap)
        self._remember(self.sink_memo)
        if got is None:
            self.sink_memo[key] = ("above", cap)
            return None
        self.sink_memo[key] = ("found", *got)
        return got

    def _solve_sink(
        self, info: NodeInfo, const: list[Any], srcs: list[Vec], cap: int
    ) -> tuple[int, Choice] | None:
        form = affine_form(info.act)
        assert form is not None
        a, c = form
        k = len(info.train)
        rows, rhs = [], []
        for s, smp in enumerate(self.samples):
            labels = smp.labels
            if info.name not in labels:
                continue
            y = labels[info.name]
            if a == 0:
                if c != y:
                    self.stats.real_infeasible += 1
                    return None
                continue
            rows.append([f[s] for f in srcs] + ([Q(1)] if k else []))
            rhs.append((y - c) / a - const[s])
        n = k + (1 if k else 0)
        if not rows:
            return (4 * k, (tuple(Q(0) for _ in range(k)), Q(0))) if 4 * k <= cap else None
        if n == 0:
            if any(rhs):
                self.stats.real_infeasible += 1
                return None
            return 0, ((), Q(0))
        red = solve_affine(rows, rhs)
        if red is None:
            self.stats.real_infeasible += 1
            return None
        bias = info.bias
        assert bias is not None

        def w_cost(q: Any, room: int) -> int | None:
            sz = size(q)
            return sz if sz <= room else None

        def b_cost(q: Any, room: int) -> int | None:
            got = bias.cheapest(q, room)
            return None if got is None else got[0]

        costs = [w_cost] * k + [b_cost]
        listers = [None] * k + [bias.with_cost]
        best = least_cost(red, costs, listers, cap)
        if best is None:
            return None
        total, point = best
        return total, (tuple(point[:k]), point[k])
