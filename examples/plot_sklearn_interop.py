"""
Pruning a scikit-learn MLPClassifier and exporting it back
==========================================================

An existing :class:`~sklearn.neural_network.MLPClassifier` can be pruned
without retraining it from scratch (``prefit=True``), and the pruned network
exported back to a plain ``MLPClassifier`` that needs only scikit-learn to
load and run. ``compact=True`` also deletes the hidden units pruning left
dead, so the exported network is smaller, not only sparser.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from skprune import OBSPruner

warnings.simplefilter("ignore", ConvergenceWarning)
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16, y, test_size=0.3, stratify=y, random_state=0)

mlp = MLPClassifier((100,), random_state=0).fit(X_train, y_train)
pruner = OBSPruner(mlp, sparsity=0.95, prefit=True, compact=True).fit(X_train, y_train)
exported = pruner.estimator_.to_sklearn()

print(f"scikit-learn MLP:  {sum(W.size for W in mlp.coefs_)} weights, "
      f"test accuracy {mlp.score(X_test, y_test):.3f}")
print(f"pruned and exported: {type(exported).__name__} with hidden layers "
      f"{exported.hidden_layer_sizes}, {sum(int((W != 0).sum()) for W in exported.coefs_)} "
      f"non-zero weights, test accuracy {exported.score(X_test, y_test):.3f}")
assert np.array_equal(exported.predict(X_test), pruner.predict(X_test))

# %%
# Which inputs still matter
# -------------------------
# Pixels whose every first-layer weight was removed no longer reach the
# network: pruning has also selected the input features.
used = (exported.coefs_[0] != 0).sum(axis=1).reshape(8, 8)
plt.imshow(used, cmap="viridis")
plt.colorbar(label="remaining weights from the pixel")
plt.title("Connections left per input pixel")
plt.show()
