"""
LeNet-300-100 on MNIST
======================

The network of the pruning literature's MNIST experiments (Han et al. 2015;
Dong, Chen & Pan 2017): 784-300-100-10, trained for a few epochs, then pruned
to 90% and 95% sparsity in one shot by magnitude and by layer-wise OBS. MNIST
is downloaded with :func:`~sklearn.datasets.fetch_openml`; without network
access the example says so and stops.
"""

# %%
import time
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import fetch_openml
from sklearn.exceptions import ConvergenceWarning

from skprune import MagnitudePruner, OBSPruner, PrunableMLPClassifier

warnings.simplefilter("ignore", ConvergenceWarning)


def load_mnist():
    """MNIST as float32 in [0, 1], or None when it cannot be downloaded."""
    try:
        with warnings.catch_warnings():  # fetch_openml's retry warnings name local paths
            warnings.simplefilter("ignore")
            X, y = fetch_openml("mnist_784", version=1, return_X_y=True, as_frame=False,
                                n_retries=1, delay=0.1)
    except Exception as exc:  # no network, proxy refusal, server error...
        # the type only: the message of a failed download can name local paths
        print(f"MNIST could not be downloaded ({type(exc).__name__}). This example "
              "needs network access once, after which scikit-learn keeps a copy; "
              "without it there is nothing more to show (the other examples run "
              "offline).")
        return None
    return (X / 255.0).astype("float32"), y


def main():
    data = load_mnist()
    if data is None:
        return
    X, y = data
    X_train, X_test, y_train, y_test = X[:60000], X[60000:], y[:60000], y[60000:]
    start = time.perf_counter()
    net = PrunableMLPClassifier((300, 100), batch_size=128, max_iter=5,
                                random_state=0).fit(X_train, y_train)
    print(f"dense LeNet-300-100: {time.perf_counter() - start:.1f} s, "
          f"test accuracy {net.score(X_test, y_test):.4f}")
    fig, ax = plt.subplots()
    for name, make in (("magnitude", MagnitudePruner), ("OBS layer-wise", OBSPruner)):
        scores = []
        for sparsity in (0.9, 0.95):
            start = time.perf_counter()
            pruner = make(net, sparsity=sparsity, prefit=True, retrain_iter=0).fit(X_train[:10000], y_train[:10000])
            scores.append(pruner.score(X_test, y_test))
            print(f"{name} at {sparsity:.0%}: test accuracy {scores[-1]:.4f} "
                  f"({time.perf_counter() - start:.1f} s)")
        ax.plot([10, 20], scores, "-o", label=name)
    ax.set_xlabel("compression ratio")
    ax.set_ylabel("test accuracy (one-shot)")
    ax.legend()
    plt.show()


main()

# sphinx_gallery_thumbnail_path = "_static/mnist_lenet_thumb.png"
