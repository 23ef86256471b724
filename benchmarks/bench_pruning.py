"""Accuracy and cost of magnitude pruning and the three OBD Hessians on Digits.

A 64-100-10 PrunableMLPClassifier (Adam, 200 epochs at most) is trained on 70%
of scikit-learn's Digits; each pruner then prunes a copy of that same dense
network (``prefit=True``), one-shot (one round, no retraining) and iteratively
(``n_steps=4, retrain_iter=15``, cubic schedule). The table gives held-out
accuracy, averaged over the seeds, and each pruner's one-shot time as a
multiple of one training epoch on the same data.

Run:  python benchmarks/bench_pruning.py [--seeds 3]
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skprune import MagnitudePruner, OBDPruner, PrunableMLPClassifier

from _common import print_table

SPARSITIES = (0.5, 0.7, 0.8, 0.9, 0.95, 0.98)
PRUNERS = {
    "magnitude": lambda net, **k: MagnitudePruner(net, prefit=True, **k),
    "OBD gauss-newton": lambda net, **k: OBDPruner(net, prefit=True, hessian="gauss-newton", **k),
    "OBD lecun": lambda net, **k: OBDPruner(net, prefit=True, hessian="lecun", **k),
    "OBD fisher": lambda net, **k: OBDPruner(net, prefit=True, hessian="fisher", **k),
}
SETTINGS = {"one-shot": dict(n_steps=1), "iterative": dict(n_steps=4, retrain_iter=15)}


def main(seeds):
    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    accuracy = {}
    dense_scores, epoch_times, prune_times = [], [], {name: [] for name in PRUNERS}
    for seed in range(seeds):
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.3, stratify=y, random_state=seed
        )
        start = time.perf_counter()
        dense = PrunableMLPClassifier((100,), random_state=seed).fit(X_train, y_train)
        epoch_times.append((time.perf_counter() - start) / dense.n_iter_)
        dense_scores.append(dense.score(X_test, y_test))
        for setting, params in SETTINGS.items():
            for name, make in PRUNERS.items():
                for sparsity in SPARSITIES:
                    pruner = make(dense, sparsity=sparsity, random_state=seed, **params)
                    start = time.perf_counter()
                    pruner.fit(X_train, y_train)
                    if setting == "one-shot" and sparsity == 0.9:
                        prune_times[name].append(time.perf_counter() - start)
                    key = (setting, name, sparsity)
                    accuracy.setdefault(key, []).append(pruner.score(X_test, y_test))

    epoch = float(np.mean(epoch_times))
    print(f"Digits 64-100-10, 30% held out, {seeds} seed(s); dense accuracy "
          f"{np.mean(dense_scores):.3f}; one training epoch {epoch * 1e3:.1f} ms\n")
    headers = ["setting", "pruner"] + [f"{s:.0%}" for s in SPARSITIES]
    rows = [
        [setting, name] + [f"{np.mean(accuracy[(setting, name, s)]):.3f}" for s in SPARSITIES]
        for setting in SETTINGS for name in PRUNERS
    ]
    print_table(headers, rows)
    print("\nOne-shot pruning time at 90% (criterion, masks and history), in training epochs:\n")
    print_table(
        ["pruner", "time (ms)", "epochs"],
        [[name, f"{np.mean(t) * 1e3:.1f}", f"{np.mean(t) / epoch:.2f}"] for name, t in prune_times.items()],
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    main(parser.parse_args().seeds)
