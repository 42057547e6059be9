"""Reverse mode over the passes of :mod:`ermbit.network.engine.passes` (private; use
:meth:`ermbit.network.model.Network.backward` / ``backward_batch``).

Passes that share their denominators (one static plan, or one dynamic batch) form a
group and run together.  Budget, per group: if the static backward bound
(:meth:`ermbit.network.engine.plan.Plan.backward_bound`) fits, run (static kernel for static passes,
dynamic one for dynamic passes) with that bound; otherwise run the dynamic engine with
incremental checks (:mod:`ermbit.network.engine.dynamic`), first redoing the forward pass
dynamically when
the static one cannot be reduced (compounding denominators).  Sums over samples and
groups -- the entries of ``dw`` and ``db`` -- are bounded from the actual bit lengths
before any of them is formed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from ermbit.exact import Q, Z, bitlen, ceil_log2, lcm
from ermbit.network.engine.bits import lg
from ermbit.network.engine.dynamic import DynPlan, Meter
from ermbit.network.engine.passes import Grad, Pass, _Group, _run_dynamic, merge_xmag
from ermbit.network.engine.plan import Plan, check_budget

if TYPE_CHECKING:
    from ermbit.network.model import Network

__all__ = ["backward_many"]


def backward_many(
    network: Network,
    passes: Sequence[Pass],
    seeds: Sequence[dict[int, Any]],
    budget_bits: int | None,
) -> Grad:
    """Reverse mode for every ``(pass, seed)``, summed; passes are grouped by the
    denominators they share (one plan, or one dynamic batch)."""
    groups: dict[tuple[int, int], list[int]] = {}
    for t, p in enumerate(passes):
        groups.setdefault((id(p.plan), id(p.val_dens)), []).append(t)
    done = []
    predicted = None
    metered = False
    for members in groups.values():
        ps, ss = [passes[t] for t in members], [seeds[t] for t in members]
        plan = ps[0].plan
        fitted = ps[0].bound_plan if isinstance(plan, DynPlan) else plan
        bound = None
        if budget_bits is not None and fitted is not None:
            bound = _backward_prediction(fitted, ps, ss, _seed_den(ss))
        if budget_bits is None or (bound is not None and bound <= budget_bits):
            if isinstance(plan, DynPlan):
                done.append(_dynamic_backward(plan, ps, ss, None))
            else:
                done.append(_static_backward(plan, ps, ss))
            if bound is not None:
                predicted = max(predicted or 0, bound)
            continue
        meter = Meter(budget_bits)
        dyn = _as_dynamic(plan)
        if isinstance(plan, Plan) and plan.compounding:
            # σ' needs the pre-activation denominators as exponent vectors of the dynamic
            # basis: redo the forward pass dynamically, under the same meter
            ps = _run_dynamic(network, dyn, [p.inputs for p in ps], ps[0].xmag, meter, None, None)
        done.append(_dynamic_backward(dyn, ps, ss, meter))
        predicted = max(predicted or 0, meter.top)
        metered = True
    if budget_bits is not None and (metered or len(done) > 1):
        total = _summed_bound(network, done)
        check_budget("the gradient summed over samples", total, budget_bits)
        predicted = max(predicted or 0, total)
    return Grad(network, done, predicted)


def _seed_den(seeds: Sequence[dict[int, Any]]) -> Any:
    s = Z(1)
    for seed in seeds:
        for q in seed.values():
            s = lcm(s, q.denominator)
    return s


def _as_dynamic(plan: Plan | DynPlan) -> DynPlan:
    if isinstance(plan, DynPlan):
        return plan
    if plan.dynamic_twin is None:
        plan.dynamic_twin = DynPlan(plan.st, plan.ws, plan.bs)
    return cast(DynPlan, plan.dynamic_twin)


def _static_backward(plan: Plan, ps: Sequence[Pass], ss: Sequence[dict[int, Any]]) -> _Group:
    s = _seed_den(ss)
    gden = plan.backward_dens[0]
    rows = []
    for p, seed in zip(ps, ss, strict=True):
        terms = {v: q.numerator * (s // q.denominator) * gden[v] for v, q in seed.items()}
        adj, err = plan.run_backward(p.pre_nums, terms)
        rows.append((p, adj, err))

    def dens() -> tuple[list[Any], list[Any]]:
        g, d = plan.backward_dens
        return (g, d) if s == 1 else ([x * s for x in g], [x * s for x in d])

    return _Group(rows, dens)


def _dynamic_backward(
    plan: DynPlan, ps: Sequence[Pass], ss: Sequence[dict[int, Any]], meter: Meter | None
) -> _Group:
    # seeds are scaled to integers by their common denominator S, kept aside (as in the
    # static plan), so the basis of the forward pass serves the backward pass too
    s = _seed_den(ss)
    seeds = [{v: Q(q * s) for v, q in seed.items()} for seed in ss]
    fr, epre = ps[0].vecs if ps[0].vecs is not None else (plan.frame(set()), None)
    if meter is not None:
        meter.pad = bitlen(s)
    eg, ed, adjs, errs = plan.backward(
        fr, ps[0].pre_dens, epre, [p.pre_nums for p in ps], seeds, meter
    )

    def dens() -> tuple[list[Any], list[Any]]:
        return [fr.B.value(e) * s for e in eg], [fr.B.value(e) * s for e in ed]

    return _Group(list(zip(ps, adjs, errs, strict=True)), dens)


def _summed_bound(network: Network, groups: Sequence[_Group]) -> int:
    """Size bound of every entry of ``dw``, ``errors`` (= ``db``) and ``adjoints`` (sums
    over samples and groups) from the actual bit lengths of the numerators:
    ``Σ_g a_g/b_g`` has a numerator below ``G·max_g 2**(bits(a_g) - bits(b_g))·Π b_g``
    and the denominator ``Π b_g``."""
    st = network._structure
    n, m = len(st.ids), len(st.esrc)
    parts: list[list[tuple[int, int]]] = [[] for _ in range(m + 2 * n)]
    for group in groups:
        rows = group.rows
        extra = ceil_log2(len(rows))
        vb = [max(bitlen(r[0].val_nums[v]) for r in rows) for v in range(n)]
        ab = [max(bitlen(r[1][v]) for r in rows) for v in range(n)]
        eb = [max(bitlen(r[2][v]) for r in rows) for v in range(n)]
        dg = [bitlen(d) for d in group.dens[0]]
        dd = [bitlen(d) for d in group.dens[1]]
        dv = [bitlen(d) for d in group.val_dens]
        for e, (u, v) in enumerate(zip(st.esrc, st.edst, strict=True)):
            if eb[v] and vb[u]:
                parts[e].append((eb[v] + vb[u] + extra, dd[v] + dv[u]))
        for v in range(n):
            if eb[v]:
                parts[m + v].append((eb[v] + extra, dd[v]))
            if ab[v]:
                parts[m + n + v].append((ab[v] + extra, dg[v]))
    best = 2
    for items in parts:
        if items:
            dens = sum(b for _, b in items)
            top = max(a - b for a, b in items) + dens + ceil_log2(len(items))
            best = max(best, 1 + max(0, top) + dens)
    return best


def _backward_prediction(
    plan: Plan, passes: Sequence[Pass], seeds: Sequence[dict[int, Any]], s: Any
) -> int:
    seeded = frozenset(v for seed in seeds for v in seed)
    x, y = plan.backward_bound(merge_xmag([p.xmag for p in passes]), seeded)
    mags = [lg(q) for seed in seeds for q in seed.values()]
    top = max((m for m in mags if m is not None), default=0) + ceil_log2(max(1, len(passes)))
    bs = bitlen(s)
    return 1 + max(0, x + top + bs) + y + bs
