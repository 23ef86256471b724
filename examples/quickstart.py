"""
Quick start: train, prune and compare on Digits
===============================================

Trains :class:`skprune.PrunableMLPClassifier` on scikit-learn's Digits data
beside scikit-learn's own :class:`~sklearn.neural_network.MLPClassifier` with
the same parameters, then removes 90% of the dense network's connection weights
with each pruner (four prune -> retrain rounds, and OBS also in one shot
without retraining), then removes three quarters of the hidden units with
least-squares compensation, and prints held-out accuracy,
the number of remaining weights and the time of each step.
"""

import time
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from skprune import (
    MagnitudePruner,
    OBDPruner,
    OBSPruner,
    PrunableMLPClassifier,
    UnitRemovalPruner,
)


def timed_fit(model, X, y):
    start = time.perf_counter()
    model.fit(X, y)
    return model, time.perf_counter() - start


def n_weights(model):
    model = getattr(model, "estimator_", model)
    return sum(int((W != 0).sum()) for W in model.coefs_)


def main():
    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype("float32")
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    params = dict(hidden_layer_sizes=(100,), max_iter=100, random_state=0)
    sk, sk_time = timed_fit(MLPClassifier(**params), X_train, y_train)
    dense, dense_time = timed_fit(PrunableMLPClassifier(**params), X_train, y_train)
    rows = [
        ("scikit-learn MLPClassifier", sk, sk_time),
        ("PrunableMLPClassifier (dense)", dense, dense_time),
    ]
    rounds = dict(sparsity=0.9, n_steps=4, retrain_iter=15, prefit=True)
    for name, pruner in [
        ("MagnitudePruner, 90%", MagnitudePruner(dense, **rounds)),
        ("OBDPruner (Gauss-Newton), 90%", OBDPruner(dense, **rounds)),
        ("OBSPruner (layer-wise), 90%", OBSPruner(dense, **rounds)),
        ("OBSPruner, one-shot 90%", OBSPruner(dense, sparsity=0.9, prefit=True, retrain_iter=0)),
        ("UnitRemovalPruner, 75% of units", UnitRemovalPruner(
            dense, sparsity=0.75, criterion="error", prefit=True)),
    ]:
        rows.append((name, *timed_fit(pruner, X_train, y_train)))

    print(f"Digits: {len(X_train)} training / {len(X_test)} test images, 64-100-10 network\n")
    print(f"{'model':<34}{'accuracy':>10}{'weights':>10}{'fit (s)':>10}")
    for name, model, seconds in rows:
        accuracy = model.score(X_test, y_test)
        print(f"{name:<34}{accuracy:>10.3f}{n_weights(model):>10d}{seconds:>10.2f}")
    print("\nPruner times exclude the dense fit they start from (prefit=True).")


if __name__ == "__main__":
    main()

# sphinx_gallery_thumbnail_path = "_static/quickstart_thumb.png"
