"""
Wanda and movement pruning
==========================

Two criteria since 2019. Wanda (Sun et al. 2023) multiplies a weight's
magnitude by the norm of its input, so that it does not depend on the scale
of each input; movement pruning (Sanh et al. 2020) keeps the weights that
training moves away from zero. Here, on Digits' raw pixel counts (0 to 16,
with very different spreads), one-shot Wanda against magnitude pruning, then
both with movement pruning in rounds with retraining.
"""

# %%
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skprune import MagnitudePruner, MovementPruner, PrunableMLPClassifier, WandaPruner

warnings.simplefilter("ignore", ConvergenceWarning)
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
net = PrunableMLPClassifier((64,), max_iter=300, random_state=0).fit(X_train, y_train)

# %%
# One-shot: the input's scale matters
# -----------------------------------
levels = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9]
one_shot = dict(prefit=True, retrain_iter=0, n_steps=1, scope="layer")
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
for name, kind in (("magnitude", MagnitudePruner), ("Wanda", WandaPruner)):
    scores = [kind(net, sparsity=s, **one_shot).fit(X_train, y_train).score(X_test, y_test) for s in levels]
    left.plot(levels, scores, "-o", label=name)
left.set_xlabel("sparsity")
left.set_ylabel("test accuracy")
left.set_title("one-shot, each layer alike")
left.legend()

# %%
# In rounds with retraining
# -------------------------
# Four rounds, 15 epochs each at a larger rate; movement pruning spends 5 of
# them scoring before each round.
rounds = dict(prefit=True, n_steps=4, retrain_learning_rate=0.01)
levels = [0.9, 0.95, 0.98]
for name, make in (("magnitude", lambda s: MagnitudePruner(net, sparsity=s, retrain_iter=15, **rounds)),
                   ("Wanda", lambda s: WandaPruner(net, sparsity=s, retrain_iter=15, **rounds)),
                   ("movement", lambda s: MovementPruner(net, sparsity=s, retrain_iter=10, movement_iter=5,
                                                         **rounds))):
    scores = [make(s).fit(X_train, y_train).score(X_test, y_test) for s in levels]
    right.plot(levels, scores, "-o", label=name)
    print(name, " ".join(f"{s:.3f}" for s in scores))
right.set_xlabel("sparsity")
right.set_title("4 rounds x 15 epochs")
right.legend()
fig.tight_layout()
plt.show()
