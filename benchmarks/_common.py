"""Helpers shared by the benchmark scripts."""

import time

import numpy as np


def best_of(fn, repeat):
    """Minimum wall-clock time of ``repeat`` calls (the least noisy estimate)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def matmul_rate(m, k, n, dtype, repeat=50):
    """Measured GEMM rate (FLOP/s) of an ``(m, k) @ (k, n)`` product."""
    rng = np.random.RandomState(0)
    a = rng.rand(m, k).astype(dtype)
    b = rng.rand(k, n).astype(dtype)
    out = np.empty((m, n), dtype=dtype)
    np.matmul(a, b, out=out)
    seconds = best_of(lambda: [np.matmul(a, b, out=out) for _ in range(repeat)], 3) / repeat
    return 2.0 * m * k * n / seconds


def print_table(headers, rows):
    """Print a Markdown table."""
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = "| " + " | ".join(str(h).ljust(w) for h, w in zip(headers, widths)) + " |"
    print(line)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(x).ljust(w) for x, w in zip(row, widths)) + " |")
