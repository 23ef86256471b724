"""Per-layer sensitivity: the score after pruning one layer alone, level by level."""

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.metrics import check_scoring
from sklearn.utils import Bunch
from sklearn.utils.validation import check_is_fitted

from ..model_selection._pruning_curve import check_sparsities
from ..pruning import BasePruner
from ._pruning_curve_display import axis_label


def _prune_one_layer(pruner, layer, level, n_layers, X, y, X_test, y_test, scorer):
    levels = [0.0] * n_layers
    levels[layer] = level
    pruned = clone(pruner).set_params(estimator=pruner.estimator, sparsity=levels).fit(X, y)
    return scorer(pruned, X_test, y_test)


def sensitivity_analysis(pruner, X, y, *, sparsities, X_test=None, y_test=None, scoring=None,
                         n_jobs=None):
    """Score after pruning each layer alone, at each level (the others dense).

    The per-layer sensitivity analysis of NNI and SparseML: a layer whose
    score holds at a high sparsity can be pruned further than one that
    drops early. Each entry prunes one layer of the pruner's fitted network
    with the pruner's own criterion and settings (pass ``retrain_iter=0``
    for the one-shot analysis, the usual one), and scores it.
    :func:`sparsity_from_sensitivity` turns the result into per-layer
    sparsities for the pruner's ``sparsity``.

    Parameters
    ----------
    pruner : pruner with ``prefit=True``
        A pruner that takes one sparsity per layer (``MagnitudePruner``,
        ``OBDPruner``, ``OBSPruner``, ``WandaPruner``, ...), around the
        fitted network to analyse.
    X, y : array-like
        The data the pruner's criterion uses.
    sparsities : array-like of float in [0, 1)
        The levels to try in each layer.
    X_test, y_test : array-like, default=None
        The data to score on (held-out data is better); ``X``, ``y`` by default.
    scoring : str or callable, default=None
        A scikit-learn scorer; None uses the pruner's ``score``.
    n_jobs : int, default=None
        Fits run in parallel with joblib.

    Returns
    -------
    result : Bunch
        ``sparsities`` (n_levels,), ``scores`` (n_layers, n_levels),
        ``dense_score`` (the unpruned network's) and ``score_name``.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skprune import MagnitudePruner, PrunableMLPClassifier
    >>> from skprune.inspection import sensitivity_analysis, sparsity_from_sensitivity
    >>> X, y = load_digits(return_X_y=True)
    >>> net = PrunableMLPClassifier((32,), max_iter=300, random_state=0).fit(X[::2] / 16, y[::2])
    >>> pruner = MagnitudePruner(net, prefit=True, retrain_iter=0, n_steps=1)
    >>> result = sensitivity_analysis(pruner, X[::2] / 16, y[::2], sparsities=[0.5, 0.7, 0.8, 0.9],
    ...                               X_test=X[1::2] / 16, y_test=y[1::2])
    >>> result.scores.shape
    (2, 4)
    >>> sparsity_from_sensitivity(result, max_drop=0.05)  # one level per layer
    [0.7, 0.5]
    """
    if not isinstance(pruner, BasePruner) or "array-like" not in pruner._parameter_constraints.get(
            "sparsity", []):
        raise TypeError(
            f"sensitivity_analysis needs a pruner that takes one sparsity per layer; got "
            f"{type(pruner).__name__}."
        )
    if not pruner.prefit:
        raise ValueError("sensitivity_analysis analyses a fitted network: build the pruner with prefit=True.")
    check_is_fitted(pruner.estimator)
    levels = check_sparsities(sparsities)
    X_test, y_test = (X, y) if X_test is None else (X_test, y_test)
    scorer = check_scoring(pruner, scoring=scoring)
    n_layers = len(pruner.estimator.coefs_)
    jobs = [(layer, level) for layer in range(n_layers) for level in levels]
    scores = Parallel(n_jobs=n_jobs)(
        delayed(_prune_one_layer)(pruner, layer, level, n_layers, X, y, X_test, y_test, scorer)
        for layer, level in jobs
    )
    dense = clone(pruner).set_params(estimator=pruner.estimator, sparsity=0.0).fit(X, y)
    return Bunch(
        sparsities=levels,
        scores=np.asarray(scores, dtype=float).reshape(n_layers, len(levels)),
        dense_score=float(scorer(dense, X_test, y_test)),
        score_name=axis_label(scoring, pruner),
    )


def sparsity_from_sensitivity(result, max_drop):
    """Per-layer sparsities from a sensitivity analysis: for each layer, the
    highest level whose score is at most ``max_drop`` below the dense score
    (0 where none is).

    Parameters
    ----------
    result : Bunch
        What :func:`sensitivity_analysis` returned.
    max_drop : float
        The score each layer may lose, pruned alone.

    Returns
    -------
    sparsity : list of float
        One level per layer, for a pruner's ``sparsity``. Layers pruned
        together lose more than each alone: check the pruned network.
    """
    allowed = result.scores >= result.dense_score - max_drop
    chosen = []
    for row in allowed:
        ok = np.flatnonzero(row)
        chosen.append(float(result.sparsities[ok].max()) if ok.size else 0.0)
    return chosen


class SensitivityDisplay:
    """Score against sparsity, one curve per layer pruned alone.

    Create it with :meth:`from_estimator` (which runs
    :func:`sensitivity_analysis`) or from a result with :meth:`from_result`;
    matplotlib is imported only when drawing.

    Parameters
    ----------
    result : Bunch
        What :func:`sensitivity_analysis` returned.

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    lines_ : list of matplotlib Line2D
        One per layer.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from skprune import MagnitudePruner, PrunableMLPClassifier
    >>> from skprune.inspection import SensitivityDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> net = PrunableMLPClassifier((8,), solver="lbfgs", max_iter=500, random_state=0).fit(X, y)
    >>> display = SensitivityDisplay.from_estimator(
    ...     MagnitudePruner(net, prefit=True, retrain_iter=0), X, y, sparsities=[0.3, 0.6, 0.9])
    >>> len(display.lines_)
    2
    """

    def __init__(self, result):
        self.result = result

    def plot(self, ax=None):
        """Draw the curves (and the dense score, dotted) on ``ax``."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        result = self.result
        self.lines_ = [
            ax.plot(result.sparsities, scores, "-o", label=f"layer {layer}")[0]
            for layer, scores in enumerate(result.scores)
        ]
        ax.axhline(result.dense_score, color="grey", linestyle=":", label="dense")
        ax.set_xlabel("sparsity of the layer (the others dense)")
        ax.set_ylabel(result.score_name)
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_result(cls, result, *, ax=None):
        """Draw the result of :func:`sensitivity_analysis`."""
        return cls(result).plot(ax=ax)

    @classmethod
    def from_estimator(cls, pruner, X, y, *, sparsities, ax=None, **kwargs):
        """Run :func:`sensitivity_analysis` (same parameters) and draw it."""
        return cls.from_result(sensitivity_analysis(pruner, X, y, sparsities=sparsities, **kwargs), ax=ax)
