"""Exact rational linear programming: the two-phase simplex (:mod:`.simplex`), linear
systems and certificates (:mod:`.linear`), feasibility with strict rows
(:mod:`.program`) and short rational points (:mod:`.rounding`)."""
