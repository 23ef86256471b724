"""
Rewinding: lottery tickets and learning-rate rewinding
======================================================

Iterative magnitude pruning retrains after every round. Where does the
retraining start? From the pruned weights (fine-tuning); from the kept
weights' values at initialisation, the "lottery ticket" of Frankle & Carbin
(2019); from their values early in training (Frankle et al. 2020); or from
the pruned weights with the learning-rate schedule restarted (Renda, Frankle
& Carbin 2020). ``rewind`` chooses; everything else is the same pruner.
"""

# %%
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skprune import MagnitudePruner, PrunableMLPClassifier

warnings.simplefilter("ignore", ConvergenceWarning)
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16, y, test_size=0.3, stratify=y, random_state=0)
net = PrunableMLPClassifier((64,), max_iter=80, random_state=0)
dense_score = net.fit(X_train, y_train).score(X_test, y_test)

# %%
# The same rounds, four starting points
# -------------------------------------
# Two rounds to each level, each followed by a full training of 80 epochs,
# the length of the dense one, as in the papers. A rewound retraining starts
# a fresh Adam at the rewound point of its schedule.
levels = [0.8, 0.9, 0.95]
rewinds = {"fine-tune (None)": None, "lottery ticket ('init')": "init",
           "rewind to epoch 2 (2)": 2, "learning-rate rewinding ('lr')": "lr"}
fig, ax = plt.subplots(figsize=(7, 4.5))
for label, rewind in rewinds.items():
    scores = [MagnitudePruner(net, sparsity=level, n_steps=2, retrain_iter=80, rewind=rewind)
              .fit(X_train, y_train).score(X_test, y_test) for level in levels]
    ax.plot(levels, scores, "-o", label=label)
    print(label, " ".join(f"{s:.3f}" for s in scores))
ax.axhline(dense_score, color="grey", linestyle=":", label="dense")
ax.set_xlabel("sparsity")
ax.set_ylabel("test accuracy")
ax.legend()
plt.show()

# %%
# A rewound network has to learn again what the pruned one still knew, so
# rewinding needs the full retraining the papers give it: with 40 epochs
# instead of 80 the lottery ticket trails fine-tuning by 4 to 10 points here.
# With ``retrain_iter`` a number, fine-tuning continues the optimiser's state
# while ``"lr"`` restarts it; with ``retrain_iter="auto"`` every retraining
# is a fresh ``fit``, so for Adam at a constant rate the two are the same.
# ``benchmarks/bench_rewinding.py`` compares the four over seeds with the
# default retraining; see the benchmarks page of the documentation.
