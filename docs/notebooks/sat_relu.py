# %% [markdown]
# # SAT → ReLU training (Thm 1.4, R1)
#
# Per variable three ReLU gadgets force the trainable value t_i into {0, 1}; per clause one
# ReLU is 0 exactly when the clause is satisfied ([direct gadgets](../../constructions/sat-relu/)).
# So some admissible θ has loss 0 iff φ is satisfiable, and θ maps back to a model.

# %%
from ermbit import exact
from ermbit.cnf import CNF
from ermbit.pipelines.decide import decide
from ermbit.pipelines.explain import render, walk
from ermbit.reductions import get

phi = CNF(3, ((1, -2), (2, 3), (-1, -3)))
red = get("sat-to-relu")
target = red.forward(phi)
inst = target.instance
print(inst.size_summary(), " β =", inst.bit_bound)

# %% [markdown]
# ## A model, its witness, and the activation pattern

# %%
model = (False, False, True)
assert phi.satisfied_by(model)
w = red.lift(phi, target, model)
ev = inst.evaluate(w)
print("L =", exact.fmt(ev.loss), " enc =", ev.enc_bits, " admissible:", ev.admissible)
p = inst.network.with_theta(inst.theta_of(w)).forward(inst.samples[0].inputs)
relus = [v for v in inst.network.node_ids if str(inst.network.activation(v).kind) == "relu"]
print("active ReLUs:", [v for v in relus if p.pre[v] > 0])
assert red.back(phi, target, w) == model

# %% [markdown]
# ## Deciding φ by exactly training the network

# %%
res = decide(phi)
print("satisfiable:", res.satisfiable, " model:", res.model)
assert res.satisfiable and res.model is not None

# %%
print(render("np-relu", phi, walk("np-relu", phi))[:2500])
