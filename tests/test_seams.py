"""Where the parts meet: export, caching, seeding, dtypes and invalid state.

Each test reproduces a defect found where two components meet and failed
before its fix.
"""

import pickle
import warnings

import numpy as np
import pytest
from joblib import Memory
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris
from sklearn.neural_network import MLPClassifier, MLPRegressor

from skprune import (
    MagnitudePruner,
    OBDPruner,
    OBSPruner,
    PrunableMLPClassifier,
    PrunableMLPRegressor,
    UnitRemovalPruner,
)
from skprune.callbacks import TrainingCallback, training_callbacks
from skprune.model_selection import PrunerCV
from skprune.pruning import sparsity_schedule

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


def max_difference(a, b):
    return max(float(np.abs(x - y).max()) for x, y in zip(a, b))


# 1. An interrupt ends the whole fit, and nothing interrupted is cached ----------
class InterruptAfter(TrainingCallback):
    """A Ctrl-C at the end of the ``n_epochs``-th epoch trained within the block."""

    def __init__(self, n_epochs):
        self.n_epochs, self.seen = n_epochs, 0

    def on_epoch_end(self, model, epoch, loss):
        self.seen += 1
        if self.seen == self.n_epochs:
            raise KeyboardInterrupt


def test_an_interrupted_dense_fit_raises_and_is_not_cached(iris, tmp_path):
    X, y = iris
    memory = Memory(tmp_path, verbose=0)
    net = PrunableMLPClassifier((8,), max_iter=30, random_state=0)
    with training_callbacks(InterruptAfter(3)), pytest.raises(KeyboardInterrupt):
        MagnitudePruner(net, memory=memory).fit(X, y)
    cached = MagnitudePruner(net, memory=memory).fit(X, y)
    assert cached.estimator_.n_iter_ == 30  # trained in full, not the 3 interrupted epochs


def test_an_interrupted_retraining_ends_the_rounds(iris):
    X, y = iris
    net = PrunableMLPClassifier((8,), max_iter=20, random_state=0).fit(X, y)
    pruner = MagnitudePruner(net, prefit=True, sparsity=0.5).fit(X, y)
    fitted = pruner.estimator_
    with training_callbacks(InterruptAfter(5)), pytest.raises(KeyboardInterrupt):
        pruner.set_params(n_steps=3, retrain_iter=3).fit(X, y)
    assert pruner.estimator_ is fitted  # the previous fit stands


def test_a_network_on_its_own_still_warns_on_interrupt(iris):
    X, y = iris
    with training_callbacks(InterruptAfter(2)), pytest.warns(UserWarning, match="interrupted"):
        net = PrunableMLPClassifier((8,), max_iter=30, random_state=0).fit(X, y)
    assert net.n_iter_ == 2


# 2. random_state seeds a scikit-learn MLP too --------------------------------------
def test_random_state_seeds_a_scikit_learn_mlp(iris):
    X, y = iris
    a, b = (MagnitudePruner(MLPClassifier((8,), max_iter=30), random_state=0).fit(X, y)
            for _ in range(2))
    assert_array_equal(a.estimator_.coefs_[0], b.estimator_.coefs_[0])
    serial, parallel = (
        PrunerCV(MagnitudePruner(MLPClassifier((8,), max_iter=30)), sparsities=[0.5], cv=2,
                 random_state=0, n_jobs=n_jobs).fit(X, y)
        for n_jobs in (None, 2)
    )
    assert_array_equal(serial.cv_results_["mean_test_score"], parallel.cv_results_["mean_test_score"])


