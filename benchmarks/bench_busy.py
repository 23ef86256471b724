"""Time of each step alone and beside a process that keeps one core busy.

On a machine of two cores, a step that runs two BLAS threads beside another
busy process waits, at every product, for the thread that shares its core:
small products can slow down several times. Each step runs alone with the
library's default threading, alone inside ``threadpool_limits(1)``, and with
its default threading beside a process that keeps a core busy. Beside it,
only one core is left: the best a step can do is its time alone on one
thread, so "busy / alone on 1 thread" near 1 means the step lost nothing but
the core.

Run:  python benchmarks/bench_busy.py
"""

import multiprocessing
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from threadpoolctl import threadpool_limits

from skprune import OBDPruner, OBSPruner, PrunableMLPClassifier, UnitRemovalPruner
from skprune.pruning._obs_solvers import damped_inverse

from _common import best_of, print_table


def burn():
    while True:
        pass


def steps():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    rng = np.random.RandomState(0)
    X_big = rng.rand(20_000, 784).astype(np.float32)
    y_big = rng.randint(10, size=20_000)
    digits = PrunableMLPClassifier((100,), max_iter=30, random_state=0).fit(X, y)
    small = PrunableMLPClassifier((32,), max_iter=30, random_state=0).fit(X, y)
    big = PrunableMLPClassifier((300, 100), max_iter=1, random_state=0).fit(X_big, y_big)
    one_shot = dict(prefit=True, retrain_iter=0, sparsity=0.8)
    return {
        "fit Digits 64-100-10, 30 epochs": lambda: PrunableMLPClassifier(
            (100,), max_iter=30, random_state=0).fit(X, y),
        "fit 784-300-100-10, 20k rows, 1 epoch": lambda: PrunableMLPClassifier(
            (300, 100), max_iter=1, random_state=0).fit(X_big, y_big),
        "predict 784-300-100-10, 20k rows": lambda: big.predict(X_big),
        "predict one row, 784-300-100-10": lambda: [big.predict(X_big[:1]) for _ in range(200)],
        "OBD gauss-newton, Digits (100,)": lambda: OBDPruner(digits, **one_shot).fit(X, y),
        "OBS full, Digits (32,)": lambda: OBSPruner(small, method="full", **one_shot).fit(X, y),
        "OBS layer-wise, Digits (100,)": lambda: OBSPruner(
            digits, method="layerwise", **one_shot).fit(X, y),
        "OBS layer-wise, 784-300-100-10, 20k rows": lambda: OBSPruner(
            big, method="layerwise", **one_shot).fit(X_big, y_big),
        "unit removal, Digits (100,)": lambda: UnitRemovalPruner(
            digits, **{**one_shot, "sparsity": 0.5}).fit(X, y),
        **{f"damped inverse {n} x {n}": (lambda H=gram(n): damped_inverse(H.copy(), 0.01, overwrite=True))
           for n in (64, 128, 300, 784, 1500)},
    }


def gram(n):
    """A well-conditioned ``n x n`` Gram matrix, as layer-wise OBS inverts."""
    A = np.random.RandomState(0).randn(2 * n, n)
    return A.T @ A


def time_steps(named_steps, limit):
    times = {}
    for name, step in named_steps.items():
        # OpenBLAS's threads spin for a while after a threaded product before
        # they sleep: a step timed right after a threaded one would share
        # the cores with them (a one-row predict measured 2x slower so)
        time.sleep(0.5)
        if limit:
            with threadpool_limits(1, user_api="blas"):
                times[name] = best_of(step, 3)
        else:
            times[name] = best_of(step, 3)
    return times


def main():
    warnings.simplefilter("ignore")
    named_steps = steps()
    alone = time_steps(named_steps, limit=False)
    alone_one_thread = time_steps(named_steps, limit=True)
    burner = multiprocessing.Process(target=burn, daemon=True)
    burner.start()
    time.sleep(0.5)
    try:
        busy = time_steps(named_steps, limit=False)
    finally:
        burner.terminate()
        burner.join()
    rows = [
        [name, f"{alone[name] * 1e3:.1f}", f"{alone_one_thread[name] * 1e3:.1f}",
         f"{busy[name] * 1e3:.1f}", f"{busy[name] / alone[name]:.2f}",
         f"{busy[name] / alone_one_thread[name]:.2f}"]
        for name in named_steps
    ]
    print(f"{multiprocessing.cpu_count()} cores; best of 3; times in ms\n")
    print_table(["step", "alone", "alone, 1 thread", "busy", "busy / alone",
                 "busy / alone on 1 thread"], rows)


if __name__ == "__main__":
    main()
