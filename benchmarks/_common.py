"""Helpers shared by the benchmark scripts."""

import time

import numpy as np


# Seconds for OpenBLAS's idle threads to stop spinning after a multi-threaded
# product (they spin about 0.1 s): a contender timed sooner shares the cores
# with them (bench_sparse_predict.py).
SETTLE = 0.2


def settle():
    """Wait until the last contender's BLAS threads have gone to sleep."""
    time.sleep(SETTLE)


def steady_state_times(contenders, rounds):
    """Interleaved rounds of each contender timed in its own steady state.

    ``contenders`` maps names to callables; in each round each one runs after
    a pause (:func:`settle`) and an untimed call. Returns each name's array
    of per-round seconds, so that ratios can be taken round by round.
    """
    times = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, run in contenders.items():
            settle()
            run()
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: np.array(seconds) for name, seconds in times.items()}


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


def classification_problems(seed):
    """``(name, X, y, hidden_layer_sizes)`` of the method comparisons: Digits
    with the default network's 100 units, and a generated problem (3,000
    samples, 20 features of which 10 informative, 5 classes) with 64."""
    from sklearn.datasets import load_digits, make_classification

    X, y = load_digits(return_X_y=True)
    yield "Digits", X, y, (100,)
    X, y = make_classification(n_samples=3000, n_features=20, n_informative=10, n_classes=5,
                               random_state=seed)
    yield "generated", X, y, (64,)


def standardised_split(X, y, seed):
    """``X_train, X_test, y_train, y_test``: 30% held out, stratified, inputs
    standardised on the training part."""
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=seed)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def comparison_splits(seeds):
    """``(seed, name, hidden_layer_sizes, X_train, X_test, y_train, y_test)``
    for every seed and problem of the method comparisons
    (:func:`classification_problems`, :func:`standardised_split`)."""
    for seed in range(seeds):
        for name, X, y, hidden in classification_problems(seed):
            yield (seed, name, hidden, *standardised_split(X, y, seed))


def mean_std(values):
    """``"mean (std)"`` of scores, to three decimals."""
    return f"{np.mean(values):.3f} ({np.std(values):.3f})"


def run_over_seeds(main, description):
    """Run ``main(seeds)`` on one BLAS thread, ``--seeds`` (default 3) from the command line."""
    import argparse

    from threadpoolctl import threadpool_limits

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seeds", type=int, default=3)
    with threadpool_limits(1):
        main(parser.parse_args().seeds)

