"""The prune -> retrain framework, MagnitudePruner and OBDPruner."""

import pickle

import numpy as np
import pytest
from joblib import Memory
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.datasets import load_digits, load_iris, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skprune import (
    MagnitudePruner,
    OBDPruner,
    PrunableMLPClassifier,
    PrunableMLPRegressor,
)
from skprune.pruning import BasePruner, halving_rounds, sparsity_schedule

PRUNERS = [
    MagnitudePruner,
    lambda *a, **k: OBDPruner(*a, hessian="gauss-newton", **k),
    lambda *a, **k: OBDPruner(*a, hessian="lecun", **k),
    lambda *a, **k: OBDPruner(*a, hessian="fisher", **k),
]
PRUNER_IDS = ["magnitude", "obd-gn", "obd-lecun", "obd-fisher"]




@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600] / 16.0, y[:600]


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def small_net(**params):
    defaults = dict(hidden_layer_sizes=(20,), max_iter=30, random_state=0)
    return PrunableMLPClassifier(**{**defaults, **params})


@pytest.mark.parametrize("make_pruner", PRUNERS, ids=PRUNER_IDS)
@pytest.mark.parametrize("scope", ["global", "layer"])
@pytest.mark.parametrize("sparsity", [0.0, 0.37, 0.9])
def test_exact_sparsity_is_reached(digits, make_pruner, scope, sparsity):
    X, y = digits
    pruner = make_pruner(small_net(), sparsity=sparsity, scope=scope).fit(X, y)
    masks = pruner.estimator_.masks_
    if scope == "layer":
        for m in masks:
            assert np.count_nonzero(~m) == int(np.floor(sparsity * m.size + 0.5))
    else:
        total = sum(m.size for m in masks)
        assert sum(np.count_nonzero(~m) for m in masks) == int(np.floor(sparsity * total + 0.5))
    assert pruner.sparsity_ == pytest.approx(sparsity, abs=1 / 64)
    for W, m in zip(pruner.estimator_.coefs_, masks):
        assert np.all(W[~m] == 0.0)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_pruned_weights_stay_zero_through_every_retraining_round(digits, solver, monkeypatch):
    X, y = digits
    seen = []
    original = BasePruner._record

    def checking_record(self, history, step, model, *args):
        for W, m in zip(model.coefs_, model.masks_):
            assert np.all(W[~m] == 0.0)
        seen.append((step, [m.copy() for m in model.masks_]))
        return original(self, history, step, model, *args)

    monkeypatch.setattr(BasePruner, "_record", checking_record)
    pruner = OBDPruner(small_net(solver=solver), sparsity=0.8, n_steps=3, retrain_iter=3).fit(X, y)
    assert [s for s, _ in seen] == [0, 1, 2, 3]
    for (_, before), (_, after) in zip(seen, seen[1:]):  # never un-pruned
        for b, a in zip(before, after):
            assert not np.any(a & ~b)
    history = pruner.history_
    assert history["step"] == [0, 1, 2, 3]
    assert {len(v) for v in history.values()} == {4}
    assert history["sparsity"][0] == 0.0
    assert history["sparsity"][-1] == pytest.approx(0.8, abs=1e-3)
    assert np.all(np.diff(history["sparsity"]) > 0)
    assert np.all(np.diff(history["n_nonzero_params"]) < 0)
    assert np.all(np.diff(history["time"]) >= 0)
    if solver != "lbfgs":  # exactly retrain_iter epochs per round
        dense_epochs = len(small_net(solver=solver).fit(X, y).loss_curve_)
        assert len(pruner.estimator_.loss_curve_) == dense_epochs + 3 * 3
    # retraining kept the estimator's own parameters
    assert pruner.estimator_.get_params()["max_iter"] == 30
    assert pruner.estimator_.get_params()["warm_start"] is False


