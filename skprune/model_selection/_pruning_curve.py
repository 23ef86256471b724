"""Scores along one pruning path per fold."""

import time
import warnings
from inspect import signature
from numbers import Real

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone, is_classifier
from sklearn.exceptions import FitFailedWarning
from sklearn.metrics import check_scoring
from sklearn.metrics._scorer import _check_multimetric_scoring
from sklearn.model_selection import check_cv
from sklearn.model_selection._search import BaseSearchCV
from sklearn.pipeline import Pipeline
from sklearn.utils import _safe_indexing, indexable
from sklearn.utils.validation import _check_method_params

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
            "UnitRemovalPruner, ScorePruner, ...) or a Pipeline ending in one; got "
            f"{type(pruner).__name__}."
        )
    return preprocessing, pruner


def sparsity_parameter(estimator):
    """The name of the swept parameter, as ``GridSearchCV`` would spell it."""
    if isinstance(estimator, Pipeline):
        return f"{estimator.steps[-1][0]}__sparsity"
    return "sparsity"


def clone_for_path(estimator):
    """A clone that keeps a ``prefit=True`` pruner's fitted network.

    ``clone`` would replace the network by an unfitted copy; the pruner copies
    the network it is given before pruning it, so sharing it is safe.
    """
    cloned = clone(estimator)
    pruner, original = split_pipeline(cloned)[1], split_pipeline(estimator)[1]
    if pruner.prefit:
        pruner.set_params(estimator=original.estimator)
    return cloned


def is_multimetric(scoring):
    """Whether ``scoring`` names several metrics (a list, tuple or dict)."""
    return not (scoring is None or isinstance(scoring, str) or callable(scoring))


def check_scorers(estimator, scoring):
    """``(scorers, multimetric)``: one scorer, or a dict of them for list/dict scoring."""
    if not is_multimetric(scoring):
        return check_scoring(estimator, scoring=scoring), False
    return _check_multimetric_scoring(estimator, scoring), True


def fit_pruning_path(estimator, X, y, levels, callback=None, **fit_params):
    """Fit ``estimator`` (a pruner or a pipeline ending in one) along ``levels``.

    The dense network is trained once; round ``k`` prunes it to ``levels[k]``
    (with the pruner's retraining), so every level costs one round, not one
    fit. ``callback(step, model, transform)`` is called after each round with
    the pruned network and the fitted preprocessing (a function of X).
    ``fit_params`` are routed as ``Pipeline.fit`` routes them: ``step__name``
    to a step, a plain name (``sample_weight``) to a lone pruner.

    Returns
    -------
    estimator : the fitted clone
    """
    estimator = clone_for_path(estimator)
    preprocessing, pruner = split_pipeline(estimator)
    if preprocessing is not None:
        last = estimator.steps[-1][0]
        pruner_params = {k.split("__", 1)[1]: v for k, v in fit_params.items()
                         if k.startswith(f"{last}__")}
        other = {k: v for k, v in fit_params.items() if not k.startswith(f"{last}__")}
        X = preprocessing.fit_transform(X, y, **other)
        transform = preprocessing.transform
    else:
        pruner_params = fit_params

        def transform(X):
            return X

    inner = None if callback is None else (lambda step, model: callback(step, model, transform))
    pruner.fit_path(X, y, levels, callback=inner, **pruner_params)
    return estimator


# Whether the installed GridSearchCV passes ``sample_weight`` to the scorers
# that accept it (scikit-learn >= 1.9): PrunerCV weighs its test scores the same.
SCORES_WEIGHTED = hasattr(BaseSearchCV, "_check_scorers_accept_sample_weight")


def _accepts_sample_weight(scorer):
    """Whether ``scorer`` takes ``sample_weight``, as GridSearchCV decides it."""
    if hasattr(scorer, "_accept_sample_weight"):
        return scorer._accept_sample_weight()
    try:
        return "sample_weight" in signature(scorer).parameters
    except (TypeError, ValueError):
        return False


def _score(name, scorer, model, X, y, weights, error_score):
    """``{metric: score}`` of ``scorer`` on ``model``; a callable returning a
    dict gives several metrics. ``error_score`` (with a warning) if it raises."""
    try:
        if weights is not None and _accepts_sample_weight(scorer):
            value = scorer(model, X, y, sample_weight=weights)
        else:
            value = scorer(model, X, y)
    except Exception:
        if error_score == "raise":
            raise
        warnings.warn(
            f"Scoring failed. The score on this train-test partition for this sparsity "
            f"is set to {error_score}.", UserWarning, stacklevel=2,
        )
        return {name: error_score}
    if isinstance(value, dict):
        return dict(value)
    return {name: value}


