"""Rewinding (Frankle & Carbin 2019; Frankle et al. 2020; Renda et al. 2020)."""

import numpy as np
import pytest
from joblib import Memory
from numpy.testing import assert_array_equal
from sklearn.datasets import load_iris

from skprune import MagnitudePruner, PrunableMLPClassifier, UnitRemovalPruner
from skprune.callbacks import TrainingCallback, training_callbacks
from skprune.feature_selection import InputPruner


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


def net(**params):
    return PrunableMLPClassifier((8,), max_iter=20, batch_size=50, random_state=0, **params)


class FirstTraining(TrainingCallback):
    """The weights of the first fit in the block: at its start and after each epoch."""

    def __init__(self):
        self.at = {}

    def on_train_begin(self, model):
        if not self.at:
            self.at[0] = [W.copy() for W in model.coefs_] + [b.copy() for b in model.intercepts_]

    def on_epoch_end(self, model, epoch, loss):
        if len(self.at) == epoch:  # still the first fit
            self.at[epoch] = [W.copy() for W in model.coefs_] + [b.copy() for b in model.intercepts_]


@pytest.mark.parametrize("rewind, epoch", [("init", 0), (0, 0), (3, 3)])
def test_rewinding_restores_the_recorded_weights_exactly(iris, rewind, epoch):
    X, y = iris
    watch = FirstTraining()
    with training_callbacks(watch):
        pruner = MagnitudePruner(net(), sparsity=0.6, n_steps=1, retrain_iter=0, rewind=rewind).fit(X, y)
    model = pruner.estimator_
    recorded = watch.at[epoch]
    for W, m, W0 in zip(model.coefs_, model.masks_, recorded):
        assert_array_equal(W[m], W0[m])
        assert np.all(W[~m] == 0)
    for b, b0 in zip(model.intercepts_, recorded[len(model.coefs_):]):
        assert_array_equal(b, b0)
    assert model.t_ == epoch * len(X)  # the schedule's clock is rewound too
    # the masks come from the trained weights, as without rewinding
    plain = MagnitudePruner(net(), sparsity=0.6, n_steps=1, retrain_iter=0).fit(X, y)
    for a, b in zip(model.masks_, plain.estimator_.masks_):
        assert_array_equal(a, b)


def test_a_cached_dense_fit_rewinds_the_same(iris, tmp_path):
    X, y = iris
    memory = Memory(tmp_path, verbose=0)
    fits = [MagnitudePruner(net(), sparsity=0.6, retrain_iter=3, rewind=2, memory=memory).fit(X, y)
            for _ in range(2)]
    for a, b in zip(fits[0].estimator_.coefs_, fits[1].estimator_.coefs_):
        assert_array_equal(a, b)


def test_rewound_retraining_starts_a_fresh_optimiser_and_keeps_pruned_weights_zero(iris):
    X, y = iris
    pruner = MagnitudePruner(net(), sparsity=0.8, n_steps=3, retrain_iter=4, rewind="init").fit(X, y)
    model = pruner.estimator_
    for W, m in zip(model.coefs_, model.masks_):
        assert np.all(W[~m] == 0)
    assert model.t_ == 4 * len(X)  # the last retraining's four epochs from t = 0
    assert model._optimizer.t == 4 * 3  # a fresh Adam: 4 epochs of 3 batches


def test_learning_rate_rewinding_keeps_the_weights_and_works_on_a_prefit_network(iris):
    X, y = iris
    dense = net().fit(X, y)
    no_retrain = MagnitudePruner(dense, sparsity=0.6, n_steps=1, retrain_iter=0, rewind="lr",
                                 prefit=True).fit(X, y)
    plain = MagnitudePruner(dense, sparsity=0.6, n_steps=1, retrain_iter=0, prefit=True).fit(X, y)
    for a, b in zip(no_retrain.estimator_.coefs_, plain.estimator_.coefs_):
        assert_array_equal(a, b)
    assert no_retrain.estimator_.t_ == 0
    retrained = MagnitudePruner(dense, sparsity=0.6, n_steps=1, retrain_iter=5, rewind="lr",
                                prefit=True).fit(X, y)
    assert retrained.estimator_.t_ == 5 * len(X)


def test_rewinding_refuses_what_it_cannot_do(iris):
    X, y = iris
    dense = net().fit(X, y)
    with pytest.raises(ValueError, match="prefit"):
        MagnitudePruner(dense, prefit=True, rewind="init").fit(X, y)
    with pytest.raises(ValueError, match="ran 20 epoch"):
        MagnitudePruner(net(), rewind=50).fit(X, y)
    with pytest.raises(ValueError, match="deletes units"):
        UnitRemovalPruner(net(), rewind="init").fit(X, y)
    selector = InputPruner(net(), n_features_to_select=2, retrain_iter=0, rewind="init").fit(X, y)
    assert selector.n_features_ == 2
