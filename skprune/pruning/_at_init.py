"""Pruning at initialisation: choose the sparse network before training it."""

import numpy as np
from sklearn.utils._param_validation import StrOptions

from .._meta import fill_doc
from ._allocation import SCOPES
from ._base import BasePruner
from ._docs import pruner_attributes_doc, pruner_parameters_doc
from ._score import loss_gradient

CRITERIA = ("snip", "grasp", "synflow", "magnitude", "random")


def synflow_scores(coefs):
    """``S = |w| * dR/d|w|`` with ``R = 1^T |W_1| ... |W_L| 1`` (Tanaka et al. 2020, eq. 2).

    The network made linear with its weights' absolute values, fed ones: no
    data. ``dR/d|W_l|[i, j]`` is the product of the path sums into unit ``i``
    and out of unit ``j``, so the scores are exact, from two passes of
    vector-matrix products.
    """
    absolute = [np.abs(W).astype(np.float64) for W in coefs]
    into = [np.ones(absolute[0].shape[0])]
    for A in absolute[:-1]:
        into.append(into[-1] @ A)
    out_of = [np.ones(absolute[-1].shape[1])]
    for A in absolute[:0:-1]:
        out_of.insert(0, A @ out_of[0])
    return [a[:, None] * A * b[None, :] for a, A, b in zip(into, absolute, out_of)]


def hessian_gradient_product(model, X, y, sample_weight=None):
    """``H g`` over the connection weights, ``g`` the loss gradient, by central
    differences of the gradient along ``g`` (in float64).

    The step is ``cbrt(eps) (1 + max|w|) / max|g|``, the central difference's
    best for the rounding error of float64.
    """
    X, Y, _, sample_weight = model._training_arrays(X, y, sample_weight)  # validated once
    coefs = [W.astype(np.float64) for W in model.coefs_]
    grads = model._network_view().weight_gradients(X, Y, sample_weight)  # loss_gradient's
    scale = max(float(np.abs(g).max()) for g in grads)
    if scale == 0:
        return [np.zeros_like(W) for W in coefs]
    h = np.cbrt(np.finfo(np.float64).eps) * (1 + max(float(np.abs(W).max()) for W in coefs)) / scale
    intercepts = [b.astype(np.float64) for b in model.intercepts_]
    ahead, behind = (model._network_view([W + sign * h * g for W, g in zip(coefs, grads)], intercepts)
                     .weight_gradients(X, Y, sample_weight) for sign in (1, -1))
    return [(a - b) / (2 * h) for a, b in zip(ahead, behind)]


class InitPruner(BasePruner):
    __doc__ = fill_doc(
        """Prune at initialisation, then train the sparse network.

    The network is initialised, scored and pruned before any training; the
    sparse network then trains (``retrain_iter``, by default as its own
    ``fit`` would). Criteria:

    - "snip": :math:`|g w|`, the connection sensitivity of Lee, Ajanthan & Torr
      (2019), on the training data at initialisation;
    - "grasp": :math:`w (H g)`, Wang, Zhang & Grosse (2020): keep the weights whose
      removal would reduce the gradient flow :math:`g^T g` most (the paper
      removes the highest :math:`-w (H g)`);
    - "synflow": :math:`|w| \\, \\partial R / \\partial |w|` of Tanaka et al. (2020), data-free,
      iterated over rounds without training so that no layer collapses;
    - "magnitude", "random": the controls, ``|w|`` at initialisation and
      uniform draws (with ``scope="layer"`` or a per-layer ``sparsity``, the
      same fraction of every layer).

    Parameters
    ----------${parameters}
    criterion : {"snip", "grasp", "synflow", "magnitude", "random"}, default="snip"
        The score of a weight at initialisation, see above.

    scope : {"global", "layer"}, default="global"
        Rank all layers' weights together, or prune every layer to
        ``sparsity``.

    Attributes
    ----------${attributes}
    scores_ : list of ndarray
        The criterion's scores of the last round, shaped like
        ``estimator_.coefs_``.

    Notes
    -----
    ``n_steps="auto"`` prunes in one round, except SynFlow: 100 rounds on
    the geometric schedule, as its paper. ``history_`` describes the network
    at initialisation (pruning comes first); the trained network's curve is
    ``estimator_.loss_curve_``. With ``prefit=True`` the given network's
    weights stand for the initialisation: they are scored and pruned, then
    trained further (pruning before fine-tuning). ``rewind`` does not apply.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skprune import InitPruner, PrunableMLPClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> net = PrunableMLPClassifier((64,), max_iter=100, random_state=0)
    >>> pruner = InitPruner(net, criterion="synflow", sparsity=0.9).fit(X / 16, y)
    >>> round(pruner.sparsity_, 2), pruner.estimator_.n_iter_  # pruned, then trained
    (0.9, 100)
    >>> pruner.score(X / 16, y) > 0.85
    True
    """,
        parameters=pruner_parameters_doc(),
        attributes=pruner_attributes_doc(),
    )

    _parameter_constraints: dict = {
        **BasePruner._parameter_constraints,
        "criterion": [StrOptions(set(CRITERIA))],
        "scope": [StrOptions(set(SCOPES))],
    }
    _prunes_at_init = True

    def __init__(
        self,
        estimator=None,
        *,
        criterion="snip",
        scope="global",
        sparsity=0.5,
        n_steps="auto",
        schedule="geometric",
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
            estimator, sparsity=sparsity, n_steps=n_steps, schedule=schedule, retrain_iter=retrain_iter,
            retrain_learning_rate=retrain_learning_rate, prefit=prefit, memory=memory,
            random_state=random_state, verbose=verbose, compact=compact, rewind=rewind,
            distill=distill, distill_temperature=distill_temperature,
        )
        self.criterion = criterion
        self.scope = scope

    def _n_rounds(self, initial, final):
        if self.n_steps == "auto":
            return 100 if self.criterion == "synflow" else 1
        return self.n_steps

    def _scores(self, model, data, random_state):
        if self.criterion == "synflow":
            return synflow_scores([W * m for W, m in zip(model.coefs_, model.masks_)])
        if self.criterion == "snip":
            return [np.abs(g * W) for g, W in zip(loss_gradient(model, data.X, data.y, data.sample_weight),
                                                  model.coefs_)]
        if self.criterion == "grasp":
            Hg = hessian_gradient_product(model, data.X, data.y, data.sample_weight)
            return [W * v for W, v in zip(model.coefs_, Hg)]
        if self.criterion == "magnitude":
            return [np.abs(W) for W in model.coefs_]
        return [random_state.uniform(size=W.shape) for W in model.coefs_]
