"""Accuracy and cost of every pruner.

1. Digits: a 64-100-10 PrunableMLPClassifier (Adam, 200 epochs at most) is
   trained on 70% of scikit-learn's Digits; each pruner prunes a copy of that
   same dense network (``prefit=True``), one-shot (one round, no retraining)
   and iteratively (``n_steps=4, retrain_iter=15``, cubic schedule). Held-out
   accuracy averaged over the seeds, and each pruner's one-shot time as a
   multiple of one training epoch on the same data.
2. OBS damping: one-shot layer-wise OBS at 90% on 64-100-10 and full OBS at
   80% on 64-16-10, for several dampings.
3. Scale: layer-wise OBS at 90% of a 784-300-100-10 network on 10,000
   synthetic samples, as a multiple of one training epoch on the same data.

Run:  python benchmarks/bench_pruning.py [--seeds 3]
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skprune import MagnitudePruner, OBDPruner, OBSPruner, PrunableMLPClassifier

from _common import print_table

SPARSITIES = (0.5, 0.7, 0.8, 0.9, 0.95, 0.98)
PRUNERS = {
    "magnitude": lambda net, **k: MagnitudePruner(net, prefit=True, **k),
    "OBD gauss-newton": lambda net, **k: OBDPruner(net, prefit=True, hessian="gauss-newton", **k),
    "OBD lecun": lambda net, **k: OBDPruner(net, prefit=True, hessian="lecun", **k),
    "OBD fisher": lambda net, **k: OBDPruner(net, prefit=True, hessian="fisher", **k),
    "OBS layerwise exact": lambda net, **k: OBSPruner(
        net, prefit=True, method="layerwise", layerwise_solver="exact", **k
    ),
    "OBS layerwise blockwise": lambda net, **k: OBSPruner(
        net, prefit=True, method="layerwise", layerwise_solver="blockwise", **k
    ),
}
DAMPINGS = (1e-3, 1e-2, 1e-1, 1.0)
SETTINGS = {"one-shot": dict(n_steps=1), "iterative": dict(n_steps=4, retrain_iter=15)}


def digits_splits(seeds):
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    for seed in range(seeds):
        yield seed, train_test_split(X, y, test_size=0.3, stratify=y, random_state=seed)


def accuracy_and_time(seeds):
    """Section 1."""
    accuracy = {}
    dense_scores, epoch_times, prune_times = [], [], {name: [] for name in PRUNERS}
    for seed, (X_train, X_test, y_train, y_test) in digits_splits(seeds):
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


def damping_sweep(seeds):
    """Section 2."""
    scores = {}
    for seed, (X_train, X_test, y_train, y_test) in digits_splits(seeds):
        wide = PrunableMLPClassifier((100,), random_state=seed).fit(X_train, y_train)
        narrow = PrunableMLPClassifier((16,), max_iter=500, random_state=seed).fit(X_train, y_train)
        scores.setdefault("dense 64-100-10", []).append(wide.score(X_test, y_test))
        scores.setdefault("dense 64-16-10", []).append(narrow.score(X_test, y_test))
        for name, net, sparsity in (("magnitude 64-100-10, 90%", wide, 0.9), ("magnitude 64-16-10, 80%", narrow, 0.8)):
            pruner = MagnitudePruner(net, sparsity=sparsity, prefit=True).fit(X_train, y_train)
            scores.setdefault(name, []).append(pruner.score(X_test, y_test))
        for damping in DAMPINGS:
            for label, net, sparsity, method in (
                ("layer-wise OBS 64-100-10, 90%", wide, 0.9, "layerwise"),
                ("full OBS 64-16-10, 80%", narrow, 0.8, "full"),
            ):
                pruner = OBSPruner(net, sparsity=sparsity, method=method, damping=damping, prefit=True)
                pruner.fit(X_train, y_train)
                scores.setdefault((label, damping), []).append(pruner.score(X_test, y_test))
    print(f"\nOne-shot OBS against damping (held-out accuracy, {seeds} seed(s)):\n")
    for name in ("dense 64-100-10", "magnitude 64-100-10, 90%", "dense 64-16-10", "magnitude 64-16-10, 80%"):
        print(f"{name}: {np.mean(scores[name]):.3f}")
    print()
    labels = ("layer-wise OBS 64-100-10, 90%", "full OBS 64-16-10, 80%")
    print_table(
        ["damping"] + list(labels),
        [[f"{d:g}"] + [f"{np.mean(scores[(label, d)]):.3f}" for label in labels] for d in DAMPINGS],
    )


def large_network_timing():
    """Section 3."""
    rng = np.random.RandomState(0)
    X = rng.rand(10_000, 784).astype(np.float32)
    y = (X[:, :392].sum(axis=1) > X[:, 392:].sum(axis=1)).astype(int) + 2 * (X[:, ::2].sum(axis=1) > 196)
    start = time.perf_counter()
    net = PrunableMLPClassifier((300, 100), batch_size=128, max_iter=3, random_state=0).fit(X, y)
    epoch = (time.perf_counter() - start) / net.n_iter_
    print(f"\n784-300-100-10, 10,000 samples, float32: one training epoch {epoch:.2f} s\n")
    rows = []
    for solver in ("auto", "blockwise"):
        pruner = OBSPruner(net, sparsity=0.9, method="layerwise", layerwise_solver=solver, prefit=True)
        start = time.perf_counter()
        pruner.fit(X, y)
        seconds = time.perf_counter() - start
        rows.append([f"layer-wise OBS, {solver}", f"{seconds:.2f}", f"{seconds / epoch:.1f}"])
    start = time.perf_counter()
    MagnitudePruner(net, sparsity=0.9, prefit=True).fit(X, y)
    seconds = time.perf_counter() - start
    rows.append(["magnitude", f"{seconds:.2f}", f"{seconds / epoch:.1f}"])
    print_table(["pruner at 90%", "time (s)", "epochs"], rows)


def main(seeds):
    warnings.simplefilter("ignore", ConvergenceWarning)
    accuracy_and_time(seeds)
    damping_sweep(seeds)
    large_network_timing()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    main(parser.parse_args().seeds)
