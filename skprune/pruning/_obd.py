"""Optimal Brain Damage (LeCun, Denker & Solla 1990)."""

from numbers import Integral

from sklearn.utils._param_validation import Interval, StrOptions

from .._core.curvature import fisher_diagonal, gauss_newton_diagonal, lecun_diagonal
from .._meta import fill_doc
from ._allocation import SCOPES
from ._base import BasePruner
from ._docs import pruner_attributes_doc, pruner_parameters_doc


class OBDPruner(BasePruner):
    __doc__ = fill_doc(
        """Prune the weights of least saliency :math:`s_k = h_{kk} w_k^2 / 2` (OBD).

    Optimal Brain Damage (LeCun, Denker & Solla 1990) estimates the increase
    of the training loss caused by deleting weight ``k`` from a second-order
    Taylor expansion at a minimum (gradient ~ 0), keeping only the diagonal
    :math:`h_{kk}` of the Hessian.

    Parameters
    ----------${parameters}
    hessian : {"gauss-newton", "lecun", "fisher"}, default="gauss-newton"
        The Hessian diagonal. "gauss-newton": the exact diagonal of the
        Gauss-Newton matrix, one back-propagation per output unit.
        "lecun": the paper's recursion, which propagates second derivatives
        backwards as if every layer's Hessian were diagonal (one
        back-propagation). "fisher": the diagonal of the empirical Fisher
        matrix, the mean of squared per-sample gradients.

    scope : {"global", "layer"}, default="global"
        Rank all layers' weights together, or prune every layer to
        ``sparsity``.

    n_hessian_samples : int, default=None
        Estimate the diagonal on at most this many training samples, drawn
        at random in each round; None uses them all.

    first_order : bool, default=False
        Add the first-order term of the expansion, ``s_k = -g_k w_k + h_kk
        w_k^2 / 2`` with ``g`` the gradient of the training loss. OBD assumes
        a minimum, where ``g = 0``; after a short retraining the network is
        not at one, and a weight whose removal lowers the loss has a negative
        saliency and goes first.

    Attributes
    ----------${attributes}
    saliencies_ : list of ndarray
        The saliency of every weight, shaped like ``estimator_.coefs_``, as
        computed in the last round (before that round's pruning). With
        ``sparsity=0`` these are the saliencies of the trained network.

    See Also
    --------
    MagnitudePruner : The first-order control.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skprune import OBDPruner, PrunableMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> pruner = OBDPruner(
    ...     PrunableMLPClassifier((16,), solver="lbfgs", max_iter=500, random_state=0),
    ...     sparsity=0.8, n_steps=2, retrain_iter=50).fit(X, y)
    >>> pruner.history_["step"], [round(s, 2) for s in pruner.history_["sparsity"]]
    ([0, 1, 2], [0.0, 0.7, 0.8])
    >>> pruner.score(X, y) > 0.9
    True
    """,
        parameters=pruner_parameters_doc(),
        attributes=pruner_attributes_doc(),
    )

    _parameter_constraints: dict = {
        **BasePruner._parameter_constraints,
        "hessian": [StrOptions({"gauss-newton", "lecun", "fisher"})],
        "scope": [StrOptions(set(SCOPES))],
        "n_hessian_samples": [Interval(Integral, 1, None, closed="left"), None],
        "first_order": ["boolean"],
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
        hessian="gauss-newton",
        scope="global",
        n_hessian_samples=None,
        first_order=False,
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
        self.hessian = hessian
        self.scope = scope
        self.n_hessian_samples = n_hessian_samples
        self.first_order = first_order

    _scores_attribute = "saliencies_"

    def _scores(self, model, data, random_state):
        data = data.subsample(self.n_hessian_samples, random_state)
        network = model._network_view()
        if self.hessian == "fisher":
            diagonals = fisher_diagonal(network, data.X, data.Y, data.sample_weight)[0]
        else:
            diagonal = gauss_newton_diagonal if self.hessian == "gauss-newton" else lecun_diagonal
            diagonals = diagonal(network, data.X, data.sample_weight)[0]
        saliencies = [0.5 * h * W * W for h, W in zip(diagonals, model.coefs_)]
        if self.first_order:
            gradients = network.weight_gradients(data.X, data.Y, data.sample_weight)
            saliencies = [s - g * W for s, g, W in zip(saliencies, gradients, model.coefs_)]
        return saliencies
