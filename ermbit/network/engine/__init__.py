"""The exact evaluation engine behind :meth:`ermbit.network.Network.forward` and
:meth:`~ermbit.network.Network.backward` (private to :mod:`ermbit.network`).

* :mod:`.structure` — the integer-indexed graph shared by every θ;
* :mod:`.plan` — per-node plans: common denominators fixed by θ, size bounds;
* :mod:`.passes` — the :class:`Pass` and :class:`Grad` results, static and dynamic runs;
* :mod:`.dynamic` — per-node denominators where static ones compound;
* :mod:`.frame` — θ over one basis of denominators, for dynamic passes;
* :mod:`.budget` — budget checks: a whole static bound, or node by node;
* :mod:`.lower` — lower bounds on value sizes (for refusals before arithmetic);
* :mod:`.backward` — reverse-mode exact gradients;
* :mod:`.lowest` — a forward pass in lowest terms, node by node;
* :mod:`.bits` — bit-length bookkeeping (log bounds, denominator bases).
"""