@pytest.mark.parametrize("params", [dict(), dict(early_stopping=True), dict(solver="lbfgs")])
def test_retraining_recovers_accuracy(digits, params):
    X, y = digits
    one_shot = MagnitudePruner(small_net(**params), sparsity=0.9, retrain_iter=0).fit(X, y).score(X, y)
    retrained = MagnitudePruner(small_net(**params), sparsity=0.9, n_steps=3, retrain_iter=20)
    assert retrained.fit(X, y).score(X, y) > one_shot + 0.1


def test_prefit_estimator_is_left_untouched(digits):
    X, y = digits
    net = small_net().fit(X, y)
    coefs, masks = [W.copy() for W in net.coefs_], [m.copy() for m in net.masks_]
    pruner = OBDPruner(net, sparsity=0.5, prefit=True, retrain_iter=2).fit(X, y)
    assert pruner.estimator_ is not net
    for W, W0, m, m0 in zip(net.coefs_, coefs, net.masks_, masks):
        assert_array_equal(W, W0)
        assert_array_equal(m, m0)
    # prefit means no dense refit: the unpruned weights before retraining are the net's
    no_retrain = MagnitudePruner(net, sparsity=0.5, prefit=True, retrain_iter=0).fit(X, y)
    kept = no_retrain.estimator_.masks_[0]
    assert_array_equal(no_retrain.estimator_.coefs_[0][kept], net.coefs_[0][kept])


def test_prefit_requires_a_fitted_estimator(digits):
    X, y = digits
    with pytest.raises(NotFittedError):
        MagnitudePruner(small_net(), prefit=True).fit(X, y)
    with pytest.raises(NotFittedError):
        MagnitudePruner(MLPClassifier(), prefit=True).fit(X, y)


def test_scikit_learn_mlps_are_accepted_and_others_refused(digits):
    X, y = digits
    sk = MLPClassifier(hidden_layer_sizes=(20,), max_iter=30, random_state=0)
    pruner = MagnitudePruner(sk, sparsity=0.5).fit(X, y)
    assert isinstance(pruner.estimator_, PrunableMLPClassifier)
    assert pruner.estimator_.hidden_layer_sizes == (20,)
    assert not hasattr(sk, "coefs_")  # the user's estimator is never fitted

    sk.fit(X, y)
    prefit = MagnitudePruner(sk, sparsity=0.0, prefit=True).fit(X, y)
    assert_array_equal(prefit.predict_proba(X), sk.predict_proba(X))

    with pytest.raises(TypeError, match="MLPClassifier"):
        MagnitudePruner(LogisticRegression()).fit(X, y)


def test_gridsearch_over_sparsity_and_pruner_in_a_pipeline(iris):
    X, y = iris
    net = PrunableMLPClassifier((10,), solver="lbfgs", max_iter=300, random_state=0)
    pipe = Pipeline([("scale", StandardScaler()), ("prune", MagnitudePruner(net, retrain_iter=20))])
    grid = {
        "prune": [MagnitudePruner(net, retrain_iter=20), OBDPruner(net, retrain_iter=20)],
        "prune__sparsity": [0.0, 0.5, 0.8],
    }
    search = GridSearchCV(pipe, grid, cv=3, n_jobs=2).fit(X, y)
    assert search.best_score_ > 0.9
    assert len(search.cv_results_["params"]) == 6
    best = search.best_estimator_
    restored = pickle.loads(pickle.dumps(best))
    assert_array_equal(restored.predict(X), best.predict(X))
    assert not hasattr(clone(best)[-1], "estimator_")


class CountingClassifier(PrunableMLPClassifier):
    """Counts the dense fits (those that start from scratch)."""

    n_dense_fits = 0

    def fit(self, X, y, sample_weight=None):
        if not self.warm_start:
            type(self).n_dense_fits += 1
        return super().fit(X, y, sample_weight=sample_weight)


