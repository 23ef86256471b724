"""Gradual pruning: allocation across layers, per-layer sparsities, retraining, first-order OBD."""

import copy

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits, make_regression

from skprune import (
    MagnitudePruner,
    OBDPruner,
    OBSPruner,
    PrunableMLPClassifier,
    PrunableMLPRegressor,
    RandomPruner,
    ScorePruner,
)
from skprune.pruning import loss_gradient, sparsity_schedule
from skprune.pruning._allocation import allocate, n_to_prune
from skprune.pruning._data import PruningData


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:500] / 16.0, y[:500]


@pytest.fixture(scope="module")
def net(digits):
    X, y = digits
    return PrunableMLPClassifier((24, 12), max_iter=60, random_state=0).fit(*digits)


def layer_counts(model):
    return [int(np.count_nonzero(~m)) for m in model.masks_]


# ----------------------------------------------------------------------
# The global allocation
# ----------------------------------------------------------------------
@pytest.mark.parametrize("sparsity", [0.3, 0.9, 0.99, 0.999])
def test_global_allocation_meets_the_budget_and_never_empties_a_layer(sparsity):
    rng = np.random.RandomState(0)
    # the first layer's scores are all below the others': a plain ranking empties it
    scores = [rng.rand(50, 20) * 1e-3, rng.rand(20, 10) + 1, rng.rand(10, 3) + 1]
    masks = [np.ones(s.shape, bool) for s in scores]
    new = allocate(scores, masks, sparsity)
    total = sum(m.size for m in masks)
    pruned = sum(np.count_nonzero(~m) for m in new)
    assert pruned == min(n_to_prune(total, sparsity), total - len(masks))
    assert all(m.any() for m in new)
    # what survives of a layer is its best weight
    for s, m in zip(scores, new):
        assert s[m].min() >= s[~m].max(initial=-np.inf) or m.sum() > 1


def test_global_magnitude_pruning_keeps_every_layer(digits):
    X, y = digits
    # inputs scaled up: the first layer's weights are the smallest by far
    net = PrunableMLPClassifier((24,), max_iter=60, random_state=0).fit(X * 100, y)
    pruned = MagnitudePruner(net, sparsity=0.97, prefit=True, retrain_iter=0).fit(X * 100, y)
    assert all(m.any() for m in pruned.estimator_.masks_)


# damping=0 on Digits' constant border pixels: the Gram matrix is singular by
# construction, and the warning that damping was raised is expected
@pytest.mark.filterwarnings("ignore::skprune.exceptions.NumericalWarning")
def test_layerwise_obs_allocation_is_invariant_to_rescaling_a_layer(digits, net):
    """The allocation ranks predicted losses, which do not change when a layer's
    inputs are scaled up and its weights down (the same function); ``|w|`` does."""
    X, y = digits
    scaled = copy.deepcopy(net)
    scaled.coefs_[0] = scaled.coefs_[0] / 50.0
    params = dict(sparsity=0.8, method="layerwise", damping=0.0, prefit=True, retrain_iter=0)
    plain = OBSPruner(net, **params)
    data = PruningData(*net._training_arrays(X, y, None))
    data_scaled = PruningData(*scaled._training_arrays(X * 50.0, y, None))
    by_cost = plain._costed_targets(net, data, 0.8, 0.0)[0]
    assert by_cost == plain._costed_targets(scaled, data_scaled, 0.8, 0.0)[0]
    assert plain._layer_targets(net, 0.8) != plain._layer_targets(scaled, 0.8)  # |w| moves
    assert sum(by_cost) == n_to_prune(sum(W.size for W in net.coefs_), 0.8)
    a = OBSPruner(net, **params).fit(X, y).estimator_
    b = OBSPruner(scaled, **params).fit(X * 50.0, y).estimator_
    for m, m_scaled in zip(a.masks_, b.masks_):
        assert_array_equal(m, m_scaled)


def test_a_unit_the_loss_ignores_loses_its_weights_first(digits, net):
    """Output unit 0 of the first hidden layer feeds nothing: its weights cost
    nothing by the predicted loss, however large they are."""
    X, y = digits
    silent = copy.deepcopy(net)
    silent.coefs_[1][0] = 0.0
    silent.coefs_[0][:, 0] *= 100.0
    silent.masks_[1][0] = False
    data = PruningData(*silent._training_arrays(X, y, None))
    pruner = OBSPruner(silent, sparsity=0.5, method="layerwise", prefit=True, retrain_iter=0)
    pruned = pruner.fit(X, y).estimator_
    assert not pruned.masks_[0][:, 0].any()
    assert sum(pruner._costed_targets(silent, data, 0.5, 0.01)[0]) == n_to_prune(
        sum(W.size for W in silent.coefs_), 0.5)


# ----------------------------------------------------------------------
# Per-layer sparsities
# ----------------------------------------------------------------------
WEIGHT_PRUNERS = {
    "magnitude": lambda net, **k: MagnitudePruner(net, **k),
    "obd": lambda net, **k: OBDPruner(net, **k),
    "obs-full": lambda net, **k: OBSPruner(net, method="full", n_hessian_samples=100, **k),
    "obs-layerwise": lambda net, **k: OBSPruner(net, method="layerwise", **k),
    "score": lambda net, **k: ScorePruner(net, **k),
    "random": lambda net, **k: RandomPruner(net, random_state=0, **k),
}


