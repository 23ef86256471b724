"""
Per-layer sensitivity analysis
==============================

How far can each layer be pruned on its own? ``sensitivity_analysis``
prunes one layer at a time with a pruner's criterion and scores the network
on held-out data; ``SensitivityDisplay`` draws a curve per layer, and
``sparsity_from_sensitivity`` picks, for each layer, the highest level that
costs at most a given drop -- per-layer sparsities for the pruner.
"""

# %%
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skprune import MagnitudePruner, PrunableMLPClassifier
from skprune.inspection import SensitivityDisplay, sensitivity_analysis, sparsity_from_sensitivity

warnings.simplefilter("ignore", ConvergenceWarning)
X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X / 16, y, test_size=0.3, stratify=y, random_state=0)
net = PrunableMLPClassifier((100, 50), random_state=0).fit(X_train, y_train)

# %%
# One-shot sensitivity of each layer
# ----------------------------------
pruner = MagnitudePruner(net, prefit=True, retrain_iter=0, n_steps=1)
result = sensitivity_analysis(pruner, X_train, y_train, sparsities=[0.5, 0.7, 0.8, 0.9, 0.95, 0.98],
                              X_test=X_val, y_test=y_val)
SensitivityDisplay.from_result(result)
plt.show()

# %%
# Per-layer sparsities from the analysis
# --------------------------------------
levels = sparsity_from_sensitivity(result, max_drop=0.02)
chosen = MagnitudePruner(net, prefit=True, retrain_iter=0, n_steps=1, sparsity=levels).fit(X_train, y_train)
uniform = MagnitudePruner(net, prefit=True, retrain_iter=0, n_steps=1, sparsity=chosen.sparsity_,
                          scope="layer").fit(X_train, y_train)
print(f"per-layer sparsities {levels}: overall {chosen.sparsity_:.3f}, "
      f"accuracy {chosen.score(X_val, y_val):.3f}")
print(f"the same overall sparsity in every layer: accuracy {uniform.score(X_val, y_val):.3f}")