def test_memory_trains_each_dense_network_once(iris, tmp_path):
    X, y = iris
    net = CountingClassifier((8,), solver="lbfgs", max_iter=100, random_state=0)
    k, levels = 3, [0.2, 0.4, 0.6, 0.8]

    CountingClassifier.n_dense_fits = 0
    GridSearchCV(OBDPruner(net, retrain_iter=5), {"sparsity": levels}, cv=k).fit(X, y)
    assert CountingClassifier.n_dense_fits == k * len(levels) + 1

    CountingClassifier.n_dense_fits = 0
    cached = OBDPruner(net, retrain_iter=5, memory=Memory(tmp_path, verbose=0))
    search = GridSearchCV(cached, {"sparsity": levels}, cv=k).fit(X, y)
    assert CountingClassifier.n_dense_fits == k + 1
    assert min(abs(search.best_estimator_.sparsity_ - s) for s in levels) < 0.02

    # the path form caches too, and the cached network prunes identically
    a = OBDPruner(net, sparsity=0.5, memory=str(tmp_path)).fit(X, y)
    b = OBDPruner(net, sparsity=0.5).fit(X, y)
    assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_obd_prunes_weights_of_a_dead_input_first(digits):
    # Pixel columns that are always zero carry no curvature: OBD removes their
    # weights before any other, whatever their magnitude; magnitude does not.
    X, y = digits
    dead = np.flatnonzero((X == 0).all(axis=0))
    assert dead.size > 0
    net = small_net(activation="tanh").fit(X, y)  # tanh: no dead hidden units
    net.coefs_[0][dead] = 5.0  # large, useless weights
    n_dead = dead.size * net.coefs_[0].shape[1]
    sparsity = n_dead / sum(W.size for W in net.coefs_)
    for hessian in ("gauss-newton", "lecun", "fisher"):
        obd = OBDPruner(net, sparsity=sparsity, prefit=True, hessian=hessian).fit(X, y)
        assert not obd.estimator_.masks_[0][dead].any()
        assert obd.estimator_.masks_[1].all()
    magnitude = MagnitudePruner(net, sparsity=sparsity, prefit=True).fit(X, y)
    assert magnitude.estimator_.masks_[0][dead].all()


def test_obd_uses_sample_weight_like_repeated_rows(digits):
    X, y = digits
    sw = np.random.RandomState(0).randint(0, 3, size=len(y))
    net = small_net().fit(X, y)
    weighted = OBDPruner(net, sparsity=0.6, n_steps=1, prefit=True).fit(X, y, sample_weight=sw)
    repeated = OBDPruner(net, sparsity=0.6, n_steps=1, prefit=True).fit(np.repeat(X, sw, axis=0), np.repeat(y, sw))
    unweighted = OBDPruner(net, sparsity=0.6, n_steps=1, prefit=True).fit(X, y)
    for a, b in zip(weighted.estimator_.masks_, repeated.estimator_.masks_):
        assert_array_equal(a, b)
    assert any((a != b).any() for a, b in zip(weighted.estimator_.masks_, unweighted.estimator_.masks_))


def test_hessian_subsampling(digits):
    X, y = digits
    net = small_net().fit(X, y)
    sub = OBDPruner(net, sparsity=0.5, prefit=True, n_hessian_samples=100, random_state=0)
    full = OBDPruner(net, sparsity=0.5, prefit=True)
    agree = np.mean(sub.fit(X, y).estimator_.masks_[0] == full.fit(X, y).estimator_.masks_[0])
    assert 0.8 < agree < 1.0
    again = OBDPruner(net, sparsity=0.5, prefit=True, n_hessian_samples=100, random_state=0).fit(X, y)
    assert_array_equal(again.estimator_.masks_[0], sub.estimator_.masks_[0])


def test_random_state_seeds_the_clone(iris):
    X, y = iris
    a = MagnitudePruner(PrunableMLPClassifier((8,)), random_state=3).fit(X, y)
    b = MagnitudePruner(PrunableMLPClassifier((8,)), random_state=3).fit(X, y)
    assert_array_equal(a.estimator_.coefs_[0], b.estimator_.coefs_[0])
    assert a.estimator.random_state is None  # the parameter itself is untouched


