"""
Magnitude, OBD and OBS on Digits
================================

Accuracy against compression ratio (weights before / after) for magnitude
pruning, Optimal Brain Damage (LeCun, Denker & Solla 1990), layer-wise
Optimal Brain Surgeon (Dong, Chen & Pan 2017) in one shot, and OBS with
retraining, all starting from the same trained 64-100-10 network. Without
retraining, the methods that compensate (OBS) keep their accuracy far longer
than those that only choose (magnitude, OBD).
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skprune import MagnitudePruner, OBDPruner, OBSPruner, PrunableMLPClassifier

warnings.simplefilter("ignore", ConvergenceWarning)
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16, y, test_size=0.3, stratify=y, random_state=0)
dense = PrunableMLPClassifier((100,), random_state=0).fit(X_train, y_train)
print(f"dense test accuracy: {dense.score(X_test, y_test):.3f}")

# %%
# Prune the same network with each method
# ---------------------------------------
sparsities = np.array([0.5, 0.7, 0.8, 0.9, 0.95, 0.98])
methods = {
    "magnitude (one-shot)": lambda s: MagnitudePruner(dense, sparsity=s, prefit=True, retrain_iter=0),
    "OBD (one-shot)": lambda s: OBDPruner(dense, sparsity=s, prefit=True, retrain_iter=0),
    "OBS layer-wise (one-shot)": lambda s: OBSPruner(dense, sparsity=s, prefit=True, retrain_iter=0),
    "OBS layer-wise, 4 rounds x 15 epochs": lambda s: OBSPruner(
        dense, sparsity=s, prefit=True, n_steps=4, retrain_iter=15, retrain_learning_rate=0.01
    ),
}
fig, ax = plt.subplots(figsize=(7, 4.5))
for name, make in methods.items():
    scores = [make(s).fit(X_train, y_train).score(X_test, y_test) for s in sparsities]
    ax.plot(1 / (1 - sparsities), scores, "-o", label=name)
    print(name, " ".join(f"{s:.3f}" for s in scores))
ax.axhline(dense.score(X_test, y_test), color="grey", linestyle=":", label="dense")
ax.set_xscale("log")
ax.set_xticks([2, 3, 5, 10, 20, 50], labels=["2", "3", "5", "10", "20", "50"])
ax.minorticks_off()
ax.set_xlabel("compression ratio (weights before / after)")
ax.set_ylabel("test accuracy")
ax.legend()
plt.show()

# %%
# With retraining, OBS keeps its one-shot accuracy and adds to it at the
# highest compressions. The rounds retrain at ``retrain_learning_rate=0.01``,
# ten times the network's own rate: 15 epochs of Adam at 0.001 are about 100
# small steps, too few to repair what the last round removed.
#
# Per-layer sparsities
# --------------------
# A list gives each layer its own sparsity (first layer first). Here the
# first layer, with 6,400 of the 7,400 weights, loses 95% and the output
# layer half.
pruner = MagnitudePruner(dense, sparsity=[0.95, 0.5], prefit=True, n_steps=4,
                         retrain_iter=15, retrain_learning_rate=0.01).fit(X_train, y_train)
kept = [int(m.sum()) for m in pruner.estimator_.masks_]
print(f"weights kept per layer: {kept}; overall sparsity {pruner.sparsity_:.3f}; "
      f"test accuracy {pruner.score(X_test, y_test):.3f}")
