"""
Getting started: make your model smaller
========================================

A step-by-step walk from a trained network to a smaller one you can ship:

1. train a network (or import a scikit-learn ``MLPClassifier``);
2. look at its layers;
3. prune it once, without retraining, and see what that costs;
4. prune it in rounds with retraining;
5. let cross-validation choose how much to prune;
6. compact it, export it to scikit-learn, and save it.

The data are scikit-learn's Digits (8 x 8 images, 10 classes), scaled to
[0, 1]: networks train best on inputs of unit scale.
"""

# %%
# 1. Train a network
# ------------------
# :class:`~skprune.PrunableMLPClassifier` takes the parameters of
# scikit-learn's :class:`~sklearn.neural_network.MLPClassifier` and trains the
# same way. An ``MLPClassifier`` you already have works too:
# ``PrunableMLPClassifier.from_sklearn(mlp)``, or pass it to a pruner with
# ``prefit=True``.
import pickle
import tempfile
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skprune import OBSPruner, PrunableMLPClassifier
from skprune.model_selection import PrunerCV

warnings.simplefilter("ignore", ConvergenceWarning)
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16.0, y, test_size=0.3, stratify=y, random_state=0)

net = PrunableMLPClassifier((100,), max_iter=200, random_state=0).fit(X_train, y_train)
print(f"dense network: test accuracy {net.score(X_test, y_test):.3f}")

# %%
# 2. Look at the layers
# ---------------------
# ``layer_summary()`` gives each layer's shape, its weights, how many are
# kept, and the units no kept weight reads or feeds. A dense network keeps
# everything; a few of Digits' pixels are blank in every image, but their
# weights are still there.
print(net.layer_summary())

# %%
# 3. Prune once, without retraining
# ---------------------------------
# Every pruner takes the network and a ``sparsity``, the fraction of weights
# to remove. ``prefit=True`` prunes this network instead of training a new
# one; ``retrain_iter=0`` removes the weights in one shot and stops there.
# Optimal Brain Surgeon moves the weights it keeps to make up for the ones
# it removes, so one shot already goes far.
levels = [0.5, 0.8, 0.9, 0.95, 0.98]
one_shot = []
for sparsity in levels:
    pruner = OBSPruner(net, sparsity=sparsity, prefit=True, retrain_iter=0).fit(X_train, y_train)
    one_shot.append(pruner.score(X_test, y_test))
    print(f"one-shot OBS at {sparsity:.0%}: test accuracy {one_shot[-1]:.3f}")

# %%
# 4. Prune in rounds, with retraining
# -----------------------------------
# Beyond 90% one shot loses accuracy. Pruning in ``n_steps`` rounds, each
# followed by retraining with the remaining weights (pruned ones stay exactly
# zero), recovers most of it. By default each round retrains until the
# network's own stopping rule ends it; ``retrain_learning_rate`` can speed
# that up (see the user guide's "How many rounds, how much retraining").
iterative = []
for sparsity in levels:
    pruner = OBSPruner(net, sparsity=sparsity, prefit=True, n_steps=3,
                       retrain_learning_rate=0.01).fit(X_train, y_train)
    iterative.append(pruner.score(X_test, y_test))
    print(f"OBS in 3 rounds at {sparsity:.0%}: test accuracy {iterative[-1]:.3f}")

# %%
# The summary of the 98% network shows where the weights went: OBS allocates
# the budget across layers on the loss it predicts, so the output layer keeps
# relatively more of its weights, and 63 of the 100 hidden units lost every
# input (they now output a constant) while 21 pixels are read by no unit.
print(pruner.estimator_.layer_summary())

fig, ax = plt.subplots()
ax.plot([100 * s for s in levels], one_shot, "o-", label="one shot")
ax.plot([100 * s for s in levels], iterative, "s-", label="3 rounds with retraining")
ax.axhline(net.score(X_test, y_test), color="gray", linestyle=":", label="dense")
ax.set_xlabel("weights removed (%)")
ax.set_ylabel("test accuracy")
ax.legend()
plt.show()

# %%
# 5. Let cross-validation choose the sparsity
# -------------------------------------------
# :class:`~skprune.model_selection.PrunerCV` prunes one path per fold through
# increasing sparsities and scores every level on the way, so ten levels
# cost about as much as one pruning. ``selection="sparsest"`` takes the
# sparsest level whose score is within ``tol`` of the best.
search = PrunerCV(
    OBSPruner(PrunableMLPClassifier((100,), max_iter=200, random_state=0), n_steps=3,
              retrain_learning_rate=0.01),
    sparsities=levels, selection="sparsest", tol=0.01, cv=3,
).fit(X_train, y_train)
print(f"chosen sparsity: {search.best_sparsity_:.0%}, "
      f"test accuracy {search.score(X_test, y_test):.3f}")

# %%
# 6. Compact, export, save
# ------------------------
# ``compact()`` deletes the hidden units pruning left dead and the inputs no
# weight reads; predictions stay the same. ``to_sklearn()`` gives a plain
# ``MLPClassifier`` that needs only scikit-learn to run. Pickled (or saved
# with joblib or skops), a pruned network stores only its kept weights.
small = search.best_estimator_.estimator_.compact()
# the sparsity is now counted against the smaller network: the weights of the
# deleted units and inputs, all pruned, are gone from the count
print(small.layer_summary())
exported = small.to_sklearn()
print(f"exported: {type(exported).__name__}, hidden layers {exported.hidden_layer_sizes}, "
      f"test accuracy {exported.score(X_test, y_test):.3f}")

with tempfile.TemporaryDirectory() as directory:
    dense_file, small_file = Path(directory, "dense.pkl"), Path(directory, "small.pkl")
    dense_file.write_bytes(pickle.dumps(net))
    small_file.write_bytes(pickle.dumps(small))
    print(f"saved: dense {dense_file.stat().st_size / 1024:.0f} KiB, "
          f"pruned {small_file.stat().st_size / 1024:.0f} KiB")
    restored = pickle.loads(small_file.read_bytes())
assert (restored.predict(X_test) == small.predict(X_test)).all()

# sphinx_gallery_thumbnail_number = 1
