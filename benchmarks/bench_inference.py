"""Predict time of sparse networks: dense products against CSR products.

784-300-100-10 ReLU network, 10,000 rows, random masks at each sparsity. For
each sparsity and dtype: the dense path, the CSR path (every layer sparse),
and ``PrunableMLPClassifier.predict`` (which picks per layer by the measured
crossover), as times and as ratios to dense. The crossover used by
``predict`` (``skprune._core.network.SPARSE_DENSITY_CROSSOVER``) comes from
this table.

Run:  python benchmarks/bench_inference.py
"""

import numpy as np

from skprune import PrunableMLPClassifier
from skprune._core.network import Network

from _common import best_of, print_table

SPARSITIES = (0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99)
UNITS = (784, 300, 100, 10)


def network(sparsity, dtype, seed=0):
    rng = np.random.RandomState(seed)
    coefs = [
        (rng.randn(a, b) * (rng.rand(a, b) >= sparsity) / np.sqrt(a)).astype(dtype)
        for a, b in zip(UNITS, UNITS[1:])
    ]
    intercepts = [rng.randn(b).astype(dtype) * 0.1 for b in UNITS[1:]]
    return coefs, intercepts


def estimator(coefs, intercepts, X):
    clf = PrunableMLPClassifier(UNITS[1:-1], max_iter=1)
    clf.partial_fit(X[:20], np.arange(20) % 10, classes=np.arange(10))
    for W, b, W0, b0 in zip(clf.coefs_, clf.intercepts_, coefs, intercepts):
        W[...], b[...] = W0, b0
    return clf


def main():
    rows = []
    for dtype in (np.float32, np.float64):
        X = np.random.RandomState(1).rand(10_000, UNITS[0]).astype(dtype)
        for sparsity in SPARSITIES:
            coefs, intercepts = network(sparsity, dtype)
            net = Network(coefs, intercepts, "relu", "log_loss_softmax")
            clf = estimator(coefs, intercepts, X)
            dense = best_of(lambda: net.predict(X), 5)
            sparse = best_of(lambda: net.predict(X, sparse_below=1.0), 5)
            auto = best_of(lambda: clf.predict(X), 5)
            rows.append([
                np.dtype(dtype).name, f"{sparsity:.0%}", f"{dense * 1e3:.1f}",
                f"{sparse * 1e3:.1f}", f"{dense / sparse:.2f}", f"{dense / auto:.2f}",
            ])
    print("predict, 784-300-100-10, 10,000 rows (times in ms; speed-ups over dense)\n")
    print_table(["dtype", "sparsity", "dense", "CSR", "CSR speed-up", "predict() speed-up"], rows)


if __name__ == "__main__":
    main()
