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
    "OBS layer-wise + retraining": lambda s: OBSPruner(
        dense, sparsity=s, prefit=True, n_steps=4, retrain_iter=15
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
