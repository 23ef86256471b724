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

import warnings

from sklearn.exceptions import ConvergenceWarning

from skprune import OBSPruner, PrunableMLPClassifier

from _common import comparison_splits, mean_std, print_table, run_over_seeds

LEVELS = (0.95, 0.98)
DISTILL = {"none": dict(distill=0.0), "0.5, T=4": dict(distill=0.5, distill_temperature=4.0),
           "0.9, T=2": dict(distill=0.9, distill_temperature=2.0)}
BUDGETS = {"4 x 15, own rate": dict(n_steps=4, retrain_iter=15),
           "4 x 15, rate 0.01": dict(n_steps=4, retrain_iter=15, retrain_learning_rate=0.01),
           "default (auto)": dict()}


def main(seeds):
    warnings.simplefilter("ignore", ConvergenceWarning)
    results = {}
    for seed, name, hidden, X_train, X_test, y_train, y_test in comparison_splits(seeds):
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
        rows.append([name, "dense", "", mean_std(dense), "", ""])
        for level in LEVELS:
            for budget in BUDGETS:
                rows.append([name, f"{level:.0%}", budget] + [
                    mean_std(results[(name, level, budget, d)]) for d in DISTILL])
    print_table(["problem", "sparsity", "retraining"] + [f"distill {d}" for d in DISTILL], rows)


if __name__ == "__main__":
    run_over_seeds(main, __doc__.splitlines()[0])
