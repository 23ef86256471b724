"""
Optimal Brain Surgeon on the MONK's problems
============================================

Hassibi & Stork (1993) pruned networks trained on the three MONK's problems
(Thrun et al. 1991) with weight decay (BPWD) and reported how few weights
Optimal Brain Surgeon left without losing test accuracy:

=========  ============  ===========  =========================
problem    BPWD weights  OBS weights  OBS test accuracy
=========  ============  ===========  =========================
MONK-1     58            14           100%
MONK-2     39            15           100%
MONK-3     39            4            97.2%
=========  ============  ===========  =========================

Here the same networks (17 one-hot inputs; 3, 2 and 2 logistic hidden units)
are trained with L-BFGS and weight decay, then pruned by full OBS along a
path of increasing sparsity with a little retraining after each step; we keep
the sparsest network whose training accuracy is still that of the dense one.
The data come from the original UCI files when they are in scikit-learn's
data folder, otherwise from :func:`~skprune.datasets.make_monks` (which says
so below).
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skprune import OBSPruner, PrunableMLPClassifier
from skprune.datasets import load_monks, make_monks

warnings.simplefilter("ignore", ConvergenceWarning)
paper = {1: (58, 14, 1.0), 2: (39, 15, 1.0), 3: (39, 4, 0.972)}
hidden = {1: 3, 2: 2, 3: 2}
levels = np.round(np.arange(0.1, 0.96, 0.05), 2)

# %%
# Prune each problem's network
# ----------------------------
rows, curves = [], {}
for problem in (1, 2, 3):
    try:
        X_train, y_train = load_monks(problem, return_X_y=True)
        source = "UCI file"
    except FileNotFoundError:
        n_train = {1: 124, 2: 169, 3: 122}[problem]
        X_train, y_train = make_monks(problem, n_train, noise=0.05 if problem == 3 else 0.0,
                                      random_state=problem)
        source = "make_monks (UCI file not found)"
    X_test, y_test = load_monks(problem, subset="test", return_X_y=True)

    best = None
    for seed in range(5):  # a few restarts: small networks can stall in a poor minimum
        net = PrunableMLPClassifier(
            (hidden[problem],), activation="logistic", solver="lbfgs", alpha=1e-3,
            max_iter=2000, random_state=seed,
        ).fit(X_train, y_train)
        if best is None or net.score(X_train, y_train) > best.score(X_train, y_train):
            best = net
    dense_train = best.score(X_train, y_train)
    path, model = [], best
    for level in levels:  # each step prunes the previous step's network further
        model = OBSPruner(model, sparsity=level, method="full", prefit=True,
                          retrain_iter=20).fit(X_train, y_train).estimator_
        path.append((model.n_nonzero_params_, model.score(X_train, y_train),
                     model.score(X_test, y_test)))
    keep = [p for p in path if p[1] >= dense_train]
    n_left, _, test_accuracy = keep[-1] if keep else (best.n_nonzero_params_, dense_train,
                                                      best.score(X_test, y_test))
    curves[problem] = path
    rows.append((problem, source, best.n_params_, best.score(X_test, y_test), n_left, test_accuracy))

print(f"{'problem':<9}{'data':<34}{'dense':>6}{'acc':>7}{'OBS':>6}{'acc':>7}   paper (BPWD -> OBS, acc)")
for problem, source, n_dense, dense_acc, n_left, acc in rows:
    b, o, a = paper[problem]
    print(f"MONK-{problem:<4}{source:<34}{n_dense:>6}{dense_acc:>7.3f}{n_left:>6}{acc:>7.3f}"
          f"   {b} -> {o}, {a:.3f}")

# %%
# Accuracy along the pruning path
# -------------------------------
fig, axes = plt.subplots(1, 3, figsize=(12, 3.5), sharey=True)
for ax, (problem, path) in zip(axes, curves.items()):
    n, train, test = np.array(path).T
    ax.plot(n, train, "-o", label="train")
    ax.plot(n, test, "-s", label="test (432 inputs)")
    ax.axvline(paper[problem][1], color="grey", linestyle=":", label="OBS in the paper")
    ax.invert_xaxis()
    ax.set_title(f"MONK-{problem}")
    ax.set_xlabel("non-zero weights and biases")
axes[0].set_ylabel("accuracy")
axes[-1].legend()
fig.tight_layout()
plt.show()