@pytest.mark.parametrize("name", sorted(WEIGHT_PRUNERS))
def test_per_layer_sparsities_are_honoured(digits, net, name):
    X, y = digits
    levels = [0.9, 0.5, 0.2]
    pruner = WEIGHT_PRUNERS[name](net, sparsity=levels, n_steps=2, prefit=True, retrain_iter=1)
    model = pruner.fit(X, y).estimator_
    assert layer_counts(model) == [n_to_prune(W.size, s) for W, s in zip(model.coefs_, levels)]
    total = sum(W.size for W in model.coefs_)
    assert pruner.sparsity_ == pytest.approx(sum(layer_counts(model)) / total)
    for W, m in zip(model.coefs_, model.masks_):
        assert np.all(W[~m] == 0.0)


def test_per_layer_schedule_is_the_scalar_schedule_per_layer():
    initial, final = np.array([0.0, 0.2, 0.5]), np.array([0.9, 0.6, 0.4])
    for schedule in ("cubic", "linear", "geometric"):
        targets = sparsity_schedule(initial, final, 4, schedule)
        assert targets.shape == (4, 3)
        for layer in range(3):
            assert_allclose(targets[:, layer], sparsity_schedule(initial[layer], final[layer], 4, schedule))


@pytest.mark.parametrize("bad", [[0.5], [0.5, 0.5, 0.5, 0.5], [0.5, 1.0, 0.2], [0.5, -0.1, 0.2],
                                 [[0.1, 0.2, 0.3]], ["a", "b", "c"], [0.5, np.nan, 0.1]])
def test_a_bad_per_layer_list_is_refused_before_any_work(digits, net, bad):
    X, y = digits
    pruner = MagnitudePruner(net, sparsity=0.5, prefit=True, retrain_iter=0).fit(X, y)
    proba = pruner.predict_proba(X)
    with pytest.raises(ValueError, match=r"one value in \[0, 1\) per layer of weights \(3 for this"):
        pruner.set_params(sparsity=bad).fit(X, y)
    assert_array_equal(pruner.predict_proba(X), proba)
    # an unfitted network is checked against its hidden_layer_sizes
    with pytest.raises(ValueError, match="3 for this network"):
        MagnitudePruner(PrunableMLPClassifier((5, 5)), sparsity=bad).fit(X, y)


# ----------------------------------------------------------------------
# Retraining
# ----------------------------------------------------------------------
def test_retrain_learning_rate_is_used_for_retraining_only(digits, net):
    X, y = digits
    pruner = MagnitudePruner(net, sparsity=0.6, prefit=True, retrain_iter=3, retrain_learning_rate=0.05)
    model = pruner.fit(X, y).estimator_
    # the same as retraining a network whose own rate (and its optimiser's) is 0.05
    fast = copy.deepcopy(net)
    fast._set_optimizer_rate(0.05)
    reference = MagnitudePruner(fast, sparsity=0.6, prefit=True, retrain_iter=3).fit(X, y).estimator_
    for a, b in zip(model.coefs_, reference.coefs_):
        assert_array_equal(a, b)
    # the network keeps its own rate, and so does the state partial_fit continues
    assert model.learning_rate_init == net.learning_rate_init == 0.001
    assert model._optimizer.learning_rate_init == 0.001
    slow = MagnitudePruner(net, sparsity=0.6, prefit=True, retrain_iter=3).fit(X, y).estimator_
    assert not np.array_equal(slow.coefs_[0], model.coefs_[0])


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_auto_retraining_is_a_warm_started_fit(digits, solver):
    X, y = digits
    net = PrunableMLPClassifier((20,), solver=solver, max_iter=80, random_state=0).fit(X, y)
    model = MagnitudePruner(net, sparsity=0.7, n_steps=1, prefit=True).fit(X, y).estimator_
    manual = MagnitudePruner(net, sparsity=0.7, n_steps=1, prefit=True, retrain_iter=0).fit(X, y).estimator_
    manual.set_params(warm_start=True).fit(X, y)
    for a, b in zip(model.coefs_, manual.coefs_):
        assert_array_equal(a, b)
    assert model.warm_start is False and model.max_iter == 80


def test_a_round_that_prunes_nothing_does_not_retrain(digits, net):
    X, y = digits
    pruner = MagnitudePruner(net, sparsity=0.0, prefit=True, retrain_iter="auto").fit(X, y)
    assert_array_equal(pruner.predict_proba(X), net.predict_proba(X))


# ----------------------------------------------------------------------
# First-order OBD
# ----------------------------------------------------------------------
def test_first_order_saliency_adds_minus_g_w(digits, net):
    X, y = digits
    plain = OBDPruner(net, sparsity=0.0, prefit=True).fit(X, y).saliencies_
    first = OBDPruner(net, sparsity=0.0, prefit=True, first_order=True).fit(X, y).saliencies_
    gradients = loss_gradient(net, X, y)
    for s, s1, g, W in zip(plain, first, gradients, net.coefs_):
        assert_allclose(s1, s - g * W, rtol=1e-10, atol=1e-14)


def test_first_order_term_vanishes_at_a_minimum():
    X, y = make_regression(200, 5, noise=1.0, random_state=0)
    y = y / y.std()
    at_minimum = PrunableMLPRegressor(hidden_layer_sizes=(6,), solver="lbfgs", alpha=0.0, tol=1e-12, max_iter=5000,
                                      random_state=0).fit(X, y)
    early = PrunableMLPRegressor(hidden_layer_sizes=(6,), solver="lbfgs", alpha=0.0, max_iter=5, random_state=0).fit(X, y)

    def relative_first_order_term(model):
        plain = OBDPruner(model, sparsity=0.0, prefit=True).fit(X, y).saliencies_
        first = OBDPruner(model, sparsity=0.0, prefit=True, first_order=True).fit(X, y).saliencies_
        term = max(np.abs(s1 - s).max() for s, s1 in zip(plain, first))
        return term / max(np.abs(s).max() for s in plain)

    assert relative_first_order_term(at_minimum) < 1e-3
    assert relative_first_order_term(early) > 1e-2
