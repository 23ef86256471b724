"""What one round of layer-wise OBS costs, in passes over the data and in epochs.

784-300-100-10 network, 20,000 rows, one round to 90% (``prefit=True``,
no retraining), one BLAS thread. The script counts the rows each layer's
weights multiply during the round's statistics (the allocation's pass and
the refits; in units of all rows), and weighs the layers by their number of
weights: one forward pass of the whole network counts 1.
The round's time is given in training epochs (one ``partial_fit`` call) of
the same network, medians of ``--repeat`` interleaved runs.

    python benchmarks/bench_layerwise_round.py [--repeat 5]
"""

import argparse
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from skprune import OBSPruner, PrunableMLPClassifier
from skprune._core import network as network_module

from _common import print_table


def problem(n_rows=20_000, seed=0):
    rng = np.random.RandomState(seed)
    centres = rng.randn(10, 784).astype(np.float32)
    y = rng.randint(10, size=n_rows)
    X = (rng.rand(n_rows, 784) < 0.1).astype(np.float32) * centres[y]
    X += 0.1 * rng.randn(n_rows, 784).astype(np.float32)
    return X, y


class LayerReads:
    """Counts the rows each layer's weights multiply: forward passes, the
    pruned layers' outputs computed from kept activations, and each refit's
    target product ``A_l W_l``."""

    def __init__(self):
        self.rows = {}
        self._saved = []

    def __enter__(self):
        from skprune.pruning import _obs

        counter = self
        forward = network_module.Network.forward

        def counted_forward(network, X, buffers=None, n_layers=None):
            for layer in range(network.n_layers if n_layers is None else n_layers):
                counter.add(network.coefs[layer].shape, X.shape[0])
            return forward(network, X, buffers, n_layers)

        self._saved.append((network_module.Network, "forward", forward))
        network_module.Network.forward = counted_forward
        for name in ("_layer_output", "_refit_equations"):
            function = getattr(_obs, name, None)
            if function is None:  # (the version before it existed)
                continue

            def counted(*args, _function=function, _name=name, **kwargs):
                if _name == "_layer_output":  # (network, A, W, b)
                    counter.add(args[2].shape, args[1].shape[0])
                elif isinstance(args[0], np.ndarray):  # (W, b, data, ...): its target product
                    counter.add(args[0].shape, args[2].X.shape[0])
                else:  # the version before: (dense, pruned, layer, data)
                    counter.add(args[0].coefs[args[2]].shape, args[3].X.shape[0])
                return _function(*args, **kwargs)

            self._saved.append((_obs, name, function))
            setattr(_obs, name, counted)
        return self

    def add(self, shape, n_rows):
        self.rows[shape] = self.rows.get(shape, 0) + n_rows

    def __exit__(self, *exc):
        for owner, name, function in self._saved:
            setattr(owner, name, function)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    X, y = problem()
    net = PrunableMLPClassifier((300, 100), max_iter=3, random_state=0).fit(X, y)
    pruner = OBSPruner(net, prefit=True, method="layerwise", sparsity=0.9, retrain_iter=0, n_steps=1)
    epochs, fits, rounds = [], [], []
    with threadpool_limits(1):
        for _ in range(args.repeat):
            start = time.perf_counter()
            net.partial_fit(X, y)
            epochs.append(time.perf_counter() - start)
            start = time.perf_counter()
            pruner.fit(X, y)
            fits.append(time.perf_counter() - start)
            model, data = pruner._make_estimator(), _data(pruner, X, y)
            start = time.perf_counter()
            pruner._prune(model, *data)
            rounds.append(time.perf_counter() - start)
        with LayerReads() as reads:
            pruner._prune(pruner._make_estimator(), *_data(pruner, X, y))
    shapes = [W.shape for W in net.coefs_]
    passes = [reads.rows.get(shape, 0) / X.shape[0] for shape in shapes]
    sizes = np.array([a * b for a, b in shapes], dtype=float)
    epochs = np.array(epochs)
    print("784-300-100-10, 20,000 rows, layer-wise OBS to 90%, one BLAS thread\n")
    print_table(["quantity", "value"], [
        ["rows each layer multiplies, in passes",
         ", ".join(f"layer {k}: {v:.1f}" for k, v in enumerate(passes))],
        ["passes over the data (weighed by the layers' weights)", f"{np.dot(passes, sizes) / sizes.sum():.2f}"],
        ["epoch (s)", f"{np.median(epochs):.2f}"],
        ["the round: statistics, solvers, commit (s)", f"{np.median(rounds):.2f}"],
        ["the round / epoch", f"{np.median(np.array(rounds) / epochs):.2f}"],
        ["fit with one round, history's scoring included (s)", f"{np.median(fits):.2f}"],
        ["fit / epoch", f"{np.median(np.array(fits) / epochs):.2f}"],
    ])


def _data(pruner, X, y):
    """``(data, sparsity, random_state)`` for a bare round, as ``fit`` builds them."""
    try:
        from skprune.pruning._data import PruningData
    except ImportError:  # (the version before the module existed)
        from skprune.pruning._base import PruningData

    model = pruner.estimator
    data = PruningData(*model._training_arrays(X, y, None))
    data.reference = model
    return data, pruner.sparsity, np.random.RandomState(0)


if __name__ == "__main__":
    main()
