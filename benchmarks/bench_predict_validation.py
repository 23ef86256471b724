"""What checking ``X`` costs at predict time, before and after, beside scikit-learn.

``PrunableMLPClassifier.predict`` checks a plain float array for NaN and
infinity with one sum (``skprune/neural_network/_validation.py``). This
script times, on 10,000 x 784 rows through a 784-300-100-10 network at 0%
and 95% sparsity (random masks):

- ``predict()`` as it is (the sum in ``X``'s own dtype),
- ``predict()`` with the sum accumulated in float64 (the earlier check),
- ``predict()`` inside ``config_context(assume_finite=True)`` (no check),
- scikit-learn's ``MLPClassifier.predict`` on the same weights,

and the checks alone. Ratios are medians over interleaved rounds of
per-round ratios (time of the contender / time of ``predict()``), each
contender timed in its own steady state (``_common.steady_state_times``).

    python benchmarks/bench_predict_validation.py [--rounds 9]
"""

import argparse
import warnings
from unittest import mock

import numpy as np
import sklearn

from skprune.neural_network import _validation

from _common import print_table, steady_state_times
from bench_inference import estimator, network


def float64_sum_is_finite(X):
    """The earlier check: the sum accumulated in float64."""
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isfinite(X.sum(dtype=np.float64)))


def with_float64_check(clf, X):
    with mock.patch.object(_validation, "_sum_is_finite", float64_sum_is_finite):
        return clf.predict(X)


def without_check(clf, X):
    with sklearn.config_context(assume_finite=True):
        return clf.predict(X)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    rows = []
    for dtype in (np.float32, np.float64):
        X = np.random.RandomState(1).rand(10_000, 784).astype(dtype)
        for sparsity in (0.0, 0.95):
            coefs, intercepts = network(sparsity, dtype)
            clf = estimator(coefs, intercepts, X)
            reference = clf.to_sklearn()
            contenders = {
                "predict()": lambda: clf.predict(X),
                "float64 check": lambda: with_float64_check(clf, X),
                "no check": lambda: without_check(clf, X),
                "scikit-learn": lambda: reference.predict(X),
                "sum check alone": lambda: _validation._sum_is_finite(X),
                "float64 sum alone": lambda: float64_sum_is_finite(X),
            }
            times = steady_state_times(contenders, args.rounds)
            base = times["predict()"]
            rows.append([np.dtype(dtype).name, f"{sparsity:.0%}", f"{np.median(base) * 1e3:.1f}",
                         *(f"{np.median(times[name] / base):.2f}"
                           for name in ("float64 check", "no check", "scikit-learn")),
                         f"{np.median(times['sum check alone']) * 1e3:.1f}",
                         f"{np.median(times['float64 sum alone']) * 1e3:.1f}"])
    print(f"784-300-100-10, 10,000 rows; time / predict()'s time, medians of {args.rounds} interleaved rounds")
    print_table(["dtype", "sparsity", "predict() (ms)", "float64 check", "no check", "scikit-learn",
                 "sum check (ms)", "float64 sum (ms)"], rows)


if __name__ == "__main__":
    main()
