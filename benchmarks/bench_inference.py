"""Predict time of sparse networks: dense products against CSR products.

784-300-100-10 ReLU network, 10,000 rows, random masks at each sparsity. For
each sparsity and dtype: the dense path, the CSR path (every layer sparse),
and ``PrunableMLPClassifier.predict`` (which picks per layer by the measured
crossover), as times and as ratios to dense. The crossover used by
``predict`` (``skprune._core.sparse_predict.SPARSE_CROSSOVERS``) was first
read from this table; bench_sparse_predict.py measures it now, each path in
its own steady state.

The second table prunes a trained network (synthetic data, 10 classes, 10
epochs of Adam) to each sparsity, with the same sparsity in every layer
(magnitude) and with the budget allocated across layers on the predicted loss
(layer-wise OBS, global scope), and times ``predict`` of the pruned network
and of its ``compact()`` copy (dead units and unread inputs removed) against
the dense network, on 10,000 and on 256 rows. The third times one-row
``predict`` against scikit-learn's ``MLPClassifier`` on the same weights.

The first two tables are printed twice: with every BLAS thread, and inside
``threadpool_limits(1)`` (the CSR kernel runs on one thread per row block, so
where the crossover lies could depend on the threads the dense product has).

Run:  python benchmarks/bench_inference.py
"""

import timeit
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from skprune import MagnitudePruner, OBSPruner, PrunableMLPClassifier
from skprune._core.network import Network

from _common import best_of, print_table, settle

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


def csr_crossover():
    rows = []
    for dtype in (np.float32, np.float64):
        X = np.random.RandomState(1).rand(10_000, UNITS[0]).astype(dtype)
        for sparsity in SPARSITIES:
            coefs, intercepts = network(sparsity, dtype)
            net = Network(coefs, intercepts, "relu", "log_loss_softmax")
            clf = estimator(coefs, intercepts, X)
            settle()
            dense = best_of(lambda: net.predict(X, sparse_below=0.0), 5)
            settle()
            sparse = best_of(lambda: net.predict(X, sparse_below=1.0), 5)
            settle()
            auto = best_of(lambda: clf.predict(X), 5)
            rows.append([
                np.dtype(dtype).name, f"{sparsity:.0%}", f"{dense * 1e3:.1f}",
                f"{sparse * 1e3:.1f}", f"{dense / sparse:.2f}", f"{dense / auto:.2f}",
            ])
    print("predict, 784-300-100-10, 10,000 rows, random masks (times in ms; speed-ups over dense)\n")
    print_table(["dtype", "sparsity", "dense", "CSR", "CSR speed-up", "predict() speed-up"], rows)


def trained_problem():
    rng = np.random.RandomState(0)
    centres = rng.randn(10, UNITS[0]).astype(np.float32)
    y = rng.randint(10, size=10_000)
    # a few informative pixels per class, the rest noise
    X = (rng.rand(10_000, UNITS[0]) < 0.1).astype(np.float32) * centres[y]
    X += 0.1 * rng.randn(*X.shape).astype(np.float32)
    net = PrunableMLPClassifier(UNITS[1:-1], max_iter=10, random_state=0).fit(X, y)
    return net, X, y


def pruned_networks(net, X, y, sparsity):
    n_layers = len(UNITS) - 1
    one_shot = dict(prefit=True, retrain_iter=0)
    yield "per layer", MagnitudePruner(net, sparsity=[sparsity] * n_layers, **one_shot).fit(X, y)
    yield "allocated on cost", OBSPruner(net, method="layerwise", sparsity=sparsity,
                                         **one_shot).fit(X, y)


def pruned_predict():
    net, X, y = trained_problem()
    small = X[:256]
    dense = (best_of(lambda: net.predict(X), 5), best_of(lambda: [net.predict(small) for _ in range(10)], 5))
    rows = []
    for sparsity in (0.9, 0.95, 0.98, 0.99):
        for allocation, pruner in pruned_networks(net, X, y, sparsity):
            pruned = pruner.estimator_
            compact = pruned.compact()
            kept = [f"{int(np.count_nonzero(W))}" for W in pruned.coefs_]
            shape = "-".join(str(n) for n in [compact.coefs_[0].shape[0]]
                             + [W.shape[1] for W in compact.coefs_])
            times = []
            for model in (pruned, compact):
                times.append(best_of(lambda: model.predict(X), 5))
                times.append(best_of(lambda: [model.predict(small) for _ in range(10)], 5))
            rows.append([
                f"{sparsity:.0%}", allocation, "/".join(kept), shape,
                f"{dense[0] / times[0]:.2f}", f"{dense[0] / times[2]:.2f}",
                f"{dense[1] / times[1]:.2f}", f"{dense[1] / times[3]:.2f}",
            ])
    print(f"\npredict of pruned 784-300-100-10 networks: speed-up over dense "
          f"(dense: {dense[0] * 1e3:.1f} ms for 10,000 rows, {dense[1] * 1e2:.2f} ms for 256)\n")
    print_table(["sparsity", "allocation", "weights kept per layer", "compacted shape",
                 "10k rows", "10k rows, compacted", "256 rows", "256 rows, compacted"], rows)


def single_row():
    from sklearn.neural_network import MLPClassifier

    net, X, y = trained_problem()
    sk = net.to_sklearn()
    row = X[:1]
    number = 2000
    ours = min(timeit.repeat(lambda: net.predict(row), number=number, repeat=5)) / number
    theirs = min(timeit.repeat(lambda: sk.predict(row), number=number, repeat=5)) / number
    ours_p = min(timeit.repeat(lambda: net.predict_proba(row), number=number, repeat=5)) / number
    theirs_p = min(timeit.repeat(lambda: sk.predict_proba(row), number=number, repeat=5)) / number
    assert isinstance(sk, MLPClassifier)
    print("\none-row predict, 784-300-100-10 (microseconds)\n")
    print_table(["method", "skprune", "scikit-learn", "ratio"], [
        ["predict", f"{ours * 1e6:.0f}", f"{theirs * 1e6:.0f}", f"{ours / theirs:.2f}"],
        ["predict_proba", f"{ours_p * 1e6:.0f}", f"{theirs_p * 1e6:.0f}", f"{ours_p / theirs_p:.2f}"],
    ])


def main():
    warnings.simplefilter("ignore")
    for threads in (None, 1):
        print(f"\n## BLAS threads: {threads or 'all (default)'}\n")
        with threadpool_limits(threads, user_api="blas"):
            csr_crossover()
            pruned_predict()
    single_row()


if __name__ == "__main__":
    main()
