"""Peak memory and time of predict and of every pruner on many rows.

Synthetic data: 100 features, 10 classes, float32, a (256, 128) ReLU
``PrunableMLPClassifier`` trained for 2 epochs. Each step runs once on the
whole data; the table gives its extra peak memory (NumPy allocations traced by
``tracemalloc``, beyond the data and the fitted network) as megabytes and as a
multiple of the data's size, and its time per million rows. Pruners prune
the fitted network one-shot (``prefit=True, retrain_iter=0``) to 90%.

Run:  python benchmarks/bench_memory.py [--rows 1000000]
"""

import argparse
import time
import tracemalloc
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from skprune import (
    MagnitudePruner, OBDPruner, OBSPruner, PrunableMLPClassifier, UnitRemovalPruner,
)

from _common import print_table


def data(n_rows, seed=0):
    rng = np.random.RandomState(seed)
    centres = rng.randn(10, 100).astype(np.float32)
    y = rng.randint(10, size=n_rows)
    X = rng.randn(n_rows, 100).astype(np.float32)
    X += centres[y]
    return X, y


def steps(X, y):
    network = PrunableMLPClassifier((256, 128), max_iter=2, batch_size=512, random_state=0)
    yield "fit, 2 epochs", lambda: network.fit(X, y)
    yield "predict", lambda: network.predict(X)
    one_shot = dict(prefit=True, retrain_iter=0, sparsity=0.9)
    yield "MagnitudePruner", lambda: MagnitudePruner(network, **one_shot).fit(X, y)
    yield "OBDPruner", lambda: OBDPruner(network, **one_shot).fit(X, y)
    yield "UnitRemovalPruner", lambda: UnitRemovalPruner(network, **{**one_shot, "sparsity": 0.5}).fit(X, y)
    yield "OBSPruner layer-wise", lambda: OBSPruner(network, method="layerwise", **one_shot).fit(X, y)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    X, y = data(args.rows)
    data_mb = X.nbytes / 2**20
    rows = []
    warnings.simplefilter("ignore", ConvergenceWarning)
    with threadpool_limits(1, user_api="blas"):
        for name, step in steps(X, y):
            tracemalloc.start()
            start = time.perf_counter()
            step()
            seconds = time.perf_counter() - start
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            rows.append([name, f"{peak:,.0f}", f"{peak / data_mb:.2f}",
                         f"{seconds * 1e6 / args.rows:.2f}"])
    print(f"{args.rows:,} rows x 100 features, float32 ({data_mb:,.0f} MB); "
          "(256, 128) network, one BLAS thread\n")
    print_table(["step", "extra peak MB", "x data", "s per 1M rows"], rows)


if __name__ == "__main__":
    main()
