"""Sparse predict against dense, against PyTorch, on an idle and a busy machine.

784-300-100-10 ReLU network, 10,000 rows (``--rows``), random masks at 90/95/98% in every
layer. For each sparsity and dtype, interleaved rounds time:

- skprune's dense path (``Network.predict(X, sparse_below=0)``),
- skprune's CSR path (every layer a CSR matrix, row blocks shared between
  the BLAS threads' worth of threads), with skprune's compiled kernel and
  with SciPy's (what the path multiplied with before the kernel, and still
  does where it is not built),
- ``PrunableMLPClassifier.predict``, which picks per layer by the crossover,
  against the same ``predict`` with every layer dense (both validate the
  input, a pass over it that the network's own paths do not make),
- the same ``predict`` building its CSR matrices afresh on every call, as
  it did before it kept them between calls (``cached_transposed_csr``),
- the loss and score a pruner reads between rounds (the estimator's
  ``_evaluate`` on the pruning set), likewise against itself with every
  layer dense,
- PyTorch (when installed): dense ``linear`` layers, and ``torch.sparse.mm``
  with CSR weights, on the same number of threads.

Ratios are medians over rounds of per-round ratios (dense time / time), so
that a slow moment of the machine weighs on both sides alike. Run with the
default threads, inside ``threadpool_limits(1)``, and with the default
threads beside a process that keeps one core busy.

Each contender is timed in its own steady state, as when predicting batch
after batch: after a pause of ``_common.SETTLE`` seconds, one untimed call,
then the timed one. Without the pause, whatever runs right after a multi-threaded
dense product shares the cores with OpenBLAS's idle workers, which keep
spinning for about 0.1 s before they sleep; a CSR forward pass timed right
after the dense one took 1.4-1.7 times as long on two cores.

    python benchmarks/bench_sparse_predict.py [--rounds 7] [--rows 10000] [--sparsities 0.9 0.95 0.98]
"""

import argparse
import multiprocessing
import time
import warnings
from unittest import mock

import numpy as np
from threadpoolctl import threadpool_limits

from skprune._core import sparse_predict
from skprune._core.network import Network

from _common import print_table, steady_state_times
from bench_busy import burn
from bench_inference import estimator, network

SPARSITIES = (0.9, 0.95, 0.98)
# what a contender's speed-up is over ("dense" when not listed): the
# estimator's predict over the same predict with no CSR layer, so that both
# sides check the input alike
BASELINES = {"predict()": "predict(), dense", "predict(), CSR built per call": "predict(), dense",
             "pruner scoring": "pruner scoring, dense"}


def torch_predictors(coefs, intercepts, X, threads):
    """PyTorch's dense and CSR forward passes on the same weights, or {}."""
    try:
        import torch
    except ImportError:
        return {}
    torch.set_num_threads(threads)
    Ws = [torch.from_numpy(np.ascontiguousarray(W.T)) for W in coefs]
    Ws_csr = [W.to_sparse_csr() for W in Ws]
    bs = [torch.from_numpy(b) for b in intercepts]
    Xt = torch.from_numpy(X)

    def dense():
        with torch.inference_mode():
            A = Xt
            for k, (W, b) in enumerate(zip(Ws, bs)):
                A = torch.nn.functional.linear(A, W, b)
                A = torch.relu(A) if k < len(Ws) - 1 else A
            return A.argmax(1)

    def sparse():
        with torch.inference_mode():
            A = Xt.T.contiguous()
            for k, (W, b) in enumerate(zip(Ws_csr, bs)):
                A = torch.sparse.mm(W, A) + b[:, None]
                A = torch.relu(A) if k < len(Ws) - 1 else A
            return A.argmax(0)

    return {"PyTorch dense": dense, "PyTorch CSR": sparse}


def scipy_kernel(run):
    """``run()`` with SciPy's CSR kernel in place of skprune's compiled one."""
    with mock.patch.object(sparse_predict, "_csr_kernel", None):
        return run()


def dense_paths(run):
    """``run()`` with every layer multiplied dense."""
    with mock.patch.object(sparse_predict, "SPARSE_CROSSOVERS", ()):
        return run()


def measure(rounds, threads, n_rows, sparsities):
    n_threads = threads or multiprocessing.cpu_count()
    rows = []
    for dtype in (np.float32, np.float64):
        X = np.random.RandomState(1).rand(n_rows, 784).astype(dtype)
        for sparsity in sparsities:
            coefs, intercepts = network(sparsity, dtype)
            net = Network(coefs, intercepts, "relu", "log_loss_softmax")
            clf = estimator(coefs, intercepts, X)
            y = np.arange(len(X)) % 10
            Y = clf._encode_targets(y, X.dtype)

            def scoring():
                return clf._evaluate(X, Y, y)

            contenders = {
                "dense": lambda: net.predict(X, sparse_below=0.0),
                "CSR": lambda: net.predict(X, sparse_below=1.0),
                "CSR, SciPy's kernel": lambda: scipy_kernel(lambda: net.predict(X, sparse_below=1.0)),
                "predict(), dense": lambda: dense_paths(lambda: clf.predict(X)),
                "predict()": lambda: clf.predict(X),
                "predict(), CSR built per call": lambda: (sparse_predict._csr_cache.clear(), clf.predict(X)),
                "pruner scoring, dense": lambda: dense_paths(scoring),
                "pruner scoring": scoring,
                **torch_predictors(coefs, intercepts, X, n_threads),
            }
            times = steady_state_times(contenders, rounds)
            row = [np.dtype(dtype).name, f"{sparsity:.0%}", f"{np.median(times['dense']) * 1e3:.1f}"]
            compared = [name for name in contenders if name not in ("dense", *BASELINES.values())]
            for name in compared:
                baseline = times[BASELINES.get(name, "dense")]
                row.append(f"{np.median(baseline / times[name]):.2f}")
            rows.append(row)
    return ["dtype", "sparsity", "dense (ms)"] + [f"{name} speed-up" for name in compared], rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--rows", type=int, default=10_000, help="rows of a batch")
    parser.add_argument("--sparsities", type=float, nargs="+", default=SPARSITIES)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print(f"{multiprocessing.cpu_count()} cores; 784-300-100-10, {args.rows:,} rows; speed-ups over "
          f"skprune's dense path, medians of {args.rounds} interleaved rounds")
    if sparse_predict._csr_kernel is None:
        print("skprune's compiled CSR kernel is not built: both CSR columns use SciPy's")
    for title, threads, busy in (("default threads", None, False), ("one thread", 1, False),
                                 ("default threads, beside a busy process", None, True)):
        burner = None
        if busy:
            burner = multiprocessing.Process(target=burn, daemon=True)
            burner.start()
            time.sleep(0.5)
        try:
            with threadpool_limits(threads, user_api="blas"):
                headers, rows = measure(args.rounds, threads, args.rows, args.sparsities)
        finally:
            if burner is not None:
                burner.terminate()
                burner.join()
        print(f"\n## {title}\n")
        print_table(headers, rows)


if __name__ == "__main__":
    main()
