"""pruning_curve and PrunerCV."""


import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, GroupKFold, LeaveOneOut, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import (
    MagnitudePruner,
    OBDPruner,
    PrunableMLPClassifier,
    PrunableMLPRegressor,
    UnitRemovalPruner,
)
from skprune.model_selection import PrunerCV, pruning_curve
from skprune.model_selection import _search




@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


class CountingClassifier(PrunableMLPClassifier):
    n_dense_fits = 0

    def fit(self, X, y, sample_weight=None):
        if not self.warm_start:
            type(self).n_dense_fits += 1
        return super().fit(X, y, sample_weight=sample_weight)


def net(**params):
    return PrunableMLPClassifier(**{"hidden_layer_sizes": (10,), "solver": "lbfgs",
                                    "max_iter": 300, "random_state": 0, **params})


LEVELS = [0.2, 0.5, 0.7, 0.85]


def test_pruning_curve_shapes_and_one_dense_fit_per_fold(iris):
    X, y = iris
    CountingClassifier.n_dense_fits = 0
    pruner = OBDPruner(CountingClassifier((10,), solver="lbfgs", max_iter=300, random_state=0), retrain_iter=5)
    levels, train, test = pruning_curve(pruner, X, y, sparsities=[0.7, 0.2, 0.5, 0.85, 0.5], cv=4)
    assert_array_equal(levels, LEVELS)
    assert train.shape == test.shape == (4, 4)
    assert CountingClassifier.n_dense_fits == 4
    assert np.all((train >= 0) & (train <= 1))


def test_scores_equal_separate_fits(iris):
    X, y = iris
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    pruner = MagnitudePruner(net(), retrain_iter=0)  # one-shot magnitude: the path changes nothing
    _, train, test = pruning_curve(pruner, X, y, sparsities=LEVELS, cv=cv)
    for k, (tr, te) in enumerate(cv.split(X, y)):
        for i, level in enumerate(LEVELS):
            separate = MagnitudePruner(net(), sparsity=level, retrain_iter=0).fit(X[tr], y[tr])
            assert test[i, k] == separate.score(X[te], y[te])
            assert train[i, k] == separate.score(X[tr], y[tr])


def test_retraining_path_equals_successive_prefit_fits(iris):
    X, y = iris
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    pruner = OBDPruner(net(), retrain_iter=10)
    _, _, test = pruning_curve(pruner, X, y, sparsities=LEVELS, cv=cv)
    for k, (tr, te) in enumerate(cv.split(X, y)):
        model = net().fit(X[tr], y[tr])
        for i, level in enumerate(LEVELS):
            step = OBDPruner(model, sparsity=level, retrain_iter=10, prefit=True).fit(X[tr], y[tr])
            model = step.estimator_
            assert test[i, k] == pytest.approx(model.score(X[te], y[te]))


def test_parallel_folds_give_the_same_curve(iris):
    X, y = iris
    pruner = OBDPruner(net(), retrain_iter=5)
    serial = pruning_curve(pruner, X, y, sparsities=LEVELS, cv=3)
    parallel = pruning_curve(pruner, X, y, sparsities=LEVELS, cv=3, n_jobs=2)
    for a, b in zip(serial, parallel):  # bit-identical across worker processes
        assert_array_equal(a, b)


def test_pipelines_and_unit_removal(iris):
    X, y = iris
    pipe = make_pipeline(StandardScaler(), UnitRemovalPruner(net(), criterion="error"))
    levels, train, test = pruning_curve(pipe, X * 10, y, sparsities=[0.3, 0.6], cv=3, scoring="accuracy")
    assert test.shape == (2, 3) and test.mean() > 0.8

    search = PrunerCV(pipe, sparsities=[0.3, 0.6], cv=3).fit(X * 10, y)
    assert search.best_estimator_[-1].estimator_.hidden_layer_sizes in [(7,), (4,)]
    outer = make_pipeline(StandardScaler(), PrunerCV(MagnitudePruner(net()), sparsities=[0.5], cv=3))
    assert outer.fit(X, y).score(X, y) > 0.8


