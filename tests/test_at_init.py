"""Pruning at initialisation: SNIP, GraSP, SynFlow and the controls."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris

from skprune import InitPruner, PrunableMLPClassifier
from skprune.model_selection import pruning_curve
from skprune.pruning._at_init import hessian_gradient_product, synflow_scores


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


def initialised(X, y, **params):
    return PrunableMLPClassifier((5,), max_iter=50, random_state=0, **params)._initialize_only(X, y)


def loss(model, X, y):
    arrays = model._training_arrays(X, y, None)
    return model._evaluate(arrays[0], arrays[1], arrays[2], None)[0]


def test_synflow_scores_are_exact_and_conserved_per_layer():
    rng = np.random.RandomState(0)
    coefs = [rng.randn(4, 3), rng.randn(3, 3), rng.randn(3, 2)]

    def R(weights):
        v = np.ones(4)
        for W in weights:
            v = v @ np.abs(W)
        return v.sum()

    scores = synflow_scores(coefs)
    for layer, (S, W) in enumerate(zip(scores, coefs)):
        for i, j in np.ndindex(W.shape):  # R is linear in each |w|: an exact difference
            with_one = [C.copy() for C in coefs]
            with_one[layer][i, j] = 0.0
            assert_allclose(S[i, j], R(coefs) - R(with_one), rtol=1e-12)
        assert_allclose(S.sum(), R(coefs), rtol=1e-12)  # Tanaka et al., theorem 2


def test_synflow_is_data_free(iris):
    X, y = iris
    rng = np.random.RandomState(1)
    masks = [InitPruner(PrunableMLPClassifier((6,), random_state=0), criterion="synflow", sparsity=0.6,
                        retrain_iter=0).fit(data, y).estimator_.masks_
             for data in (X, rng.randn(*X.shape) * 5)]
    for a, b in zip(*masks):
        assert_array_equal(a, b)


def test_snip_scores_are_gradient_times_weight_at_initialisation(iris):
    X, y = iris
    model = initialised(X, y)
    scores = InitPruner(PrunableMLPClassifier((5,), max_iter=50, random_state=0), sparsity=0.0,
                        retrain_iter=0).fit(X, y).scores_
    h = 1e-6
    for layer, (S, W) in enumerate(zip(scores, model.coefs_)):
        for i, j in [(0, 0), (1, 2), (W.shape[0] - 1, W.shape[1] - 1)]:
            shifted = [initialised(X, y) for _ in range(2)]
            shifted[0].coefs_[layer][i, j] += h
            shifted[1].coefs_[layer][i, j] -= h
            g = (loss(shifted[0], X, y) - loss(shifted[1], X, y)) / (2 * h)
            assert_allclose(S[i, j], abs(g * W[i, j]), rtol=1e-5, atol=1e-10)


def test_grasp_hessian_gradient_product_matches_the_curvature_along_g(iris):
    # g^T (H g) is the second derivative of the loss along g: a scalar route
    X, y = iris
    model = initialised(X, y, activation="tanh")
    from skprune.pruning import loss_gradient

    g = loss_gradient(model, X, y)
    Hg = hessian_gradient_product(model, X, y)
    along = sum(float((a * b).sum()) for a, b in zip(g, Hg))
    t = 1e-3

    def at(step):
        moved = initialised(X, y, activation="tanh")
        moved.coefs_ = [W + step * d for W, d in zip(moved.coefs_, g)]
        return loss(moved, X, y)

    second = (-at(2 * t) + 16 * at(t) - 30 * at(0) + 16 * at(-t) - at(-2 * t)) / (12 * t**2)
    assert_allclose(along, second, rtol=1e-4)


@pytest.mark.parametrize("criterion", ["snip", "grasp", "synflow", "magnitude", "random"])
def test_the_sparse_network_then_trains_with_pruned_weights_at_zero(iris, criterion):
    X, y = iris
    pruner = InitPruner(PrunableMLPClassifier((8,), max_iter=40, random_state=0), criterion=criterion,
                        sparsity=0.5, random_state=0).fit(X, y)
    model = pruner.estimator_
    assert model.n_iter_ == 40 and pruner.sparsity_ == pytest.approx(0.5, abs=0.02)
    for W, m in zip(model.coefs_, model.masks_):
        assert np.all(W[~m] == 0)
    # the same as initialising, masking by hand and fitting warm
    by_hand = PrunableMLPClassifier((8,), max_iter=40, random_state=0)._initialize_only(X, y)
    by_hand.masks_ = [m.copy() for m in model.masks_]
    by_hand._commit()
    by_hand.set_params(warm_start=True).fit(X, y)
    assert_allclose(by_hand.predict_proba(X), model.predict_proba(X), rtol=1e-10)


def test_pruning_curve_scores_trained_networks(iris):
    X, y = iris
    pruner = InitPruner(PrunableMLPClassifier((8,), solver="lbfgs", max_iter=300, random_state=0),
                        criterion="snip")
    _, train, test = pruning_curve(pruner, X, y, sparsities=[0.3, 0.6], cv=3)
    assert np.all(test > 0.6)  # trained: an initialised network scores about 1/3


def test_a_prefit_network_is_pruned_then_trained_further_and_rewind_is_refused(iris):
    X, y = iris
    dense = PrunableMLPClassifier((5,), max_iter=20, random_state=0).fit(X, y)
    pruner = InitPruner(dense, prefit=True, criterion="magnitude", retrain_iter=0).fit(X, y)
    kept = pruner.estimator_.masks_[0]
    assert_array_equal(pruner.estimator_.coefs_[0][kept], dense.coefs_[0][kept])
    with pytest.raises(ValueError, match="rewind"):
        InitPruner(dense, rewind="lr").fit(X, y)
