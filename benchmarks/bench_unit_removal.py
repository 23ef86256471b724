"""Hidden-unit removal: accuracy on Digits, cost at scale, and predict time.

1. Digits 64-100-10 (30% held out, 3 seeds): held-out accuracy after removing
   25/50/75% of the hidden units, one-shot, by each criterion, with and without
   the least-squares compensation.
2. 784-300-10 on 10,000 synthetic samples: removing 200 of the 300 units with
   the incremental solver (one Gram matrix, rank-one downdates of its inverse)
   against the method of the original report (a least-squares solve over all
   samples after each removal), as multiples of one training epoch.
3. ``predict`` time of the 784-300-10 network before and after.

Run:  python benchmarks/bench_unit_removal.py
"""

import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skprune import PrunableMLPClassifier, UnitRemovalPruner

from _common import best_of, print_table

FRACTIONS = (0.25, 0.5, 0.75)


def digits_accuracy(seeds=3):
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    scores, dense = {}, []
    for seed in range(seeds):
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, stratify=y, random_state=seed)
        net = PrunableMLPClassifier((100,), random_state=seed).fit(X_tr, y_tr)
        dense.append(net.score(X_te, y_te))
        for criterion in ("contribution", "error"):
            for compensate in (True, False):
                for fraction in FRACTIONS:
                    pruner = UnitRemovalPruner(net, sparsity=fraction, criterion=criterion,
                                               compensate=compensate, prefit=True,
                                               retrain_iter=0).fit(X_tr, y_tr)
                    key = (criterion, compensate, fraction)
                    scores.setdefault(key, []).append(pruner.score(X_te, y_te))
    print(f"Digits 64-100-10, one-shot unit removal; dense accuracy {np.mean(dense):.3f} ({seeds} seeds)\n")
    rows = [
        [criterion, "yes" if compensate else "no"]
        + [f"{np.mean(scores[(criterion, compensate, f)]):.3f}" for f in FRACTIONS]
        for criterion in ("contribution", "error") for compensate in (True, False)
    ]
    print_table(["criterion", "compensation"] + [f"{f:.0%} removed" for f in FRACTIONS], rows)


def naive_removal(net, X, n_remove):
    """The original method: choose by contribution, then a fresh least-squares
    solve over all samples for the compensation after every removal."""
    Y = net._network().forward(X)[1]
    Y1 = np.hstack([Y, np.ones((len(Y), 1))])
    W = np.vstack([net.coefs_[1], net.intercepts_[1]]).astype(np.float64)
    target = Y1 @ W
    alive = list(range(Y.shape[1]))
    norms = np.linalg.norm(Y, axis=0)
    for _ in range(n_remove):
        contribution = norms[alive] * np.linalg.norm(W[alive], axis=1)
        alive.pop(int(np.argmin(contribution)))
        cols = alive + [Y.shape[1]]
        W = np.zeros_like(W)
        W[cols] = np.linalg.lstsq(Y1[:, cols], target, rcond=None)[0]
    return W


def scale_and_predict():
    rng = np.random.RandomState(0)
    X = rng.rand(10_000, 784).astype(np.float32)
    y = (X[:, :392].sum(axis=1) > X[:, 392:].sum(axis=1)).astype(int) + 2 * (X[:, ::2].sum(axis=1) > 196)
    start = time.perf_counter()
    net = PrunableMLPClassifier((300,), batch_size=128, max_iter=3, random_state=0).fit(X, y)
    epoch = (time.perf_counter() - start) / net.n_iter_

    rows = []
    for criterion in ("contribution", "error"):
        pruner = UnitRemovalPruner(net, sparsity=200 / 300, criterion=criterion, prefit=True, retrain_iter=0)
        seconds = best_of(lambda: pruner.fit(X, y), 3)
        rows.append([f"incremental, {criterion}", f"{seconds:.3f}", f"{seconds / epoch:.2f}", ""])
    naive = best_of(lambda: naive_removal(net, X, 200), 1)
    rows.append(["least squares after each removal", f"{naive:.2f}", f"{naive / epoch:.1f}",
                 f"{naive / float(rows[0][1]):.0f}x"])
    print(f"\n784-300-10, 10,000 samples, remove 200 of 300 units; one epoch {epoch:.3f} s\n")
    print_table(["solver", "time (s)", "epochs", "slower than incremental"], rows)

    pruned = UnitRemovalPruner(net, sparsity=200 / 300, prefit=True, retrain_iter=0).fit(X, y).estimator_
    dense_t = best_of(lambda: net.predict(X), 5)
    pruned_t = best_of(lambda: pruned.predict(X), 5)
    print(f"\npredict on 10,000 rows: 300 units {dense_t * 1e3:.1f} ms, 100 units "
          f"{pruned_t * 1e3:.1f} ms (ratio {pruned_t / dense_t:.2f}; units ratio 0.33)")


if __name__ == "__main__":
    warnings.simplefilter("ignore", ConvergenceWarning)
    digits_accuracy()
    scale_and_predict()
