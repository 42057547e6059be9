"""Step-by-step walkthroughs of the reduction chains, for teaching (``ermbit explain``).

* :mod:`.chains` -- the chains and :func:`walk`, which runs one on a tiny input, verifies
  every step and collects the objects each step shows;
* :mod:`.blocks` -- the displayable objects (formulas, tables, bits, listings, drawings);
* :mod:`.counting`, :mod:`.relu` -- what the steps of the polynomial and ReLU chains show;
* :mod:`.render` (text, Markdown, LaTeX) and :mod:`.html` (one self-contained page);
* :mod:`.worksheet` -- exercises on a seeded tiny instance, with a checked answer key.
"""

from __future__ import annotations

from ermbit.pipelines.explain.chains import CHAINS, Step, network_of, walk
from ermbit.pipelines.explain.render import FORMATS, render

__all__ = ["CHAINS", "FORMATS", "Step", "network_of", "render", "walk"]
