"""Pruning the network at the end of a fitted Pipeline."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import MagnitudePruner, PrunableMLPClassifier
from skprune.pipeline import prune_pipeline


@pytest.fixture(scope="module")
def data():
    X, y = load_iris(return_X_y=True)
    return X * [1, 10, 100, 1000], y  # scales the pipeline's scaler must undo


@pytest.mark.parametrize("network", [MLPClassifier, PrunableMLPClassifier])
def test_the_pruned_pipeline_is_the_preprocessing_then_the_pruner(data, network):
    X, y = data
    pipe = make_pipeline(StandardScaler(), network((16,), solver="lbfgs", max_iter=500, random_state=0))
    pipe.fit(X, y)
    before = pickle.dumps(pipe)
    pruned = prune_pipeline(pipe, MagnitudePruner(sparsity=0.6, retrain_iter=20), X, y)
    assert pickle.dumps(pipe) == before  # the fitted pipeline is left as it was
    assert pruned[0] is pipe[0] and [name for name, _ in pruned.steps] == [name for name, _ in pipe.steps]
    by_hand = MagnitudePruner(pipe[-1], sparsity=0.6, retrain_iter=20, prefit=True)
    by_hand.fit(pipe[0].transform(X), y)
    assert_allclose(pruned.predict_proba(X), by_hand.predict_proba(pipe[0].transform(X)))
    assert pruned[-1].sparsity_ == pytest.approx(0.6, abs=0.02) and pruned.score(X, y) > 0.9
    for W, m in zip(pruned[-1].estimator_.coefs_, pruned[-1].estimator_.masks_):
        assert np.all(W[~m] == 0)


def test_sample_weight_reaches_the_pruner(data):
    X, y = data
    pipe = make_pipeline(StandardScaler(), MLPClassifier((8,), solver="lbfgs", max_iter=300,
                                                         random_state=0)).fit(X, y)
    sw = np.random.RandomState(0).randint(0, 3, len(y))
    weighted = prune_pipeline(pipe, MagnitudePruner(sparsity=0.5, retrain_iter=5), X, y, sample_weight=sw)
    repeated = prune_pipeline(pipe, MagnitudePruner(sparsity=0.5, retrain_iter=5),
                              np.repeat(X, sw, 0), np.repeat(y, sw))
    for a, b in zip(weighted[-1].estimator_.masks_, repeated[-1].estimator_.masks_):
        assert_array_equal(a, b)


def test_what_is_not_a_fitted_network_pipeline_is_refused(data):
    X, y = data
    with pytest.raises(TypeError, match="last step"):
        prune_pipeline(make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y), MagnitudePruner(), X, y)
    with pytest.raises(NotFittedError):
        prune_pipeline(make_pipeline(StandardScaler(), MLPClassifier()), MagnitudePruner(), X, y)
    with pytest.raises(TypeError, match="Pipeline"):
        prune_pipeline(MLPClassifier(), MagnitudePruner(), X, y)
    with pytest.raises(TypeError, match="pruner"):
        prune_pipeline(make_pipeline(MLPClassifier(max_iter=5)).fit(X, y), StandardScaler(), X, y)
