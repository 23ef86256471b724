"""Movement and Wanda against magnitude, OBD and OBS, with the same budget.

Every pruner prunes the same dense network in 4 rounds (cubic schedule) with
15 epochs of training per round at ``retrain_learning_rate=0.01``: 15 epochs
of retraining for the others; for movement pruning, 5 scoring epochs before
each round and 10 of retraining after it. Test accuracy, mean (std) over the
seeds, and the mean fit time, on Digits (64-100-10) and a generated problem
(20 features, 5 classes, 64 units).

Run:  python benchmarks/bench_new_criteria.py [--seeds 3]
"""

import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skprune import (MagnitudePruner, MovementPruner, OBDPruner, OBSPruner, PrunableMLPClassifier,
                     WandaPruner)

from _common import comparison_splits, print_table, run_over_seeds

LEVELS = (0.9, 0.95, 0.98)
BUDGET = dict(n_steps=4, retrain_learning_rate=0.01, prefit=True)
PRUNERS = {
    "magnitude": lambda net: MagnitudePruner(net, retrain_iter=15, **BUDGET),
    "OBD": lambda net: OBDPruner(net, retrain_iter=15, **BUDGET),
    "OBS": lambda net: OBSPruner(net, retrain_iter=15, **BUDGET),
    "Wanda": lambda net: WandaPruner(net, retrain_iter=15, **BUDGET),
    "Wanda, layer": lambda net: WandaPruner(net, retrain_iter=15, scope="layer", **BUDGET),
    "Wanda, global": lambda net: WandaPruner(net, retrain_iter=15, scope="global", **BUDGET),
    "movement": lambda net: MovementPruner(net, retrain_iter=10, movement_iter=5, **BUDGET),
}


def main(seeds):
    warnings.simplefilter("ignore", ConvergenceWarning)
    results = {}
    for seed, name, hidden, X_train, X_test, y_train, y_test in comparison_splits(seeds):
        dense = PrunableMLPClassifier(hidden, random_state=seed).fit(X_train, y_train)
        results.setdefault((name, "dense"), []).append((dense.score(X_test, y_test), 0.0))
        for level in LEVELS:
            for label, make in PRUNERS.items():
                start = time.perf_counter()
                pruner = make(dense).set_params(sparsity=level, random_state=seed).fit(X_train, y_train)
                results.setdefault((name, level, label), []).append(
                    (pruner.score(X_test, y_test), time.perf_counter() - start))
    print(f"Test accuracy, mean (std) over {seeds} seeds, and mean fit seconds\n")
    rows = []
    for name in ("Digits", "generated"):
        dense = [r[0] for r in results[(name, "dense")]]
        rows.append([name, "dense", f"{np.mean(dense):.3f}"] + [""] * (len(PRUNERS) - 1))
        for level in LEVELS:
            row = [name, f"{level:.0%}"]
            for label in PRUNERS:
                scores, seconds = np.array(results[(name, level, label)]).T
                row.append(f"{scores.mean():.3f} ({scores.std():.3f}) {seconds.mean():.1f} s")
            rows.append(row)
    print_table(["problem", "sparsity"] + list(PRUNERS), rows)


if __name__ == "__main__":
    run_over_seeds(main, __doc__.splitlines()[0])
