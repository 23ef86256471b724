"""Magnitude pruning: remove the weights of smallest absolute value."""

import numpy as np
from sklearn.utils._param_validation import StrOptions

from .._meta import fill_doc
from ._allocation import SCOPES
from ._base import BasePruner
from ._docs import pruner_attributes_doc, pruner_parameters_doc


class MagnitudePruner(BasePruner):
    __doc__ = fill_doc(
        """Prune the connection weights of smallest magnitude ``|w|``.

    The control method of the pruning literature (e.g. Han et al. 2015): no
    data enter the criterion, only the weights.

    Parameters
    ----------${parameters}
    scope : {"global", "layer"}, default="global"
        Rank all layers' weights together, or prune every layer to
        ``sparsity``.

    Attributes
    ----------${attributes}
    scores_ : list of ndarray
        ``|w|`` of every weight, shaped like ``estimator_.coefs_``, as
        computed in the last round (before that round's pruning).

    See Also
    --------
    OBDPruner : Second-order saliencies from the Hessian diagonal.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skprune import MagnitudePruner, PrunableMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> pruner = MagnitudePruner(
    ...     PrunableMLPClassifier((16,), solver="lbfgs", max_iter=500, random_state=0),
    ...     sparsity=0.7, n_steps=2, retrain_iter=50).fit(X, y)
    >>> round(pruner.sparsity_, 2)
    0.7
    >>> pruner.score(X, y) > 0.9
    True
    """,
        parameters=pruner_parameters_doc(),
        attributes=pruner_attributes_doc(),
    )

    _parameter_constraints: dict = {
        **BasePruner._parameter_constraints,
        "scope": [StrOptions(set(SCOPES))],
    }

    def __init__(
        self,
        estimator=None,
        *,
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
        scope="global",
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
        self.scope = scope

    def _scores(self, model, data, random_state):
        return [np.abs(W) for W in model.coefs_]
