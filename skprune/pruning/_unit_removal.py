"""Hidden-unit removal with least-squares compensation (Castellano et al. 1997)."""

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from .._core.curvature import input_grams
from .._core.linalg import check_gram_size
from .._core.threads import blas_threads_for_downdates
from .._meta import fill_doc
from ._allocation import n_to_prune
from ._base import BasePruner
from ._data import Round
from ._docs import UNIT_SPARSITY_DOC, pruner_attributes_doc, pruner_parameters_doc
from ._row_removal import RowRemoval


class UnitRemovalPruner(BasePruner):
    __doc__ = fill_doc(
        """Remove whole hidden units and compensate in the least-squares sense.

    The method of Castellano, Fanelli & Pelillo (1997): repeatedly delete a
    hidden unit ``h`` of layer ``l`` and adjust the weights leaving the other
    units of that layer so that the next layer's input changes as little as
    possible over the training set, i.e. solve
    :math:`\\min_\\delta \\lVert Y_{-h} \\delta - y_h w_h^T \\rVert^2` with ``Y`` the layer's outputs
    (and a column of ones, so that the next biases are compensated too) and
    ``w_h`` the unit's outgoing weights. With :math:`G = Y^T Y` this is
    :math:`\\delta = -G^{-1} e_h w_h^T / [G^{-1}]_{hh}` -- an OBS step on whole rows --
    and one rank-one downdate of :math:`G^{-1}` per removal replaces a fresh
    least-squares solve over all samples. The unit's incoming column, bias
    and outgoing row are then deleted: the network really shrinks.

    Parameters
    ----------${parameters}
    criterion : {"contribution", "error"}, default="contribution"
        Which unit goes next. "contribution": the smallest :math:`\\lVert y_h \\rVert \\, \\lVert w_h \\rVert`,
        the size of the unit's output times that of its outgoing weights (the
        rule of the original report). "error": the smallest least-squares
        residual left after compensation, :math:`\\lVert w_h \\rVert^2 / [G^{-1}]_{hh}`.

    layers : "all" or list of int, default="all"
        The hidden layers (0 is the first) to shrink; they are processed in
        order, each on the outputs of the already reduced layers before it.

    compensate : bool, default=True
        Solve for the compensating weights. False only deletes units (the
        control that shows what compensation buys).

    tol : float, default=None
        Stop removing units, in the current and later rounds, before the
        removal that would lower the training score by more than ``tol``
        below that of the network before pruning (the stopping rule of the
        original method). None removes all ``sparsity`` asks for.

    Attributes
    ----------${attributes}
    See Also
    --------
    OBSPruner : The same compensation for single weights.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skprune import PrunableMLPClassifier, UnitRemovalPruner
    >>> X, y = load_digits(return_X_y=True)
    >>> net = PrunableMLPClassifier((40,), max_iter=300, random_state=0).fit(X / 16, y)
    >>> pruner = UnitRemovalPruner(net, sparsity=0.5, criterion="error",
    ...                            prefit=True).fit(X / 16, y)
    >>> pruner.estimator_.hidden_layer_sizes, pruner.estimator_.coefs_[0].shape
    ((20,), (64, 20))
    >>> pruner.score(X / 16, y) > 0.97
    True
    """,
        parameters=pruner_parameters_doc(
            "Fraction of the hidden units of each selected layer removed at the\n"
            "end (rounded to the nearest unit, per layer).",
            sparsity_type="float in [0, 1)",
        ),
        attributes=pruner_attributes_doc(UNIT_SPARSITY_DOC),
    )

    _parameter_constraints: dict = {
        **BasePruner._parameter_constraints,
        "sparsity": [Interval(Real, 0, 1, closed="left")],  # a fraction of units, not per layer
        "criterion": [StrOptions({"contribution", "error"})],
        "layers": [StrOptions({"all"}), "array-like"],
        "compensate": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="left"), None],
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
        criterion="contribution",
        layers="all",
        compensate=True,
        tol=None,
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
        self.criterion = criterion
        self.layers = layers
        self.compensate = compensate
        self.tol = tol

    # ------------------------------------------------------------------
    def _selected_layers(self, n_hidden):
        if isinstance(self.layers, str):
            return list(range(n_hidden))
        layers = [int(layer) for layer in np.atleast_1d(self.layers)]
        wrong = [layer for layer in layers if not 0 <= layer < n_hidden]
        if wrong or not layers:
            raise ValueError(
                f"layers={self.layers!r} names hidden layers that do not exist: the "
                f"network has {n_hidden} hidden layer(s), numbered 0 to {n_hidden - 1}."
            )
        return sorted(set(layers))

    def _check_model(self, model, max_level):
        if hasattr(model, "coefs_"):
            widths = [W.shape[1] for W in model.coefs_[:-1]]
        else:
            widths = [int(w) for w in np.atleast_1d(model.hidden_layer_sizes)]
        if not widths:
            raise ValueError("UnitRemovalPruner needs a network with a hidden layer.")
        for layer in self._selected_layers(len(widths)):
            check_gram_size(widths[layer], f"Hidden layer {layer} has {widths[layer]} units")
            if n_to_prune(widths[layer], max_level) >= widths[layer]:
                raise ValueError(
                    f"sparsity={max_level:g} would remove every unit of hidden layer "
                    f"{layer} ({widths[layer]} units); choose a smaller sparsity."
                )

    _level_name = "unit_sparsity"
    _keeps_shape = False

    def _model_sparsity(self, model, reference):
        layers = self._selected_layers(len(reference.coefs_) - 1)
        before = sum(reference.coefs_[layer].shape[1] for layer in layers)
        after = sum(model.coefs_[layer].shape[1] for layer in layers)
        return 1.0 - after / before

    def _prune(self, model, data, sparsity, random_state):
        layers = self._selected_layers(len(data.reference.coefs_) - 1)
        baseline = None
        if self.tol is not None:
            baseline = _training_score(data.reference, data)
        for layer in layers:
            original = data.reference.coefs_[layer].shape[1]
            removed = original - model.coefs_[layer].shape[1]
            n_remove = n_to_prune(original, sparsity) - removed
            if n_remove > 0 and self._remove_units(model, data, layer, n_remove, baseline):
                return Round(stop=True)
        return Round()

    def _remove_units(self, model, data, layer, n_remove, baseline):
        """Remove ``n_remove`` units of hidden ``layer``; True if ``tol`` stopped it."""
        gram, = input_grams(model._network_view(), data.X, data.sample_weight, [layer + 1])
        units = RowRemoval(gram, model.coefs_[layer + 1], model.intercepts_[layer + 1])
        alive = np.ones(units.n_inputs, dtype=bool)
        stopped = False
        with blas_threads_for_downdates(units.gram_inv.size):
            for _ in range(n_remove):
                if self.criterion == "error":
                    score = units.errors()
                else:
                    score = units.input_norms * np.sqrt(units.row_norms_sq())
                score[~alive] = np.inf
                h = int(np.argmin(score))
                if baseline is not None:
                    saved = units.W_bar.copy(), units.gram_inv.copy()
                units.remove(h, compensate=self.compensate)
                alive[h] = False
                if baseline is not None:
                    _write_next_layer(model, layer, units.W_bar)
                    if _training_score(model, data) < baseline - self.tol:
                        units.W_bar, units.gram_inv = saved
                        alive[h] = True
                        stopped = True
                        break
        _write_next_layer(model, layer, units.W_bar)
        model._remove_hidden_units(layer, alive)
        return stopped


def _write_next_layer(model, layer, W_bar):
    """Commit the compensated weights and biases ``W_bar`` of layer ``layer + 1``."""
    coefs, intercepts = [None] * len(model.coefs_), [None] * len(model.coefs_)
    coefs[layer + 1], intercepts[layer + 1] = W_bar[:-1], W_bar[-1]
    model._commit(coefs=coefs, intercepts=intercepts)


def _training_score(model, data):
    """The model's score on the pruning data (accuracy or R^2)."""
    return model._evaluate(data.X, data.Y, data.y, data.sample_weight)[1]
