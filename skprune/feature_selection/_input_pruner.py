"""InputPruner: remove whole input units of a network, as a feature selector."""

from numbers import Integral, Real

import numpy as np
from sklearn.feature_selection import SelectorMixin
from sklearn.utils._param_validation import HasMethods, Interval, RealNotInt, StrOptions
from sklearn.utils.validation import _num_features, check_is_fitted

from .._core.curvature import augmented_normal_equations, gauss_newton_diagonal
from .._core.linalg import check_gram_size
from .._core.threads import blas_threads_for_downdates
from .._meta import fill_doc
from ..pruning._allocation import n_to_prune
from ..pruning._base import BasePruner
from ..pruning._docs import FEATURE_SPARSITY_DOC, RETRAIN_PARAMETERS_DOC, REWIND_DOC, pruner_attributes_doc
from ..pruning._row_removal import RowRemoval


class InputPruner(SelectorMixin, BasePruner):
    __doc__ = fill_doc(
        """Select features by removing whole input units of a trained network.

    Removing input ``j`` deletes every connection leaving it. With
    ``criterion="compensation"`` the remaining first-layer weights then move
    to keep the first layer's pre-activations as close as possible over the
    training set: the least-squares compensation of Castellano, Fanelli &
    Pelillo (1997) applied to the input layer, where the Gram matrix is the
    inputs' own, :math:`G = [X, 1]^T [X, 1]`. The input removed next is the one
    whose removal, after the best compensation, changes the pre-activations
    least, :math:`\\lVert w_j \\rVert^2 / [G^{-1}]_{jj}`; removing it is one rank-one downdate of
    :math:`G^{-1}` (Stahlberger & Riedmiller 1997 call this unit-OBS). The selector
    sees the non-linear interactions the network learnt, and compensates for
    what it removes.

    It is a scikit-learn feature selector (``get_support``, ``transform``,
    ``inverse_transform``, ``get_feature_names_out``, ``set_output``) and it
    predicts with its pruned network, which keeps accepting all
    ``n_features_in_`` columns (as :class:`~sklearn.feature_selection.RFE`
    predicts with its estimator).

    Parameters
    ----------
    estimator : PrunableMLPClassifier, PrunableMLPRegressor, MLPClassifier or \\
MLPRegressor, default=None
        The network to train and prune; None means ``PrunableMLPClassifier()``.

    n_features_to_select : int or float, default=None
        Features to keep: a number, a fraction of the features (a float in
        (0, 1)), or None for half of them; at least one is kept.

    criterion : {"compensation", "obd", "magnitude"}, default="compensation"
        "compensation": the least-squares error of the first layer's
        pre-activations after compensation, one input at a time. "obd": the
        Optimal Brain Damage saliency of the input's whole row of weights on
        the network's loss, :math:`\\sum_k h_{jk} w_{jk}^2 / 2` (Gauss-Newton
        diagonal). "magnitude": the row's norm :math:`\\lVert w_j \\rVert`, the control.

    n_steps : int or "auto", default="auto"
        Rounds of removal (the same number of features each), each followed by
        ``retrain_iter`` epochs; scores are recomputed in every round. "auto"
        is one round per halving of the features kept
        (:func:`~skprune.pruning.halving_rounds`): one round for half of them,
        and one round without retraining (``retrain_iter=0``).

${retrain}
    prefit : bool, default=False
        Select with an already fitted ``estimator`` instead of fitting it.

    memory : str or joblib.Memory, default=None
        Cache of the dense fit.

    random_state : int, RandomState instance or None, default=None
        Seeds the estimator when it has no ``random_state`` of its own.

    verbose : int, default=0
        1 prints one line per round (scores, the round's time and the total);
        2 also a line as each round starts pruning and as it starts retraining.

    compact : bool, default=False
        Compact ``estimator_``: it then reads only the selected columns
        (``active_inputs_``), so prediction is faster in proportion.

${rewind}
    Attributes
    ----------${attributes}
    support_ : ndarray of shape (n_features,)
        The selected features.

    n_features_ : int
        Their number.

    ranking_ : ndarray of shape (n_features,)
        1 for a selected feature; the removed ones ranked as
        :class:`~sklearn.feature_selection.RFE` ranks them, the last removed
        2, the first removed the highest; inputs already pruned before the
        fit (a row of ``masks_[0]`` set to False by hand) rank last of all.

    See Also
    --------
    UnitRemovalPruner : The same compensation for hidden units.
    sklearn.feature_selection.RFE : Recursive elimination by a model's weights.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skprune import PrunableMLPClassifier
    >>> from skprune.feature_selection import InputPruner
    >>> X, y = make_classification(n_samples=300, n_features=8, n_informative=3,
    ...                            n_redundant=0, shuffle=False, random_state=0)
    >>> net = PrunableMLPClassifier((16,), solver="lbfgs", max_iter=500, random_state=0)
    >>> selector = InputPruner(net, n_features_to_select=3).fit(X, y)
    >>> selector.get_support(indices=True)
    array([0, 1, 2])
    >>> selector.transform(X).shape
    (300, 3)
    """,
        retrain=RETRAIN_PARAMETERS_DOC.rstrip("\n") + "\n",
        rewind=REWIND_DOC,
        attributes=pruner_attributes_doc(FEATURE_SPARSITY_DOC),
    )

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit"]), None],
        "n_features_to_select": [
            None,
            Interval(RealNotInt, 0, 1, closed="neither"),
            Interval(Integral, 1, None, closed="left"),
        ],
        "criterion": [StrOptions({"compensation", "obd", "magnitude"})],
        "n_steps": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "retrain_iter": [Interval(Integral, 0, None, closed="left"), StrOptions({"auto"})],
        "retrain_learning_rate": [Interval(Real, 0, None, closed="neither"), None],
        "prefit": ["boolean"],
        "memory": [None, str, HasMethods(["cache"])],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "compact": ["boolean"],
        "rewind": BasePruner._parameter_constraints["rewind"],
        "distill": BasePruner._parameter_constraints["distill"],
        "distill_temperature": BasePruner._parameter_constraints["distill_temperature"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_features_to_select=None,
        criterion="compensation",
        n_steps="auto",
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
        self.estimator = estimator
        self.n_features_to_select = n_features_to_select
        self.criterion = criterion
        self.n_steps = n_steps
        self.retrain_iter = retrain_iter
        self.retrain_learning_rate = retrain_learning_rate
        self.prefit = prefit
        self.memory = memory
        self.random_state = random_state
        self.verbose = verbose
        self.compact = compact
        self.rewind = rewind
        self.distill = distill
        self.distill_temperature = distill_temperature

    # ------------------------------------------------------------------
    # The schedule in features
    # ------------------------------------------------------------------
    def _n_keep(self, n_features):
        if self.n_features_to_select is None:
            return max(1, n_features // 2)  # one feature is kept, as a fraction keeps one
        if isinstance(self.n_features_to_select, Integral):
            if self.n_features_to_select > n_features:
                raise ValueError(
                    f"n_features_to_select={self.n_features_to_select} is more than the "
                    f"{n_features} features of X."
                )
            return int(self.n_features_to_select)
        return max(1, int(self.n_features_to_select * n_features))

    def _target(self, X):
        try:
            n_features = _num_features(X)
        except TypeError:
            n_features = 0
        if n_features == 0:
            return 0.0  # the network's own validation says what is wrong
        return 1.0 - self._n_keep(n_features) / n_features

    def _schedule(self, model, data, target):
        n_features = model.coefs_[0].shape[0]
        n_remove = int(round(target * n_features))
        n_rounds = self._n_rounds(0.0, n_remove / n_features)
        counts = np.round(np.linspace(0, n_remove, n_rounds + 1)[1:])
        return counts / n_features

    def _check_model(self, model, max_level):
        if hasattr(model, "active_inputs_"):
            raise ValueError(
                "InputPruner needs a network that reads all its inputs; this one was "
                "compacted (active_inputs_). Use the network before compact()."
            )
        if hasattr(model, "coefs_"):
            self._check_gram(model.coefs_[0].shape[0])

    def _check_gram(self, n_features):
        """The compensation's Gram matrix over the inputs must fit (before any work)."""
        if self.criterion == "compensation":
            check_gram_size(n_features, f"X has {n_features} features")

    _level_name = "feature_sparsity"
    _level_parameter = None

    def _model_sparsity(self, model, reference):
        return float(np.mean(~model.masks_[0].any(axis=1)))

    # ------------------------------------------------------------------
    # The round
    # ------------------------------------------------------------------
    def _prune(self, model, data, level, random_state):
        W, b = model.coefs_[0], model.intercepts_[0]
        alive = model.masks_[0].any(axis=1)
        n_remove = n_to_prune(W.shape[0], level) - int((~alive).sum())
        if n_remove <= 0:
            return None
        if self.criterion == "compensation":
            self._check_gram(W.shape[0])
            removed, W_new, b_new = _remove_with_compensation(W, b, alive, data, n_remove)
        else:
            if self.criterion == "magnitude":
                score = np.sqrt(np.einsum("jk,jk->j", W, W))
            else:
                diagonal = gauss_newton_diagonal(model._network_view(), data.X, data.sample_weight)[0][0]
                score = 0.5 * np.einsum("jk,jk,jk->j", diagonal, W, W)
            score = np.where(alive, score, np.inf)
            removed = list(np.argsort(score, kind="stable")[:n_remove])
            W_new, b_new = None, None
        data.notes.setdefault("removed", []).extend(int(j) for j in removed)
        mask = model.masks_[0].copy()
        mask[removed] = False
        n_layers = len(model.coefs_)
        coefs, intercepts = [W_new] + [None] * (n_layers - 1), [b_new] + [None] * (n_layers - 1)
        model._commit([mask] + [None] * (n_layers - 1), coefs, intercepts)
        return None

    def _finish(self, model, data):
        alive = model.masks_[0].any(axis=1)
        self.support_ = alive
        self.n_features_ = int(alive.sum())
        ranking = np.ones(alive.size, dtype=int)
        removed = data.notes.get("removed", [])
        for position, j in enumerate(removed):  # the last removed ranks 2
            ranking[j] = len(removed) - position + 1
        # inputs pruned before the fit (by hand) were removed first of all
        ranking[~data.reference.masks_[0].any(axis=1)] = len(removed) + 2
        self.ranking_ = ranking

    def _get_support_mask(self):
        check_is_fitted(self)
        return self.support_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        # By default half the features go: on a two-feature problem (the one
        # scikit-learn's checks score on) one of two informative features is
        # removed, and no network can then reach the checks' accuracy.
        for kind in (tags.classifier_tags, tags.regressor_tags):
            if kind is not None:
                kind.poor_score = True
        return tags


def _remove_with_compensation(W, b, alive, data, n_remove):
    """Greedy least-squares removal of ``n_remove`` inputs, one at a time.

    Returns the removed inputs in order and the compensated first-layer
    weights and biases.
    """
    gram = augmented_normal_equations(data.X, None, data.sample_weight)
    inputs = RowRemoval(gram, W, b)
    for j in np.flatnonzero(~alive):  # inputs already removed leave the problem first
        inputs.remove(j)
    alive = alive.copy()
    removed = []
    with blas_threads_for_downdates(inputs.gram_inv.size):
        for _ in range(n_remove):
            error = inputs.errors()
            error[~alive] = np.inf
            j = int(np.argmin(error))
            inputs.remove(j)
            alive[j] = False
            removed.append(j)
    return removed, inputs.W_bar[:-1], inputs.W_bar[-1]
