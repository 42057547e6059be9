"""Exact ERM_bit solvers: the dispatcher (:mod:`.dispatch`), pattern search for
piecewise-linear networks (:mod:`.pattern`), pinned instances (:mod:`.pinned`) and
their presolve (:mod:`.presolve`), the general complete search (:mod:`.general`); every
one answers a :class:`~.result.SolveResult`."""
