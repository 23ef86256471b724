"""Accuracy and cost of every pruner.

1. Digits: a 64-100-10 PrunableMLPClassifier (Adam, 200 epochs at most) is
   trained on 70% of scikit-learn's Digits; each pruner prunes a copy of that
   same dense network (``prefit=True``): one-shot (one round, no retraining),
   in 4 rounds of 15 epochs each at the network's learning rate (0.001) and
   at ``retrain_learning_rate=0.01``, and -- for magnitude -- in Zhu &
   Gupta's (2017) gradual form, 30 rounds of 2 epochs (the same 60 epochs).
   Held-out accuracy averaged over the seeds; one-shot time as a multiple of
   one training epoch; and the time of a round of OBS with retraining against
   its 15 epochs plus one one-shot prune.
2. Allocation across layers for layer-wise OBS: on the predicted loss (the
   default), from a global ranking of ``|w|`` (passed as per-layer
   sparsities), and uniform (``scope="layer"``).
3. The same comparison as 1 on a second, generated problem.
4. OBS damping: one-shot layer-wise OBS at 90% on 64-100-10 and full OBS at
   80% on 64-16-10, for several dampings.
5. Scale: layer-wise OBS at 90% of a 784-300-100-10 network on 10,000
   synthetic samples, as a multiple of one training epoch on the same data.

Run:  python benchmarks/bench_pruning.py [--seeds 3]
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from skprune import MagnitudePruner, OBDPruner, OBSPruner, PrunableMLPClassifier
from skprune.pruning._allocation import allocate

from _common import print_table

SPARSITIES = (0.8, 0.9, 0.95, 0.98)
PRUNERS = {
    "magnitude": lambda net, **k: MagnitudePruner(net, prefit=True, **k),
    "OBD gauss-newton": lambda net, **k: OBDPruner(net, prefit=True, hessian="gauss-newton", **k),
    "OBD gauss-newton, first order": lambda net, **k: OBDPruner(
        net, prefit=True, hessian="gauss-newton", first_order=True, **k),
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
SETTINGS = {
    "one-shot": dict(n_steps=1, retrain_iter=0),
    "4 x 15 epochs": dict(n_steps=4, retrain_iter=15),
    "4 x 15 epochs, rate 0.01": dict(n_steps=4, retrain_iter=15, retrain_learning_rate=0.01),
}
GRADUAL = {  # Zhu & Gupta 2017: prune often, a little at a time, in the same 60 epochs
    "30 x 2 epochs": dict(n_steps=30, retrain_iter=2),
    "30 x 2 epochs, rate 0.01": dict(n_steps=30, retrain_iter=2, retrain_learning_rate=0.01),
}


def digits_splits(seeds):
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    for seed in range(seeds):
        yield seed, train_test_split(X, y, test_size=0.3, stratify=y, random_state=seed)


def generated_splits(seeds):
    X, y = make_classification(3000, 40, n_informative=20, n_classes=5, random_state=0)
    X = X / np.abs(X).max()
    for seed in range(seeds):
        yield seed, train_test_split(X, y, test_size=0.3, stratify=y, random_state=seed)


def accuracy_and_time(seeds, splits=digits_splits, title="Digits 64-100-10", timing=True):
    """Sections 1 and 3."""
    accuracy = {}
    dense_scores, epoch_times, prune_times = [], [], {name: [] for name in PRUNERS}
    round_times = []
    runs = [(setting, name, params) for setting, params in SETTINGS.items() for name in PRUNERS]
    runs += [(setting, "magnitude, gradual (Zhu & Gupta)", params) for setting, params in GRADUAL.items()]
    for seed, (X_train, X_test, y_train, y_test) in splits(seeds):
        start = time.perf_counter()
        dense = PrunableMLPClassifier((100,), random_state=seed).fit(X_train, y_train)
        epoch_times.append((time.perf_counter() - start) / dense.n_iter_)
        dense_scores.append(dense.score(X_test, y_test))
        for setting, name, params in runs:
            make = PRUNERS.get(name, PRUNERS["magnitude"])
            for sparsity in SPARSITIES:
                pruner = make(dense, sparsity=sparsity, random_state=seed, **params)
                start = time.perf_counter()
                pruner.fit(X_train, y_train)
                seconds = time.perf_counter() - start
                if sparsity == 0.9 and setting == "one-shot":
                    prune_times[name].append(seconds)
                if sparsity == 0.9 and setting == "4 x 15 epochs" and name == "OBS layerwise exact":
                    round_times.append(seconds / 4)
                accuracy.setdefault((setting, name, sparsity), []).append(pruner.score(X_test, y_test))

    epoch = float(np.mean(epoch_times))
    print(f"{title}, 30% held out, {seeds} seed(s); dense accuracy "
          f"{np.mean(dense_scores):.3f}; one training epoch {epoch * 1e3:.1f} ms\n")
    headers = ["setting", "pruner"] + [f"{s:.0%}" for s in SPARSITIES]
    rows = [
        [setting, name] + [f"{np.mean(accuracy[(setting, name, s)]):.3f}" for s in SPARSITIES]
        for setting, name, _ in runs
    ]
    print_table(headers, rows)
    if not timing:
        return
    print("\nOne-shot pruning time at 90% (criterion, masks and history), in training epochs:\n")
    print_table(
        ["pruner", "time (ms)", "epochs"],
        [[name, f"{np.mean(t) * 1e3:.1f}", f"{np.mean(t) / epoch:.2f}"] for name, t in prune_times.items()],
    )
    one_shot = np.mean(prune_times["OBS layerwise exact"])
    print(f"\nA round of layer-wise OBS (exact) with 15 epochs of retraining, at 90%: "
          f"{np.mean(round_times) * 1e3:.0f} ms; 15 epochs + one one-shot prune: "
          f"{(15 * epoch + one_shot) * 1e3:.0f} ms")


def allocation_comparison(seeds):
    """Section 2."""
    rules = ("predicted loss (default)", "|w| global", "uniform")
    scores = {}
    for seed, (X_train, X_test, y_train, y_test) in digits_splits(seeds):
        dense = PrunableMLPClassifier((100,), random_state=seed).fit(X_train, y_train)
        for sparsity in SPARSITIES:
            masks = allocate([np.abs(W) for W in dense.coefs_], dense.masks_, sparsity)
            by_magnitude = [float(np.mean(~m)) for m in masks]
            for rule, params in zip(rules, (dict(), dict(sparsity=by_magnitude), dict(scope="layer"))):
                for setting in ("one-shot", "4 x 15 epochs"):
                    pruner = PRUNERS["OBS layerwise exact"](
                        dense, **{"sparsity": sparsity, **params, **SETTINGS[setting]})
                    pruner.fit(X_train, y_train)
                    scores.setdefault((rule, setting, sparsity), []).append(pruner.score(X_test, y_test))
    print(f"\nLayer-wise OBS (exact) on Digits, allocation across layers ({seeds} seed(s)):\n")
    print_table(
        ["allocation", "setting"] + [f"{s:.0%}" for s in SPARSITIES],
        [[rule, setting] + [f"{np.mean(scores[(rule, setting, s)]):.3f}" for s in SPARSITIES]
         for rule in rules for setting in ("one-shot", "4 x 15 epochs")],
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
            pruner = MagnitudePruner(net, sparsity=sparsity, prefit=True, retrain_iter=0).fit(X_train, y_train)
            scores.setdefault(name, []).append(pruner.score(X_test, y_test))
        for damping in DAMPINGS:
            for label, net, sparsity, method in (
                ("layer-wise OBS 64-100-10, 90%", wide, 0.9, "layerwise"),
                ("full OBS 64-16-10, 80%", narrow, 0.8, "full"),
            ):
                pruner = OBSPruner(net, sparsity=sparsity, method=method, damping=damping, prefit=True,
                                    retrain_iter=0)
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
        pruner = OBSPruner(net, sparsity=0.9, method="layerwise", layerwise_solver=solver, prefit=True,
                           retrain_iter=0)
        start = time.perf_counter()
        pruner.fit(X, y)
        seconds = time.perf_counter() - start
        rows.append([f"layer-wise OBS, {solver}", f"{seconds:.2f}", f"{seconds / epoch:.1f}"])
    start = time.perf_counter()
    MagnitudePruner(net, sparsity=0.9, prefit=True, retrain_iter=0).fit(X, y)
    seconds = time.perf_counter() - start
    rows.append(["magnitude", f"{seconds:.2f}", f"{seconds / epoch:.1f}"])
    print_table(["pruner at 90%", "time (s)", "epochs"], rows)


def main(seeds):
    warnings.simplefilter("ignore", ConvergenceWarning)
    accuracy_and_time(seeds)
    allocation_comparison(seeds)
    print()
    accuracy_and_time(seeds, generated_splits, "Generated, 5 classes, 40 features, 40-100-5", timing=False)
    damping_sweep(seeds)
    large_network_timing()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    with threadpool_limits(1):  # small products: one BLAS thread is faster and steadier
        main(parser.parse_args().seeds)
