"""Epoch time of PrunableMLPClassifier against scikit-learn (and PyTorch).

20,000 x 784 random inputs, 10 classes, hidden layers (300, 100), ReLU, Adam,
batch 128, in float32 and float64. One epoch is one ``partial_fit`` call for
the scikit-learn-style models (input validation included, for both) and one
pass of a standard training loop for PyTorch. Implementations are alternated
within each repetition and the best of the repetitions is kept. The last
columns give the share of the GEMM roofline: the epoch's matrix-product FLOPs
divided by the measured matmul rate, over the epoch time.

Run:  python benchmarks/bench_training.py [--repeat 3]
"""

import argparse
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from skprune import PrunableMLPClassifier

from _common import best_of, matmul_rate, print_table

N_SAMPLES, N_FEATURES, HIDDEN, N_CLASSES, BATCH = 20_000, 784, (300, 100), 10, 128


def epoch_flops(units, n_samples):
    """FLOPs of the matrix products of one epoch (forward, weight and input gradients)."""
    weights = sum(a * b for a, b in zip(units, units[1:]))
    first = units[0] * units[1]
    return 2.0 * n_samples * (3 * weights - first)


def sklearn_style_epoch(estimator, X, y, classes):
    estimator.partial_fit(X[:BATCH], y[:BATCH], classes=classes)  # allocate, warm up
    return lambda: estimator.partial_fit(X, y)


def masked_epoch(X, y, classes, density, seed=0):
    est = PrunableMLPClassifier(HIDDEN, batch_size=BATCH, random_state=seed)
    est.partial_fit(X[:BATCH], y[:BATCH], classes=classes)
    rng = np.random.RandomState(seed)
    for mask in est.masks_:
        mask[...] = rng.uniform(size=mask.shape) < density
    return lambda: est.partial_fit(X, y)


def torch_epoch(X, y, dtype):
    try:
        import torch
    except ImportError:
        return None
    torch.manual_seed(0)
    torch.set_num_threads(2)
    tdtype = torch.float32 if dtype == np.float32 else torch.float64
    layers, units = [], (N_FEATURES,) + HIDDEN + (N_CLASSES,)
    for a, b in zip(units, units[1:]):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1]).to(tdtype)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-8)
    loss_fn = torch.nn.CrossEntropyLoss()
    Xt = torch.from_numpy(X)
    yt = torch.from_numpy(y.astype(np.int64))
    generator = torch.Generator().manual_seed(0)

    def run():
        order = torch.randperm(len(Xt), generator=generator)
        for start in range(0, len(Xt), BATCH):
            idx = order[start : start + BATCH]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            optimizer.step()

    run()
    return run


def main(repeat):
    warnings.simplefilter("ignore", ConvergenceWarning)
    rng = np.random.RandomState(0)
    X64 = rng.rand(N_SAMPLES, N_FEATURES)
    y = rng.randint(0, N_CLASSES, N_SAMPLES)
    classes = np.arange(N_CLASSES)
    units = (N_FEATURES,) + HIDDEN + (N_CLASSES,)
    flops = epoch_flops(units, N_SAMPLES)

    rows = []
    for dtype in (np.float32, np.float64):
        X = X64.astype(dtype)
        runners = {
            "skprune": sklearn_style_epoch(
                PrunableMLPClassifier(HIDDEN, batch_size=BATCH, random_state=0), X, y, classes
            ),
            "skprune 90% masked": masked_epoch(X, y, classes, density=0.1),
            "scikit-learn": sklearn_style_epoch(
                MLPClassifier(HIDDEN, batch_size=BATCH, random_state=0), X, y, classes
            ),
        }
        torch_run = torch_epoch(X, y, dtype)
        if torch_run is not None:
            runners["PyTorch"] = torch_run
        times = {name: [] for name in runners}
        for _ in range(repeat):  # alternate the implementations
            for name, run in runners.items():
                times[name].append(best_of(run, 1))
        best = {name: min(t) for name, t in times.items()}
        floor = flops / matmul_rate(BATCH, N_FEATURES, HIDDEN[0], dtype)
        for name, seconds in best.items():
            rows.append([
                np.dtype(dtype).name,
                name,
                f"{seconds:.3f}",
                f"{seconds / best['scikit-learn']:.2f}",
                f"{seconds / best['PyTorch']:.2f}" if "PyTorch" in best else "n/a",
                f"{floor / seconds:.0%}",
            ])
    print(f"Epoch time, {N_SAMPLES} x {N_FEATURES}, hidden {HIDDEN}, Adam, batch {BATCH}")
    print_table(
        ["dtype", "implementation", "epoch (s)", "vs scikit-learn", "vs PyTorch", "of GEMM roofline"],
        rows,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    main(parser.parse_args().repeat)
