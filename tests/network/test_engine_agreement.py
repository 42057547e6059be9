"""The two specialised exact passes agree with the network engine on random networks.

``loss_in_lowest_terms`` (incremental, lowest terms) and ``edge_gradient`` (one gradient
coordinate, integers kept) exist only for speed (``benchmarks/bench_engine.py``); here
they must give exactly what :meth:`ERMInstance.loss` and :meth:`BackpropInstance.gradient`
give.
"""

from __future__ import annotations

from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ermbit.network.erm import BackpropInstance, ERMInstance, Sample, loss_in_lowest_terms
from ermbit.solvers.backprop import edge_gradient
from tests.strategies_net import inputs, networks

KINDS = ("id", "relu", "poly")


@st.composite
def instances(draw: Any) -> tuple[Any, tuple[Sample, ...]]:
    net = draw(networks(kinds=KINDS, max_degree=3, max_nodes=5))
    samples = []
    for _ in range(draw(st.integers(1, 4))):
        x = draw(inputs(net))
        y = {o: draw(st.integers(-3, 3)) for o in net.outputs}
        loss = draw(st.sampled_from(("squared", "half_squared", "hinge", "exact")))
        samples.append(Sample.of(x, y, loss, draw(st.integers(1, 3))))
    return net, tuple(samples)


@settings(max_examples=80, deadline=None)
@given(instances())
def test_lowest_terms_loss_equals_the_engine(case: tuple[Any, tuple[Sample, ...]]) -> None:
    net, samples = case
    want = ERMInstance(net, samples, 0, 10**6).loss()
    assert loss_in_lowest_terms(net, net.theta(), samples)[0] == want


@settings(max_examples=80, deadline=None)
@given(instances(), st.data())
def test_edge_gradient_equals_the_engine(case: tuple[Any, tuple[Sample, ...]], data: Any) -> None:
    net, samples = case
    smooth = tuple(s for s in samples if s.loss.kind in ("squared", "half_squared"))
    assume(net.edges)
    if not smooth:
        smooth = (Sample.of({}, {o: 1 for o in net.outputs}, "squared"),)
    edge = data.draw(st.sampled_from([e.key for e in net.edges]))
    inst = BackpropInstance(net, smooth, edge, 0)
    assert edge_gradient(net, smooth, edge).dw == inst.gradient()