def test_regressor_pruner_tags_and_delegation():
    X, y = make_regression(n_samples=200, n_features=5, noise=0.1, random_state=0)
    y = y / y.std()
    pruner = OBDPruner(
        PrunableMLPRegressor(hidden_layer_sizes=(20,), solver="lbfgs", random_state=0), sparsity=0.5, retrain_iter=50
    ).fit(X, y)
    assert is_regressor(pruner) and not is_classifier(pruner)
    assert is_classifier(OBDPruner()) and is_classifier(MagnitudePruner(MLPClassifier()))
    assert pruner.score(X, y) > 0.9
    assert not hasattr(pruner, "predict_proba")
    assert not hasattr(pruner, "classes_")
    assert pruner.n_features_in_ == 5


def test_verbose_prints_one_line_per_round(iris, capsys):
    X, y = iris
    MagnitudePruner(PrunableMLPClassifier((8,), solver="lbfgs", random_state=0),
                    n_steps=3, retrain_iter=2, verbose=1).fit(X, y)
    lines = [l for l in capsys.readouterr().out.splitlines() if l.startswith("[MagnitudePruner]")]
    assert len(lines) == 4
    assert "step 3/3" in lines[-1] and "sparsity 0.5" in lines[-1] and "train score" in lines[-1]


@pytest.mark.parametrize(
    "params",
    [
        dict(sparsity=1.0),
        dict(sparsity=-0.1),
        dict(n_steps=0),
        dict(retrain_iter=-1),
        dict(schedule="exponential"),
        dict(scope="network"),
        dict(hessian="exact"),
        dict(n_hessian_samples=0),
        dict(estimator="mlp"),
    ],
)
def test_bad_parameters_raise_at_fit(iris, params):
    X, y = iris
    pruner = OBDPruner(**params)
    with pytest.raises(ValueError):
        pruner.fit(X, y)


def test_failed_fit_leaves_a_fitted_pruner_unchanged(iris):
    X, y = iris
    pruner = MagnitudePruner(PrunableMLPClassifier((8,), solver="lbfgs", random_state=0)).fit(X, y)
    proba = pruner.predict_proba(X)
    with pytest.raises(ValueError):
        pruner.fit(np.where(X > 1, np.nan, X), y)
    with pytest.raises(ValueError):
        pruner.set_params(sparsity=2.0).fit(X, y)
    assert_array_equal(pruner.predict_proba(X), proba)
    with pytest.raises(ValueError, match="features"):
        pruner.predict(X[:, :2])


def test_sparsity_schedules():
    assert_allclose(sparsity_schedule(0.0, 0.8, 4, "linear"), [0.2, 0.4, 0.6, 0.8])
    cubic = sparsity_schedule(0.0, 0.9, 10, "cubic")
    assert np.all(np.diff(cubic) > 0) and cubic[-1] == 0.9
    assert np.all(np.diff(np.diff(cubic)) < 0)  # fast first, slow at the end
    geometric = sparsity_schedule(0.0, 0.99, 2, "geometric")
    assert_allclose(1 - geometric, [0.1, 0.01])
    assert_allclose(sparsity_schedule(0.5, 0.3, 3, "linear"), [0.5, 0.5, 0.5])
    assert_allclose(sparsity_schedule(0.2, 0.6, 1), [0.6])