# 3. Exported networks keep training, both ways ---------------------------------------
@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_exported_networks_continue_training_as_here(iris, solver, kind):
    X, y = iris
    if kind == "classifier":
        net = PrunableMLPClassifier((8,), solver=solver, max_iter=20, random_state=0)
    else:
        net, y = PrunableMLPRegressor(hidden_layer_sizes=(8,), solver=solver, max_iter=20,
                                      random_state=0), X[:, 0] - X[:, 1]
    net.fit(X, y)
    theirs = net.to_sklearn()
    for _ in range(3):  # with the optimiser state carried over, the same steps
        net.partial_fit(X, y)
        theirs.partial_fit(X, y)
    assert max_difference(net.coefs_, theirs.coefs_) < 1e-12
    back = type(net).from_sklearn(theirs)
    back.partial_fit(X, y)
    theirs.partial_fit(X, y)
    assert max_difference(back.coefs_, theirs.coefs_) < 1e-12
    theirs.set_params(warm_start=True, max_iter=3).fit(X, y)  # a warm start works too


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_pruned_networks_export_and_come_back_with_their_masks(iris, solver):
    X, y = iris
    net = PrunableMLPClassifier((8,), solver=solver, max_iter=30, random_state=0)
    pruned = MagnitudePruner(net, sparsity=0.6, retrain_iter=2).fit(X, y).estimator_
    exported = pruned.to_sklearn()
    assert_array_equal(exported.predict(X), pruned.predict(X))
    if solver != "lbfgs":
        exported.partial_fit(X, y)  # scikit-learn has no masks: weights may revive
    back = PrunableMLPClassifier.from_sklearn(pruned.to_sklearn(), prune_zeros=True)
    for a, b in zip(back.masks_, pruned.masks_):
        assert_array_equal(a, b)
    back.set_params(warm_start=True, max_iter=3).fit(X, y)
    for W, m in zip(back.coefs_, back.masks_):
        assert np.all(W[~m] == 0)


def test_exported_early_stopping_network_warm_starts(iris):
    X, y = iris
    net = PrunableMLPClassifier((8,), early_stopping=True, max_iter=15, random_state=0).fit(X, y)
    net.to_sklearn().set_params(warm_start=True, max_iter=2).fit(X, y)


# 4. Sample weights the criteria cannot use -------------------------------------------
def test_hessian_subsets_are_drawn_among_weighted_samples(iris):
    X, y = iris
    weights = np.zeros(len(y))
    weights[[0, 25, 50, 75, 100]] = 1.0  # 5 samples of weight 1
    net = PrunableMLPClassifier((10,), solver="lbfgs", max_iter=300, random_state=0)
    net.fit(X, y, sample_weight=weights)
    obd = OBDPruner(net, prefit=True, sparsity=0.5, n_hessian_samples=10, random_state=4)
    obd.fit(X, y, sample_weight=weights)
    assert all(np.isfinite(s).all() for s in obd.saliencies_)
    pruned = np.concatenate([~m.ravel() for m in obd.estimator_.masks_])
    assert not pruned[:35].all()  # not simply the first weights in storage order
    obs = OBSPruner(net, prefit=True, sparsity=0.5, n_hessian_samples=10, random_state=4)
    obs.fit(X, y, sample_weight=weights)  # no LinAlgError
    assert np.isfinite(obs.predict_proba(X)).all()


@pytest.mark.parametrize("pruner", [OBDPruner, OBSPruner, MagnitudePruner, UnitRemovalPruner])
def test_negative_or_zero_sample_weights_are_a_clear_error(iris, pruner):
    X, y = iris
    net = PrunableMLPClassifier((6,), solver="lbfgs", max_iter=100, random_state=0).fit(X, y)
    negative = np.ones(len(y))
    negative[3] = -1.0
    with pytest.raises(ValueError, match="non-negative sample_weight"):
        pruner(net, prefit=True).fit(X, y, sample_weight=negative)
    with pytest.raises(ValueError, match="sums to zero"):
        pruner(net, prefit=True).fit(X, y, sample_weight=np.zeros(len(y)))


# 6. A fitted network keeps its dtype -------------------------------------------------
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_a_float32_batch_does_not_downcast_a_float64_network(iris, solver):
    X, y = iris
    net = PrunableMLPClassifier((8,), solver=solver, max_iter=10, random_state=0).fit(X, y)
    optimizer = net._optimizer
    net.partial_fit(X[:20].astype(np.float32), y[:20])
    assert all(W.dtype == np.float64 for W in net.coefs_ + net.intercepts_)
    state = net._optimizer.m if solver == "adam" else net._optimizer.velocity
    assert state.dtype == np.float64 and np.any(state != 0)
    assert net._optimizer is not optimizer  # continued on a copy, not restarted
    sklearn = MLPClassifier((8,), solver=solver, max_iter=10, random_state=0).fit(X, y)
    sklearn.partial_fit(X[:20].astype(np.float32), y[:20])
    assert_allclose(net.coefs_[0], sklearn.coefs_[0], atol=1e-12)


