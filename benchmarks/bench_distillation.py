"""Distillation in retraining: does the dense teacher raise the pruned network?

OBS (layer-wise) prunes the dense network in 4 rounds of 15 epochs of
retraining at the network's own rate, with the retraining loss mixing the
network's own and ``distill`` of the distillation term towards the network
before pruning (Hinton et al. 2015), at temperature 2. Test accuracy, mean
(std) over the seeds, on Digits (64-100-10) and a generated problem
(20 features, 5 classes, 64 units).

Run:  python benchmarks/bench_distillation.py [--seeds 3]
"""

import argparse
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from skprune import OBSPruner, PrunableMLPClassifier

from _common import classification_problems, print_table, standardised_split

LEVELS = (0.9, 0.95, 0.98)
WEIGHTS = (0.0, 0.5, 0.9)


def main(seeds):
    warnings.simplefilter("ignore", ConvergenceWarning)
    results = {}
    for seed in range(seeds):
        for name, X, y, hidden in classification_problems(seed):
            X_train, X_test, y_train, y_test = standardised_split(X, y, seed)
            dense = PrunableMLPClassifier(hidden, random_state=seed).fit(X_train, y_train)
            results.setdefault((name, "dense"), []).append(dense.score(X_test, y_test))
            for level in LEVELS:
                for weight in WEIGHTS:
                    pruner = OBSPruner(dense, sparsity=level, n_steps=4, retrain_iter=15, prefit=True,
                                       distill=weight, random_state=seed).fit(X_train, y_train)
                    results.setdefault((name, level, weight), []).append(pruner.score(X_test, y_test))
    print(f"OBS, 4 rounds x 15 epochs: test accuracy, mean (std) over {seeds} seeds\n")
    rows = []
    for name in ("Digits", "generated"):
        dense = results[(name, "dense")]
        rows.append([name, "dense", f"{np.mean(dense):.3f} ({np.std(dense):.3f})", "", ""])
        for level in LEVELS:
            rows.append([name, f"{level:.0%}"] + [
                f"{np.mean(results[(name, level, w)]):.3f} ({np.std(results[(name, level, w)]):.3f})"
                for w in WEIGHTS])
    print_table(["problem", "sparsity"] + [f"distill={w}" for w in WEIGHTS], rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    with threadpool_limits(1):
        main(parser.parse_args().seeds)
