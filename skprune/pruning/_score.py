"""Pruning by a score the user supplies, and the gradient such scores often need."""

import numpy as np
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from .._meta import fill_doc
from ..neural_network._base import _BasePrunableMLP
from ._allocation import SCOPES
from ._base import BasePruner
from ._docs import pruner_attributes_doc, pruner_parameters_doc


class ScorePruner(BasePruner):
    __doc__ = fill_doc(
        """Prune the connection weights that a score function ranks lowest.

    The criterion is a function, as ``importance_getter`` is for
    :class:`~sklearn.feature_selection.SelectFromModel`: no subclass is needed
    to try a new one. In every round ``score_func(estimator, X, y)`` (with
    ``sample_weight=`` when the fit has sample weights) receives the network
    as it then is and the training data, and returns one array per layer
    shaped like ``estimator.coefs_``; the weights of lowest score are
    removed, the others kept. ``+inf`` protects a weight.

    Parameters
    ----------${parameters}
    score_func : callable, default=None
        ``score_func(estimator, X, y, sample_weight=None) -> list of ndarray``.
        ``estimator`` is the fitted :class:`PrunableMLPClassifier` or
        :class:`PrunableMLPRegressor` being pruned (read it, do not change it),
        ``X`` the training data in the network's dtype and ``y`` the
        targets. :func:`~skprune.pruning.loss_gradient` gives the gradient
        that first-order scores need. None scores by magnitude ``|w|``,
        which prunes exactly as :class:`MagnitudePruner`. (Named as
        :class:`~sklearn.feature_selection.SelectKBest`'s ``score_func``: a
        parameter ``score`` would hide the estimator's ``score`` method.)

    scope : {"global", "layer"}, default="global"
        Rank all layers' scores together, or prune every layer to
        ``sparsity``.

    Attributes
    ----------${attributes}
    scores_ : list of ndarray
        The scores of the last round (before that round's pruning).

    See Also
    --------
    RandomPruner : The random control, a criterion written as ``_scores``.

    Examples
    --------
    A first-order saliency ``|g w|`` (the connection sensitivity of SNIP,
    Lee, Ajanthan & Torr 2019):

    >>> from sklearn.datasets import load_iris
    >>> from skprune import PrunableMLPClassifier, ScorePruner
    >>> from skprune.pruning import loss_gradient
    >>> def sensitivity(estimator, X, y, sample_weight=None):
    ...     gradients = loss_gradient(estimator, X, y, sample_weight)
    ...     return [abs(g * W) for g, W in zip(gradients, estimator.coefs_)]
    >>> X, y = load_iris(return_X_y=True)
    >>> net = PrunableMLPClassifier((16,), solver="lbfgs", max_iter=500, random_state=0)
    >>> pruner = ScorePruner(net, score_func=sensitivity, sparsity=0.5, retrain_iter=20).fit(X, y)
    >>> round(pruner.sparsity_, 2), pruner.score(X, y) > 0.9
    (0.5, True)
    """,
        parameters=pruner_parameters_doc(),
        attributes=pruner_attributes_doc(),
    )

    _parameter_constraints: dict = {
        **BasePruner._parameter_constraints,
        "score_func": [callable, None],
        "scope": [StrOptions(set(SCOPES))],
    }

    def __init__(
        self,
        estimator=None,
        *,
        score_func=None,
        scope="global",
        sparsity=0.5,
        n_steps="auto",
        schedule="cubic",
        retrain_iter="auto",
        retrain_learning_rate=None,
        prefit=False,
        memory=None,
        random_state=None,
        verbose=0,
        compact=False,
        rewind=None,
        distill=0.0,
        distill_temperature=2.0,
    ):
        super().__init__(
            estimator,
            sparsity=sparsity,
            n_steps=n_steps,
            schedule=schedule,
            retrain_iter=retrain_iter,
            retrain_learning_rate=retrain_learning_rate,
            prefit=prefit,
            memory=memory,
            random_state=random_state,
            verbose=verbose,
            compact=compact,
            rewind=rewind,
            distill=distill,
            distill_temperature=distill_temperature,
        )
        self.score_func = score_func
        self.scope = scope

    def _scores(self, model, data, random_state):
        if self.score_func is None:
            return [np.abs(W) for W in model.coefs_]
        kwargs = {} if data.sample_weight is None else {"sample_weight": data.sample_weight}
        try:
            return self.score_func(model, data.X, data.y, **kwargs)
        except Exception as exc:
            raise ValueError(f"{self._scores_source()} raised {type(exc).__name__}: {exc}") from exc

    def _scores_source(self):
        return f"score_func={getattr(self.score_func, '__name__', type(self.score_func).__name__)}"


def loss_gradient(estimator, X, y, sample_weight=None):
    """Gradient of the mean training loss with respect to every connection weight.

    The building block of first-order criteria (``|g w|``, Taylor expansions):
    the loss is the network's own (log-loss or squared error, averaged over
    samples with ``sample_weight``), without the L2 penalty. Pruned weights
    have gradient 0.

    Parameters
    ----------
    estimator : PrunableMLPClassifier or PrunableMLPRegressor
        A fitted network.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    sample_weight : array-like of shape (n_samples,), default=None

    Returns
    -------
    gradients : list of ndarray
        Shaped like ``estimator.coefs_``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skprune import PrunableMLPClassifier
    >>> from skprune.pruning import loss_gradient
    >>> X, y = load_iris(return_X_y=True)
    >>> net = PrunableMLPClassifier((4,), max_iter=5, random_state=0).fit(X, y)
    >>> [g.shape for g in loss_gradient(net, X, y)]
    [(4, 4), (4, 3)]
    """
    if not isinstance(estimator, _BasePrunableMLP):
        raise TypeError(
            "loss_gradient expects a PrunableMLPClassifier or PrunableMLPRegressor; "
            f"got {type(estimator).__name__}."
        )
    check_is_fitted(estimator)
    X, Y, _, sample_weight = estimator._training_arrays(X, y, sample_weight)
    return estimator._network_view().weight_gradients(X, Y, sample_weight)