@pytest.mark.parametrize(
    "selection, tol, expected",
    [("best", 0.01, 1), ("sparsest", 0.01, 2), ("sparsest", 0.03, 3), ("sparsest", 0.0, 1)],
)
def test_selection_rules(iris, monkeypatch, selection, tol, expected):
    X, y = iris
    mean = np.array([0.90, 0.95, 0.945, 0.93, 0.80])
    test = np.stack([mean - 0.01, mean + 0.01], axis=1)
    from sklearn.metrics import check_scoring

    def fake_scores(estimator, *args, **kwargs):
        return {"test": {"score": test}, "train": {"score": test + 0.02},
                "fit_time": np.ones_like(test), "score_time": np.ones_like(test),
                "scorers": check_scoring(estimator), "multimetric": False, "n_splits": 2}

    monkeypatch.setattr(_search, "pruning_scores", fake_scores)
    levels = [0.1, 0.3, 0.5, 0.7, 0.9]
    search = PrunerCV(MagnitudePruner(net()), sparsities=levels, selection=selection, tol=tol).fit(X, y)
    assert search.best_index_ == expected
    assert search.best_sparsity_ == levels[expected]
    assert search.best_score_ == pytest.approx(mean[expected])
    assert_array_equal(search.cv_results_["rank_test_score"], [4, 1, 2, 3, 5])
    assert_allclose(search.cv_results_["split1_test_score"], mean + 0.01)
    assert search.best_estimator_.sparsity == levels[expected]
    assert search.best_estimator_.sparsity_ == pytest.approx(levels[expected], abs=0.02)


def test_refit_false_has_no_predict(iris):
    X, y = iris
    search = PrunerCV(MagnitudePruner(net()), sparsities=[0.5], cv=3, refit=False).fit(X, y)
    assert not hasattr(search, "predict") and not hasattr(search, "best_estimator_")
    assert search.n_features_in_ == 4


def test_bad_input(iris):
    X, y = iris
    for levels in ([], [1.0], [-0.1, 0.5], [np.nan]):
        with pytest.raises(ValueError, match="sparsities"):
            pruning_curve(MagnitudePruner(net()), X, y, sparsities=levels)
    with pytest.raises(TypeError, match="pruner"):
        pruning_curve(LogisticRegression(), X, y, sparsities=[0.5])
    with pytest.raises(TypeError, match="pruner"):
        PrunerCV(LogisticRegression()).fit(X, y)
    with pytest.raises(ValueError):
        PrunerCV(selection="first").fit(X, y)


# ----------------------------------------------------------------------
# Parity with GridSearchCV and validation_curve
# ----------------------------------------------------------------------
def binary_problem():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X)[:300], y[:300]


@pytest.mark.parametrize("scoring, refit", [(None, True), (["accuracy", "roc_auc"], "roc_auc")])
def test_same_results_as_gridsearchcv_side_by_side(scoring, refit):
    X, y = binary_problem()
    levels = [0.3, 0.6, 0.9]
    pruner = MagnitudePruner(net(), retrain_iter=0)  # without retraining, path and direct prunes coincide
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    grid = GridSearchCV(pruner, {"sparsity": levels}, cv=cv, scoring=scoring, refit=refit,
                        return_train_score=True).fit(X, y)
    ours = PrunerCV(pruner, sparsities=levels, cv=cv, scoring=scoring, refit=refit,
                    return_train_score=True).fit(X, y)
    assert sorted(ours.cv_results_) == sorted(grid.cv_results_)
    metrics = ["score"] if scoring is None else scoring
    for metric in metrics:
        for key in (f"mean_test_{metric}", f"mean_train_{metric}", f"rank_test_{metric}"):
            assert_allclose(ours.cv_results_[key], grid.cv_results_[key], rtol=1e-12)
    assert_array_equal(ours.cv_results_["param_sparsity"], grid.cv_results_["param_sparsity"])
    assert ours.cv_results_["params"] == grid.cv_results_["params"]
    assert ours.best_index_ == grid.best_index_ and ours.best_params_ == grid.best_params_
    assert ours.best_score_ == pytest.approx(grid.best_score_)
    assert ours.multimetric_ == grid.multimetric_ and ours.n_splits_ == grid.n_splits_ == 3
    assert ours.refit_time_ > 0 and callable(ours.scorer_) != ours.multimetric_
    assert_array_equal(ours.predict(X), grid.predict(X))


