"""
Pruning a fitted Pipeline
=========================

A model in production is often a fitted scikit-learn ``Pipeline``: a scaler,
maybe a feature map, and an ``MLPClassifier`` at the end.
``prune_pipeline`` prunes that network where it stands: the fitted steps
before it transform the data once, a pruner prunes the network on it, and a
new ``Pipeline`` comes back with the same preprocessing and the pruned
network (as its fitted pruner) at the end. The original is left as it was.
"""

# %%
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import MagnitudePruner
from skprune.pipeline import prune_pipeline

warnings.simplefilter("ignore", ConvergenceWarning)
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
pipe = make_pipeline(StandardScaler(), MLPClassifier((100,), random_state=0)).fit(X_train, y_train)

# %%
# Prune its network to 90%
# ------------------------
pruned = prune_pipeline(pipe, MagnitudePruner(sparsity=0.9, retrain_iter=20), X_train, y_train)
print(pruned)
print(f"dense pipeline:  test accuracy {pipe.score(X_test, y_test):.3f}")
print(f"pruned pipeline: test accuracy {pruned.score(X_test, y_test):.3f}, "
      f"{pruned[-1].n_nonzero_params_} of {pruned[-1].estimator_.n_params_} parameters non-zero")

# %%
# For plain scikit-learn at deployment, swap the pruner for its network
# exported as an ``MLPClassifier`` (dense zeros; compress the file to keep it
# small, see the user guide's "Persistence").
deployed = make_pipeline(pruned[0], pruned[-1].to_sklearn())
print(type(deployed[-1]).__name__, (deployed.predict(X_test) == pruned.predict(X_test)).all())
