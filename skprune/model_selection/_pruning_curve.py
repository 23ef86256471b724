"""Scores along one pruning path per fold."""

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.pipeline import Pipeline
from sklearn.utils import _safe_indexing, indexable

from ..pruning import BasePruner


def check_sparsities(sparsities):
    """Sorted, distinct sparsity levels in [0, 1)."""
    levels = np.unique(np.asarray(sparsities, dtype=float).ravel())
    if levels.size == 0 or np.any(levels < 0) or np.any(levels >= 1) or not np.isfinite(levels).all():
        raise ValueError(
            f"sparsities must be a non-empty list of numbers in [0, 1), got {sparsities!r}."
        )
    return levels


def split_pipeline(estimator):
    """``(preprocessing or None, pruner)`` of a pruner or a pipeline ending in one."""
    if isinstance(estimator, Pipeline):
        preprocessing, pruner = estimator[:-1], estimator[-1]
    else:
        preprocessing, pruner = None, estimator
    if not isinstance(pruner, BasePruner):
        raise TypeError(
            "Expected a skprune pruner (MagnitudePruner, OBDPruner, OBSPruner, "
            "UnitRemovalPruner, ...) or a Pipeline ending in one; got "
            f"{type(pruner).__name__}."
        )
    return preprocessing, pruner


def fit_pruning_path(estimator, X, y, levels, callback=None, sample_weight=None):
    """Fit ``estimator`` (a pruner or a pipeline ending in one) along ``levels``.

    The dense network is trained once; round ``k`` prunes it to ``levels[k]``
    (with the pruner's retraining), so every level costs one round, not one
    fit. ``callback(step, model, transform)`` is called after each round with
    the pruned network and the fitted preprocessing (a function of X).

    Returns
    -------
    estimator : the fitted clone
    """
    estimator = clone(estimator)
    preprocessing, pruner = split_pipeline(estimator)
    if preprocessing is not None:
        X = preprocessing.fit_transform(X, y)
        transform = preprocessing.transform
    else:
        def transform(X):
            return X
    inner = None if callback is None else (lambda step, model: callback(step, model, transform))
    pruner.fit_path(X, y, levels, callback=inner, sample_weight=sample_weight)
    return estimator


def _path_scores(estimator, X, y, train, test, levels, scorer):
    X_train, y_train = _safe_indexing(X, train), _safe_indexing(y, train)
    X_test, y_test = _safe_indexing(X, test), _safe_indexing(y, test)
    train_scores, test_scores = [], []

    def score(step, model, transform):
        train_scores.append(scorer(model, transform(X_train), y_train))
        test_scores.append(scorer(model, transform(X_test), y_test))

    fit_pruning_path(estimator, X_train, y_train, levels, callback=score)
    return np.array(train_scores), np.array(test_scores)


def pruning_scores(estimator, X, y, levels, cv, scoring, n_jobs):
    """Train and test scores, shape (n_levels, n_folds), one path per fold."""
    _, pruner = split_pipeline(estimator)
    if y is None:
        raise ValueError(
            f"{type(pruner).__name__} requires y to be passed, but the target y is None."
        )
    X, y = indexable(X, y)
    cv = check_cv(cv, y, classifier=is_classifier(pruner))
    scorer = check_scoring(pruner, scoring=scoring)
    results = Parallel(n_jobs=n_jobs)(
        delayed(_path_scores)(estimator, X, y, train, test, levels, scorer)
        for train, test in cv.split(X, y)
    )
    train_scores = np.stack([r[0] for r in results], axis=1)
    test_scores = np.stack([r[1] for r in results], axis=1)
    return train_scores, test_scores


def pruning_curve(estimator, X, y, *, sparsities, cv=None, scoring=None, n_jobs=None):
    """Training and test scores of a pruner at several sparsity levels.

    Like :func:`sklearn.model_selection.validation_curve` over ``sparsity``,
    but each fold trains one dense network and prunes it along the increasing
    levels, scoring at each: round ``k`` prunes (and retrains, with the
    pruner's ``retrain_iter``) from level ``k - 1`` to level ``k``. The cost
    is that of one pruning path per fold instead of one fit per fold and
    level. The pruner's own ``n_steps`` and ``schedule`` are not used: the
    levels are the schedule.

    Parameters
    ----------
    estimator : pruner or Pipeline ending in a pruner
        E.g. ``OBSPruner(PrunableMLPClassifier(...), retrain_iter=10)``.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    sparsities : array-like of float in [0, 1)
        The levels (fraction of weights, or of units for
        ``UnitRemovalPruner``); sorted and made unique.
    cv : int, cross-validation generator or iterable, default=None
        As in scikit-learn (5-fold, stratified for classifiers).
    scoring : str or callable, default=None
        As in scikit-learn; None uses the estimator's ``score``.
    n_jobs : int, default=None
        Folds run in parallel with joblib.

    Returns
    -------
    sparsities : ndarray of shape (n_levels,)
    train_scores : ndarray of shape (n_levels, n_folds)
    test_scores : ndarray of shape (n_levels, n_folds)

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skprune import MagnitudePruner, PrunableMLPClassifier
    >>> from skprune.model_selection import pruning_curve
    >>> X, y = load_iris(return_X_y=True)
    >>> pruner = MagnitudePruner(PrunableMLPClassifier((8,), solver="lbfgs",
    ...                          max_iter=500, random_state=0), retrain_iter=20)
    >>> levels, train, test = pruning_curve(pruner, X, y, sparsities=[0.5, 0.8], cv=3)
    >>> levels, test.shape
    (array([0.5, 0.8]), (2, 3))
    """
    levels = check_sparsities(sparsities)
    train_scores, test_scores = pruning_scores(estimator, X, y, levels, cv, scoring, n_jobs)
    return levels, train_scores, test_scores
