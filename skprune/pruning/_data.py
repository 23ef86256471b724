"""What a pruning fit works on: the data in the criteria's form, a round's
report, and the checks of the levels and sample weights."""

from dataclasses import dataclass, field

import numpy as np
from sklearn.utils import check_random_state


@dataclass
class PruningData:
    """Training data in the form the criteria use.

    Attributes
    ----------
    X : ndarray or sparse matrix, in the network's dtype
    Y : ndarray of shape (n_samples, n_outputs), the network's targets
    y : ndarray, the targets as the estimator's ``score`` takes them
    sample_weight : ndarray or None
    reference : PrunableMLPClassifier or PrunableMLPRegressor or None
        The network as it was before the first round.
    notes : dict
        What a criterion records over the rounds of one fit (the order in
        which features were removed, say), read back by ``_finish``.
    """

    X: object
    Y: np.ndarray
    y: np.ndarray
    sample_weight: object = None
    reference: object = None
    notes: dict = field(default_factory=dict)

    def subsample(self, n_samples, random_state):
        """At most ``n_samples`` rows drawn without replacement (all if None).

        Rows of zero weight carry no information: they are never drawn.
        """
        if n_samples is None or n_samples >= self.X.shape[0]:
            return self
        rng = check_random_state(random_state)
        if self.sample_weight is None or np.all(self.sample_weight > 0):
            idx = np.sort(rng.choice(self.X.shape[0], n_samples, replace=False))
        else:
            positive = np.flatnonzero(self.sample_weight > 0)
            idx = positive if n_samples >= positive.size else np.sort(
                rng.choice(positive, n_samples, replace=False))
        sw = None if self.sample_weight is None else self.sample_weight[idx]
        return PruningData(self.X[idx], self.Y[idx], self.y[idx], sw, self.reference, self.notes)


@dataclass
class Round:
    """What a round reports: whether pruning should stop, and its scores."""

    stop: bool = False
    scores: list = None


def check_pruning_weights(sample_weight):
    """Sample weights the criteria can use: finite, non-negative, not all zero.

    The criteria weigh squared errors and curvature by the sample weights; a
    negative weight makes those indefinite (a Hessian that is not positive
    semi-definite) and weights summing to zero leave nothing to measure.
    """
    if sample_weight is None:
        return
    try:
        weights = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError):
        return  # the estimator's own validation gives the error
    if weights.ndim == 0:
        return
    if np.any(weights < 0):
        raise ValueError(
            "Pruning needs non-negative sample_weight: the criteria weigh squared "
            f"errors and curvature by it; got {int(np.sum(weights < 0))} negative weight(s)."
        )
    if weights.size and not weights.sum() > 0:
        raise ValueError("sample_weight sums to zero: there is no data to prune with.")


def weights_removed(model, reference):
    """Fraction of ``reference``'s connection weights that ``model`` no longer
    has: pruned to zero, or deleted with their unit or input."""
    kept = sum(np.count_nonzero(mask) for mask in model.masks_)
    return 1.0 - float(kept) / sum(mask.size for mask in reference.masks_)


def fractions(levels):
    """Whether ``levels`` is a 1-D array of finite values in [0, 1)."""
    return levels.ndim == 1 and bool(np.all(np.isfinite(levels) & (levels >= 0) & (levels < 1)))


def check_levels(levels):
    """``levels`` as a non-decreasing float array of values in [0, 1)."""
    levels = np.asarray(levels, dtype=float)
    if not fractions(levels) or levels.size == 0 or np.any(np.diff(levels) < 0):
        raise ValueError(
            "levels must be a non-empty, non-decreasing list of sparsities in [0, 1); "
            f"got {levels.tolist()!r}."
        )
    return levels
