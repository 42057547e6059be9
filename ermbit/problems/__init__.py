"""Value types that reductions map between, beside :mod:`ermbit.cnf` and :mod:`ermbit.slp`:
NAE formulas, set splitting instances, 0/1 matrices and bit queries about an SLP.
"""
