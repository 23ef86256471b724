"""How large is a saved pruned network, in each format users save to?

A 784-300-100-10 network (LeNet-300-100's shape) trained briefly on random
data, then pruned to 95% by magnitude. Sizes in kB of the dense network and of
what a user may save after pruning, each as pickle, joblib with ``compress=3``
and skops (with its default and with zip compression), and the ratio to the
dense network's file in the same format. Then the default network trained to
convergence on Digits (hundreds of epochs, so ``loss_curve_`` is long). With
skl2onnx installed (``pip install ".[onnx]"``), the networks also as ONNX
(through ``to_sklearn()``), plain and gzipped: ONNX keeps pruned weights as
stored zeros, which compression takes away.

Run:  python benchmarks/bench_file_sizes.py
"""

import gzip
import importlib.util
import io
import pickle
import warnings

import joblib
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from skprune import MagnitudePruner, PrunableMLPClassifier
from skprune.pruning import BasePruner

from _common import print_table


def formats():
    sizes = {
        "pickle": lambda model: len(pickle.dumps(model)),
        "joblib compress=3": _joblib_size,
    }
    try:
        import skops.io as sio
        from zipfile import ZIP_DEFLATED

        sizes["skops"] = lambda model: len(sio.dumps(model))
        sizes["skops compressed"] = lambda model: len(sio.dumps(model, compression=ZIP_DEFLATED))
    except ImportError:
        pass
    if importlib.util.find_spec("skl2onnx") is not None:
        sizes["ONNX"] = lambda model: _size(_onnx_bytes(model))
        sizes["ONNX gzip"] = lambda model: _size(_onnx_bytes(model), gzip.compress)
    return sizes


def _onnx_bytes(model):
    """The network as an ONNX model, or None for a pruner (ONNX holds networks)."""
    from skl2onnx import to_onnx

    if isinstance(model, BasePruner):
        return None
    mlp = model.to_sklearn() if hasattr(model, "to_sklearn") else model
    return to_onnx(mlp, np.zeros((1, mlp.coefs_[0].shape[0]), np.float32)).SerializeToString()


def _size(data, transform=None):
    if data is None:
        return None
    return len(transform(data) if transform else data)


def _joblib_size(model):
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    return buffer.tell()


def table(title, dense, prefit, fitted=None):
    models = {
        "dense network": dense,
        "pruner.estimator_ (95%)": prefit.estimator_,
        "pruner.compacted()": prefit.compacted(),
        "pruner, fitted from scratch": fitted,
        "pruner, prefit (holds the dense input)": prefit,
        "pruner.to_sklearn() (dense zeros)": prefit.to_sklearn(),
    }
    sizes = formats()
    reference = {name: size(dense) for name, size in sizes.items()}
    rows = []
    for model_name, model in models.items():
        if model is None:
            continue
        row = [model_name]
        for name, size in sizes.items():
            n_bytes = size(model)
            if n_bytes is None:
                row.append("n/a")
                continue
            row.append(f"{n_bytes / 1e3:,.0f} ({n_bytes / reference[name]:.2f}x)")
        rows.append(row)
    print(f"{title}: file size in kB (ratio to the dense network)\n")
    print_table(["saved object"] + list(sizes), rows)
    print()


def main():
    warnings.simplefilter("ignore", ConvergenceWarning)
    rng = np.random.RandomState(0)
    X, y = rng.rand(2000, 784).astype(np.float32), rng.randint(0, 10, 2000)
    dense = PrunableMLPClassifier((300, 100), max_iter=5, random_state=0).fit(X, y)
    fitted = MagnitudePruner(PrunableMLPClassifier((300, 100), max_iter=5, random_state=0),
                             sparsity=0.95, retrain_iter=1).fit(X, y)
    prefit = MagnitudePruner(dense, sparsity=0.95, prefit=True, retrain_iter=1).fit(X, y)
    table("784-300-100-10, 95% of the weights pruned", dense, prefit, fitted)
    X, y = load_digits(return_X_y=True)
    dense = PrunableMLPClassifier(random_state=0).fit(X / 16, y)
    prefit = MagnitudePruner(dense, sparsity=0.95, prefit=True).fit(X / 16, y)
    table(f"Digits, 64-100-10 trained {len(dense.loss_curve_)} epochs, 95% pruned", dense, prefit)


if __name__ == "__main__":
    main()
