"""Checking reductions: the generic verifier of claims and witness maps, sweeps over
seeded families, shrinking of failing inputs, counterexample files and manifests."""
