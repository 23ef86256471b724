"""
Removing hidden units with least-squares compensation
=====================================================

The set-up of the classical back-propagation experiments (online SGD with
``batch_size=1``, logistic units, squared error, a 90/10 split) on Iris and
Digits, followed by the hidden-unit removal of Castellano, Fanelli & Pelillo
(1997): remove the unit whose contribution to the next layer is smallest, and
re-solve the next layer's weights by least squares so that its input changes
as little as possible. Without the compensation, accuracy falls much sooner.
"""

# %%
# Train the two networks
# ----------------------
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

from skprune import PrunableMLPClassifier, UnitRemovalPruner

warnings.simplefilter("ignore", ConvergenceWarning)

problems = {}
for name, loader, hidden, epochs in (("Iris", load_iris, 10, 150), ("Digits", load_digits, 30, 40)):
    X, y = loader(return_X_y=True)
    X = MinMaxScaler().fit_transform(X)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.1, stratify=y, random_state=0
    )
    net = PrunableMLPClassifier(
        (hidden,), activation="logistic", loss="squared_error", solver="sgd",
        batch_size=1, learning_rate_init=0.1, momentum=0.0, max_iter=epochs, random_state=0,
    ).fit(X_train, y_train)
    problems[name] = (net, X_train, X_test, y_train, y_test)
    print(f"{name}: {hidden} hidden units, test accuracy {net.score(X_test, y_test):.3f}")

# %%
# Remove units one at a time
# --------------------------
# ``sparsity`` is the fraction of hidden units removed; each level is pruned
# from the trained network with and without the compensation.
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for ax, (name, (net, X_train, X_test, y_train, y_test)) in zip(axes, problems.items()):
    n_units = net.hidden_layer_sizes[0]
    removed = np.arange(0, n_units - 1)
    for compensate, style in ((True, "-o"), (False, "--s")):
        scores = [
            UnitRemovalPruner(net, sparsity=k / n_units, compensate=compensate, prefit=True,
                              retrain_iter=0)
            .fit(X_train, y_train)
            .score(X_test, y_test)
            for k in removed
        ]
        ax.plot(removed, scores, style, label="with compensation" if compensate else "deleted only")
    ax.set_title(f"{name} ({n_units} hidden units)")
    ax.set_xlabel("hidden units removed")
ax.legend()
axes[0].set_ylabel("test accuracy")
fig.tight_layout()
plt.show()
