"""
Choosing the sparsity: GridSearchCV, pruning_curve and PrunerCV
===============================================================

Every pruner is a scikit-learn estimator, so ``GridSearchCV`` can choose its
``sparsity`` inside a ``Pipeline``. But an iterative pruner passes through
every lower sparsity on its way to a high one: ``pruning_curve`` and
``PrunerCV`` prune one path per fold and score every level on the way, for
about the cost of a single fit per fold.
"""

# %%
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skprune import OBDPruner, PrunableMLPClassifier
from skprune.inspection import PruningCurveDisplay
from skprune.model_selection import PrunerCV

warnings.simplefilter("ignore", ConvergenceWarning)
X, y = load_digits(return_X_y=True)
levels = [0.5, 0.7, 0.8, 0.9, 0.95, 0.98]
pipe = make_pipeline(
    MinMaxScaler(),
    OBDPruner(PrunableMLPClassifier((64,), max_iter=100, random_state=0), n_steps=1, retrain_iter=10),
)

# %%
# GridSearchCV over the sparsity
# ------------------------------
start = time.perf_counter()
grid = GridSearchCV(pipe, {"obdpruner__sparsity": levels}, cv=3).fit(X, y)
grid_time = time.perf_counter() - start

# %%
# PrunerCV: one path per fold, the sparsest level within 1 point of the best
# --------------------------------------------------------------------------
start = time.perf_counter()
search = PrunerCV(pipe, sparsities=levels, cv=3, selection="sparsest", tol=0.01,
                  return_train_score=True).fit(X, y)
path_time = time.perf_counter() - start

print(f"GridSearchCV: {grid_time:6.1f} s, best sparsity {grid.best_params_['obdpruner__sparsity']}")
print(f"PrunerCV:     {path_time:6.1f} s, chosen sparsity {search.best_sparsity_} "
      f"(best level's score {search.cv_results_['mean_test_score'].max():.3f}, "
      f"chosen {search.best_score_:.3f})")

# %%
# ``PrunerCV`` has ``GridSearchCV``'s interface for its one parameter: the same
# ``cv_results_`` keys (here ``param_obdpruner__sparsity``, as the grid spells
# it), ``best_params_``, multi-metric ``scoring`` with ``refit=<metric>``,
# ``error_score``, ``groups`` and fit parameters.
print(sorted(search.cv_results_) == sorted(
    GridSearchCV(pipe, {"obdpruner__sparsity": levels}, cv=3, return_train_score=True)
    .fit(X[:300], y[:300]).cv_results_))
print(search.best_params_)

# %%
# The curves
# ----------
display = PruningCurveDisplay.from_cv_results(search, label="OBD, pruning path",
                                              x="compression", show_train=True)
display.ax_.plot(1 / (1 - np.array(levels)), grid.cv_results_["mean_test_score"], "k:x",
                 label="GridSearchCV (test)")
display.ax_.legend()
plt.show()

# %%
# Why the two curves part at high compression
# -------------------------------------------
# They do not measure the same thing. ``GridSearchCV`` fits the pruner once per
# level, and with ``n_steps=1`` each fit removes the whole level in a single
# round -- 95% or 98% of the weights at once -- then retrains for 10 epochs,
# too little to recover: its curve collapses at 20x and 50x. On the pruning
# path, a level is reached through every lower one, each followed by its own
# 10 epochs of retraining, so the network adapts gradually (the gradual
# pruning of Zhu & Gupta 2017): the path is both cheaper and better at high
# sparsity. To compare ``GridSearchCV`` fairly, give the pruner several rounds
# (``n_steps``; its default, ``"auto"``, prunes in one round per halving of
# the weights kept), at a higher cost still.
