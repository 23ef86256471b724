"""Movement pruning (Sanh et al. 2020): scores from the updates of training."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_iris

from skprune import MovementPruner, PrunableMLPClassifier
from skprune.callbacks import TrainingCallback, training_callbacks


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


def sgd_net(**params):
    return PrunableMLPClassifier((6,), solver="sgd", momentum=0, learning_rate_init=0.2, alpha=0.0,
                                 batch_size=150, shuffle=False, max_iter=30, random_state=0, **params)


def test_scores_are_half_the_growth_of_w_squared_over_the_rate(iris):
    # -sum_t g_t w_t = sum_t w_t (w_t+1 - w_t) / lr = (w_end^2 - w_start^2) / (2 lr) + O(lr)
    X, y = iris
    net = sgd_net().fit(X, y)
    rate = 1e-3
    pruner = MovementPruner(net, sparsity=0.01, n_steps=1, movement_iter=5, retrain_iter=0,
                            retrain_learning_rate=rate, prefit=True).fit(X, y)
    model = pruner.estimator_
    for S, W_end, W_start, mask in zip(pruner.scores_, model.coefs_, net.coefs_, model.masks_):
        growth = (W_end**2 - W_start**2) / (2 * rate)
        assert_allclose(S[mask], growth[mask], rtol=1e-2, atol=1e-4 * np.abs(growth).max())
        assert np.any(S > 0) and np.any(S < 0)  # some weights grow, some shrink


class Recorder(TrainingCallback):
    def __init__(self):
        self.pairs = []

    def on_gradient(self, model, step):
        self.pairs.append([-(g * W) for g, W in zip(step.coef_grads, model.coefs_)])


def test_scores_accumulate_over_the_rounds_and_their_retraining(iris):
    X, y = iris
    net = sgd_net().fit(X, y)
    recorder = Recorder()
    with training_callbacks(recorder):
        pruner = MovementPruner(net, sparsity=0.6, n_steps=2, movement_iter=2, retrain_iter=3,
                                prefit=True).fit(X, y)
    # round 1: 2 scoring updates, 3 retraining; round 2: 2 scoring (then it prunes), 3 retraining
    assert len(recorder.pairs) == 2 + 3 + 2 + 3
    for layer, S in enumerate(pruner.scores_):
        assert_allclose(S, sum(pair[layer] for pair in recorder.pairs[:7]), rtol=1e-8, atol=1e-12)


def test_pruned_weights_stay_zero_and_lbfgs_works(iris):
    X, y = iris
    net = PrunableMLPClassifier((8,), solver="lbfgs", max_iter=200, random_state=0).fit(X, y)
    pruner = MovementPruner(net, sparsity=0.5, prefit=True, retrain_iter=5).fit(X, y)
    model = pruner.estimator_
    for W, m in zip(model.coefs_, model.masks_):
        assert np.all(W[~m] == 0)
    assert pruner.sparsity_ == pytest.approx(0.5, abs=0.02) and pruner.score(X, y) > 0.9