def test_default_rounds_halve_what_is_kept_at_most():
    assert [halving_rounds(0.0, s) for s in (0.0, 0.3, 0.5, 0.75, 0.9, 0.95, 0.98)] == [1, 1, 1, 2, 4, 5, 6]
    assert halving_rounds(0.5, 0.75) == 1 and halving_rounds(0.9, 0.5) == 1  # from where the network is
    assert halving_rounds([0.0, 0.0], [0.5, 0.9]) == 4  # the layer pruned most decides
    for initial, final in [(0.0, 0.95), (0.2, 0.97), (0.6, 0.99)]:
        n = halving_rounds(initial, final)
        targets = sparsity_schedule(initial, final, n, "geometric")
        kept = 1 - np.concatenate([[initial], targets])
        assert np.all(kept[1:] / kept[:-1] >= 0.5 - 1e-12)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_network_with_no_weight_left_prunes_in_one_round():
    # A layer already empty (before = after = 0) needs no halving; it gave
    # log2(0 / 0), NaN, and "cannot convert float NaN to integer".
    assert halving_rounds(1.0, 0.5) == 1
    assert halving_rounds([1.0, 0.0], [0.5, 0.75]) == 2
    X, y = load_digits(return_X_y=True)
    X, y = X[:200] / 16, y[:200]
    net = PrunableMLPClassifier((4,), max_iter=5, random_state=0).fit(X, y)
    for mask in net.masks_:  # every weight pruned: a constant network, biases only
        mask[:] = False
    net = net.set_params(warm_start=True, max_iter=1).fit(X, y).compact()
    assert all(not m.any() for m in net.masks_)
    expected = net.predict_proba(X)
    with pytest.warns(UserWarning, match="already at sparsity 1.0"):
        pruned = MagnitudePruner(net, sparsity=0.5, prefit=True, retrain_iter=1).fit(X, y)
    assert pruned.history_["step"] == [0, 1]
    assert all(not m.any() for m in pruned.estimator_.masks_)
    assert np.all(np.isfinite(pruned.estimator_.predict_proba(X)))
    assert expected.shape == pruned.estimator_.predict_proba(X).shape


def test_without_retraining_the_default_is_one_shot():
    X, y = load_digits(return_X_y=True)
    net = PrunableMLPClassifier((16,), max_iter=50, random_state=0).fit(X[:300] / 16, y[:300])
    pruner = OBDPruner(net, sparsity=0.95, prefit=True, retrain_iter=0).fit(X[:300] / 16, y[:300])
    assert pruner.history_["step"] == [0, 1]


def test_default_rounds_keep_accuracy_at_95_percent():
    # One round of OBD at 95% kept 0.86 of Digits where the dense network had 0.98.
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = X[::2] / 16, X[1::2] / 16, y[::2], y[1::2]
    dense = PrunableMLPClassifier(random_state=0).fit(X_train, y_train)
    pruner = OBDPruner(dense, sparsity=0.95, prefit=True, random_state=0).fit(X_train, y_train)
    assert len(pruner.history_["step"]) == 1 + 5
    assert pruner.score(X_test, y_test) >= dense.score(X_test, y_test) - 0.03


def test_poisson_targets_are_checked_whether_or_not_pruning_retrains():
    from sklearn.datasets import make_regression

    from skprune import PrunableMLPRegressor

    X, y = make_regression(n_samples=100, n_features=5, random_state=0)
    y = np.abs(y) / 100
    net = PrunableMLPRegressor(loss="poisson", hidden_layer_sizes=(8,), solver="lbfgs",
                               max_iter=100, random_state=0).fit(X, y)
    y_bad = y.copy()
    y_bad[0] = -5.0
    for retrain_iter in (0, 2):
        with pytest.raises(ValueError, match="negative which is not allowed for Poisson"):
            MagnitudePruner(net, prefit=True, retrain_iter=retrain_iter).fit(X, y_bad)


def test_verbose_levels_and_a_target_below_the_networks_sparsity(capsys):
    X, y = load_iris(return_X_y=True)
    net = PrunableMLPClassifier((8,), solver="lbfgs", max_iter=200, random_state=0).fit(X, y)
    MagnitudePruner(net, prefit=True, sparsity=0.5, n_steps=2, retrain_iter=2, verbose=1).fit(X, y)
    one = capsys.readouterr().out.splitlines()
    assert len(one) == 3 and "round" in one[1] and "total" in one[1]
    pruned = MagnitudePruner(net, prefit=True, sparsity=0.5, n_steps=2, retrain_iter=2,
                             verbose=2).fit(X, y)
    two = capsys.readouterr().out.splitlines()
    assert len(two) == 7 and sum("retraining" in line for line in two) == 2
    with pytest.warns(UserWarning, match="already at sparsity 0.5"):
        lower = MagnitudePruner(pruned.estimator_, prefit=True, sparsity=0.3).fit(X, y)
    assert lower.sparsity_ == pytest.approx(0.5, abs=0.01)
