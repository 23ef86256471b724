"""Movement pruning: keep the weights that training moves away from zero."""

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from .._meta import fill_doc
from .._training.callbacks import TrainingCallback, training_callbacks
from ._allocation import SCOPES, allocate
from ._base import BasePruner
from ._data import Round
from ._docs import pruner_attributes_doc, pruner_parameters_doc
from ._score import loss_gradient


class Movement(TrainingCallback):
    """Accumulates ``S -= g * w`` over every update it sees (Sanh et al. 2020, eq. 4)."""

    def __init__(self):
        self.scores = None

    def on_gradient(self, model, step):
        if self.scores is None:
            self.scores = [np.zeros(W.shape) for W in model.coefs_]
        for S, g, W in zip(self.scores, step.coef_grads, model.coefs_):
            S -= g * W


class MovementPruner(BasePruner):
    __doc__ = fill_doc(
        """Prune the weights that training moves towards zero.

    Sanh, Wolf & Rush (2020), eq. 4: the score of a weight is
    ``S = -sum_t g_t w_t`` over the updates of training, positive for a weight
    whose gradient pushes it away from zero, negative for one being shrunk
    towards it; the lowest scores are pruned. The scores accumulate over the
    whole fit: over ``movement_iter`` epochs (iterations for L-BFGS) of
    masked training at the start of every round, and over the retraining
    after it (seen through :mod:`skprune.callbacks`). Magnitude pruning
    keeps the weights that are large; movement pruning those that are
    growing, which is what matters when the network is still adapting to
    new data or to its own pruning.

    Parameters
    ----------${parameters}
    movement_iter : int, default=5
        Epochs (iterations for L-BFGS) of masked training, at
        ``retrain_learning_rate``, that score each round before it prunes.

    scope : {"global", "layer"}, default="global"
        Rank all layers' scores together, or prune every layer to
        ``sparsity``.

    Attributes
    ----------${attributes}
    scores_ : list of ndarray
        The accumulated movement ``-sum_t g_t w_t`` when the last round
        pruned, shaped like ``estimator_.coefs_``.

    See Also
    --------
    MagnitudePruner : Keep the largest weights instead of the growing ones.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skprune import MovementPruner, PrunableMLPClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> net = PrunableMLPClassifier((32,), max_iter=100, random_state=0).fit(X / 16, y)
    >>> pruner = MovementPruner(net, sparsity=0.8, prefit=True).fit(X / 16, y)
    >>> round(pruner.sparsity_, 2), pruner.score(X / 16, y) > 0.95
    (0.8, True)
    """,
        parameters=pruner_parameters_doc(),
        attributes=pruner_attributes_doc(),
    )

    _parameter_constraints: dict = {
        **BasePruner._parameter_constraints,
        "movement_iter": [Interval(Integral, 1, None, closed="left")],
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
        movement_iter=5,
        scope="global",
    ):
        super().__init__(
            estimator, sparsity=sparsity, n_steps=n_steps, schedule=schedule, retrain_iter=retrain_iter,
            retrain_learning_rate=retrain_learning_rate, prefit=prefit, memory=memory,
            random_state=random_state, verbose=verbose, compact=compact, rewind=rewind,
            distill=distill, distill_temperature=distill_temperature,
        )
        self.movement_iter = movement_iter
        self.scope = scope

    def _retraining_callbacks(self, data):
        return (data.notes.setdefault("movement", Movement()),)

    def _prune(self, model, data, sparsity, random_state):
        movement = data.notes.setdefault("movement", Movement())
        with training_callbacks(movement):
            model._retrain(data.X, data.y, data.sample_weight, self.movement_iter, self.retrain_learning_rate)
        if movement.scores is None:  # at a stationary point L-BFGS takes no step: score the next one
            grads = loss_gradient(model, data.X, data.y, data.sample_weight)
            movement.scores = [-(g * W).astype(np.float64) for g, W in zip(grads, model.coefs_)]
        scores = [S.copy() for S in movement.scores]
        model._commit(allocate(scores, model.masks_, sparsity, self.scope))
        return Round(scores=scores)
