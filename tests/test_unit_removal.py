"""UnitRemovalPruner: hidden-unit removal with least-squares compensation."""


import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits, make_regression

from skprune import PrunableMLPClassifier, PrunableMLPRegressor, UnitRemovalPruner




@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600] / 16.0, y[:600]


@pytest.fixture(scope="module")
def fitted(digits):
    X, y = digits
    return PrunableMLPClassifier((20,), activation="tanh", max_iter=200, random_state=0).fit(X, y)


def with_duplicate(net, share):
    """Make the last hidden unit a copy of unit 0, outgoing weights split."""
    net = PrunableMLPClassifier.from_sklearn(net.to_sklearn())
    W0, b0, W1 = net.coefs_[0], net.intercepts_[0], net.coefs_[1]
    W0[:, -1], b0[-1] = W0[:, 0], b0[0]
    W1[-1] = share * W1[0]
    W1[0] *= 1 - share
    return net


@pytest.mark.parametrize("criterion, share", [("error", 0.5), ("contribution", 0.01)])
def test_a_duplicated_unit_goes_first_and_predictions_do_not_change(digits, fitted, criterion, share):
    X, y = digits
    net = with_duplicate(fitted, share)
    pruner = UnitRemovalPruner(net, sparsity=1 / 20, criterion=criterion, prefit=True, retrain_iter=0).fit(X, y)
    pruned = pruner.estimator_
    assert pruned.hidden_layer_sizes == (19,)
    # the remaining units are the network's columns minus one of the twins
    original = net.coefs_[0]
    kept = [int(np.flatnonzero((original == col[:, None]).all(axis=0))[0]) for col in pruned.coefs_[0].T]
    assert set(range(20)) - set(kept) <= {0, 19}
    assert_allclose(pruned.predict_proba(X), net.predict_proba(X), atol=1e-5)


def test_incremental_solver_matches_direct_least_squares_at_every_step(digits, fitted):
    X, y = digits
    n_remove = 6
    activations = fitted._network_view().forward(X)
    Y = np.hstack([activations[1], np.ones((len(X), 1))])
    W_bar = np.vstack([fitted.coefs_[1], fitted.intercepts_[1]])
    target = Y @ W_bar

    keep = list(range(20))
    for _ in range(n_remove):  # greedy by direct least squares over all samples
        residuals = {}
        for h in keep:
            cols = [k for k in keep if k != h] + [20]
            solution = np.linalg.lstsq(Y[:, cols], target, rcond=None)[0]
            residuals[h] = np.sum((Y[:, cols] @ solution - target) ** 2)
        keep.remove(min(residuals, key=residuals.get))
    cols = keep + [20]
    direct = np.linalg.lstsq(Y[:, cols], target, rcond=None)[0]

    pruner = UnitRemovalPruner(fitted, sparsity=n_remove / 20, criterion="error", prefit=True, retrain_iter=0).fit(X, y)
    pruned = pruner.estimator_
    assert_array_equal(pruned.coefs_[0], fitted.coefs_[0][:, keep])
    assert_allclose(np.vstack([pruned.coefs_[1], pruned.intercepts_[1]]), direct, rtol=1e-4, atol=1e-4)


def test_compensation_beats_plain_deletion(digits, fitted):
    X, y = digits
    kwargs = dict(sparsity=0.5, criterion="error", prefit=True, retrain_iter=0)
    compensated = UnitRemovalPruner(fitted, **kwargs).fit(X, y).score(X, y)
    deleted = UnitRemovalPruner(fitted, compensate=False, **kwargs).fit(X, y).score(X, y)
    assert compensated > deleted + 0.05


def test_shapes_shrink_and_the_network_stays_usable(digits):
    X, y = digits
    net = PrunableMLPClassifier((16, 12), max_iter=100, random_state=0)
    pruner = UnitRemovalPruner(net, sparsity=0.5, n_steps=2, retrain_iter=3).fit(X, y)
    pruned = pruner.estimator_
    assert pruned.hidden_layer_sizes == (8, 6)
    assert [W.shape for W in pruned.coefs_] == [(64, 8), (8, 6), (6, 10)]
    assert [m.shape for m in pruned.masks_] == [(64, 8), (8, 6), (6, 10)]
    assert [b.shape for b in pruned.intercepts_] == [(8,), (6,), (10,)]
    assert pruner.unit_sparsity_ == pytest.approx(14 / 28)
    # cubic schedule: 43.75% after the first round, i.e. 7 of 16 and 5 of 12 units
    assert pruner.history_["unit_sparsity"] == pytest.approx([0.0, 12 / 28, 0.5])
    # sparsity_ counts weights, as in every pruner: 64*16 + 16*12 + 12*10 before
    assert pruner.sparsity_ == pytest.approx(1 - (64 * 8 + 8 * 6 + 6 * 10) / (64 * 16 + 16 * 12 + 12 * 10))
    assert pruner.history_["sparsity"][-1] == pruner.sparsity_
    assert pruned.sparsity_ == 0.0  # the smaller network has no zeros of its own
    pruned.set_params(warm_start=True, max_iter=3).fit(X, y)
    pruned.partial_fit(X, y)
    assert [W.shape for W in pruned.coefs_] == [(64, 8), (8, 6), (6, 10)]
    exported = pruned.to_sklearn()
    assert_array_equal(exported.predict_proba(X), pruned.predict_proba(X))


def test_selected_layers_and_regression():
    X, y = make_regression(n_samples=300, n_features=6, random_state=0)
    net = PrunableMLPRegressor(hidden_layer_sizes=(20, 20), solver="lbfgs", max_iter=300, random_state=0)
    pruner = UnitRemovalPruner(net, sparsity=0.5, layers=[1], criterion="error").fit(X, y / y.std())
    assert pruner.estimator_.hidden_layer_sizes == (20, 10)
    assert pruner.unit_sparsity_ == pytest.approx(0.5)
    assert pruner.score(X, y / y.std()) > 0.9


def test_tol_stops_before_the_score_drops(digits, fitted):
    X, y = digits
    baseline = fitted.score(X, y)
    pruner = UnitRemovalPruner(fitted, sparsity=0.9, n_steps=3, tol=0.0, prefit=True).fit(X, y)
    assert pruner.score(X, y) >= baseline
    assert pruner.unit_sparsity_ < 0.9
    assert len(pruner.history_["step"]) <= 4


@pytest.mark.parametrize(
    "net, params, match",
    [
        (PrunableMLPClassifier((10,)), dict(sparsity=0.99), "every unit"),
        (PrunableMLPClassifier((10,)), dict(layers=[1]), "do not exist"),
        (PrunableMLPClassifier(()), dict(), "hidden layer"),
        (PrunableMLPClassifier((10,)), dict(criterion="size"), "criterion"),
        (PrunableMLPClassifier((10,)), dict(tol=-1.0), "tol"),
        (PrunableMLPClassifier((30000,)), dict(), "MiB"),
    ],
)
def test_bad_input(digits, net, params, match):
    X, y = digits
    with pytest.raises(ValueError, match=match):
        UnitRemovalPruner(net, **params).fit(X, y)
