"""pruning_curve and PrunerCV."""


import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import MagnitudePruner, OBDPruner, PrunableMLPClassifier, UnitRemovalPruner
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
    pruner = MagnitudePruner(net())  # one-shot magnitude: the path changes nothing
    _, train, test = pruning_curve(pruner, X, y, sparsities=LEVELS, cv=cv)
    for k, (tr, te) in enumerate(cv.split(X, y)):
        for i, level in enumerate(LEVELS):
            separate = MagnitudePruner(net(), sparsity=level).fit(X[tr], y[tr])
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
    monkeypatch.setattr(_search, "pruning_scores", lambda *args: (test + 0.02, test))
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
