"""Numerical robustness and determinism of every pruner."""

import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from skprune import (
    MagnitudePruner,
    PrunableMLPClassifier,
    PrunableMLPRegressor,
    UnitRemovalPruner,
)
from skprune.model_selection import PrunerCV

from _estimators import level_params, pruner_variants

VARIANTS = pruner_variants()


def make(name, net, **params):
    cls, options = VARIANTS[name]
    if "sparsity" in params:
        params.update(level_params(cls, params.pop("sparsity")))
    return cls(net, **{**options, **params})


def removes_units(name):
    return issubclass(VARIANTS[name][0], UnitRemovalPruner)




def degenerate_data(dtype):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 4))
    # a constant, a duplicated and an all-zero feature
    X = np.column_stack([X, np.ones(80), X[:, 0], np.zeros(80)]).astype(dtype)
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
    return X, y


def dead_relu_network(X, y):
    net = PrunableMLPClassifier((8, 6), solver="lbfgs", max_iter=200, random_state=0).fit(X, y)
    net.coefs_[0][:, :3] = -5.0  # three first-layer units never fire
    net.intercepts_[0][:3] = -5.0
    return net


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_degenerate_networks_give_finite_weights(name, dtype):
    X, y = degenerate_data(dtype)
    net = dead_relu_network(X, y)
    sparsity = 0.5 if removes_units(name) else 0.95
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pruner = make(name, net, sparsity=sparsity, prefit=True, retrain_iter=2).fit(X, y)
    model = pruner.estimator_
    for W in model.coefs_ + model.intercepts_:
        assert np.isfinite(W).all()
        assert W.dtype == dtype
    proba = pruner.predict_proba(X)
    assert np.isfinite(proba).all() and np.allclose(proba.sum(axis=1), 1, atol=1e-5)
    for warning in caught:  # only scikit-learn style, named warnings
        assert issubclass(warning.category, (UserWarning, ConvergenceWarning, RuntimeWarning))


@pytest.mark.parametrize(
    "name", sorted(n for n in VARIANTS if "scope" in VARIANTS[n][0]._parameter_constraints)
)
def test_a_layer_pruned_to_nothing_stays_finite(name):
    X, y = degenerate_data(np.float64)
    net = PrunableMLPClassifier((6,), solver="lbfgs", max_iter=200, random_state=0).fit(X, y)
    pruner = make(name, net, sparsity=0.99, scope="layer", prefit=True, retrain_iter=3).fit(X, y)
    assert not pruner.estimator_.masks_[1].any() or pruner.estimator_.masks_[1].sum() <= 1
    assert np.isfinite(pruner.predict_proba(X)).all()


def fit_all(seed):
    """Fitted weights and predictions of every estimator, from one seed."""
    X, y = load_digits(return_X_y=True)
    X, y = X[:300] / 16, y[:300]
    net = PrunableMLPClassifier((12,), max_iter=20, random_state=seed)
    estimators = [
        net,
        PrunableMLPRegressor(hidden_layer_sizes=(12,), max_iter=20, random_state=seed),
        *[make(name, PrunableMLPClassifier((12,), max_iter=20), sparsity=0.6, n_steps=2,
               retrain_iter=2, random_state=seed) for name in sorted(VARIANTS)],
        PrunerCV(MagnitudePruner(PrunableMLPClassifier((12,), max_iter=20), retrain_iter=2),
                 sparsities=[0.5, 0.8], cv=2, random_state=seed),
    ]
    results = []
    for estimator in estimators:
        target = y if not isinstance(estimator, PrunableMLPRegressor) else y.astype(float)
        estimator.fit(X, target)
        model = getattr(estimator, "best_estimator_", estimator)
        model = getattr(model, "estimator_", model)
        results.append(([W.copy() for W in model.coefs_], estimator.predict(X)))
    return results


def assert_identical(a, b):
    for (coefs_a, pred_a), (coefs_b, pred_b) in zip(a, b):
        for x, y in zip(coefs_a, coefs_b):
            np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(pred_a, pred_b)


def test_same_seed_bit_identical_in_one_process():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_identical(fit_all(3), fit_all(3))


def test_same_seed_bit_identical_across_processes():
    code = (
        "import pickle, sys, warnings; warnings.simplefilter('ignore');"
        "sys.path.insert(0, %r); import test_robustness as t;"
        "sys.stdout.buffer.write(pickle.dumps(t.fit_all(3)))"
    ) % str(__import__("pathlib").Path(__file__).parent)
    other = pickle.loads(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                        check=True).stdout)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_identical(fit_all(3), other)