def _path_scores(estimator, X, y, train, test, levels, scorers, fold, fit_params,
                 error_score, return_train_score, verbose):
    """One fold: the scores and times of every level its path reached.

    Returns ``{"test": [{metric: score} per level], "train": ..., "fit_time",
    "score_time", "failed"}``; a path that failed or stopped early (a
    ``tol`` of unit removal) has fewer levels than ``levels``.
    """
    X_train, y_train = _safe_indexing(X, train), _safe_indexing(y, train)
    X_test, y_test = _safe_indexing(X, test), _safe_indexing(y, test)
    weights = fit_params.get("sample_weight") if SCORES_WEIGHTED else None
    weights = {"test": None if weights is None else _safe_indexing(weights, test),
               "train": None if weights is None else _safe_indexing(weights, train)}
    fit_params = _check_method_params(X, params=fit_params, indices=train)
    named = scorers if isinstance(scorers, dict) else {"score": scorers}
    result = {"test": [], "train": [], "fit_time": [], "score_time": [], "failed": None}
    clock = [time.perf_counter()]

    def evaluate(model, X, y, kind):
        scores = {}
        for name, scorer in named.items():
            scores.update(_score(name, scorer, model, X, y, weights[kind], error_score))
        result[kind].append(scores)

    def score(step, model, transform):
        # the fit time of a level is that of its round (the dense fit counts
        # towards the first level); scoring is timed apart
        start = time.perf_counter()
        result["fit_time"].append(start - clock[0])
        evaluate(model, transform(X_test), y_test, "test")
        if return_train_score:
            evaluate(model, transform(X_train), y_train, "train")
        clock[0] = time.perf_counter()
        result["score_time"].append(clock[0] - start)
        if verbose > 1:
            scores = ", ".join(f"{n}={v:.3f}" for n, v in result["test"][-1].items())
            print(f"[CV {fold[0] + 1}/{fold[1]}] END sparsity={levels[step - 1]:g}; "
                  f"test {scores}; fit {result['fit_time'][-1]:.2f} s, "
                  f"score {result['score_time'][-1]:.2f} s")

    try:
        fit_pruning_path(estimator, X_train, y_train, levels, callback=score, **fit_params)
    except Exception as exc:
        if error_score == "raise":
            raise
        warnings.warn(
            f"Fitting the pruning path of fold {fold[0]} failed after "
            f"{len(result['test'])} of {len(levels)} sparsities; the scores of the "
            f"others are set to {error_score}: {type(exc).__name__}: {exc}",
            FitFailedWarning, stacklevel=2,
        )
        # as GridSearchCV: the failed fit's elapsed time, no score time
        result["fit_time"].append(time.perf_counter() - clock[0])
        result["score_time"].append(0.0)
        result["failed"] = f"{type(exc).__name__}: {exc}"
    else:
        if len(result["test"]) < len(levels):
            warnings.warn(
                f"The pruning path of fold {fold[0]} stopped before sparsity "
                f"{levels[len(result['test'])]:g} (the pruner's stopping rule); the "
                "sparsities it did not reach are scored NaN and never chosen.",
                UserWarning, stacklevel=2,
            )
    return result


def _stack(folds, kind, names, n_levels, error_score):
    """``{metric: ndarray (n_levels, n_folds)}``: a failed fold's missing levels
    get ``error_score``, an early-stopped fold's NaN."""
    out = {name: np.full((n_levels, len(folds)), np.nan) for name in names}
    for k, fold in enumerate(folds):
        reached = fold[kind]
        for level in range(n_levels):
            if level < len(reached):
                row = reached[level]
                for name in names:  # a scorer that failed gave one error_score
                    out[name][level, k] = row.get(name, next(iter(row.values())))
            elif fold["failed"]:
                for name in names:
                    out[name][level, k] = error_score
    return out


def _times(folds, key, n_levels):
    """ndarray (n_levels, n_folds) of times; levels a path never ran took 0 s."""
    out = np.zeros((n_levels, len(folds)))
    for k, fold in enumerate(folds):
        times = fold[key][:n_levels]
        out[: len(times), k] = times
    return out


