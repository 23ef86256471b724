"""PrunerCV: choose the sparsity by cross-validated pruning paths."""

import time
from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np
from scipy.stats import rankdata
from sklearn.base import BaseEstimator, MetaEstimatorMixin, _fit_context, is_classifier
from sklearn.model_selection import ParameterGrid
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
    """Choose a pruner's sparsity -- and the pruner -- by cross-validation, then refit.

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

    Several candidates -- a list of pruners, a ``param_grid`` of their other
    parameters, or both -- are searched together: one path per candidate and
    fold, one row of ``cv_results_`` per candidate and level (candidate by
    candidate), the candidate's parameters beside ``param_sparsity`` (a list
    of pruners as ``param_pruner``), and the best row over all of them. This
    is what :class:`~sklearn.model_selection.GridSearchCV` over the pruner
    and ``sparsity`` would find, for one dense fit per candidate and fold
    instead of one per candidate, level and fold.

    Parameters
    ----------
    pruner : pruner, Pipeline ending in a pruner, or list of those, default=None
        None means ``MagnitudePruner(PrunableMLPClassifier())``. A pruner with
        ``prefit=True`` prunes its already trained network in every fold and
        in the refit (the network is shared, not cloned). A list makes every
        pruner a candidate.
    param_grid : dict or list of dicts, default=None
        Other parameters of the pruner to search, named as
        ``GridSearchCV(pruner, param_grid)`` names them (``retrain_iter``,
        ``hessian``, ``<step>__retrain_iter`` for a pipeline); every
        combination is a candidate. A dict may hold the key ``"pruner"``, a
        list of pruners it applies to (as a list of dicts pairs each pruner
        with its own parameters). ``sparsity`` is not searched here: the
        levels are ``sparsities``.
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
        Index of the chosen candidate and level in ``cv_results_``.
    best_score_ : float
        Its mean test score (of the ``refit`` metric).
    best_params_ : dict
        ``{"sparsity": best_sparsity_}`` (``"<step>__sparsity"`` in a pipeline),
        with the chosen candidate's parameters when there are several.
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

    Two pruners and two retraining lengths, each along the same levels:

    >>> from skprune import MagnitudePruner
    >>> net = pruner.estimator
    >>> search = PrunerCV([MagnitudePruner(net), OBDPruner(net)], sparsities=[0.5, 0.8],
    ...                   param_grid={"retrain_iter": [5, 20]}, cv=3).fit(X, y)
    >>> len(search.cv_results_["params"])
    8
    >>> sorted(search.best_params_)
    ['pruner', 'retrain_iter', 'sparsity']
    """

    _parameter_constraints: dict = {
        "pruner": [HasMethods(["fit"]), list, None],
        "param_grid": [dict, list, None],
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
        param_grid=None,
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
        self.param_grid = param_grid
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
        """The pruner (the first of a list): what the search delegates to and
        takes its tags from."""
        if self.pruner is None or (isinstance(self.pruner, list) and not self.pruner):
            return MagnitudePruner(PrunableMLPClassifier())  # (fit refuses an empty list)
        if isinstance(self.pruner, list):
            return self.pruner[0]
        return self.pruner

    def _seeded(self, estimator, params):
        """A clone of ``estimator`` with ``params`` set, seeded from
        ``random_state`` when its pruner has no seed."""
        estimator = clone_for_path(estimator)
        estimator.set_params(**params)
        seed_unseeded(split_pipeline(estimator)[1], self.random_state)
        return estimator

    def _candidates(self):
        """``[(params, estimator)]``: each candidate's parameters as
        ``cv_results_`` names them (none for a lone pruner) and its unfitted,
        seeded estimator."""
        if isinstance(self.pruner, list) and not self.pruner:
            raise ValueError("pruner is an empty list; give at least one pruner.")
        template = self._template()
        grids = self.param_grid if self.param_grid is not None else {}
        grids = [grids] if isinstance(grids, Mapping) else list(grids)
        if isinstance(self.pruner, list):
            grids = [grid if "pruner" in grid else {"pruner": self.pruner, **grid} for grid in grids or [{}]]
        candidates = []
        for params in ParameterGrid(grids):
            estimator = params.get("pruner", template)
            own = {key: value for key, value in params.items() if key != "pruner"}
            name = sparsity_parameter(estimator)
            if name in own:
                raise ValueError(
                    f"param_grid sets {name!r}; PrunerCV walks the levels of `sparsities` "
                    "instead: give them there."
                )
            candidates.append((params, self._seeded(estimator, own)))
        kinds = {is_classifier(split_pipeline(estimator)[1]) for _, estimator in candidates}
        names = {sparsity_parameter(estimator) for _, estimator in candidates}
        if len(kinds) > 1 or len(names) > 1:
            raise ValueError(
                "The candidates must all be classifiers or all regressors, and all lone "
                "pruners or all pipelines whose pruner step has the same name (as in "
                "Pipeline([..., ('prune', pruner)])), so that their levels share one "
                f"cv_results_ key; got {sorted(names)} for "
                f"{[type(split_pipeline(e)[1]).__name__ for _, e in candidates]}."
            )
        for _, estimator in candidates:
            pruner = split_pipeline(estimator)[1]
            if pruner._level_parameter != "sparsity":
                raise ValueError(
                    f"PrunerCV chooses a pruner's sparsity; {type(pruner).__name__} has none. "
                    "Search its own parameters with GridSearchCV (for InputPruner, "
                    "n_features_to_select)."
                )
        return candidates

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
        candidates = self._candidates()
        levels = check_sparsities(DEFAULT_SPARSITIES if self.sparsities is None else self.sparsities)
        self._check_refit(is_multimetric(self.scoring))  # before any work
        for _, estimator in candidates:  # an impossible level fails before any work
            split_pipeline(estimator)[1]._check_path(levels)
        per_candidate = [
            pruning_scores(
                estimator, X, y, levels, cv=self.cv, scoring=self.scoring, n_jobs=self.n_jobs,
                groups=groups, fit_params=fit_params, error_score=self.error_score,
                return_train_score=self.return_train_score, verbose=self.verbose,
                pre_dispatch=self.pre_dispatch,
            )
            for _, estimator in candidates
        ]
        results = _concatenate(per_candidate)
        multimetric = results["multimetric"]  # a callable may return a dict
        self._check_refit(multimetric)
        if multimetric and self.refit and self.refit not in results["test"]:
            raise ValueError(
                f"refit={self.refit!r} is not one of the metrics {sorted(results['test'])}."
            )
        # Everything is computed before anything is set: a refit that fails
        # leaves a fitted search as it was.
        fitted = {
            "cv_results_": self._results(candidates, levels, results),
            "scorer_": results["scorers"],
            "multimetric_": multimetric,
            "n_splits_": results["n_splits"],
        }
        if self.refit or not multimetric:
            fitted.update(self._choose(fitted["cv_results_"], "score" if not multimetric else self.refit,
                                       sparsity_parameter(candidates[0][1])))
        if self.refit:
            start = time.perf_counter()
            candidate, level = divmod(fitted["best_index_"], len(levels))
            refitted = fit_pruning_path(candidates[candidate][1], X, y, levels[: level + 1],
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

    def _results(self, candidates, levels, results):
        """``cv_results_`` with the keys of ``GridSearchCV``'s: one row per
        candidate and level, candidate by candidate."""
        name = sparsity_parameter(candidates[0][1])
        out = {}
        for kind in ("fit", "score"):
            times = results[f"{kind}_time"]
            out[f"mean_{kind}_time"] = times.mean(axis=1)
            out[f"std_{kind}_time"] = times.std(axis=1)
        rows = [{**params, name: float(level)} for params, _ in candidates for level in levels]
        for key in sorted({key for params, _ in candidates for key in params}):
            values = np.ma.MaskedArray(np.empty(len(rows), dtype=object), mask=True)
            for i, row in enumerate(rows):
                if key in row:
                    values[i] = row[key]
            out[f"param_{key}"] = values
        out[f"param_{name}"] = np.ma.MaskedArray(np.tile(levels.astype(float), len(candidates)),
                                                 mask=np.zeros(len(rows), bool))
        out["params"] = rows
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

    def _choose(self, cv_results, metric, name):
        """``best_index_`` and friends from the mean test scores of ``metric``.

        A level no fold's path reached (stopped early) has a NaN mean and is
        never chosen. "sparsest" takes the highest level within ``tol`` of
        the best over all candidates, and the best candidate at that level.
        ``name`` is the level's parameter in ``cv_results``.
        """
        means = cv_results[f"mean_test_{metric}"]
        best = int(np.argmin(cv_results[f"rank_test_{metric}"]))
        if self.selection == "sparsest" and np.isfinite(means[best]):
            row_levels = np.asarray(cv_results[f"param_{name}"], dtype=float)
            within = np.flatnonzero(means >= means[best] - self.tol)
            sparsest = within[row_levels[within] == row_levels[within].max()]
            best = int(sparsest[np.argmax(means[sparsest])])
        return {
            "best_index_": best,
            "best_sparsity_": float(cv_results["params"][best][name]),
            "best_score_": float(means[best]),
            "best_params_": dict(cv_results["params"][best]),
        }


def _concatenate(per_candidate):
    """The results of several candidates' :func:`pruning_scores` as one,
    candidate by candidate along the levels' axis."""
    first = per_candidate[0]
    names = list(first["test"])
    for other in per_candidate[1:]:
        if list(other["test"]) != names:
            raise ValueError(f"The candidates gave different metrics: {names} and {list(other['test'])}.")
    return {
        "test": {m: np.concatenate([r["test"][m] for r in per_candidate]) for m in names},
        "train": {m: np.concatenate([r["train"][m] for r in per_candidate]) for m in first["train"]},
        "fit_time": np.concatenate([r["fit_time"] for r in per_candidate]),
        "score_time": np.concatenate([r["score_time"] for r in per_candidate]),
        "scorers": first["scorers"], "multimetric": any(r["multimetric"] for r in per_candidate),
        "n_splits": first["n_splits"],
    }
