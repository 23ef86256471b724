"""
Feature selection by pruning input units
========================================

:class:`~skprune.feature_selection.InputPruner` removes whole input units of a
trained network -- every connection leaving a feature -- and moves the
remaining first-layer weights to compensate (Castellano, Fanelli & Pelillo
1997, applied to the input layer). It is a scikit-learn feature selector that
sees the non-linear interactions the network learnt.

The problem: 30 uniform features, the label the sign of
``x0 x1 + x2^2 - x3 x4 - 1/3`` -- five informative features, all of them in
products or squares, so no single one is linearly related to the label.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import RFE, SelectFromModel
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from skprune import PrunableMLPClassifier
from skprune.feature_selection import InputPruner

warnings.simplefilter("ignore", ConvergenceWarning)
rng = np.random.RandomState(0)
X = rng.uniform(-1, 1, size=(1200, 30))
y = (X[:, 0] * X[:, 1] + X[:, 2] ** 2 - X[:, 3] * X[:, 4] > 1 / 3).astype(int)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
dense = PrunableMLPClassifier((64,), solver="lbfgs", max_iter=1000, alpha=1.0,
                              random_state=0).fit(X_train, y_train)
print(f"dense network on all 30 features: test accuracy {dense.score(X_test, y_test):.3f}")

# %%
# Select five features
# --------------------
# Five rounds, each removing five inputs and retraining for 20 iterations.
selector = InputPruner(dense, prefit=True, n_features_to_select=5, n_steps=5,
                       retrain_iter=20).fit(X_train, y_train)
print("InputPruner selects", selector.get_support(indices=True),
      f"and predicts with accuracy {selector.score(X_test, y_test):.3f}")
others = {
    "SelectFromModel(RandomForest)": SelectFromModel(
        RandomForestClassifier(200, random_state=0), threshold=-np.inf, max_features=5),
    "RFE(LogisticRegression)": RFE(LogisticRegression(), n_features_to_select=5),
}
for name, other in others.items():
    print(f"{name} selects", other.fit(X_train, y_train).get_support(indices=True))

# %%
# The order of removal
# --------------------
# ``ranking_`` ranks the features as RFE does: 1 for the selected ones, and
# the earlier a feature was removed, the higher its rank.
fig, ax = plt.subplots(figsize=(7, 3))
ax.bar(np.arange(30), selector.ranking_, color=["C3" if j < 5 else "C0" for j in range(30)])
ax.set_xlabel("feature (red: informative)")
ax.set_ylabel("rank (1 = kept)")
fig.tight_layout()

# %%
# What the selectors see
# ----------------------
# Logistic regression sees no linear effect of any feature on the label (the
# informative ones enter only through products and squares), so recursive
# elimination with it keeps noise. The forest and the pruned network both
# find the five. The pruned network keeps accepting all 30 columns;
# ``compact=True`` (or ``estimator_.compact()``) makes it read only the five
# it uses, so prediction is faster in proportion.
compact = selector.estimator_.compact()
print("compacted network reads columns", compact.active_inputs_,
      "of", compact.n_features_in_)