# 7. Invalid masks do not pickle ------------------------------------------------------
@pytest.mark.parametrize("corrupt, message", [
    (lambda masks: masks[:1], "masks_ has 1 arrays but the network has 2 weight layers"),
    (lambda masks: [np.ones((1, 6), bool), masks[1]], r"masks_\[0\] has shape \(1, 6\), expected \(4, 6\)"),
    (lambda masks: [masks[0].T, masks[1]], r"masks_\[0\] has shape \(6, 4\)"),
])
def test_invalid_masks_are_refused_when_packed(iris, corrupt, message):
    X, y = iris
    net = PrunableMLPClassifier((6,), max_iter=10, random_state=0).fit(X, y)
    net.masks_ = corrupt(net.masks_)
    with pytest.raises(ValueError, match=message):
        pickle.dumps(net)
    with pytest.raises(ValueError, match=message):
        net.compact()
    with pytest.raises(ValueError, match=message):
        net.set_params(warm_start=True).fit(X, y)


# 8. The geometric schedule from a fully pruned network --------------------------------
def test_geometric_schedule_from_a_fully_pruned_network(iris):
    assert_array_equal(sparsity_schedule(1.0, 0.5, 3, "geometric"), [1.0, 1.0, 1.0])
    X, y = iris
    net = PrunableMLPClassifier((3,), solver="lbfgs", max_iter=50, random_state=0).fit(X, y)
    for mask in net.masks_:
        mask[:] = False
    with pytest.warns(UserWarning, match="already at sparsity 1.0"):
        pruner = MagnitudePruner(net, prefit=True, n_steps=3, schedule="geometric").fit(X, y)
    assert pruner.sparsity_ == 1.0


# 9. A failed warm start restores the loss curve --------------------------------------
def test_a_failed_warm_start_restores_the_loss_curve(iris):
    X, _ = iris
    y = 3 * X[:, 0]
    net = PrunableMLPRegressor(hidden_layer_sizes=(6,), solver="sgd", max_iter=20,
                               random_state=0).fit(X, y)
    curve, n_iter = list(net.loss_curve_), net.n_iter_
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(ValueError, match="non-finite"):
            net.set_params(warm_start=True, learning_rate_init=1e6).fit(X, y * 1e30)
    assert net.n_iter_ == n_iter and net.loss_curve_ == curve


# 10. A prefit classifier given labels it never saw -----------------------------------
@pytest.mark.parametrize("retrain_iter", [0, 2])
def test_unseen_labels_are_a_clear_error(iris, retrain_iter):
    X, y = iris
    net = PrunableMLPClassifier((6,), max_iter=20, random_state=0).fit(X[y < 2], y[y < 2])
    with pytest.raises(ValueError, match=r"labels the fitted network has no output for: \[2\]"):
        MagnitudePruner(net, prefit=True, retrain_iter=retrain_iter).fit(X, y)


def test_a_sklearn_regressor_is_converted_and_seeded(iris):
    X, _ = iris
    a, b = (MagnitudePruner(MLPRegressor(hidden_layer_sizes=(8,), max_iter=20), random_state=0).fit(X, X[:, 0])
            for _ in range(2))
    assert isinstance(a.estimator_, PrunableMLPRegressor)
    assert_array_equal(a.estimator_.coefs_[1], b.estimator_.coefs_[1])


# 11. Multi-output regression reports and stops as scikit-learn ----------------------
@pytest.mark.parametrize("solver, max_iter", [("adam", 2000), ("sgd", 2000), ("lbfgs", 30)])
def test_multi_output_regression_loss_and_stopping_match_scikit_learn(solver, max_iter):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 6))
    Y = 2 * X[:, :5] + 0.1 * rng.normal(size=(300, 5))
    params = dict(hidden_layer_sizes=(16,), solver=solver, max_iter=max_iter, random_state=0)
    ours = PrunableMLPRegressor(**params).fit(X, Y)
    theirs = MLPRegressor(**params).fit(X, Y)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-9)
    if solver != "lbfgs":
        assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-9)
    assert max_difference(ours.coefs_, theirs.coefs_) < 1e-9
