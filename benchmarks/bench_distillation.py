"""Distillation in retraining: does the dense teacher raise the pruned network?

OBS (layer-wise) prunes the dense network with three retraining budgets --
4 rounds of 15 epochs at the network's own rate (Adam, 0.001), the same at
``retrain_learning_rate=0.01``, and the default rounds retrained until the
stopping rule -- with the retraining loss mixing the network's own and
``distill`` of the distillation term towards the network before pruning
(Hinton et al. 2015). Test accuracy, mean (std) over the seeds, on Digits
(64-100-10) and a generated problem (20 features, 5 classes, 64 units).

Run:  python benchmarks/bench_distillation.py [--seeds 3]
"""

import argparse
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from skprune import OBSPruner, PrunableMLPClassifier

from _common import classification_problems, print_table, standardised_split

LEVELS = (0.95, 0.98)
DISTILL = {"none": dict(distill=0.0), "0.5, T=4": dict(distill=0.5, distill_temperature=4.0),
           "0.9, T=2": dict(distill=0.9, distill_temperature=2.0)}
BUDGETS = {"4 x 15, own rate": dict(n_steps=4, retrain_iter=15),
           "4 x 15, rate 0.01": dict(n_steps=4, retrain_iter=15, retrain_learning_rate=0.01),
           "default (auto)": dict()}


def main(seeds):
    warnings.simplefilter("ignore", ConvergenceWarning)
    results = {}
    for seed in range(seeds):
        for name, X, y, hidden in classification_problems(seed):
            X_train, X_test, y_train, y_test = standardised_split(X, y, seed)
            dense = PrunableMLPClassifier(hidden, random_state=seed).fit(X_train, y_train)
            results.setdefault((name, "dense"), []).append(dense.score(X_test, y_test))
            for level in LEVELS:
                for budget, retraining in BUDGETS.items():
                    for label, distill in DISTILL.items():
                        pruner = OBSPruner(dense, sparsity=level, prefit=True, random_state=seed,
                                           **retraining, **distill).fit(X_train, y_train)
                        results.setdefault((name, level, budget, label), []).append(pruner.score(X_test, y_test))
    print(f"OBS: test accuracy, mean (std) over {seeds} seeds, by retraining and distill\n")
    rows = []
    for name in ("Digits", "generated"):
        dense = results[(name, "dense")]
        rows.append([name, "dense", "", f"{np.mean(dense):.3f} ({np.std(dense):.3f})", "", ""])
        for level in LEVELS:
            for budget in BUDGETS:
                rows.append([name, f"{level:.0%}", budget] + [
                    f"{np.mean(results[(name, level, budget, d)]):.3f} "
                    f"({np.std(results[(name, level, budget, d)]):.3f})" for d in DISTILL])
    print_table(["problem", "sparsity", "retraining"] + [f"distill {d}" for d in DISTILL], rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    with threadpool_limits(1):
        main(parser.parse_args().seeds)
