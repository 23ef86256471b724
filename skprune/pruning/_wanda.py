"""Wanda: weights times the norm of the inputs they multiply."""

from sklearn.utils._param_validation import StrOptions

from .._core.curvature import input_norms
from .._meta import fill_doc
from ._base import BasePruner
from ._docs import pruner_attributes_doc, pruner_parameters_doc


class WandaPruner(BasePruner):
    __doc__ = fill_doc(
        """Prune by :math:`|w_{ij}| \\, \\lVert x_i \\rVert`, the weight times the norm of its input.

    Sun, Liu, Bair & Kolter (2023), eq. 1: a weight matters as much as the
    signal it carries, :math:`|w_{ij}|` times the root mean square of input ``i``
    of its layer over the training data (one forward pass, no gradient). It
    is magnitude pruning corrected for the scale of each input, and the
    diagonal of layer-wise OBS's saliency :math:`w^2 [A^T A]_{ii}` without the
    inverse. The paper compares the weights entering each unit
    (``scope="output"``).

    Parameters
    ----------${parameters}
    scope : {"output", "layer", "global"}, default="output"
        Prune the same fraction of the weights entering every unit (the
        paper's comparison group), of every layer, or rank all layers
        together.

    Attributes
    ----------${attributes}
    scores_ : list of ndarray
        :math:`|w_{ij}| \\, \\lVert x_i \\rVert` of the last round, shaped like ``estimator_.coefs_``.

    See Also
    --------
    MagnitudePruner : ``|w|`` alone.
    OBSPruner : Layer-wise OBS, which also compensates the kept weights.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skprune import PrunableMLPClassifier, WandaPruner
    >>> X, y = load_digits(return_X_y=True)
    >>> net = PrunableMLPClassifier((32,), max_iter=200, random_state=0).fit(X / 16, y)
    >>> pruner = WandaPruner(net, sparsity=0.8, prefit=True).fit(X / 16, y)
    >>> # every unit lost the same number of incoming weights: 80% of 64, of 32
    >>> [set((~m).sum(axis=0).tolist()) for m in pruner.estimator_.masks_]
    [{51}, {26}]
    >>> pruner.score(X / 16, y) > 0.95
    True
    """,
        parameters=pruner_parameters_doc(),
        attributes=pruner_attributes_doc(),
    )

    _parameter_constraints: dict = {
        **BasePruner._parameter_constraints,
        "scope": [StrOptions({"output", "layer", "global"})],
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
        scope="output",
    ):
        super().__init__(
            estimator, sparsity=sparsity, n_steps=n_steps, schedule=schedule, retrain_iter=retrain_iter,
            retrain_learning_rate=retrain_learning_rate, prefit=prefit, memory=memory,
            random_state=random_state, verbose=verbose, compact=compact, rewind=rewind,
            distill=distill, distill_temperature=distill_temperature,
        )
        self.scope = scope

    def _scores(self, model, data, random_state):
        norms = input_norms(model._network_view(), data.X, data.sample_weight)
        return [abs(W) * norm[:, None] for W, norm in zip(model.coefs_, norms)]
