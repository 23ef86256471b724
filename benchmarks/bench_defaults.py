"""Do the pruners' defaults keep a network's accuracy?

Every pruner, built with its default parameters and ``sparsity=0.5``, prunes
three networks -- the default ``PrunableMLPClassifier()`` and small lbfgs
networks with 8 and 16 hidden units -- on four datasets that ship with
scikit-learn (inputs standardised, 30% held out, stratified). The table gives
the held-out accuracy lost against the dense network (in points, mean over
the seeds; negative is a gain), and the worst drop over everything.

With ``--rounds``, the default number of rounds (``n_steps="auto"``, one per
halving of the weights kept) against a single round at 90, 95 and 98% on
Digits: test accuracy and fit time of each pruner from the same dense network.

Run:  python benchmarks/bench_defaults.py [--seeds 2] [--rounds]
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skprune import MagnitudePruner, OBDPruner, OBSPruner, PrunableMLPClassifier, UnitRemovalPruner

from _common import print_table

DATASETS = {"iris": load_iris, "digits": load_digits, "breast cancer": load_breast_cancer, "wine": load_wine}
NETWORKS = {
    "default": lambda seed: PrunableMLPClassifier(random_state=seed),
    "(8,) lbfgs": lambda seed: PrunableMLPClassifier((8,), solver="lbfgs", max_iter=1000, random_state=seed),
    "(16,) lbfgs": lambda seed: PrunableMLPClassifier((16,), solver="lbfgs", max_iter=1000, random_state=seed),
}
PRUNERS = {"magnitude": MagnitudePruner, "OBD": OBDPruner, "OBS": OBSPruner, "unit removal": UnitRemovalPruner}


def main(seeds):
    warnings.simplefilter("ignore", ConvergenceWarning)
    drops, worst, n_test = {}, (-np.inf, None), {}
    for data_name, load in DATASETS.items():
        X, y = load(return_X_y=True)
        for seed in range(seeds):
            X_train, X_test, y_train, y_test = train_test_split(
                X, y, test_size=0.3, stratify=y, random_state=seed)
            scaler = StandardScaler().fit(X_train)
            X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
            n_test[data_name] = len(y_test)
            for net_name, make in NETWORKS.items():
                dense = make(seed).fit(X_train, y_train)
                dense_score = dense.score(X_test, y_test)
                for pruner_name, kind in PRUNERS.items():
                    pruned = kind(dense, prefit=True, random_state=seed).fit(X_train, y_train)
                    drop = 100 * (dense_score - pruned.score(X_test, y_test))
                    drops.setdefault((data_name, net_name, pruner_name), []).append(drop)
                    if drop > worst[0]:
                        worst = (drop, (data_name, net_name, pruner_name, seed))
    print(f"Held-out accuracy lost at sparsity=0.5 with default parameters, points "
          f"(mean of {seeds} seeds; one test sample is "
          + ", ".join(f"{100 / n:.1f} on {name}" for name, n in n_test.items()) + ")\n")
    rows = [
        [data, net] + [f"{np.mean(drops[(data, net, p)]):+.1f}" for p in PRUNERS]
        for data in DATASETS for net in NETWORKS
    ]
    print_table(["dataset", "network"] + list(PRUNERS), rows)
    print(f"\nWorst single drop: {worst[0]:.1f} points ({', '.join(map(str, worst[1]))}; seed last)")
    # what half the units of the (8,) network can do at best: a (4,) network trained dense
    X, y = load_digits(return_X_y=True)
    small = {width: [] for width in (4, 8)}
    for seed in range(seeds):
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=seed)
        scaler = StandardScaler().fit(X_train)
        for width in small:
            net = PrunableMLPClassifier((width,), solver="lbfgs", max_iter=1000, random_state=seed)
            net.fit(scaler.transform(X_train), y_train)
            small[width].append(net.score(scaler.transform(X_test), y_test))
    print(f"Digits, trained dense: (4,) lbfgs {np.mean(small[4]):.3f}, (8,) lbfgs {np.mean(small[8]):.3f}")


def rounds(seeds, levels=(0.9, 0.95, 0.98)):
    """Default rounds against one round, at high sparsity on Digits."""
    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y = load_digits(return_X_y=True)
    results = {}
    for seed in range(seeds):
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=seed)
        scaler = StandardScaler().fit(X_train)
        X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
        dense = PrunableMLPClassifier(random_state=seed).fit(X_train, y_train)
        results.setdefault("dense", []).append((dense.score(X_test, y_test), 0.0))
        for level in levels:
            for name, kind in list(PRUNERS.items())[:3]:
                for n_steps in (1, "auto"):
                    start = time.perf_counter()
                    pruner = kind(dense, sparsity=level, n_steps=n_steps, prefit=True, random_state=seed)
                    pruner.fit(X_train, y_train)
                    seconds = time.perf_counter() - start
                    results.setdefault((level, name, n_steps), []).append((pruner.score(X_test, y_test), seconds))
    print(f"Digits, default network, test accuracy (fit seconds), mean of {seeds} seeds; "
          f"dense {np.mean([r[0] for r in results['dense']]):.3f}\n")
    rows = []
    for level in levels:
        for name in list(PRUNERS)[:3]:
            row = [f"{level:.0%}", name]
            for n_steps in (1, "auto"):
                accuracy, seconds = np.mean(results[(level, name, n_steps)], axis=0)
                row.append(f"{accuracy:.3f} ({seconds:.1f} s)")
            rows.append(row)
    print_table(["sparsity", "pruner", "n_steps=1", 'n_steps="auto"'], rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--rounds", action="store_true", help="default rounds against one, at 90-98%%")
    arguments = parser.parse_args()
    with threadpool_limits(1):
        (rounds if arguments.rounds else main)(arguments.seeds)
