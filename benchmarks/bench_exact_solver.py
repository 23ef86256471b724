"""The exact layer-wise OBS solver against OBC's exact loop (Frantar & Alistarh 2022).

OBC's ``prepare_unstr`` and its selection ``prune_blocked`` are ported to
PyTorch on the CPU below, as in the reference code: every output unit
(a row of OBC's weight matrix) removes all its weights greedily with its own
copy of ``H^-1`` downdated in full at every step, records the weights after
each step (its "trace") and the step's loss, and the layer keeps the
cheapest steps over all rows. :func:`skprune.pruning._obs_solvers.obs_layer_exact`
solves the same problem on the same damped ``H^-1``. Both are timed
interleaved on one BLAS thread, median of ``--repeat`` runs; the error is
the layer's reconstruction error ``sum_j (w_j - w'_j)^T H (w_j - w'_j)``
(relative to OBC's).

    python benchmarks/bench_exact_solver.py [--repeat 3] [--sparsity 0.9]
"""

import argparse
import math
import time

import numpy as np
from threadpoolctl import threadpool_limits

from skprune.pruning._obs_solvers import damped_inverse, obs_layer_exact

from _common import print_table


def obc_exact(W, H_inv, sparsity, parallel=32):
    """OBC's exact unstructured pruning of ``W`` (rows x columns), ported line by line."""
    import torch

    rows, columns = W.shape
    Losses = torch.zeros((rows, columns + 1), dtype=W.dtype)
    Traces = []
    for i1 in range(0, rows, parallel):
        i2 = min(i1 + parallel, rows)
        count = i2 - i1
        w = W[i1:i2, :].clone()
        Hinv = H_inv.unsqueeze(0).repeat((count, 1, 1))
        mask = torch.zeros_like(w).bool()
        rangecount = torch.arange(count)
        Trace = torch.zeros((columns + 1, count, columns), dtype=W.dtype)
        Trace[0] = w
        for zeros in range(1, columns + 1):
            diag = torch.diagonal(Hinv, dim1=1, dim2=2)
            scores = w**2 / diag
            scores[mask] = float("inf")
            j = torch.argmin(scores, 1)
            Losses[i1:i2, zeros] = scores[rangecount, j]
            row = Hinv[rangecount, j, :]
            d = diag[rangecount, j]
            w -= row * (w[rangecount, j] / d).unsqueeze(1)
            mask[rangecount, j] = True
            w[mask] = 0
            Trace[zeros] = w
            if zeros == columns:
                break
            row /= torch.sqrt(d).unsqueeze(1)
            Hinv -= torch.bmm(row.unsqueeze(2), row.unsqueeze(1))
        Losses[i1:i2] /= 2
        Traces.append(Trace)
    # prune_blocked: the cheapest steps of the whole layer
    order = torch.argsort(Losses[:, 1:].reshape(-1))
    count = int(math.ceil(rows * columns * sparsity))
    per_row = torch.bincount(torch.div(order[:count], columns, rounding_mode="trunc"), minlength=rows)
    out = torch.zeros_like(W)
    for i in range(rows):
        out[i] = Traces[i // parallel][per_row[i], i % parallel]
    return out


def ours(W, H_inv, sparsity):
    d, c = W.shape
    W = W.copy()
    kept = obs_layer_exact(H_inv.copy(), W, np.ones(d, bool), np.ones((d, c), bool),
                           int(math.ceil(d * c * sparsity)))
    W[~kept] = 0.0
    return W


def layer_problem(n_inputs, n_outputs, seed=0, n_samples=4000):
    """Correlated non-negative inputs (as after a ReLU layer), their damped
    ``H^-1`` (0.01 x the mean diagonal, as OBC) and a least-squares ``W``."""
    rng = np.random.RandomState(seed)
    mix = rng.normal(size=(n_inputs // 4 + 1, n_inputs))
    A = np.maximum(rng.normal(size=(n_samples, mix.shape[0])) @ mix, 0.0)
    H = A.T @ A / n_samples
    W = rng.normal(size=(n_inputs, n_outputs)) / np.sqrt(n_inputs)
    H_inv, _ = damped_inverse(H, 0.01)
    return H, H_inv, W


def error(H, W, W_new):
    delta = W - W_new
    return float(np.einsum("ij,ik,kj->", delta, H, delta))


def main():
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sparsity", type=float, default=0.9)
    parser.add_argument("--shapes", default="64x100,300x100,784x100")
    args = parser.parse_args()
    torch.set_num_threads(1)
    rows = []
    for shape in args.shapes.split(","):
        n_in, n_out = map(int, shape.split("x"))
        H, H_inv, W = layer_problem(n_in, n_out)
        times = {"ours": [], "OBC": []}
        with threadpool_limits(1):
            for _ in range(args.repeat):  # interleaved
                start = time.perf_counter()
                W_ours = ours(W, H_inv, args.sparsity)
                times["ours"].append(time.perf_counter() - start)
                start = time.perf_counter()
                W_obc = obc_exact(torch.from_numpy(W.T.copy()), torch.from_numpy(H_inv), args.sparsity)
                times["OBC"].append(time.perf_counter() - start)
        W_obc = W_obc.numpy().T
        t_ours, t_obc = np.median(times["ours"]), np.median(times["OBC"])
        rows.append([f"{n_in} x {n_out}", f"{t_obc:.2f} s", f"{t_ours:.2f} s", f"{t_ours / t_obc:.2f}",
                     f"{error(H, W, W_ours) / error(H, W, W_obc):.4f}",
                     f"{np.mean(W_ours == 0):.3f}"])
    print(f"sparsity {args.sparsity}, one BLAS thread, median of {args.repeat}")
    print_table(["layer (inputs x outputs)", "OBC (PyTorch port)", "skprune exact", "time ratio",
                 "error ratio", "sparsity"], rows)


if __name__ == "__main__":
    main()
