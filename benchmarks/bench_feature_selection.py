"""Feature selection on problems whose answer is known.

Two problems, each with 2 seeds, 70% / 30% split:

- linear: ``make_classification(n_features=40, n_informative=6, n_redundant=0,
  shuffle=False)`` (the informative features are the first 6);
- non-linear: 30 uniform features on [-1, 1], the label the sign of a
  function of the first 5 with products and squares.

Each selector keeps as many features as are informative. Reported: the
fraction of the selected features that are informative, the test accuracy
of a dense network refit on the selected features, and the selection time
as a multiple of one training of the dense network on all features.

Run:  python benchmarks/bench_feature_selection.py [--seeds 2]
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import RFE, SelectFromModel
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skprune import PrunableMLPClassifier
from skprune.feature_selection import InputPruner

from _common import print_table


def linear(seed):
    X, y = make_classification(n_samples=1500, n_features=40, n_informative=6, n_redundant=0,
                               shuffle=False, random_state=seed)
    return X, y, 6


def nonlinear(seed):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, size=(1500, 30))
    f = X[:, 0] * X[:, 1] + X[:, 2] ** 2 - X[:, 3] * X[:, 4] - 1 / 3
    return X, (f > 0).astype(int), 5


ALPHA = 1.0


def network(seed):
    return PrunableMLPClassifier((64,), solver="lbfgs", max_iter=1000, alpha=ALPHA,
                                 random_state=seed)


def selectors(k, seed, dense):
    return {
        "InputPruner (compensation)": lambda X, y: InputPruner(
            dense, prefit=True, n_features_to_select=k, n_steps=k, retrain_iter=20).fit(X, y)
        .get_support(),
        "InputPruner (magnitude)": lambda X, y: InputPruner(
            dense, prefit=True, n_features_to_select=k, criterion="magnitude", n_steps=k,
            retrain_iter=20).fit(X, y).get_support(),
        "SelectFromModel(RandomForest)": lambda X, y: SelectFromModel(
            RandomForestClassifier(200, random_state=seed), threshold=-np.inf, max_features=k
        ).fit(X, y).get_support(),
        "RFE(LogisticRegression)": lambda X, y: RFE(LogisticRegression(max_iter=1000),
                                                    n_features_to_select=k).fit(X, y).get_support(),
        "permutation importance (dense net)": lambda X, y: np.isin(
            np.arange(X.shape[1]),
            np.argsort(permutation_importance(dense, X, y, n_repeats=5,
                                              random_state=seed).importances_mean)[-k:]),
    }


def main(seeds):
    warnings.simplefilter("ignore", ConvergenceWarning)
    for problem in (linear, nonlinear):
        rows = {}
        for seed in range(seeds):
            X, y, k = problem(seed)
            X = StandardScaler().fit_transform(X)
            X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3,
                                                                random_state=seed, stratify=y)
            start = time.perf_counter()
            dense = network(seed).fit(X_train, y_train)
            dense_time = time.perf_counter() - start
            rows.setdefault("dense network, all features", []).append(
                (np.nan, dense.score(X_test, y_test), 1.0))
            for name, select in selectors(k, seed, dense).items():
                start = time.perf_counter()
                support = select(X_train, y_train)
                elapsed = time.perf_counter() - start
                recovered = support[:k].sum() / support.sum()
                refit = network(seed).fit(X_train[:, support], y_train)
                rows.setdefault(name, []).append(
                    (recovered, refit.score(X_test[:, support], y_test), elapsed / dense_time))
        print(f"\n{problem.__name__} problem, {seeds} seed(s), keep {k} features:\n")
        print_table(
            ["selector", "informative among selected", "test accuracy, refit", "time / dense fit"],
            [[name, "-" if np.isnan(np.mean([v[0] for v in values])) else
              f"{np.mean([v[0] for v in values]):.2f}",
              f"{np.mean([v[1] for v in values]):.3f}", f"{np.mean([v[2] for v in values]):.2f}"]
             for name, values in rows.items()],
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=2)
    main(parser.parse_args().seeds)
