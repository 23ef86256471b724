"""Pruning at initialisation against random pruning at initialisation and
against pruning after training.

SNIP, GraSP and SynFlow (``InitPruner``) each choose a sparse network before
training; the same per-layer sparsities with random masks (the control of
Frankle et al. 2021: a method matters only where it beats it) and magnitude
pruning after training (the default rounds, ``MagnitudePruner``) bracket
them. Every sparse network then trains as the network's own ``fit`` would.
Test accuracy, mean (std) over the seeds, on Digits (64-100-10) and a
generated problem (20 features, 5 classes, 64 units).

Run:  python benchmarks/bench_at_init.py [--seeds 3]
"""

import time
import warnings

from sklearn.exceptions import ConvergenceWarning

from skprune import InitPruner, MagnitudePruner, PrunableMLPClassifier

from _common import comparison_splits, mean_std, print_table, run_over_seeds

LEVELS = (0.8, 0.9, 0.95, 0.98)
METHODS = ("snip", "grasp", "synflow")
COLUMNS = [f"{m}" for m in METHODS] + [f"random ({m}'s layers)" for m in METHODS] + ["after training"]


def main(seeds):
    warnings.simplefilter("ignore", ConvergenceWarning)
    results, start = {}, time.perf_counter()
    for seed, name, hidden, X_train, X_test, y_train, y_test in comparison_splits(seeds):
        net = PrunableMLPClassifier(hidden, random_state=seed)
        results.setdefault((name, "dense"), []).append(net.fit(X_train, y_train).score(X_test, y_test))
        for level in LEVELS:
            def record(column, pruner):
                score = pruner.fit(X_train, y_train).score(X_test, y_test)
                results.setdefault((name, level, column), []).append(score)
                return pruner

            for method in METHODS:
                chosen = record(method, InitPruner(net, criterion=method, sparsity=level, random_state=seed))
                per_layer = [1 - m.mean() for m in chosen.estimator_.masks_]
                record(f"random ({method}'s layers)",
                       InitPruner(net, criterion="random", sparsity=per_layer, random_state=seed))
            record("after training", MagnitudePruner(net, sparsity=level, random_state=seed))
    print(f"Test accuracy, mean (std) over {seeds} seeds ({time.perf_counter() - start:.0f} s)\n")
    rows = []
    for name in ("Digits", "generated"):
        dense = results[(name, "dense")]
        rows.append([name, "dense", mean_std(dense)] + [""] * (len(COLUMNS) - 1))
        for level in LEVELS:
            rows.append([name, f"{level:.0%}"] + [
                mean_std(results[(name, level, c)])
                for c in COLUMNS])
    print_table(["problem", "sparsity"] + COLUMNS, rows)


if __name__ == "__main__":
    run_over_seeds(main, __doc__.splitlines()[0])
