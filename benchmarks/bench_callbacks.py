"""What the training loop's callbacks cost.

Epoch time (one ``partial_fit`` call) of PrunableMLPClassifier with no
callback, with one callback that does nothing, and with one that reads every
gradient (``on_gradient`` summing ``|g|``), against scikit-learn's
MLPClassifier, on two problems: 20,000 x 784 inputs through (300, 100) with
batches of 128, and the worst case for a per-update cost, 2,000 x 64 inputs
through (32,) with batches of 8. Interleaved, best of the repetitions, one
BLAS thread. On a version without callbacks only the first columns run.

Run:  python benchmarks/bench_callbacks.py [--repeat 5]
"""

import argparse
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from skprune import PrunableMLPClassifier

from _common import best_of, print_table

try:
    from skprune.callbacks import TrainingCallback, training_callbacks
except ImportError:  # a version before callbacks
    TrainingCallback = training_callbacks = None

PROBLEMS = {"784-300-100-10, batch 128": (20_000, 784, (300, 100), 128),
            "64-32-10, batch 8": (2_000, 64, (32,), 8)}


def callbacks():
    if TrainingCallback is None:
        return {}

    class ReadsGradients(TrainingCallback):
        total = 0.0

        def on_gradient(self, model, step):
            self.total += sum(float(np.abs(g).sum()) for g in step.coef_grads)

    return {"one empty callback": TrainingCallback(), "one reading each gradient": ReadsGradients()}


def main(repeat):
    warnings.simplefilter("ignore", ConvergenceWarning)
    rows = []
    for name, (n, d, hidden, batch) in PROBLEMS.items():
        rng = np.random.RandomState(0)
        X, y = rng.rand(n, d).astype(np.float32), rng.randint(0, 10, n)
        classes = np.arange(10)
        params = dict(hidden_layer_sizes=hidden, batch_size=batch, random_state=0)
        ours, theirs = PrunableMLPClassifier(**params), MLPClassifier(**params)
        ours.partial_fit(X, y, classes=classes)
        theirs.partial_fit(X, y, classes=classes)
        timings = {"scikit-learn": lambda: theirs.partial_fit(X, y), "no callback": lambda: ours.partial_fit(X, y)}
        for label, callback in callbacks().items():
            def run(callback=callback):
                with training_callbacks(callback):
                    ours.partial_fit(X, y)
            timings[label] = run
        best = {label: np.inf for label in timings}
        for _ in range(repeat):
            for label, fn in timings.items():
                best[label] = min(best[label], best_of(fn, 1))
        reference = best["scikit-learn"]
        rows.append([name] + [f"{best[label] * 1e3:.0f} ms ({best[label] / reference:.2f}x)" for label in timings])
    print("Epoch time, ratio to scikit-learn's MLPClassifier in parentheses (one BLAS thread)\n")
    print_table(["problem"] + list(timings), rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    with threadpool_limits(1):
        main(parser.parse_args().repeat)
