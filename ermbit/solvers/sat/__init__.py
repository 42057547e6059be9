"""SAT with checked models (:mod:`.cdcl`) and exact model counting (:mod:`.counting`:
brute force, ermbit's own component-caching DPLL, enumeration, Ganak, auto)."""
