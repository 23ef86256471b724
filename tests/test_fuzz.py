"""Property-based tests: every mistake gets scikit-learn's answer.

The oracle is scikit-learn itself. Each generated input -- wrong in one of the
ways users get inputs wrong -- goes through a skprune estimator and through
its scikit-learn counterpart (``MLPClassifier``, ``MLPRegressor``, or
``GridSearchCV`` for ``PrunerCV``). Either both accept it, or both raise, with
the same exception type; nothing returns NaN silently, and a fitted
estimator whose call failed predicts exactly as before.
"""

import os
import warnings

import numpy as np
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import clone, is_classifier
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier, MLPRegressor

from skprune import MagnitudePruner, PrunableMLPClassifier, PrunableMLPRegressor
from skprune.model_selection import PrunerCV

from _estimators import PRUNERS

FAST = dict(hidden_layer_sizes=(5,), max_iter=5, random_state=0)


def estimators():
    """``{name: (skprune estimator, scikit-learn counterpart)}``; every pruner
    around a classifier and around a regressor."""
    net = PrunableMLPClassifier(**FAST)
    reg = PrunableMLPRegressor(**FAST)
    pairs = {
        "PrunableMLPClassifier": (net, MLPClassifier(**FAST)),
        "PrunableMLPRegressor": (reg, MLPRegressor(**FAST)),
        "PrunerCV": (PrunerCV(MagnitudePruner(net), sparsities=[0.5], cv=2),
                     GridSearchCV(MLPClassifier(**FAST), {"alpha": [1e-4]}, cv=2)),
    }
    for name, cls in PRUNERS.items():
        pairs[name] = (cls(net, retrain_iter=1), MLPClassifier(**FAST))
        pairs[f"{name}-regressor"] = (cls(reg), MLPRegressor(**FAST))
    return pairs


ESTIMATORS = estimators()
RNG = np.random.RandomState(0)
X_GOOD = RNG.normal(size=(30, 4))
Y_CLASS = np.tile([0, 1, 2], 10)
Y_REG = RNG.normal(size=30)


def good_y(estimator):
    return Y_CLASS if is_classifier(estimator) else Y_REG


# ----------------------------------------------------------------------------
# Generated mistakes
# ----------------------------------------------------------------------------
def _with_value(value):
    def make(rng):
        X = X_GOOD.copy()
        X[rng.randint(30), rng.randint(4)] = value
        return X
    return make


BAD_X = {
    "nan": _with_value(np.nan),
    "inf": _with_value(np.inf),
    "-inf": _with_value(-np.inf),
    "empty": lambda rng: np.empty((0, 4)),
    "no features": lambda rng: np.empty((30, 0)),
    "3-D": lambda rng: X_GOOD.reshape(30, 2, 2),
    "1-D": lambda rng: X_GOOD[:, 0],
    "ragged": lambda rng: [list(row[: 2 + i % 3]) for i, row in enumerate(X_GOOD)],
    "strings": lambda rng: X_GOOD.astype(str).astype(object).tolist(),
    "letters": lambda rng: np.full((30, 4), "a", dtype=object),
    "sparse nan": lambda rng: sp.csr_matrix(_with_value(np.nan)(rng)),
    "huge": lambda rng: X_GOOD * 1e30,
    "complex": lambda rng: X_GOOD + 1j,
}
VALID_ODD_X = {
    "constant feature": lambda rng: np.column_stack([X_GOOD[:, :3], np.ones(30)]),
    "duplicated feature": lambda rng: np.column_stack([X_GOOD[:, :3], X_GOOD[:, 0]]),
    "float32": lambda rng: X_GOOD.astype(np.float32),
    "integers": lambda rng: (X_GOOD * 10).astype(int),
    "sparse": lambda rng: sp.csr_matrix(np.where(np.abs(X_GOOD) > 1, X_GOOD, 0)),
}
BAD_Y = {
    "short": lambda y, rng: y[:-1],
    "long": lambda y, rng: np.r_[y, y[:1]],
    "2-D wrong": lambda y, rng: np.column_stack([y, y, y])[:, :, None],
    "nan": lambda y, rng: np.where(np.arange(30) == rng.randint(30), np.nan, y.astype(float)),
    "none": lambda y, rng: None,
}


def outcome(call):
    """``("ok", result)`` or ``("error", exception type)``."""
    with warnings.catch_warnings():
        for category in (ConvergenceWarning, DataConversionWarning, RuntimeWarning, UserWarning):
            warnings.simplefilter("ignore", category)
        try:
            return "ok", call()
        except Exception as exc:  # the type is what is compared
            return "error", type(exc)


def assert_same_answer(ours, theirs):
    if os.environ.get("SKPRUNE_FUZZ_LOG"):  # tally for reports: outcome per case
        with open(os.environ["SKPRUNE_FUZZ_LOG"], "a") as log:
            log.write(f"{ours[0]} {getattr(ours[1], '__name__', '')}\n")
    assert ours[0] == theirs[0], (ours, theirs)
    if ours[0] == "error":
        assert issubclass(ours[1], theirs[1]) or issubclass(theirs[1], ours[1]), (ours, theirs)


def assert_finite(estimator, X):
    if hasattr(estimator, "predict_proba"):
        assert np.isfinite(estimator.predict_proba(X)).all()
    else:
        assert np.isfinite(estimator.predict(X)).all()


SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(name=st.sampled_from(sorted(ESTIMATORS)), kind=st.sampled_from(sorted(BAD_X)),
       seed=st.integers(0, 2**16))
def test_fit_rejects_bad_X_like_scikit_learn(name, kind, seed):
    ours, theirs = (clone(e) for e in ESTIMATORS[name])
    X = BAD_X[kind](np.random.RandomState(seed))
    y = good_y(ours)
    if kind in ("empty", "3-D", "1-D", "ragged", "no features") and hasattr(X, "__len__"):
        y = y[: len(X)] if len(X) <= len(y) else y
    a, b = outcome(lambda: ours.fit(X, y)), outcome(lambda: theirs.fit(X, y))
    assert_same_answer(a, b)
    if a[0] == "ok":
        assert_finite(ours, X_GOOD * (1e30 if kind == "huge" else 1))


@SETTINGS
@given(name=st.sampled_from(sorted(ESTIMATORS)), kind=st.sampled_from(sorted(BAD_Y)),
       seed=st.integers(0, 2**16))
def test_fit_rejects_bad_y_like_scikit_learn(name, kind, seed):
    ours, theirs = (clone(e) for e in ESTIMATORS[name])
    if name == "PrunerCV" and kind == "none":
        # GridSearchCV(error_score="raise") fails on y=None with a TypeError from
        # its own indexing; PrunerCV answers as scikit-learn's estimators do.
        theirs = MLPClassifier(**FAST)
    y = BAD_Y[kind](good_y(ours), np.random.RandomState(seed))
    assert_same_answer(outcome(lambda: ours.fit(X_GOOD, y)), outcome(lambda: theirs.fit(X_GOOD, y)))


@SETTINGS
@given(name=st.sampled_from(sorted(ESTIMATORS)), kind=st.sampled_from(sorted(VALID_ODD_X)),
       seed=st.integers(0, 2**16))
def test_odd_but_valid_inputs_fit_and_stay_finite(name, kind, seed):
    ours, theirs = (clone(e) for e in ESTIMATORS[name])
    X = VALID_ODD_X[kind](np.random.RandomState(seed))
    y = good_y(ours)
    assert_same_answer(outcome(lambda: ours.fit(X, y)), outcome(lambda: theirs.fit(X, y)))
    assert_finite(ours, X)


FITTED = {name: clone(pair[0]).fit(X_GOOD, good_y(pair[0])) for name, pair in ESTIMATORS.items()}
REFERENCE = {name: clone(pair[1]).fit(X_GOOD, good_y(pair[1])) for name, pair in ESTIMATORS.items()}
METHODS = ("predict", "predict_proba", "score", "partial_fit")


@SETTINGS
@given(name=st.sampled_from(sorted(ESTIMATORS)), method=st.sampled_from(METHODS),
       kind=st.sampled_from(sorted(BAD_X) + ["too few features", "too many features", "one row"]),
       seed=st.integers(0, 2**16))
def test_fitted_estimators_reject_bad_input_and_stay_unchanged(name, method, kind, seed):
    ours, theirs = FITTED[name], REFERENCE[name]
    if not hasattr(ours, method) or not hasattr(theirs, method):
        # pruners and PrunerCV have no partial_fit; the networks match scikit-learn
        assert hasattr(ours, method) == hasattr(theirs, method) or "MLP" not in name
        return
    rng = np.random.RandomState(seed)
    if kind == "too few features":
        X = X_GOOD[:, :3]
    elif kind == "too many features":
        X = np.column_stack([X_GOOD, X_GOOD[:, 0]])
    elif kind == "one row":
        X = X_GOOD[:1]
    else:
        X = BAD_X[kind](rng)
    n = X.shape[0] if hasattr(X, "shape") and len(getattr(X, "shape", ())) > 0 else len(X)
    y = good_y(ours)[: max(n, 0)] if n <= 30 else good_y(ours)
    before = ours.predict(X_GOOD)

    def call(estimator):
        if method in ("score", "partial_fit"):
            return lambda: getattr(estimator, method)(X, y)
        return lambda: getattr(estimator, method)(X)

    a = outcome(call(ours))
    b = outcome(call(theirs))
    if method == "partial_fit" and a[0] == "ok":
        FITTED[name] = clone(ESTIMATORS[name][0]).fit(X_GOOD, good_y(ours))  # keep the fixture pristine
        return
    assert_same_answer(a, b)
    np.testing.assert_array_equal(ours.predict(X_GOOD), before)
    if a[0] == "ok" and method in ("predict_proba",):
        assert np.isfinite(a[1]).all()


@SETTINGS
@given(name=st.sampled_from(sorted(ESTIMATORS)), n_classes=st.sampled_from([1]),
       n_rows=st.integers(1, 3))
def test_one_class_and_few_rows(name, n_classes, n_rows):
    ours, theirs = (clone(e) for e in ESTIMATORS[name])
    X = X_GOOD[:n_rows]
    y = np.zeros(n_rows, dtype=int) if is_classifier(ours) else Y_REG[:n_rows]
    a, b = outcome(lambda: ours.fit(X, y)), outcome(lambda: theirs.fit(X, y))
    assert_same_answer(a, b)
    if a[0] == "ok":
        assert_finite(ours, X_GOOD)