def test_pipeline_keys_and_sample_weight_routing():
    X, y = binary_problem()
    seen = []

    class Recording(MagnitudePruner):
        def fit_path(self, X, y, levels, callback=None, sample_weight=None):
            seen.append(None if sample_weight is None else len(sample_weight))
            return super().fit_path(X, y, levels, callback=callback, sample_weight=sample_weight)

    pipe = make_pipeline(StandardScaler(), Recording(net()))
    weights = np.linspace(0.5, 2, len(y))
    search = PrunerCV(pipe, sparsities=[0.3, 0.6], cv=3).fit(
        X, y, recording__sample_weight=weights)
    assert "param_recording__sparsity" in search.cv_results_
    assert search.best_params_.keys() == {"recording__sparsity"}
    assert seen == [200, 200, 200, 300]  # each fold's share, then the refit
    seen.clear()
    PrunerCV(Recording(net()), sparsities=[0.3], cv=3).fit(X, y, sample_weight=weights)
    assert seen == [200, 200, 200, 300]


def test_groups_reach_the_splitter(iris):
    X, y = iris
    groups = np.arange(len(y)) % 5
    levels, train, test = pruning_curve(MagnitudePruner(net()), X, y, sparsities=[0.5],
                                        cv=GroupKFold(5), groups=groups)
    assert test.shape == (1, 5)
    search = PrunerCV(MagnitudePruner(net()), sparsities=[0.5], cv=GroupKFold(5)).fit(
        X, y, groups=groups)
    assert search.n_splits_ == 5


