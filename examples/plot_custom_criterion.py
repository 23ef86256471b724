"""
Write your own criterion: a gradient saliency through ScorePruner
=================================================================

A pruning criterion is a function that scores every connection weight; the
lowest scores are removed. :class:`~skprune.ScorePruner` takes such a function
directly, as :class:`~sklearn.feature_selection.SelectKBest` takes
``score_func``. Here it is the connection sensitivity ``|g w|`` of SNIP (Lee,
Ajanthan & Torr 2019): the first-order estimate of how much the training loss
changes when a weight is set to zero. It is compared on Digits with magnitude
pruning, Optimal Brain Damage and the random control, each pruning the same
trained 64-100-10 network gradually (every level one round of 10 retraining
epochs, the path that :meth:`~skprune.pruning.BasePruner.fit_path` walks).
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skprune import MagnitudePruner, OBDPruner, PrunableMLPClassifier, RandomPruner, ScorePruner
from skprune.pruning import loss_gradient

warnings.simplefilter("ignore", ConvergenceWarning)
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16, y, test_size=0.3, stratify=y, random_state=0)
dense = PrunableMLPClassifier((100,), random_state=0).fit(X_train, y_train)
print(f"dense test accuracy: {dense.score(X_test, y_test):.3f}")


# %%
# The criterion: ten lines
# ------------------------
# ``score_func(estimator, X, y, sample_weight=None)`` receives the network as it
# is at the start of each round and the training data, and returns one array
# per layer, shaped like ``estimator.coefs_``. :func:`~skprune.pruning.loss_gradient`
# gives the gradient of the training loss.
def connection_sensitivity(estimator, X, y, sample_weight=None):
    """``|dL/dw * w|``: the first-order change of the loss when ``w`` is removed."""
    gradients = loss_gradient(estimator, X, y, sample_weight)
    return [np.abs(g * W) for g, W in zip(gradients, estimator.coefs_)]


# %%
# Prune the same network along one path per criterion
# ---------------------------------------------------
levels = [0.5, 0.7, 0.8, 0.9, 0.95, 0.98]
criteria = {
    "|g w| (ScorePruner)": ScorePruner(dense, score_func=connection_sensitivity),
    "magnitude |w|": MagnitudePruner(dense),
    "OBD": OBDPruner(dense),
    "random": RandomPruner(dense, random_state=0),
}
accuracy = {}
for name, pruner in criteria.items():
    scores = []
    pruner.set_params(prefit=True, retrain_iter=10).fit_path(
        X_train, y_train, levels,
        callback=lambda step, network: scores.append(network.score(X_test, y_test)),
    )
    accuracy[name] = scores
    print(f"{name:>20}: " + "  ".join(f"{s:.3f}" for s in scores))

# %%
# Accuracy against compression
# ----------------------------
fig, ax = plt.subplots(figsize=(6, 4))
compression = 1 / (1 - np.array(levels))
for name, scores in accuracy.items():
    ax.plot(compression, scores, marker="o", label=name)
ax.axhline(dense.score(X_test, y_test), color="grey", linestyle=":", label="dense")
ax.set_xscale("log")
ax.set_xticks(compression, [f"{c:.0f}x" for c in compression])
ax.minorticks_off()
ax.set_xlabel("compression (weights before / after)")
ax.set_ylabel("test accuracy")
ax.legend()
fig.tight_layout()

# %%
# What the curves say
# -------------------
# Up to 5x every informed criterion stays within about a point of the dense
# network, while the random control already loses several: a criterion is
# worth its cost only where it beats that control. Beyond 10x the data-driven
# criteria, ``|g w|`` and OBD, keep the most accuracy and magnitude pruning
# falls fastest. Part of the reason is in the data: some Digits pixels are
# always zero, or almost, so the weights leaving them never change the
# output. Their gradient (and their OBD curvature) is zero, and both
# data-driven criteria remove them first, whatever their size; magnitude
# pruning keeps the large ones and spends its budget of surviving weights on
# them. Around 10x the gradient saliency can fall below magnitude: at a
# trained network the gradient is small and noisy -- at an exact minimum it
# is zero, which is why OBD uses the second-order term instead -- and SNIP
# was designed to score weights at initialisation, before training, where
# gradients are large.
