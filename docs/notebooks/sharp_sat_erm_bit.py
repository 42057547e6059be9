# %% [markdown]
# # #SAT → ERM_bit (Thm 1.1)
#
# Each bit of the count block of n_P is one *promise ERM_bit* instance: the network of
# [Lemma 3.2](../../constructions/slp-network/) with every edge pinned by forcing samples
# ([pinning](../../constructions/pinning/)), one main sample with the bit loss on v_ℓ, and
# OPT = 0 exactly when the bit is 1 ([BitSLP → ERM_bit](../../constructions/bitslp-erm/)).

# %%
import itertools

from ermbit import exact
from ermbit.cnf import CNF
from ermbit.pipelines.via_erm import count_via_erm
from ermbit.problems.queries import BitQuery
from ermbit.reductions import get

phi = CNF(2, ((1, 2), (-1, 2)))
brute = sum(phi.satisfied_by(a) for a in itertools.product((False, True), repeat=2))
print("φ =", phi, "  #SAT by brute force:", brute)

# %% [markdown]
# ## One instance: the lowest bit of the count

# %%
t = get("sat-to-slp").forward(phi)
inst = get("bitslp-to-erm").forward(BitQuery(t.slp, t.offset))
print(inst.size_summary())
print("bit bound β =", inst.bit_bound, "  enc(θ*) =", exact.enc(inst.network.theta()))
print("L(θ*) =", exact.fmt(inst.loss()), " (0 iff the bit is 1; the count is", brute, ")")
assert (inst.loss() == 0) == (brute % 2 == 1)

# %% [markdown]
# ## All K instances, each decided exactly

# %%
res = count_via_erm(phi)
print(f"count {res.count} from {res.instances} ERM_bit instances")
assert res.count == brute
