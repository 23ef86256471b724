"""Time of the curvature diagonals OBD ranks weights by.

A 100-256-128-10 ReLU network with a softmax output, float32, 50,000 rows:
the exact Gauss-Newton diagonal, LeCun, Denker & Solla's (1990) diagonal
recursion and the empirical Fisher diagonal, with every BLAS thread and with
one. The Gauss-Newton diagonal back-propagates one direction per output unit:
its cost is dominated by one product of (50,000 x 10) x 128 rows by a
128 x 256 matrix (3.4e10 operations), which the table also times alone.

Run:  python benchmarks/bench_curvature.py
"""

import numpy as np
from threadpoolctl import threadpool_limits

from skprune._core.curvature import fisher_diagonal, gauss_newton_diagonal, lecun_diagonal
from skprune._core.network import Network

from _common import best_of, print_table

SIZES = (100, 256, 128, 10)
N_ROWS = 50_000


def main():
    rng = np.random.RandomState(0)
    coefs = [(rng.randn(a, b) / np.sqrt(a)).astype(np.float32) for a, b in zip(SIZES, SIZES[1:])]
    intercepts = [(0.1 * rng.randn(b)).astype(np.float32) for b in SIZES[1:]]
    network = Network(coefs, intercepts, "relu", "log_loss_softmax")
    X = rng.randn(N_ROWS, SIZES[0]).astype(np.float32)
    Y = np.eye(SIZES[-1], dtype=np.float32)[rng.randint(SIZES[-1], size=N_ROWS)]
    directions = rng.randn(N_ROWS * SIZES[-1], SIZES[2]).astype(np.float32)
    steps = {
        "Gauss-Newton diagonal": lambda: gauss_newton_diagonal(network, X),
        "  its largest product alone": lambda: directions @ coefs[1].T,
        "LeCun diagonal": lambda: lecun_diagonal(network, X),
        "Fisher diagonal": lambda: fisher_diagonal(network, X, Y),
    }
    rows = []
    for name, step in steps.items():
        every = best_of(step, 3)
        with threadpool_limits(1, user_api="blas"):
            one = best_of(step, 3)
        rows.append([name, f"{every:.3f}", f"{one:.3f}"])
    print(f"{'-'.join(map(str, SIZES))}, float32, {N_ROWS:,} rows; seconds, best of 3\n")
    print_table(["quantity", "all BLAS threads", "one BLAS thread"], rows)


if __name__ == "__main__":
    main()
