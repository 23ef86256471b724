"""PrunerCV: choose the sparsity by cross-validated pruning paths."""

from numbers import Integral, Real

import numpy as np
from scipy.stats import rankdata
from sklearn.base import BaseEstimator, MetaEstimatorMixin, _fit_context, clone
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from .._meta import DelegatingMixin, seed_unseeded
from ..neural_network import PrunableMLPClassifier
from ..pruning import MagnitudePruner
from ._pruning_curve import check_sparsities, fit_pruning_path, pruning_scores, split_pipeline

DEFAULT_SPARSITIES = (0.5, 0.7, 0.8, 0.9, 0.95)


class PrunerCV(DelegatingMixin, MetaEstimatorMixin, BaseEstimator):
    """Choose a pruner's sparsity by cross-validation, then refit.

    Each fold trains one dense network and prunes it along the increasing
    ``sparsities`` (see :func:`~skprune.model_selection.pruning_curve`), so
    evaluating every level costs one pruning path per fold. The level is
    chosen from the mean test scores, and the same path is then run on all
    the data up to that level.

    Parameters
    ----------
    pruner : pruner or Pipeline ending in a pruner, default=None
        None means ``MagnitudePruner(PrunableMLPClassifier())``.
    sparsities : array-like of float in [0, 1), default=None
        The levels to evaluate; None means (0.5, 0.7, 0.8, 0.9, 0.95).
    cv : int, cross-validation generator or iterable, default=None
        As in scikit-learn (5-fold, stratified for classifiers).
    scoring : str or callable, default=None
        As in scikit-learn; None uses the estimator's ``score``.
    selection : {"best", "sparsest"}, default="best"
        "best": the level of highest mean test score. "sparsest": the highest
        level whose mean test score is within ``tol`` of the best.
    tol : float, default=0.01
        Tolerance of ``selection="sparsest"``, in score units.
    refit : bool, default=True
        Refit on all the data at the chosen level.
    n_jobs : int, default=None
        Folds run in parallel with joblib.
    random_state : int, RandomState instance or None, default=None
        Seeds the pruner when it has no ``random_state`` of its own (the
        pruner in turn seeds its network), so that every fold and the refit
        start from the same initial weights.

    Attributes
    ----------
    best_sparsity_ : float
        The chosen level.
    best_score_ : float
        Its mean test score.
    best_estimator_ : pruner or Pipeline
        Fitted on all the data along the path up to ``best_sparsity_`` (with
        ``refit=True``).
    cv_results_ : dict of ndarrays
        ``sparsity``, ``mean_test_score``, ``std_test_score``,
        ``rank_test_score``, ``mean_train_score``, ``std_train_score`` and
        ``split{k}_test_score`` / ``split{k}_train_score``, one entry per level.
    classes_ : ndarray
        Class labels (classifiers, with ``refit=True``).
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
    >>> search.cv_results_["sparsity"]
    array([0.3, 0.6, 0.9])
    >>> float(search.best_sparsity_) in (0.3, 0.6, 0.9)
    True
    """

    _parameter_constraints: dict = {
        "pruner": [HasMethods(["fit"]), None],
        "sparsities": ["array-like", None],
        "cv": ["cv_object"],
        "scoring": [str, callable, None],
        "selection": [StrOptions({"best", "sparsest"})],
        "tol": [Interval(Real, 0, None, closed="left")],
        "refit": ["boolean"],
        "n_jobs": [None, Integral],
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
        self.random_state = random_state

    _delegate_attribute = "best_estimator_"

    def _will_delegate(self):
        return self.refit

    def _template(self):
        if self.pruner is None:
            return MagnitudePruner(PrunableMLPClassifier())
        return self.pruner

    def _seeded(self):
        """The pruner, seeded from ``random_state`` when it has no seed."""
        estimator = clone(self._template())
        seed_unseeded(split_pipeline(estimator)[1], self.random_state)
        return estimator

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Cross-validate the pruning path, choose the level and refit.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)

        Returns
        -------
        self : object
        """
        estimator = self._seeded()
        levels = check_sparsities(DEFAULT_SPARSITIES if self.sparsities is None else self.sparsities)
        train, test = pruning_scores(estimator, X, y, levels, self.cv, self.scoring, self.n_jobs)

        mean_test = test.mean(axis=1)
        results = {
            "sparsity": levels,
            "mean_test_score": mean_test,
            "std_test_score": test.std(axis=1),
            "rank_test_score": rankdata(-mean_test, method="min").astype(np.int32),
            "mean_train_score": train.mean(axis=1),
            "std_train_score": train.std(axis=1),
        }
        for k in range(test.shape[1]):
            results[f"split{k}_test_score"] = test[:, k]
            results[f"split{k}_train_score"] = train[:, k]
        best = int(np.nanargmax(mean_test))
        if self.selection == "sparsest":
            within = np.flatnonzero(mean_test >= mean_test[best] - self.tol)
            best = int(within.max())

        self.cv_results_ = results
        self.best_index_ = best
        self.best_sparsity_ = float(levels[best])
        self.best_score_ = float(mean_test[best])
        if self.refit:
            refitted = fit_pruning_path(estimator, X, y, levels[: best + 1])
            split_pipeline(refitted)[1].set_params(sparsity=self.best_sparsity_)
            self.best_estimator_ = refitted
            self.n_features_in_ = refitted.n_features_in_
            for name in ("feature_names_in_", "classes_"):
                if hasattr(refitted, name):
                    setattr(self, name, getattr(refitted, name))
        else:
            self.n_features_in_ = np.shape(X)[1]
        return self
