"""Exact solvers: ``sat`` (CDCL and model counters), ``lp`` (exact rational simplex),
``erm`` (ERM_bit: pattern search, pinned instances, presolve, the general solver) and
:mod:`ermbit.solvers.backprop` (exact gradient coordinates)."""
