"""PrunerCV: choose the sparsity by cross-validated pruning paths."""

import time
from numbers import Integral, Real

import numpy as np
from scipy.stats import rankdata
from sklearn.base import BaseEstimator, MetaEstimatorMixin, _fit_context
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import available_if

from .._meta import DelegatingMixin, _delegate_has, seed_unseeded
from ..neural_network import PrunableMLPClassifier
from ..pruning import MagnitudePruner
from ._pruning_curve import (
    check_sparsities,
    clone_for_path,
    fit_pruning_path,
    is_multimetric,
    pruning_scores,
    sparsity_parameter,
    split_pipeline,
)

DEFAULT_SPARSITIES = (0.5, 0.7, 0.8, 0.9, 0.95)


def rank_scores(means):
    """Ranks of mean scores as ``GridSearchCV`` gives them: 1 is best, NaN last."""
    means = np.asarray(means, dtype=float)
    if np.isnan(means).all():
        return np.ones_like(means, dtype=np.int32)
    filled = np.where(np.isnan(means), np.nanmin(means) - 1, means)
    return rankdata(-filled, method="min").astype(np.int32)


class PrunerCV(DelegatingMixin, MetaEstimatorMixin, BaseEstimator):
    """Choose a pruner's sparsity by cross-validation, then refit.

    Each fold trains one dense network and prunes it along the increasing
    ``sparsities`` (see :func:`~skprune.model_selection.pruning_curve`), so
    evaluating every level costs one pruning path per fold. The level is
    chosen from the mean test scores, and the same path is then run on all
    the data up to that level. The interface is that of
    :class:`~sklearn.model_selection.GridSearchCV` over the one parameter
    ``sparsity``: the same ``cv_results_`` keys (``param_sparsity``, or
    ``param_<step>__sparsity`` for a pipeline), multi-metric scoring,
    ``error_score``, ``groups`` and fit parameters. A level's fit time is the
    time of its round; the dense fit is counted in the first level.

    Parameters
    ----------
    pruner : pruner or Pipeline ending in a pruner, default=None
        None means ``MagnitudePruner(PrunableMLPClassifier())``. A pruner with
        ``prefit=True`` prunes its already trained network in every fold and
        in the refit (the network is shared, not cloned).
    sparsities : array-like of float in [0, 1), default=None
        The levels to evaluate; None means (0.5, 0.7, 0.8, 0.9, 0.95).
    cv : int, cross-validation generator or iterable, default=None
        As in scikit-learn (5-fold, stratified for classifiers).
    scoring : str, callable, list, tuple or dict, default=None
        As in :class:`~sklearn.model_selection.GridSearchCV`; None uses the
        estimator's ``score``. Several metrics need ``refit`` to name one.
    selection : {"best", "sparsest"}, default="best"
        "best": the level of highest mean test score. "sparsest": the highest
        level whose mean test score is within ``tol`` of the best.
    tol : float, default=0.01
        Tolerance of ``selection="sparsest"``, in score units.
    refit : bool or str, default=True
        Refit on all the data at the chosen level; with several metrics, the
        name of the metric that chooses it.
    n_jobs : int, default=None
        Folds run in parallel with joblib.
    pre_dispatch : int or str, default="2*n_jobs"
        Number of folds dispatched at once.
    error_score : "raise" or float, default=np.nan
        Score given where a fold's path or a scorer fails (with a warning).
    return_train_score : bool, default=False
        Also score the training folds (``split{k}_train_<metric>``).
    verbose : int, default=0
        1 prints a summary, 2 one line per fold and level with its times.
    random_state : int, RandomState instance or None, default=None
        Seeds the pruner when it has no ``random_state`` of its own (the
        pruner in turn seeds its network), so that every fold and the refit
        start from the same initial weights.

    Attributes
    ----------
    cv_results_ : dict of ndarrays
        As :class:`~sklearn.model_selection.GridSearchCV`'s, one entry per level.
    best_index_ : int
        Index of the chosen level in ``cv_results_``.
    best_score_ : float
        Its mean test score (of the ``refit`` metric).
    best_params_ : dict
        ``{"sparsity": best_sparsity_}`` (``"<step>__sparsity"`` in a pipeline).
    best_sparsity_ : float
        The chosen level.
    best_estimator_ : pruner or Pipeline
        Fitted on all the data along the path up to ``best_sparsity_`` (with
        ``refit``).
    refit_time_ : float
        Seconds spent on the refit.
    scorer_ : callable or dict
        The scorer, or a dict of them.
    multimetric_ : bool
        Whether several metrics were evaluated.
    n_splits_ : int
        Number of cross-validation folds.
    classes_ : ndarray
        Class labels (classifiers, with ``refit``).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray
        Names of features seen during fit, when they are all strings.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skprune import OBDPruner, PrunableMLPClassifier
    >>> from skprune.model_selection import PrunerCV
    >>> X, y = load_iris(return_X_y=True)
    >>> pruner = OBDPruner(PrunableMLPClassifier((8,), solver="lbfgs", max_iter=500,
    ...                                          random_state=0), retrain_iter=20)
    >>> search = PrunerCV(pruner, sparsities=[0.3, 0.6, 0.9], cv=3,
    ...                   selection="sparsest", tol=0.05).fit(X, y)
    >>> search.cv_results_["param_sparsity"].data
    array([0.3, 0.6, 0.9])
    >>> search.best_params_["sparsity"] in (0.3, 0.6, 0.9)
    True
    """

    _parameter_constraints: dict = {
        "pruner": [HasMethods(["fit"]), None],
        "sparsities": ["array-like", None],
        "cv": ["cv_object"],
        "scoring": [str, callable, list, tuple, dict, None],
        "selection": [StrOptions({"best", "sparsest"})],
        "tol": [Interval(Real, 0, None, closed="left")],
        "refit": ["boolean", str],
        "n_jobs": [None, Integral],
        "pre_dispatch": [Integral, str],
        "error_score": [StrOptions({"raise"}), Real],
        "return_train_score": ["boolean"],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        pruner=None,
        *,
        sparsities=None,
        cv=None,
        scoring=None,
        selection="best",
        tol=0.01,
        refit=True,
        n_jobs=None,
        pre_dispatch="2*n_jobs",
        error_score=np.nan,
        return_train_score=False,
        verbose=0,
        random_state=None,
    ):
        self.pruner = pruner
        self.sparsities = sparsities
        self.cv = cv
        self.scoring = scoring
        self.selection = selection
        self.tol = tol
        self.refit = refit
        self.n_jobs = n_jobs
        self.pre_dispatch = pre_dispatch
        self.error_score = error_score
        self.return_train_score = return_train_score
        self.verbose = verbose
        self.random_state = random_state

    _delegate_attribute = "best_estimator_"

    def _will_delegate(self):
        return bool(self.refit)

    def _template(self):
        if self.pruner is None:
            return MagnitudePruner(PrunableMLPClassifier())
        return self.pruner

    def _seeded(self):
        """The pruner, seeded from ``random_state`` when it has no seed."""
        estimator = clone_for_path(self._template())
        seed_unseeded(split_pipeline(estimator)[1], self.random_state)
        return estimator

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, groups=None, **fit_params):
        """Cross-validate the pruning path, choose the level and refit.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        groups : array-like of shape (n_samples,), default=None
            Group labels for a group-aware ``cv``.
        **fit_params : dict
            Passed to the pruner's fit, indexed per fold: ``sample_weight``,
            or ``<step>__sample_weight`` when the pruner ends a ``Pipeline``.

        Returns
        -------
        self : object
        """
        estimator = self._seeded()
        pruner = split_pipeline(estimator)[1]
        if pruner._level_parameter != "sparsity":
            raise ValueError(
                f"PrunerCV chooses a pruner's sparsity; {type(pruner).__name__} has none. "
                "Search its own parameters with GridSearchCV (for InputPruner, "
                "n_features_to_select)."
            )
        levels = check_sparsities(DEFAULT_SPARSITIES if self.sparsities is None else self.sparsities)
        self._check_refit(is_multimetric(self.scoring))  # before any work
        results = pruning_scores(
            estimator, X, y, levels, cv=self.cv, scoring=self.scoring, n_jobs=self.n_jobs,
            groups=groups, fit_params=fit_params, error_score=self.error_score,
            return_train_score=self.return_train_score, verbose=self.verbose,
            pre_dispatch=self.pre_dispatch,
        )
        multimetric = results["multimetric"]  # a callable may return a dict
        self._check_refit(multimetric)
        if multimetric and self.refit and self.refit not in results["test"]:
            raise ValueError(
                f"refit={self.refit!r} is not one of the metrics {sorted(results['test'])}."
            )
        # Everything is computed before anything is set: a refit that fails
        # leaves a fitted search as it was.
        fitted = {
            "cv_results_": self._results(estimator, levels, results),
            "scorer_": results["scorers"],
            "multimetric_": multimetric,
            "n_splits_": results["n_splits"],
        }
        if self.refit or not multimetric:
            fitted.update(self._choose(levels, fitted["cv_results_"],
                                       "score" if not multimetric else self.refit, estimator))
        if self.refit:
            start = time.perf_counter()
            refitted = fit_pruning_path(estimator, X, y, levels[: fitted["best_index_"] + 1],
                                        **fit_params)
            fitted["refit_time_"] = time.perf_counter() - start
            split_pipeline(refitted)[1].set_params(sparsity=fitted["best_sparsity_"])
            fitted["best_estimator_"] = refitted
            fitted["n_features_in_"] = refitted.n_features_in_
            for name in ("feature_names_in_", "classes_"):
                if hasattr(refitted, name):
                    fitted[name] = getattr(refitted, name)
                else:
                    self.__dict__.pop(name, None)
        else:
            fitted["n_features_in_"] = np.shape(X)[1]
        self.__dict__.update(fitted)
        return self

    @available_if(_delegate_has("score"))
    def score(self, X, y, **params):
        """Score of the refitted pruner with ``scoring`` (the refit metric),
        or its own ``score`` when ``scoring`` is None, as
        :meth:`sklearn.model_selection.GridSearchCV.score`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        **params : dict
            Passed to the scorer (``sample_weight``, say).

        Returns
        -------
        score : float
        """
        best = self._delegate()
        if isinstance(self.scorer_, dict):
            return self.scorer_[self.refit](best, X, y, **params)
        score = self.scorer_(best, X, y, **params)
        return score[self.refit] if self.multimetric_ else score

    def _check_refit(self, multimetric):
        """Several metrics need ``refit`` to name the one that chooses."""
        if multimetric and not (self.refit is False or isinstance(self.refit, str)):
            raise ValueError(
                "For multi-metric scoring, refit must be the name of the metric that "
                f"chooses the sparsity, or False; got refit={self.refit!r}."
            )

    def _results(self, estimator, levels, results):
        """``cv_results_`` with the keys of ``GridSearchCV``'s."""
        name = sparsity_parameter(estimator)
        out = {}
        for kind in ("fit", "score"):
            times = results[f"{kind}_time"]
            out[f"mean_{kind}_time"] = times.mean(axis=1)
            out[f"std_{kind}_time"] = times.std(axis=1)
        out[f"param_{name}"] = np.ma.MaskedArray(levels.astype(float), mask=np.zeros(len(levels), bool))
        out["params"] = [{name: float(level)} for level in levels]
        kinds = ("test", "train") if self.return_train_score else ("test",)
        for metric in results["test"]:
            for kind in kinds:
                scores = results[kind][metric]
                for k in range(scores.shape[1]):
                    out[f"split{k}_{kind}_{metric}"] = scores[:, k]
                out[f"mean_{kind}_{metric}"] = scores.mean(axis=1)
                out[f"std_{kind}_{metric}"] = scores.std(axis=1)
                if kind == "test":
                    out[f"rank_test_{metric}"] = rank_scores(out[f"mean_test_{metric}"])
        return out

    def _choose(self, levels, cv_results, metric, estimator):
        """``best_index_`` and friends from the mean test scores of ``metric``.

        A level no fold's path reached (stopped early) has a NaN mean and is
        never chosen.
        """
        means = cv_results[f"mean_test_{metric}"]
        best = int(np.argmin(cv_results[f"rank_test_{metric}"]))
        if self.selection == "sparsest" and np.isfinite(means[best]):
            within = np.flatnonzero(means >= means[best] - self.tol)
            best = int(within.max())
        return {
            "best_index_": best,
            "best_sparsity_": float(levels[best]),
            "best_score_": float(means[best]),
            "best_params_": {sparsity_parameter(estimator): float(levels[best])},
        }
