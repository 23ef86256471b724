"""InputPruner: feature selection by removing input units."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import MagnitudePruner, PrunableMLPClassifier, PrunableMLPRegressor
from skprune.feature_selection import InputPruner

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def planted(n_samples=400, seed=0):
    """Informative features first: 0, 1, 2 of 10."""
    X, y = make_classification(n_samples=n_samples, n_features=10, n_informative=3,
                               n_redundant=0, shuffle=False, random_state=seed)
    return StandardScaler().fit_transform(X), y


def net(**params):
    return PrunableMLPClassifier(**{"hidden_layer_sizes": (16,), "solver": "lbfgs",
                                    "max_iter": 500, "random_state": 0, **params})


@pytest.mark.parametrize("criterion, n_steps", [("compensation", 1), ("compensation", 3),
                                               ("obd", 1), ("magnitude", 1), ("magnitude", 3)])
def test_recovers_a_planted_feature_set(criterion, n_steps):
    X, y = planted()
    selector = InputPruner(net(), n_features_to_select=3, criterion=criterion,
                           n_steps=n_steps, retrain_iter=5).fit(X, y)
    assert_array_equal(selector.get_support(indices=True), [0, 1, 2])
    assert selector.n_features_ == 3 and selector.transform(X).shape == (400, 3)
    assert_array_equal(np.sort(selector.ranking_), [1, 1, 1, 2, 3, 4, 5, 6, 7, 8])
    assert selector.history_["feature_sparsity"][-1] == selector.feature_sparsity_ == pytest.approx(0.7)
    model = selector.estimator_
    # sparsity_ counts weights, as in every pruner: the first layer's rows of the 7 features
    assert selector.sparsity_ == model.sparsity_
    assert selector.sparsity_ == pytest.approx(7 * model.coefs_[0].shape[1] / sum(W.size for W in model.coefs_))
    assert not model.masks_[0][3:].any() and np.all(model.coefs_[0][3:] == 0)


def test_a_duplicated_feature_goes_first_and_predictions_do_not_change():
    X, y = planted()
    X = np.column_stack([X, X[:, 1]])  # feature 10 is feature 1 again
    fitted = net().fit(X, y)
    selector = InputPruner(fitted, prefit=True, n_features_to_select=10).fit(X, y)
    removed = np.flatnonzero(~selector.get_support())
    assert removed.tolist() in ([1], [10])
    twin = 10 if removed[0] == 1 else 1
    # compensation moved the removed input's weights onto its twin
    assert_allclose(selector.estimator_.coefs_[0][twin],
                    fitted.coefs_[0][1] + fitted.coefs_[0][10], atol=1e-4)
    assert_allclose(selector.predict_proba(X), fitted.predict_proba(X), atol=1e-4)


def test_the_ranking_follows_the_order_of_removal():
    X, y = planted()
    selector = InputPruner(net(), n_features_to_select=1).fit(X, y)
    assert selector.ranking_.max() == 10 and sorted(selector.ranking_) == list(range(1, 11))
    assert selector.ranking_[selector.get_support()].tolist() == [1]


def test_selector_api_pandas_and_inverse_transform():
    pd = pytest.importorskip("pandas")
    X, y = planted()
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(10)])
    selector = InputPruner(net(), n_features_to_select=0.3).set_output(transform="pandas")
    out = selector.fit(frame, y).transform(frame)
    assert list(out.columns) == ["f0", "f1", "f2"]
    assert list(selector.get_feature_names_out()) == ["f0", "f1", "f2"]
    back = selector.inverse_transform(out.to_numpy())
    assert back.shape == (400, 10) and np.all(back[:, 3:] == 0)
    assert selector.predict(frame).shape == (400,)  # the pruned network still predicts


def test_gridsearch_over_the_number_of_features_in_a_pipeline():
    X, y = planted()
    pipe = make_pipeline(StandardScaler(), InputPruner(net(), retrain_iter=10))
    search = GridSearchCV(pipe, {"inputpruner__n_features_to_select": [1, 3, 6]}, cv=3).fit(X, y)
    assert search.best_params_["inputpruner__n_features_to_select"] in (3, 6)
    assert search.best_score_ > 0.8


def test_compact_reads_only_the_selected_columns():
    X, y = planted()
    selector = InputPruner(net(), n_features_to_select=3, compact=True).fit(X, y)
    plain = InputPruner(net(), n_features_to_select=3).fit(X, y)
    model = selector.estimator_
    assert_array_equal(model.active_inputs_, [0, 1, 2]) and model.coefs_[0].shape == (3, 16)
    assert model.n_features_in_ == 10
    assert_allclose(selector.predict_proba(X), plain.predict_proba(X), atol=1e-12)
    exported = model.to_sklearn()  # scikit-learn sees the full first layer again
    assert exported.coefs_[0].shape == (10, 16)
    assert_allclose(exported.predict_proba(X), plain.predict_proba(X), atol=1e-12)
    model.set_params(warm_start=True, max_iter=3).fit(X, y)  # still trainable
    assert model.coefs_[0].shape == (3, 16)


def test_works_for_regressors():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 6))
    y = X[:, 0] * X[:, 1] + X[:, 2] ** 2
    reg = PrunableMLPRegressor(hidden_layer_sizes=(24,), activation="tanh", solver="lbfgs",
                               max_iter=1000, random_state=0)
    selector = InputPruner(reg, n_features_to_select=3, retrain_iter=50).fit(X, y)
    assert_array_equal(selector.get_support(indices=True), [0, 1, 2])
    assert selector.score(X, y) > 0.9


def test_bad_input():
    X, y = planted(100)
    with pytest.raises(ValueError, match="n_features_to_select=11 is more than the 10 features"):
        InputPruner(net(), n_features_to_select=11).fit(X, y)
    for bad in (0, -2, 1.5):
        with pytest.raises(ValueError, match="n_features_to_select"):
            InputPruner(net(), n_features_to_select=bad).fit(X, y)
    with pytest.raises(TypeError, match="PrunableMLPClassifier"):
        InputPruner(LogisticRegression()).fit(X, y)
    compacted = MagnitudePruner(net(), sparsity=0.9, compact=True).fit(X, y).estimator_
    if hasattr(compacted, "active_inputs_"):
        with pytest.raises(ValueError, match="compacted"):
            InputPruner(compacted, prefit=True).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.raises(ValueError, match="classes"):
            InputPruner(net().fit(X[y == 0][:10].tolist() + X[y == 1][:10].tolist(),
                                  [0] * 10 + [1] * 10), prefit=True).fit(X, y + 1)


def test_prunercv_refuses_a_selector_and_pruning_curve_walks_it():
    from skprune.model_selection import PrunerCV, pruning_curve

    X, y = planted(200)
    with pytest.raises(ValueError, match="n_features_to_select"):
        PrunerCV(InputPruner(net()), sparsities=[0.5], cv=2).fit(X, y)
    levels, train, test = pruning_curve(InputPruner(net()), X, y, sparsities=[0.3, 0.7], cv=2)
    assert test.shape == (2, 2)  # the levels are fractions of the features removed


def test_one_feature_is_kept_by_default_on_a_one_feature_problem():
    rng = np.random.RandomState(0)
    X = rng.randn(60, 1)
    y = (X[:, 0] > 0).astype(int)
    selector = InputPruner(PrunableMLPClassifier((4,), solver="lbfgs", max_iter=200,
                                                 random_state=0)).fit(X, y)
    assert selector.n_features_ == 1 and selector.transform(X).shape == (60, 1)


def test_inputs_pruned_by_hand_rank_last():
    X, y = make_classification(n_samples=200, n_features=8, n_informative=3, n_redundant=0,
                               shuffle=False, random_state=0)
    net = PrunableMLPClassifier((16,), solver="lbfgs", max_iter=300, random_state=0).fit(X, y)
    net.masks_[0][7, :] = False
    selector = InputPruner(net, n_features_to_select=3, prefit=True).fit(X, y)
    assert_array_equal(selector.ranking_ == 1, selector.support_)
    assert selector.ranking_[7] == selector.ranking_.max() == 6
    assert sorted(selector.ranking_[~selector.support_]) == [2, 3, 4, 5, 6]


def test_a_gram_matrix_too_large_is_refused_before_any_work(monkeypatch):
    import scipy.sparse as sp

    from skprune._core import linalg

    monkeypatch.setattr(linalg, "MAX_GRAM_MB", 1)  # 1 MiB: 256 features are too many
    X = sp.random(50, 400, density=0.01, random_state=0, format="csr")
    y = np.arange(50) % 2
    net = PrunableMLPClassifier((2,), max_iter=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="X has 400 features: its Gram matrix"):
        InputPruner(net, prefit=True, retrain_iter=0).fit(X, y)
    with pytest.raises(ValueError, match="X has 400 features: its Gram matrix"):
        InputPruner(PrunableMLPClassifier((2,), max_iter=1), retrain_iter=0).fit(X, y)
    InputPruner(net, prefit=True, retrain_iter=0, criterion="magnitude").fit(X, y)  # needs none
