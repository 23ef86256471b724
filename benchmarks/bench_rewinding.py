"""Iterative magnitude pruning with and without rewinding.

Magnitude pruning in the default rounds (one per halving of the weights
kept), each retraining until the network's stopping rule ends it, with the
retraining starting from: the pruned weights (fine-tuning, ``rewind=None``),
the weights at initialisation (``"init"``, Frankle & Carbin 2019), the
weights after epoch 2 of the dense training (``2``, Frankle et al. 2020), or
the pruned weights with the learning-rate schedule restarted (``"lr"``,
Renda et al. 2020). Test accuracy, mean and standard deviation over the
seeds, on Digits (64-100-10) and a generated problem (20 features, 5 classes,
64-unit network); a star marks a mean within one standard deviation of the
dense network's ("the ticket matches dense").

Run:  python benchmarks/bench_rewinding.py [--seeds 3]
"""

import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skprune import MagnitudePruner, PrunableMLPClassifier

from _common import comparison_splits, mean_std, print_table, run_over_seeds

LEVELS = (0.8, 0.9, 0.95, 0.98)
REWINDS = {"fine-tune": None, "init": "init", "epoch 2": 2, "lr": "lr"}


def main(seeds):
    warnings.simplefilter("ignore", ConvergenceWarning)
    results, start = {}, time.perf_counter()
    for seed, name, hidden, X_train, X_test, y_train, y_test in comparison_splits(seeds):
        net = PrunableMLPClassifier(hidden, random_state=seed)
        results.setdefault((name, "dense"), []).append(net.fit(X_train, y_train).score(X_test, y_test))
        for level in LEVELS:
            for label, rewind in REWINDS.items():
                pruner = MagnitudePruner(net, sparsity=level, rewind=rewind, random_state=seed)
                score = pruner.fit(X_train, y_train).score(X_test, y_test)
                results.setdefault((name, level, label), []).append(score)
    print(f"Test accuracy, mean (std) over {seeds} seeds; * within one std of dense "
          f"({time.perf_counter() - start:.0f} s)\n")
    rows = []
    for name in ("Digits", "generated"):
        dense = results[(name, "dense")]
        rows.append([name, "dense", mean_std(dense)] + [""] * (len(REWINDS) - 1))
        for level in LEVELS:
            row = [name, f"{level:.0%}"]
            for label in REWINDS:
                scores = results[(name, level, label)]
                star = "*" if np.mean(scores) >= np.mean(dense) - np.std(dense) else ""
                row.append(f"{mean_std(scores)}{star}")
            rows.append(row)
    print_table(["problem", "sparsity"] + list(REWINDS), rows)


if __name__ == "__main__":
    run_over_seeds(main, __doc__.splitlines()[0])
