"""The CSR x dense kernel alone: skprune's compiled one against SciPy's and the dense product.

One 784 x 300 layer in the layout of sparse inference (``Z^T += W^T A^T``,
``W^T`` a CSR matrix with int32 indices, ``A^T`` one block of 512 rows,
C-contiguous), on one thread. For each dtype and sparsity, interleaved rounds
time skprune's kernel (``_csr_kernel``), SciPy's (``csr_matvecs``, what
sparse inference multiplied with before) and OpenBLAS's dense product of the
same layer into the same output; the table gives medians in microseconds,
the kernels' rates in GFLOP/s (two per stored weight and column), and each
kernel's speed-up over the dense product.

    python benchmarks/bench_csr_kernel.py [--rounds 200]
"""

import argparse
import time

import numpy as np
from scipy.sparse._sparsetools import csr_matvecs
from threadpoolctl import threadpool_limits

from skprune._core import sparse_predict
from skprune._core.sparse_predict import _transposed_csr

from _common import print_table

SPARSITIES = (0.8, 0.9, 0.95, 0.98)
FAN_IN, FAN_OUT, BLOCK = 784, 300, 512


def contenders(W_t, dense_W_t, A, out):
    """The three ways of writing ``W_t @ A`` (plus ``out``) into ``out``."""
    shape = W_t.shape
    compiled = getattr(sparse_predict._csr_kernel, sparse_predict._COMPILED_PRODUCTS[W_t.dtype])
    flat_A, flat_out = A.ravel(), out.ravel()
    return {
        "skprune": lambda: compiled(*shape, A.shape[1], W_t.indptr, W_t.indices, W_t.data, A, out),
        "SciPy": lambda: csr_matvecs(*shape, A.shape[1], W_t.indptr, W_t.indices, W_t.data, flat_A, flat_out),
        "dense": lambda: np.matmul(dense_W_t, A, out=out),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    if sparse_predict._csr_kernel is None:
        raise SystemExit("skprune's compiled CSR kernel is not built (no C compiler at install time)")
    print(f"{FAN_IN} x {FAN_OUT} layer, a block of {BLOCK} rows, one thread; instructions: "
          f"{sparse_predict._csr_kernel.instructions}; medians of {args.rounds} interleaved rounds")
    rng = np.random.RandomState(0)
    rows = []
    for dtype in (np.float32, np.float64):
        A = rng.rand(FAN_IN, BLOCK).astype(dtype)
        out = np.zeros((FAN_OUT, BLOCK), dtype)
        for sparsity in SPARSITIES:
            W = rng.randn(FAN_IN, FAN_OUT) * (rng.rand(FAN_IN, FAN_OUT) >= sparsity)
            W_t = _transposed_csr(W, dtype)
            runs = contenders(W_t, np.ascontiguousarray(W.T, dtype=dtype), A, out)
            times = {name: [] for name in runs}
            with threadpool_limits(1):
                for _ in range(args.rounds):
                    for name, run in runs.items():
                        start = time.perf_counter()
                        run()
                        times[name].append(time.perf_counter() - start)
            median = {name: np.median(seconds) for name, seconds in times.items()}
            flops = 2.0 * W_t.nnz * BLOCK
            rows.append([np.dtype(dtype).name, f"{sparsity:.0%}",
                         *(f"{median[name] * 1e6:.0f}" for name in runs),
                         f"{flops / median['skprune'] / 1e9:.1f}", f"{flops / median['SciPy'] / 1e9:.1f}",
                         f"{median['dense'] / median['skprune']:.2f}", f"{median['dense'] / median['SciPy']:.2f}",
                         f"{median['SciPy'] / median['skprune']:.2f}"])
    print_table(["dtype", "sparsity", "skprune (us)", "SciPy (us)", "dense (us)", "skprune GFLOP/s",
                 "SciPy GFLOP/s", "skprune speed-up", "SciPy speed-up", "skprune over SciPy"], rows)


if __name__ == "__main__":
    main()
