"""PrunableMLPClassifier / PrunableMLPRegressor: behaviour, masks, integration."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_digits, load_iris, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, train_test_split
from threadpoolctl import threadpool_limits
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import PrunableMLPClassifier, PrunableMLPRegressor

SOLVERS = ["sgd", "adam", "lbfgs"]


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16.0, y


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y




def random_masks(est, density, seed=0):
    rng = np.random.RandomState(seed)
    return [rng.uniform(size=W.shape) < density for W in est.coefs_]


@pytest.mark.parametrize(
    "params",
    [
        dict(solver="adam"),
        dict(solver="sgd", momentum=0.9, nesterovs_momentum=True),
        dict(solver="sgd", momentum=0.5, nesterovs_momentum=False, learning_rate="invscaling"),
        dict(solver="lbfgs"),
        dict(solver="adam", early_stopping=True, batch_size=50),
        dict(solver="sgd", alpha=0.1, activation="tanh", shuffle=False),
    ],
)
def test_classifier_reproduces_sklearn_from_the_same_seed(digits, params):
    X, y = digits
    kwargs = dict(hidden_layer_sizes=(24, 12), random_state=0, max_iter=6, **params)
    ours = PrunableMLPClassifier(**kwargs).fit(X, y)
    ref = MLPClassifier(**kwargs).fit(X, y)
    for a, b in zip(ours.coefs_ + ours.intercepts_, ref.coefs_ + ref.intercepts_):
        assert_allclose(a, b, rtol=1e-9, atol=1e-11)
    assert ours.loss_ == pytest.approx(ref.loss_, rel=1e-9)
    assert ours.n_iter_ == ref.n_iter_
    assert_array_equal(ours.predict(X), ref.predict(X))


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_regressor_reproduces_sklearn_from_the_same_seed(solver, loss):
    X, y = make_regression(n_samples=120, n_features=6, random_state=0)
    y = (y - y.min()) / y.std() if loss == "poisson" else y / y.std()
    kwargs = dict(hidden_layer_sizes=(10,), random_state=1, max_iter=5, solver=solver)
    if "loss" not in MLPRegressor().get_params():  # scikit-learn < 1.7: squared error only
        if loss != "squared_error":
            pytest.skip("this scikit-learn has no Poisson MLPRegressor")
        ref = MLPRegressor(**kwargs).fit(X, y)
    else:
        ref = MLPRegressor(loss=loss, **kwargs).fit(X, y)
    ours = PrunableMLPRegressor(loss=loss, **kwargs).fit(X, y)
    assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("Estimator", [PrunableMLPClassifier, PrunableMLPRegressor])
def test_masked_weights_stay_exactly_zero(digits, solver, Estimator):
    X, y = digits
    est = Estimator(hidden_layer_sizes=(20,), solver=solver, random_state=0, max_iter=5,
                    alpha=0.01, momentum=0.9).fit(X, y)
    masks = random_masks(est, density=0.3)
    before = [W.copy() for W in est.coefs_]
    for layer_mask, mask in zip(est.masks_, masks):
        layer_mask[...] = mask  # edit in place, as a user would
    est.set_params(warm_start=True).fit(X, y)
    for W, W0, m in zip(est.coefs_, before, masks):
        assert np.all(W[~m] == 0.0)
        assert not np.allclose(W[m], W0[m])  # the rest kept training
    assert est.sparsity_ == pytest.approx(1 - sum(m.sum() for m in masks) / sum(m.size for m in masks))
    if solver != "lbfgs":
        for _ in range(3):
            est.partial_fit(X, y)
            for W, m in zip(est.coefs_, masks):
                assert np.all(W[~m] == 0.0)


def test_partial_fit_after_pruning_a_fitted_adam_state(digits):
    # Adam's moments of a weight pruned mid-training must not move it again.
    X, y = digits
    est = PrunableMLPClassifier(hidden_layer_sizes=(16,), random_state=0)
    for _ in range(3):
        est.partial_fit(X, y, classes=np.unique(y))
    est.masks_[0][:5] = False
    for _ in range(3):
        est.partial_fit(X, y)
    assert np.all(est.coefs_[0][:5] == 0.0)
    assert est.n_nonzero_params_ == est.n_params_ - 5 * 16


@pytest.mark.parametrize("solver", SOLVERS)
def test_float32_is_preserved(digits, solver):
    X, y = digits
    X32 = X.astype(np.float32)
    est = PrunableMLPClassifier(hidden_layer_sizes=(16,), solver=solver, max_iter=20,
                                random_state=0).fit(X32, y)
    assert all(W.dtype == np.float32 for W in est.coefs_ + est.intercepts_)
    assert est.predict_proba(X32).dtype == np.float32
    est64 = PrunableMLPClassifier(hidden_layer_sizes=(16,), solver=solver, max_iter=20,
                                  random_state=0).fit(X, y)
    assert abs(est.score(X, y) - est64.score(X, y)) < 0.05


@pytest.mark.parametrize("solver", SOLVERS)
def test_sparse_input_matches_dense(digits, solver):
    X, y = digits
    kwargs = dict(hidden_layer_sizes=(16,), solver=solver, max_iter=5, random_state=0)
    dense = PrunableMLPClassifier(**kwargs).fit(X, y)
    for container in (sp.csr_matrix, sp.csc_matrix):
        sparse = PrunableMLPClassifier(**kwargs).fit(container(X), y)
        assert_allclose(sparse.predict_proba(container(X)), dense.predict_proba(X),
                        rtol=1e-7, atol=1e-9)


def test_sample_weight_equals_repeated_rows(iris):
    X, y = iris
    rng = np.random.RandomState(0)
    sw = rng.randint(0, 3, size=len(y))
    kwargs = dict(hidden_layer_sizes=(5,), solver="lbfgs", random_state=0, max_iter=50)
    weighted = PrunableMLPClassifier(**kwargs).fit(X, y, sample_weight=sw)
    repeated = PrunableMLPClassifier(**kwargs).fit(np.repeat(X, sw, axis=0), np.repeat(y, sw))
    assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-5, atol=1e-7)


def test_digits_accuracy_close_to_sklearn(digits):
    X, y = digits
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
    kwargs = dict(hidden_layer_sizes=(64,), max_iter=60, random_state=0)
    ours = PrunableMLPClassifier(**kwargs).fit(X_train, y_train).score(X_test, y_test)
    ref = MLPClassifier(**kwargs).fit(X_train, y_train).score(X_test, y_test)
    assert ours > 0.9
    assert abs(ours - ref) <= 0.02


def test_classic_online_backprop_learns_iris(iris):
    X, y = iris
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.1, stratify=y, random_state=0
    )
    clf = PrunableMLPClassifier(
        hidden_layer_sizes=(5,), activation="logistic", loss="squared_error",
        solver="sgd", batch_size=1, learning_rate_init=0.1, momentum=0.0,
        max_iter=100, random_state=0,
    ).fit(X_train, y_train)
    assert clf.out_activation_ == "logistic"
    assert clf.score(X_test, y_test) >= 0.9
    proba = clf.predict_proba(X_test)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X_test))


@pytest.mark.parametrize("loss", ["log_loss", "squared_error"])
def test_sklearn_round_trip_gives_identical_predictions(digits, loss):
    X, y = digits
    ref = MLPClassifier(hidden_layer_sizes=(16,), max_iter=20, random_state=0).fit(X, y)
    ours = PrunableMLPClassifier.from_sklearn(ref)
    # small products run on one BLAS thread here (skprune._core.threads), and
    # the last bits of a product depend on how BLAS splits it between threads
    with threadpool_limits(1, user_api="blas"):
        assert_array_equal(ours.predict_proba(X), ref.predict_proba(X))
    assert ours.sparsity_ == 0.0

    pruned = PrunableMLPClassifier(hidden_layer_sizes=(16,), max_iter=20, loss=loss,
                                   random_state=0).fit(X, y)
    pruned.masks_[0][::2] = False
    pruned.set_params(warm_start=True, max_iter=5).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        exported = pruned.to_sklearn()
    assert type(exported) is MLPClassifier
    assert_array_equal(exported.predict(X), pruned.predict(X))
    if loss == "log_loss":
        with threadpool_limits(1, user_api="blas"):
            assert_array_equal(exported.predict_proba(X), pruned.predict_proba(X))
        back = PrunableMLPClassifier.from_sklearn(exported)
        assert_array_equal(back.predict_proba(X), pruned.predict_proba(X))


def test_regressor_round_trip():
    X, y = make_regression(n_samples=80, n_features=4, n_targets=2, random_state=0)
    ref = MLPRegressor(hidden_layer_sizes=(8,), solver="lbfgs", random_state=0).fit(X, y)
    ours = PrunableMLPRegressor.from_sklearn(ref)
    assert_array_equal(ours.predict(X), ref.predict(X))
    assert_array_equal(ours.to_sklearn().predict(X), ref.predict(X))


def test_from_sklearn_rejects_wrong_inputs(digits):
    with pytest.raises(TypeError, match="MLPClassifier"):
        PrunableMLPClassifier.from_sklearn(MLPRegressor())
    with pytest.raises(NotFittedError):
        PrunableMLPClassifier.from_sklearn(MLPClassifier())
    with pytest.raises(NotFittedError):
        PrunableMLPClassifier().to_sklearn()


def test_pipeline_grid_search_clone_and_pickle(iris):
    X, y = iris
    pipe = make_pipeline(StandardScaler(), PrunableMLPClassifier(solver="lbfgs", random_state=0))
    search = GridSearchCV(pipe, {"prunablemlpclassifier__hidden_layer_sizes": [(4,), (8,)]},
                          cv=3, n_jobs=2).fit(X, y)
    assert search.best_score_ > 0.9
    model = search.best_estimator_[-1]
    model.masks_[0][0] = False
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(restored.predict_proba(X), model.predict_proba(X))
    assert_array_equal(restored.masks_[0], model.masks_[0])
    assert not hasattr(clone(model), "coefs_")


def test_pruning_attributes(iris):
    X, y = iris
    clf = PrunableMLPClassifier(hidden_layer_sizes=(6,), solver="lbfgs", random_state=0).fit(X, y)
    assert clf.n_params_ == 4 * 6 + 6 + 6 * 3 + 3
    assert clf.n_nonzero_params_ == clf.n_params_
    clf.masks_[1][:] = False
    clf.set_params(warm_start=True).fit(X, y)
    assert clf.sparsity_ == pytest.approx(18 / 42)
    assert clf.n_nonzero_params_ == clf.n_params_ - 18
    for name in ("sparsity_", "n_params_", "n_nonzero_params_"):
        assert not hasattr(PrunableMLPClassifier(), name)


# ----------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------
def fitted_classifier(X, y):
    return PrunableMLPClassifier(hidden_layer_sizes=(5,), solver="sgd", max_iter=5,
                                 random_state=0).fit(X, y)


def assert_unchanged(est, X, expected_proba, expected_coefs):
    assert_array_equal(est.predict_proba(X), expected_proba)
    for W, W0 in zip(est.coefs_, expected_coefs):
        assert_array_equal(W, W0)


@pytest.mark.parametrize(
    "method, make_args, error",
    [
        ("fit", lambda X, y: (np.where(X == X.max(), np.nan, X), y), ValueError),
        ("fit", lambda X, y: (np.where(X == X.max(), np.inf, X), y), ValueError),
        ("fit", lambda X, y: (X[:, :2], y), None),  # a new fit may change features
        ("partial_fit", lambda X, y: (X, np.where(y == 0, 7, y)), ValueError),
        ("partial_fit", lambda X, y: (X[:, :2], y), ValueError),
        ("partial_fit", lambda X, y: (X, y[:-1]), ValueError),
        ("predict", lambda X, y: (X[:, :2],), ValueError),
        ("predict_proba", lambda X, y: (np.full_like(X, np.nan),), ValueError),
    ],
)
def test_bad_input_raises_and_leaves_the_model_unchanged(iris, method, make_args, error):
    X, y = iris
    est = fitted_classifier(X, y)
    proba, coefs = est.predict_proba(X), [W.copy() for W in est.coefs_]
    args = make_args(X, y)
    if error is None:
        getattr(est, method)(*args)
        return
    with pytest.raises(error):
        getattr(est, method)(*args)
    assert_unchanged(est, X, proba, coefs)


def test_warm_start_errors_leave_the_model_unchanged(iris):
    X, y = iris
    est = fitted_classifier(X, y)
    proba, coefs = est.predict_proba(X), [W.copy() for W in est.coefs_]
    est.set_params(warm_start=True)
    with pytest.raises(ValueError, match="same classes"):
        est.fit(X[y < 2], y[y < 2])
    est.set_params(hidden_layer_sizes=(7,))
    with pytest.raises(ValueError, match="layer sizes"):
        est.fit(X, y)
    est.set_params(hidden_layer_sizes=(5,))
    est.masks_[0] = np.ones((3, 3), dtype=bool)
    with pytest.raises(ValueError, match="masks_"):
        est.fit(X, y)
    assert_unchanged(est, X, proba, coefs)


@pytest.mark.parametrize(
    "params",
    [
        dict(hidden_layer_sizes=(0,)),
        dict(alpha=-1.0),
        dict(activation="softplus"),
        dict(solver="newton"),
        dict(loss="hinge"),
        dict(learning_rate_init=0.0),
        dict(batch_size=0),
        dict(momentum=1.5),
    ],
)
def test_bad_parameters_raise_value_error_at_fit(iris, params):
    X, y = iris
    est = PrunableMLPClassifier(**params)  # constructing never validates
    with pytest.raises(ValueError):
        est.fit(X, y)


def test_poisson_rejects_negative_targets():
    X = np.random.RandomState(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match="negative"):
        PrunableMLPRegressor(loss="poisson").fit(X, X[:, 0])


def test_partial_fit_contract(iris):
    X, y = iris
    with pytest.raises(ValueError, match="classes must be passed"):
        PrunableMLPClassifier().partial_fit(X, y)
    assert not hasattr(PrunableMLPClassifier(solver="lbfgs"), "partial_fit")
    est = PrunableMLPClassifier(random_state=0).partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="classes="):
        est.partial_fit(X, y, classes=[0, 1, 2, 3])
    with pytest.raises(ValueError, match="early_stopping"):
        PrunableMLPClassifier(early_stopping=True).partial_fit(X, y, classes=[0, 1, 2])


@pytest.mark.parametrize("early_stopping", [False, True])
def test_each_warm_start_fit_runs_its_own_stopping_rule(digits, early_stopping):
    X, y = digits
    est = PrunableMLPClassifier(hidden_layer_sizes=(16,), max_iter=300, tol=1e-2,
                                early_stopping=early_stopping, random_state=0).fit(X, y)
    assert est.n_iter_ < 300  # converged
    est.set_params(warm_start=True, max_iter=8, n_iter_no_change=20).fit(X, y)
    assert est.n_iter_ == 8


def test_warm_start_may_switch_solver(iris):
    X, y = iris
    est = PrunableMLPClassifier(hidden_layer_sizes=(6,), solver="lbfgs", random_state=0).fit(X, y)
    est.set_params(warm_start=True, solver="adam", max_iter=3).fit(X, y)
    assert len(est.loss_curve_) == 3


def test_fast_predict_validation_agrees_with_validate_data():
    """Plain float arrays skip ``validate_data``; every other input still gets
    its conversion or its error."""
    from sklearn.utils.validation import validate_data

    from skprune.neural_network._validation import validate_predict_inputs

    X, y = load_iris(return_X_y=True)
    net = PrunableMLPClassifier((5,), max_iter=5, random_state=0).fit(X, y)
    for rows in (X[:1], X.astype(np.float32), np.asfortranarray(X), X[:, ::1].tolist(), X.astype(int)):
        expected = validate_data(net, rows, accept_sparse=["csr", "csc"], reset=False)
        assert_array_equal(validate_predict_inputs(net, rows), expected)
        assert_array_equal(net.predict(rows), net.predict(np.asarray(expected, dtype=float)))
    bad = X[:3].copy()
    bad[1, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        net.predict(bad)
    bad[1, 2] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        net.predict(bad)
    with pytest.raises(ValueError, match="features"):
        net.predict(X[:, :3])
    with pytest.raises(ValueError, match="0 sample"):
        net.predict(X[:0])


def test_one_row_predict_of_large_finite_float32_values_as_scikit_learn():
    # the fast path's finiteness check must not overflow on finite values
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    clf = PrunableMLPClassifier((8,), solver="lbfgs", max_iter=300, random_state=0).fit(X, y)
    row = np.array([[3e38, 3e38, 1.0, 1.0]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise"):
            assert_array_equal(clf.predict(row), clf.to_sklearn().predict(row))
    with pytest.raises(ValueError, match="infinity"):
        clf.predict(np.array([[np.inf, 1.0, 1.0, 1.0]]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sum_finiteness_check_never_misses_a_non_finite_entry(dtype):
    """The fast path's one sum: finite data passes, any NaN or infinity fails,
    and finite data whose sum overflows fails too (a false alarm that only
    sends ``X`` to the element-wise check, where it is accepted)."""
    from skprune.neural_network._validation import _sum_is_finite

    X = np.random.RandomState(0).uniform(-1, 1, size=(50, 4)).astype(dtype)
    assert _sum_is_finite(X)
    for bad in (np.nan, np.inf, -np.inf):
        Y = X.copy()
        Y[17, 2] = bad
        assert not _sum_is_finite(Y)
    Y = X.copy()
    Y[3, 0], Y[40, 1] = np.inf, -np.inf  # the sum is NaN, not a cancelled zero
    assert not _sum_is_finite(Y)
    huge = np.full((50, 4), np.finfo(dtype).max / 100, dtype=dtype)  # 200 of them overflow
    assert not _sum_is_finite(huge)
    iris_X, iris_y = load_iris(return_X_y=True)
    clf = PrunableMLPClassifier((5,), solver="lbfgs", max_iter=50, random_state=0).fit(iris_X, iris_y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert_array_equal(clf.predict(huge), clf.to_sklearn().predict(huge))


def hand_built(cls):
    """Fitted state set by hand, exactly as scikit-learn's test_mlp.py::test_fit builds it."""
    mlp = cls(solver="sgd", learning_rate_init=0.1, alpha=0.1, activation="logistic",
              random_state=1, max_iter=1, hidden_layer_sizes=2, momentum=0)
    mlp.coefs_ = [np.array([[0.1, 0.2], [0.3, 0.1], [0.5, 0]]), np.array([[0.1], [0.2]])]
    mlp.intercepts_ = [np.array([0.1, 0.1]), np.array([1.0])]
    mlp.n_outputs_, mlp.n_features_in_, mlp.n_iter_, mlp.learning_rate_ = 1, 3, 0, 0.1
    mlp.n_layers_, mlp._coef_grads, mlp._intercept_grads = 3, [0] * 2, [0] * 2
    mlp.out_activation_, mlp.t_, mlp.best_loss_ = "logistic", 0, np.inf
    mlp.loss_curve_, mlp._no_improvement_count = [], 0
    mlp._intercept_velocity = [np.zeros_like(b) for b in mlp.intercepts_]
    mlp._coef_velocity = [np.zeros_like(W) for W in mlp.coefs_]
    return mlp


def test_a_network_whose_fitted_state_is_set_by_hand_trains_as_scikit_learns():
    X, y = np.array([[0.6, 0.8, 0.7]]), np.array([0])
    ours = hand_built(PrunableMLPClassifier)
    assert ours.sparsity_ == 0.0 and ours.n_nonzero_params_ == 10
    assert "3 x 2" in str(ours.layer_summary())
    ours.masks_[1][0, 0] = False  # the masks it was given stick
    assert ours.sparsity_ == 1 / 8
    ours.masks_[1][0, 0] = True
    expected = hand_built(MLPClassifier).partial_fit(X, y, classes=[0, 1])
    ours.partial_fit(X, y, classes=[0, 1])
    for W_ours, W_sklearn in zip(ours.coefs_, expected.coefs_):
        assert_allclose(W_ours, W_sklearn, rtol=1e-10)
    assert not hasattr(PrunableMLPClassifier(), "masks_")