def test_nan_scores_rank_last_and_all_nan_completes(iris):
    X, y = iris

    def nan_below_half(estimator, X, y):
        return np.nan if estimator.sparsity_ < 0.5 else 1.0

    search = PrunerCV(MagnitudePruner(net()), sparsities=[0.3, 0.6, 0.8], cv=2,
                      scoring=nan_below_half).fit(X, y)
    assert_array_equal(search.cv_results_["rank_test_score"], [3, 1, 1])
    assert search.best_sparsity_ == 0.6
    reg = MagnitudePruner(PrunableMLPRegressor(hidden_layer_sizes=(4,), solver="lbfgs",
                                               max_iter=50, random_state=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # R^2 of one sample is undefined
        loo = PrunerCV(reg, sparsities=[0.3, 0.6], cv=LeaveOneOut()).fit(X[:12, :3], X[:12, 3])
    assert_array_equal(loo.cv_results_["rank_test_score"], [1, 1])
    assert np.isnan(loo.best_score_)


def test_error_score(iris):
    X, y = iris
    calls = [0]

    def fails_once(estimator, X, y):
        calls[0] += 1
        if calls[0] == 2:
            raise RuntimeError("scorer broke")
        return estimator.score(X, y)

    with pytest.warns(UserWarning, match="Scoring failed"):
        search = PrunerCV(MagnitudePruner(net()), sparsities=[0.3, 0.6], cv=3,
                          scoring=fails_once, error_score=-1.0).fit(X, y)
    assert (search.cv_results_["split0_test_score"] == -1.0).sum() == 1
    calls[0] = 0
    with pytest.raises(RuntimeError, match="scorer broke"):
        PrunerCV(MagnitudePruner(net()), sparsities=[0.3, 0.6], cv=3, scoring=fails_once,
                 error_score="raise").fit(X, y)


def test_verbose_reports_folds_and_levels(iris, capsys):
    X, y = iris
    PrunerCV(MagnitudePruner(net()), sparsities=[0.3, 0.6], cv=2, verbose=2).fit(X, y)
    out = capsys.readouterr().out
    assert "Fitting 2 folds" in out
    assert out.count("[CV 1/2] END sparsity=0.3") == 1 and out.count("END sparsity=0.6") == 2
    pruning_curve(MagnitudePruner(net()), X, y, sparsities=[0.5], cv=2, verbose=1)
    assert "Fitting 2 folds" in capsys.readouterr().out


def test_every_level_is_checked_before_any_work(iris):
    X, y = iris
    CountingClassifier.n_dense_fits = 0
    small = UnitRemovalPruner(CountingClassifier((4,), solver="lbfgs", max_iter=50))
    with pytest.raises(ValueError, match=r"sparsity=0\.9 would remove every unit"):
        PrunerCV(small, sparsities=[0.3, 0.9], cv=2).fit(X, y)
    with pytest.raises(ValueError, match=r"sparsity=0\.9 would remove every unit"):
        pruning_curve(small, X, y, sparsities=[0.9], cv=2)
    with pytest.raises(ValueError, match=r"sparsity=0\.9 would remove every unit"):
        small.fit_path(X, y, [0.5, 0.9])
    assert CountingClassifier.n_dense_fits == 0


def test_prefit_pruners_share_their_network_across_folds(iris):
    X, y = iris
    fitted = net().fit(X, y)
    CountingClassifier.n_dense_fits = 0
    pruner = MagnitudePruner(fitted, prefit=True)
    # the shared network saw every test fold: the scores are optimistic
    with pytest.warns(UserWarning, match="scores are optimistic"):
        levels, train, test, fit_times, score_times = pruning_curve(
            pruner, X, y, sparsities=[0.3, 0.6], cv=3, return_times=True)
    assert np.isfinite(test).all() and fit_times.shape == score_times.shape == (2, 3)
    with pytest.warns(UserWarning, match="scores are optimistic"):
        search = PrunerCV(pruner, sparsities=[0.3, 0.6], cv=3).fit(X, y)
    assert search.best_estimator_.estimator is fitted  # shared, not cloned, not changed
    assert fitted.sparsity_ == 0.0


def test_multimetric_needs_a_refit_metric(iris):
    X, y = iris
    with pytest.raises(ValueError, match="refit must be the name"):
        PrunerCV(MagnitudePruner(net()), sparsities=[0.5], cv=2,
                 scoring=["accuracy", "balanced_accuracy"]).fit(X, y)
    with pytest.raises(ValueError, match="is not one of the metrics"):
        PrunerCV(MagnitudePruner(net()), sparsities=[0.5], cv=2,
                 scoring=["accuracy"], refit="f1").fit(X, y)
    search = PrunerCV(MagnitudePruner(net()), sparsities=[0.5], cv=2,
                      scoring={"acc": "accuracy", "bal": "balanced_accuracy"}, refit=False).fit(X, y)
    assert "rank_test_bal" in search.cv_results_ and not hasattr(search, "best_index_")


# ---------------------------------------------------------------------------
# PrunerCV against GridSearchCV where they once differed
# ---------------------------------------------------------------------------
def one_shot(**params):
    return MagnitudePruner(net(max_iter=200, **params), retrain_iter=0)


def shuffled_iris():
    X, y = load_iris(return_X_y=True)
    perm = np.random.RandomState(0).permutation(len(y))
    return X[perm], y[perm]


def test_score_uses_the_scoring_as_gridsearchcv():
    X, y = shuffled_iris()
    levels = [0.2, 0.5, 0.8]
    grid = GridSearchCV(one_shot(), {"sparsity": levels}, cv=3, scoring="neg_log_loss").fit(X, y)
    ours = PrunerCV(one_shot(), sparsities=levels, cv=3, scoring="neg_log_loss").fit(X, y)
    assert ours.best_index_ == grid.best_index_
    assert ours.score(X, y) == pytest.approx(grid.score(X, y))
    assert ours.score(X, y) < 0  # a log loss, not the accuracy


def test_sample_weight_weighs_test_scores_as_the_installed_gridsearchcv():
    X, y = shuffled_iris()
    weights = np.random.RandomState(1).uniform(0.5, 2, len(y))
    levels = [0.2, 0.5, 0.8]
    grid = GridSearchCV(one_shot(), {"sparsity": levels}, cv=3).fit(X, y, sample_weight=weights)
    ours = PrunerCV(one_shot(), sparsities=levels, cv=3).fit(X, y, sample_weight=weights)
    for k in range(3):
        assert_allclose(ours.cv_results_[f"split{k}_test_score"],
                        grid.cv_results_[f"split{k}_test_score"], rtol=1e-12)


def test_a_callable_returning_a_dict_is_multimetric_scoring():
    from sklearn.metrics import accuracy_score, f1_score

    X, y = shuffled_iris()

    def two_metrics(estimator, X, y):
        predicted = estimator.predict(X)
        return {"acc": accuracy_score(y, predicted), "f1": f1_score(y, predicted, average="macro")}

    levels = [0.2, 0.5, 0.8]
    grid = GridSearchCV(one_shot(), {"sparsity": levels}, cv=3, scoring=two_metrics,
                        refit="acc").fit(X, y)
    ours = PrunerCV(one_shot(), sparsities=levels, cv=3, scoring=two_metrics, refit="acc").fit(X, y)
    for key in ("mean_test_acc", "mean_test_f1", "rank_test_acc"):
        assert_allclose(ours.cv_results_[key], grid.cv_results_[key], rtol=1e-12)
    assert ours.multimetric_ and ours.best_index_ == grid.best_index_
    assert ours.score(X, y) == pytest.approx(grid.score(X, y))
    with pytest.raises(ValueError, match="refit must be the name"):
        PrunerCV(one_shot(), sparsities=levels, cv=3, scoring=two_metrics).fit(X, y)


def test_a_failed_fold_keeps_finite_times():
    from sklearn.model_selection import KFold

    from skprune import ScorePruner

    X, y = shuffled_iris()
    first = X[0].copy()

    def fails_on_folds_with_row_0(estimator, X, y, sample_weight=None):
        if X.shape[0] == 100 and np.array_equal(X[0], first):
            raise RuntimeError("this fold fails")
        return [np.abs(W) for W in estimator.coefs_]

    pruner = ScorePruner(net(max_iter=200), score_func=fails_on_folds_with_row_0, retrain_iter=0)
    with pytest.warns(FitFailedWarning, match="failed after 0 of 2"):
        ours = PrunerCV(pruner, sparsities=[0.2, 0.5], cv=KFold(3)).fit(X, y)
    for key in ("mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time"):
        assert np.all(np.isfinite(ours.cv_results_[key])), key
    assert np.isnan(ours.cv_results_["split1_test_score"]).all()
    assert not np.isnan(ours.cv_results_["split0_test_score"]).any()


def test_a_failed_refit_leaves_a_fitted_search_as_it_was(iris):
    import copy

    X, y = iris
    search = PrunerCV(MagnitudePruner(net(max_iter=50)), sparsities=[0.3, 0.6, 0.9], cv=3).fit(X, y)
    before = copy.deepcopy(search.__dict__)
    X_bad = X.copy()
    X_bad[0, 0] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError):
            search.fit(X_bad, y)
    assert search.__dict__.keys() == before.keys()
    for key in ("best_index_", "best_sparsity_", "best_score_", "best_params_", "n_splits_"):
        assert search.__dict__[key] == before[key]
    for key, value in before["cv_results_"].items():
        assert_array_equal(search.cv_results_[key], value)
    assert_array_equal(search.predict(X), before["best_estimator_"].predict(X))


def test_levels_a_stopped_path_never_reached_are_never_chosen():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = X[:600] / 16
    y = y[:600]
    pruner = UnitRemovalPruner(net(hidden_layer_sizes=(16,), max_iter=200), tol=0.02, retrain_iter=0)
    with pytest.warns(UserWarning, match="stopped before sparsity"):
        search = PrunerCV(pruner, sparsities=[0.25, 0.5, 0.75, 0.9], cv=3,
                          selection="sparsest", tol=0.05).fit(X, y)
    unreached = np.isnan(search.cv_results_["mean_test_score"])
    assert unreached.any()  # the stopping rule ended some paths early
    assert not unreached[search.best_index_]
    assert search.best_estimator_.sparsity_ == pytest.approx(search.best_sparsity_, abs=0.05)
    steps = []
    pruner.fit_path(X, y, [0.25, 0.5, 0.75, 0.9], callback=lambda step, model: steps.append(step))
    assert len(steps) < 4  # rounds after the stop are not called back


# ----------------------------------------------------------------------
# Several candidates: a list of pruners, a grid of their parameters
# ----------------------------------------------------------------------
def test_a_grid_of_pruner_parameters_gives_gridsearchcvs_results():
    X, y = binary_problem()
    levels = [0.3, 0.6, 0.9]
    pruner = MagnitudePruner(net(), retrain_iter=0)  # without retraining, path and direct prunes coincide
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    # ("scope" sorts before "sparsity": GridSearchCV's rows come in the same order)
    grid = GridSearchCV(pruner, {"scope": ["global", "layer"], "sparsity": levels}, cv=cv).fit(X, y)
    ours = PrunerCV(pruner, param_grid={"scope": ["global", "layer"]}, sparsities=levels, cv=cv).fit(X, y)
    assert sorted(ours.cv_results_) == sorted(grid.cv_results_)
    for key in ("mean_test_score", "std_test_score", "rank_test_score"):
        assert_allclose(ours.cv_results_[key], grid.cv_results_[key], rtol=1e-12)
    assert ours.cv_results_["params"] == grid.cv_results_["params"]
    assert list(ours.cv_results_["param_scope"]) == list(grid.cv_results_["param_scope"])
    assert ours.best_params_ == grid.best_params_ and ours.best_index_ == grid.best_index_
    assert_array_equal(ours.predict(X), grid.predict(X))


def test_a_list_of_pruners_is_searched_with_one_dense_fit_per_candidate_and_fold(iris):
    X, y = iris
    CountingClassifier.n_dense_fits = 0
    counted = CountingClassifier((10,), solver="lbfgs", max_iter=300, random_state=0)
    pruners = [MagnitudePruner(counted, retrain_iter=5), OBDPruner(counted, retrain_iter=5)]
    search = PrunerCV(pruners, param_grid=[{"n_steps": [1, 2]}], sparsities=[0.5, 0.8, 0.95],
                      cv=3, refit=False).fit(X, y)
    assert CountingClassifier.n_dense_fits == 4 * 3  # 2 pruners x 2 n_steps x 3 folds
    results = search.cv_results_
    assert len(results["params"]) == 12
    # ParameterGrid's order, as GridSearchCV's: "n_steps" sorts before "pruner"
    names = ["MagnitudePruner"] * 3 + ["OBDPruner"] * 3
    assert [type(p).__name__ for p in results["param_pruner"]] == names * 2
    assert list(results["param_n_steps"]) == [1] * 6 + [2] * 6
    assert_array_equal(results["param_sparsity"], [0.5, 0.8, 0.95] * 4)
    best = int(np.argmax(results["mean_test_score"]))
    assert results["rank_test_score"][best] == 1
    assert search.best_params_ == results["params"][search.best_index_]
    assert search.best_score_ == pytest.approx(results["mean_test_score"].max())


def test_each_pruner_with_its_own_grid_and_the_sparsest_choice(iris):
    X, y = iris
    magnitude, obd = MagnitudePruner(net(), retrain_iter=5), OBDPruner(net(), retrain_iter=5)
    grid = [{"pruner": [magnitude], "scope": ["global", "layer"]}, {"pruner": [obd], "hessian": ["lecun"]}]
    search = PrunerCV(param_grid=grid, sparsities=[0.3, 0.6, 0.9], cv=3, selection="sparsest",
                      tol=0.05).fit(X, y)
    results = search.cv_results_
    assert len(results["params"]) == 9
    # a parameter a candidate does not have is masked, as in GridSearchCV
    assert results["param_hessian"].mask.tolist() == [True] * 6 + [False] * 3
    assert results["param_scope"].mask.tolist() == [False] * 6 + [True] * 3
    means, levels = results["mean_test_score"], results["param_sparsity"]
    within = means >= means.max() - 0.05
    assert search.best_sparsity_ == levels[within].max()
    at_level = within & (levels == levels[within].max())
    assert search.best_score_ == means[at_level].max()
    chosen = search.best_params_["pruner"]
    assert type(search.best_estimator_) is type(chosen)
    assert search.best_estimator_.sparsity_ == pytest.approx(search.best_sparsity_, abs=0.02)


def test_candidates_are_checked_before_any_work(iris):
    X, y = iris
    with pytest.raises(ValueError, match="sparsities"):
        PrunerCV(MagnitudePruner(net()), param_grid={"sparsity": [0.5]}).fit(X, y)
    with pytest.raises(ValueError, match="empty list"):
        PrunerCV([]).fit(X, y)
    mixed = [MagnitudePruner(net()), MagnitudePruner(PrunableMLPRegressor())]
    with pytest.raises(ValueError, match="classifiers or all regressors"):
        PrunerCV(mixed).fit(X, y)
    with pytest.raises(ValueError, match="Invalid parameter"):
        PrunerCV(MagnitudePruner(net()), param_grid={"no_such_parameter": [1]}).fit(X, y)
