# %% [markdown]
# # #SAT → one bit of one gradient coordinate (Thm 1.3)
#
# A formula φ becomes a straight-line program whose value n_P carries #SAT(φ) in a block of
# bits ([Kronecker substitution](../../constructions/kronecker/)); the program becomes a
# network with σ = z² ([Lemma 3.2](../../constructions/slp-network/)); and bit K·E* + r of
# n_P is a bit of ∂L/∂w_e* at θ* ([Thm 1.3](../../constructions/backprop/)).  Everything
# below is exact: gmpy2 integers and rationals, no floating point.

# %%
from ermbit import exact
from ermbit.cnf import CNF
from ermbit.pipelines.explain import render, walk
from ermbit.pipelines.via_backprop import count_via_backprop
from ermbit.reductions import get
from ermbit.reductions.sat_to_slp import kronecker_parameters, read_block
from ermbit.slp import evaluate_int

phi = CNF(3, ((1, -2), (2, 3), (-1, -3)))
print("φ =", phi)

# %% [markdown]
# ## The count as a block of bits

# %%
target = get("sat-to-slp").forward(phi)
B, K, E = kronecker_parameters(phi)
n_p = evaluate_int(target.slp)
print(f"B = {B}, K = {K}, E* = {E}; n_P has {exact.bitlen(n_p)} bits")
block = read_block(n_p, K * E, K)
print(f"bits [{K * E}, {K * E + K}) of n_P:", format(block, f"0{K}b"), "=", block)
brute = sum(phi.satisfied_by(a) for a in __import__("itertools").product((False, True), repeat=3))
assert block == brute, (block, brute)

# %% [markdown]
# ## The walkthrough: objects step by step

# %%
steps = walk("sharp-p-backprop", phi)
print(render("sharp-p-backprop", phi, steps)[:3000])

# %% [markdown]
# ## The count, read from K exact gradient bits

# %%
res = count_via_backprop(phi)
print(f"count {res.count} from {res.instances} Backprop-Bit instances; bits {res.bits}")
assert res.count == brute
