"""
Optimal Brain Damage: train, prune, retrain
===========================================

The procedure of LeCun, Denker & Solla (1990): train a network, compute the
saliency ``s_k = h_kk w_k^2 / 2`` of every weight from the diagonal of the
Hessian, delete the least salient weights, retrain, and repeat. The left
panel shows the saliencies of the trained network (on a log scale: most
weights matter very little); the right one the accuracy after each round
of ``OBDPruner`` against magnitude pruning with the same rounds.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skprune import MagnitudePruner, OBDPruner, PrunableMLPClassifier

warnings.simplefilter("ignore", ConvergenceWarning)
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16, y, test_size=0.3, stratify=y, random_state=0)
net = PrunableMLPClassifier((100,), random_state=0).fit(X_train, y_train)

# %%
# Saliencies of the trained network
# ---------------------------------
# A round at sparsity 0 computes the saliencies and prunes nothing.
obd = OBDPruner(net, sparsity=0.0, hessian="gauss-newton", prefit=True).fit(X_train, y_train)
saliency = np.concatenate([s.ravel() for s in obd.saliencies_])

# %%
# Rounds of pruning and retraining
# --------------------------------
rounds = dict(sparsity=0.95, n_steps=6, retrain_iter=10, prefit=True)
histories = {}
for name, pruner in (("OBD", OBDPruner(net, **rounds)), ("magnitude", MagnitudePruner(net, **rounds))):
    pruner.fit(X_train, y_train)
    histories[name] = pruner.history_
    print(f"{name}: test accuracy at {pruner.sparsity_:.0%} sparsity = {pruner.score(X_test, y_test):.3f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
left.hist(np.log10(saliency[saliency > 0]), bins=60)
left.set_xlabel("log10 saliency")
left.set_ylabel("weights")
left.set_title("OBD saliencies of the trained network")
for name, history in histories.items():
    right.plot(history["sparsity"], history["train_score"], "-o", label=name)
right.set_xlabel("sparsity after the round")
right.set_ylabel("training accuracy after retraining")
right.set_title("train -> prune -> retrain, 6 rounds")
right.legend()
fig.tight_layout()
plt.show()
