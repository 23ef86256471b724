"""
Pruning at initialisation: SNIP, GraSP and SynFlow
==================================================

``InitPruner`` chooses the sparse network before any training, then trains
it. Its criteria: SNIP's connection sensitivity ``|g w|`` (Lee et al. 2019),
GraSP's gradient-flow preservation ``w (H g)`` (Wang et al. 2020), and
SynFlow's data-free path sums (Tanaka et al. 2020). The control is random
masks with the same per-layer sparsities (Frankle et al. 2021); the
reference is pruning after training.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skprune import InitPruner, MagnitudePruner, PrunableMLPClassifier

warnings.simplefilter("ignore", ConvergenceWarning)
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16, y, test_size=0.3, stratify=y, random_state=0)
net = PrunableMLPClassifier((100,), max_iter=100, random_state=0)

# %%
# Each criterion, and random masks with its per-layer sparsities
# --------------------------------------------------------------
scores = {}
for criterion in ("snip", "grasp", "synflow"):
    pruner = InitPruner(net, criterion=criterion, sparsity=0.95, random_state=0).fit(X_train, y_train)
    per_layer = [1 - m.mean() for m in pruner.estimator_.masks_]
    control = InitPruner(net, criterion="random", sparsity=per_layer, random_state=0).fit(X_train, y_train)
    scores[criterion] = (pruner.score(X_test, y_test), control.score(X_test, y_test))
    print(f"{criterion}: per-layer sparsity {np.round(per_layer, 3)}, "
          f"test accuracy {scores[criterion][0]:.3f}, random with these layers {scores[criterion][1]:.3f}")
after = MagnitudePruner(net, sparsity=0.95, n_steps=4, retrain_iter=25).fit(X_train, y_train)
print(f"pruned after training: {after.score(X_test, y_test):.3f}")

fig, ax = plt.subplots(figsize=(7, 4))
positions = np.arange(len(scores))
ax.bar(positions - 0.2, [s[0] for s in scores.values()], 0.4, label="the criterion")
ax.bar(positions + 0.2, [s[1] for s in scores.values()], 0.4, label="random, same per-layer sparsity")
ax.axhline(after.score(X_test, y_test), color="black", linestyle="--", label="magnitude, after training")
ax.set_xticks(positions, list(scores))
ax.set_ylim(0.5, 1.0)
ax.set_ylabel("test accuracy at 95% sparsity")
ax.legend(loc="lower right")
plt.show()