def pruning_scores(estimator, X, y, levels, *, cv, scoring, n_jobs=None, groups=None,
                   fit_params=None, error_score=np.nan, return_train_score=True,
                   verbose=0, pre_dispatch="2*n_jobs"):
    """Scores and times along one pruning path per fold.

    Returns
    -------
    results : dict
        ``test`` and ``train``: ``{metric: ndarray (n_levels, n_folds)}``;
        ``fit_time`` and ``score_time``: ndarrays (n_levels, n_folds);
        ``scorers``, ``multimetric`` (several metrics, from a list or dict
        or a callable returning a dict), ``n_splits``.
    """
    _, pruner = split_pipeline(estimator)
    if y is None:
        raise ValueError(
            f"{type(pruner).__name__} requires y to be passed, but the target y is None."
        )
    if not (error_score == "raise" or isinstance(error_score, Real)):
        raise ValueError(f"error_score must be 'raise' or a number, got {error_score!r}.")
    pruner._check_path(levels)  # an impossible level fails before any work
    if pruner.prefit:
        warnings.warn(
            f"{type(pruner).__name__}(prefit=True) prunes the same trained network in "
            "every fold: if it was trained on these data, each test fold was part of its "
            "training set and the scores are optimistic (the sparsest level within a "
            "tolerance of the best is then too sparse). Cross-validate with prefit=False, "
            "or score on data the network never saw.", UserWarning, stacklevel=3,
        )
    X, y, groups = indexable(X, y, groups)
    cv = check_cv(cv, y, classifier=is_classifier(pruner))
    scorers, multimetric = check_scorers(estimator, scoring)
    splits = list(cv.split(X, y, groups))
    if verbose > 0:
        print(f"Fitting {len(splits)} folds, one pruning path of {len(levels)} "
              f"sparsities each, totalling {len(splits) * len(levels)} scored levels")
    folds = Parallel(n_jobs=n_jobs, pre_dispatch=pre_dispatch)(
        delayed(_path_scores)(estimator, X, y, train, test, levels, scorers, (k, len(splits)),
                              fit_params or {}, error_score, return_train_score, verbose)
        for k, (train, test) in enumerate(splits)
    )
    if all(fold["failed"] for fold in folds):
        details = "\n".join(sorted({fold["failed"] for fold in folds}))
        raise ValueError(
            f"All the {len(folds)} pruning paths failed. Set error_score='raise' to see "
            f"the tracebacks. The failures:\n{details}"
        )
    # the metrics' names, from a level that was scored without error
    names = next((list(row) for fold in folds for row in fold["test"]
                  if not all(np.isnan(v) for v in row.values())), None)
    names = names or (list(scorers) if isinstance(scorers, dict) else ["score"])
    n = len(levels)
    return {
        "test": _stack(folds, "test", names, n, error_score),
        "train": _stack(folds, "train", names, n, error_score),
        "fit_time": _times(folds, "fit_time", n),
        "score_time": _times(folds, "score_time", n),
        "scorers": scorers, "multimetric": multimetric or names != ["score"],
        "n_splits": len(splits),
    }


def pruning_curve(estimator, X, y, *, sparsities, groups=None, cv=None, scoring=None,
                  n_jobs=None, pre_dispatch="all", verbose=0, error_score=np.nan,
                  fit_params=None, return_times=False):
    """Training and test scores of a pruner at several sparsity levels.

    Like :func:`sklearn.model_selection.validation_curve` over ``sparsity``,
    but each fold trains one dense network and prunes it along the increasing
    levels, scoring at each: round ``k`` prunes (and retrains, with the
    pruner's ``retrain_iter``) from level ``k - 1`` to level ``k``. The cost
    is that of one pruning path per fold instead of one fit per fold and
    level. The pruner's own ``n_steps`` and ``schedule`` are not used: the
    levels are the schedule. Every level is checked before any work (a unit
    removal that would empty a layer is refused).

    A pruner with ``prefit=True`` prunes its already trained network in every
    fold (the network is shared, not cloned): the curve of a given model, for
    the cost of pruning alone -- optimistic where that network was trained on
    the test folds too (a warning says so).

    Parameters
    ----------
    estimator : pruner or Pipeline ending in a pruner
        E.g. ``OBSPruner(PrunableMLPClassifier(...), retrain_iter=10)``.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    sparsities : array-like of float in [0, 1)
        The levels (fraction of weights, or of units for
        ``UnitRemovalPruner``); sorted and made unique.
    groups : array-like of shape (n_samples,), default=None
        Group labels for a group-aware ``cv`` (``GroupKFold``, ...).
    cv : int, cross-validation generator or iterable, default=None
        As in scikit-learn (5-fold, stratified for classifiers).
    scoring : str or callable, default=None
        As in scikit-learn; None uses the estimator's ``score``.
    n_jobs : int, default=None
        Folds run in parallel with joblib.
    pre_dispatch : int or str, default="all"
        Number of folds dispatched at once (joblib's ``pre_dispatch``).
    verbose : int, default=0
        1 prints a summary, 2 one line per fold and level with its times.
    error_score : "raise" or float, default=np.nan
        Score given where a fold's path or a scorer fails (with a warning);
        "raise" raises. All folds failing raises.
    fit_params : dict, default=None
        Passed to the path's fit (``sample_weight``, or ``step__sample_weight``
        in a ``Pipeline``), indexed per fold.
    return_times : bool, default=False
        Also return the fit and score times of every level and fold.

    Returns
    -------
    sparsities : ndarray of shape (n_levels,)
    train_scores : ndarray of shape (n_levels, n_folds)
    test_scores : ndarray of shape (n_levels, n_folds)
    fit_times : ndarray of shape (n_levels, n_folds)
        Only with ``return_times``: the time of each level's round (the dense
        fit counted in the first level).
    score_times : ndarray of shape (n_levels, n_folds)
        Only with ``return_times``.

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
    if is_multimetric(scoring):
        raise ValueError(
            f"pruning_curve takes one metric (a string or a callable), got {scoring!r}; "
            "PrunerCV takes several."
        )
    results = pruning_scores(
        estimator, X, y, levels, cv=cv, scoring=scoring, n_jobs=n_jobs, groups=groups,
        fit_params=fit_params, error_score=error_score, return_train_score=True,
        verbose=verbose, pre_dispatch=pre_dispatch,
    )
    if results["multimetric"]:
        raise ValueError("pruning_curve takes one metric; use PrunerCV for several.")
    train, test = results["train"]["score"], results["test"]["score"]
    if return_times:
        return levels, train, test, results["fit_time"], results["score_time"]
    return levels, train, test
