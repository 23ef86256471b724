"""
Quick start: train a prunable MLP on Digits
===========================================

Trains :class:`skprune.PrunableMLPClassifier` on scikit-learn's Digits data
beside scikit-learn's own :class:`~sklearn.neural_network.MLPClassifier` with
the same parameters, then prints held-out accuracy, the number of non-zero
weights and the fit time of each.
"""

import time
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from skprune import PrunableMLPClassifier


def report(name, model, X_train, y_train, X_test, y_test):
    start = time.perf_counter()
    model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    n_weights = sum(int((W != 0).sum()) for W in model.coefs_)
    return name, model.score(X_test, y_test), n_weights, seconds


def main():
    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype("float32")
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    params = dict(hidden_layer_sizes=(100,), max_iter=100, random_state=0)
    rows = [
        report("scikit-learn MLPClassifier", MLPClassifier(**params), X_train, y_train, X_test, y_test),
        report("PrunableMLPClassifier", PrunableMLPClassifier(**params), X_train, y_train, X_test, y_test),
    ]
    print(f"Digits: {len(X_train)} training / {len(X_test)} test images, 64-100-10 network\n")
    print(f"{'model':<34}{'accuracy':>10}{'weights':>10}{'fit (s)':>10}")
    for name, accuracy, n_weights, seconds in rows:
        print(f"{name:<34}{accuracy:>10.3f}{n_weights:>10d}{seconds:>10.2f}")


if __name__ == "__main__":
    main()
