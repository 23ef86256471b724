"""Cost of choosing the sparsity: pruning_curve against fits per level.

Digits (64-100-10), OBD (Gauss-Newton) with ``retrain_iter=15``, 10 sparsity
levels from 50% to 98%, 3 folds. Compares, per fold:

- one pruner fit at the highest level (``n_steps=4``),
- ``pruning_curve`` over the 10 levels (one dense fit, one round per level),
- ``PrunerCV`` over the 10 levels (the same paths, then a refit along the
  path to the chosen level),
- ``GridSearchCV`` over the 10 levels, without and with ``memory`` (which
  caches each fold's dense network).

The second table chooses the pruner and its level together: magnitude, OBD
and layer-wise OBS (``retrain_iter=15``, ``n_steps=1``) at 5 levels from 80%
to 98%, 3 folds: ``PrunerCV`` over the list of pruners against
``GridSearchCV`` over a one-step ``Pipeline`` whose step is swapped
(``{"prune": [...], "prune__sparsity": [...]}``), the way users wrote it
before, refits included in both.

Run:  python benchmarks/bench_model_selection.py
"""

import tempfile
import time
import warnings

import numpy as np
from joblib import Memory
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from sklearn.pipeline import Pipeline

from skprune import MagnitudePruner, OBDPruner, OBSPruner, PrunableMLPClassifier
from skprune.model_selection import PrunerCV, pruning_curve

from _common import print_table

LEVELS = np.round(np.linspace(0.5, 0.98, 10), 3)


def main():
    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    pruner = OBDPruner(PrunableMLPClassifier((100,), random_state=0), retrain_iter=15, n_steps=4)

    train_idx, _ = next(cv.split(X, y))
    start = time.perf_counter()
    pruner.set_params(sparsity=LEVELS[-1]).fit(X[train_idx], y[train_idx])
    single = time.perf_counter() - start

    start = time.perf_counter()
    _, _, test = pruning_curve(pruner, X, y, sparsities=LEVELS, cv=cv)
    curve = (time.perf_counter() - start) / 3

    start = time.perf_counter()
    chosen = PrunerCV(pruner, sparsities=LEVELS, cv=cv).fit(X, y)
    path_search = (time.perf_counter() - start - chosen.refit_time_) / 3

    start = time.perf_counter()
    search = GridSearchCV(pruner, {"sparsity": list(LEVELS)}, cv=cv).fit(X, y)
    grid = (time.perf_counter() - start - single) / 3  # minus the refit

    with tempfile.TemporaryDirectory() as folder:
        cached = pruner.set_params(memory=Memory(folder, verbose=0))
        start = time.perf_counter()
        GridSearchCV(cached, {"sparsity": list(LEVELS)}, cv=cv).fit(X, y)
        grid_cached = (time.perf_counter() - start - single) / 3

    print(f"Digits 64-100-10, OBD retrain_iter=15, {len(LEVELS)} levels "
          f"{LEVELS[0]:.0%}..{LEVELS[-1]:.0%}, 3 folds; per fold:\n")
    print_table(
        ["method", "time per fold (s)", "x one fit at the top level"],
        [
            ["one pruner fit at 98% (n_steps=4)", f"{single:.2f}", "1.00"],
            ["pruning_curve, 10 levels", f"{curve:.2f}", f"{curve / single:.2f}"],
            ["PrunerCV, 10 levels (refit apart)", f"{path_search:.2f}", f"{path_search / single:.2f}"],
            ["GridSearchCV, 10 levels", f"{grid:.2f}", f"{grid / single:.2f}"],
            ["GridSearchCV + memory, 10 levels", f"{grid_cached:.2f}", f"{grid_cached / single:.2f}"],
        ],
    )
    print("\nmean test accuracy per level (pruning_curve / GridSearchCV):")
    for level, a, b in zip(LEVELS, test.mean(axis=1), search.cv_results_["mean_test_score"]):
        print(f"  {level:.3f}: {a:.3f} / {b:.3f}")



def pruner_and_level():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    levels = [0.8, 0.9, 0.95, 0.97, 0.98]
    net = PrunableMLPClassifier((100,), random_state=0)
    params = dict(retrain_iter=15, n_steps=1)
    pruners = [MagnitudePruner(net, **params), OBDPruner(net, **params),
               OBSPruner(net, method="layerwise", **params)]
    start = time.perf_counter()
    ours = PrunerCV(pruners, sparsities=levels, cv=cv).fit(X, y)
    ours_time = time.perf_counter() - start
    start = time.perf_counter()
    grid = GridSearchCV(Pipeline([("prune", pruners[0])]),
                        {"prune": pruners, "prune__sparsity": levels}, cv=cv).fit(X, y)
    grid_time = time.perf_counter() - start
    print(f"\nChoosing the pruner and the level: 3 pruners x {len(levels)} levels, 3 folds, "
          "Digits, refit included\n")
    print_table(
        ["method", "time (s)", "ratio to GridSearchCV", "chosen", "best mean accuracy"],
        [
            ["GridSearchCV(Pipeline, pruner x sparsity)", f"{grid_time:.1f}", "1.00",
             f"{type(grid.best_params_['prune']).__name__} at {grid.best_params_['prune__sparsity']}",
             f"{grid.best_score_:.3f}"],
            ["PrunerCV([pruners], sparsities)", f"{ours_time:.1f}", f"{ours_time / grid_time:.2f}",
             f"{type(ours.best_params_['pruner']).__name__} at {ours.best_sparsity_}",
             f"{ours.best_score_:.3f}"],
        ],
    )


if __name__ == "__main__":
    main()
    pruner_and_level()
