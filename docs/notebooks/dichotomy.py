# %% [markdown]
# # The dichotomy in pictures
#
# **Fig. 1** ([bit growth](../../constructions/bit-growth/)): with σ = z² the values of a
# deep network double in size at every layer; with ReLU they grow by a constant.  Then
# **XOR**: one z² unit fits it exactly, y = (x₁ − x₂)²; with ReLU two units do,
# y = ReLU(x₁ − x₂) + ReLU(x₂ − x₁).  Both are checked exactly on the four points.

# %%
import matplotlib.pyplot as plt

from ermbit.network.model import NetworkBuilder
from ermbit.studies.bit_growth import bit_growth

rows = bit_growth(8, width=3, seed=0, scales=(1,))
curves = {}
for act in ("z^2", "ReLU"):
    pts = [(r.depth, r.max_bits) for r in rows if r.activation == act and r.max_bits]
    curves[act] = [b for _, b in pts]
    print(act, pts)
    plt.plot([d for d, _ in pts], [b for _, b in pts], marker="o", label=f"σ = {act}")
plt.yscale("log")
plt.xlabel("depth")
plt.ylabel("largest value (bits)")
plt.legend()
plt.show()
assert len(curves["z^2"]) == len(curves["ReLU"]) == 8
assert curves["z^2"][-1] > 10 * curves["ReLU"][-1]  # exponential against linear growth

# %% [markdown]
# ## XOR with one z² unit

# %%
POINTS = {(0, 0): 0, (0, 1): 1, (1, 0): 1, (1, 1): 0}

nb = NetworkBuilder()
nb.add_node("x1")
nb.add_node("x2")
nb.add_node("h")
nb.add_node("u", "z**2")
nb.add_edge("x1", "h", 1, 0)
nb.add_edge("x2", "h", -1, 0)
nb.add_edge("h", "u", 1, 0)
square = nb.build(["u"])
for (a, b), y in POINTS.items():
    out = square.forward({"x1": a, "x2": b}).values["u"]
    print((a, b), "→", out)
    assert out == y

# %% [markdown]
# ## XOR with two ReLU units

# %%
nb = NetworkBuilder()
for v in ("x1", "x2", "h1", "h2", "o"):
    nb.add_node(v)
nb.add_node("r1", "relu")
nb.add_node("r2", "relu")
nb.add_edge("x1", "h1", 1, 0)
nb.add_edge("x2", "h1", -1, 0)
nb.add_edge("x1", "h2", -1, 0)
nb.add_edge("x2", "h2", 1, 0)
nb.add_edge("h1", "r1", 1, 0)
nb.add_edge("h2", "r2", 1, 0)
nb.add_edge("r1", "o", 1, 0)
nb.add_edge("r2", "o", 1, 0)
two_relu = nb.build(["o"])
for (a, b), y in POINTS.items():
    out = two_relu.forward({"x1": a, "x2": b}).values["o"]
    print((a, b), "→", out)
    assert out == y

# %% [markdown]
# One ReLU unit cannot fit XOR: its input g(x) = w·x + c is affine, so
# g(0, 0) + g(1, 1) = g(0, 1) + g(1, 0).  Output 1 at (0, 1) and (1, 0) needs g = 1 there,
# so g(0, 0) + g(1, 1) = 2 and one of them is ≥ 1: the output there is not 0.
