"""The one surface between the networks and the code that prunes them.

Pruners, criteria and :mod:`skprune.model_selection` talk to a fitted
``PrunableMLPClassifier`` / ``PrunableMLPRegressor`` through these protected
methods and nothing else:

============================================  ==============================================
``_network_view()``                           a :class:`~skprune._core.network.Network` over
                                              the estimator's own arrays and masks, for
                                              forward passes and curvature
``_training_arrays(X, y, sample_weight)``     the data as the network trains on it
``_evaluate(X, Y, y, sample_weight)``         training loss and score of the network
``_retrain(X, y, sample_weight, n_epochs)``   masked retraining, continuing the solver
                                              (or restarting it: rewinding)
``_commit(masks, coefs, intercepts)``         new masks (and weights); pruned weights zeroed
``_remove_hidden_units(layer, keep)``         delete hidden units
``_compact_in_place()``                       delete the units pruning left dead
``_initialize_only(X, y)``                    the initial weights, untrained (pruning at
                                              initialisation)
============================================  ==============================================

Every structural edit of a network -- masks, weights written by a
criterion, deleted units -- is in this module.
"""

import copy
import warnings

import numpy as np
from sklearn.base import is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.multiclass import unique_labels
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from .._core.activations import ACTIVATIONS
from .._core.network import Network


class PruningSurfaceMixin:
    """The pruning state of a network, and the protected methods that read and edit it."""

    def __getattr__(self, name):
        # A network whose fitted state was set by hand (``coefs_`` and
        # ``intercepts_``, as scikit-learn's own tests build one) gets masks
        # that keep every weight the first time they are read; edits of them
        # in place then stick, as on a fitted network.
        coefs = self.__dict__.get("coefs_")
        if name != "masks_" or coefs is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        self.masks_ = [np.ones(np.shape(W), dtype=bool) for W in coefs]
        return self.masks_

    @property
    def n_params_(self):
        """Number of weights and biases of the network, pruned or not."""
        check_is_fitted(self)
        return int(sum(W.size + b.size for W, b in zip(self.coefs_, self.intercepts_)))

    @property
    def n_nonzero_params_(self):
        """Number of weights and biases that are not zero."""
        check_is_fitted(self)
        return int(
            sum(
                np.count_nonzero(W) + np.count_nonzero(b)
                for W, b in zip(self.coefs_, self.intercepts_)
            )
        )

    @property
    def sparsity_(self):
        """Fraction of connection weights pruned (biases are never pruned)."""
        check_is_fitted(self)
        total = sum(m.size for m in self.masks_)
        kept = sum(int(np.count_nonzero(m)) for m in self.masks_)
        return 1.0 - kept / total

    def _checked_masks(self, layer_units):
        """Current masks as fresh boolean arrays, checked against the layers."""
        masks = getattr(self, "masks_", None)
        if masks is None:
            return [np.ones((a, b), dtype=bool) for a, b in zip(layer_units, layer_units[1:])]
        if len(masks) != len(layer_units) - 1:
            raise ValueError(
                f"masks_ has {len(masks)} arrays but the network has "
                f"{len(layer_units) - 1} weight layers."
            )
        checked = []
        for i, (mask, shape) in enumerate(zip(masks, zip(layer_units, layer_units[1:]))):
            mask = np.asarray(mask)
            if mask.shape != shape:
                raise ValueError(
                    f"masks_[{i}] has shape {mask.shape}, expected {shape} "
                    f"(the shape of coefs_[{i}])."
                )
            checked.append(mask.astype(bool, copy=True))
        return checked


    def _network_view(self, coefs=None, intercepts=None):
        """A :class:`Network` over this estimator's (or the given) arrays and masks.

        It shares the arrays, so a criterion's in-place writes are seen by the
        estimator; write through :meth:`_commit` instead, which keeps the
        masks and weights consistent.
        """
        return Network(
            self.coefs_ if coefs is None else coefs,
            self.intercepts_ if intercepts is None else intercepts,
            self.activation,
            f"{self.loss}_{self.out_activation_}",
            getattr(self, "masks_", None),
            self._loss_scale(),
            getattr(self, "active_inputs_", None),
        )

    def _loss_scale(self):
        """Factor on the reported loss (see :class:`~skprune._core.network.Network`)."""
        return 1.0

    def _training_arrays(self, X, y, sample_weight=None):
        """``(X, Y, y, sample_weight)`` as the fitted network trains on them.

        ``X`` in the network's dtype, ``Y`` the targets encoded as output
        units (one-hot for classifiers), ``y`` as ``score`` takes them.
        """
        X, y = validate_data(
            self, X, y, accept_sparse=["csr", "csc"], reset=False,
            dtype=(np.float64, np.float32), multi_output=True,
            y_numeric=not is_classifier(self),
        )
        # all the columns: the network takes those it reads block by block
        X = X.astype(self.coefs_[0].dtype, copy=False)
        if is_classifier(self):
            unseen = np.setdiff1d(unique_labels(y), self.classes_)
            if unseen.size:
                raise ValueError(
                    f"y has labels the fitted network has no output for: {unseen.tolist()}; "
                    f"its classes_ are {self.classes_.tolist()}. Prune with data of "
                    "those classes only, or refit the network (prefit=False)."
                )
        Y = self._encode_targets(y, X.dtype)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype)
        return X, Y, y, sample_weight

    def _evaluate(self, X, Y, y, sample_weight=None):
        """``(loss, score)``: the training loss without penalty, and accuracy or R^2.

        ``X, Y, y`` as returned by :meth:`_training_arrays`. A network whose
        output is not finite scores NaN.
        """
        network = self._network_view()
        n_rows = X.shape[0]
        total = n_rows if sample_weight is None else float(np.sum(sample_weight))
        if n_rows == 0 or total <= 0:
            output = network.predict(X)
            loss = float(network.loss_value(Y, output, sample_weight))
            return loss, float(self._score_output(output, y, sample_weight))
        # block by block: the outputs of all rows are never held, only the
        # predicted labels (or values) that the score compares with y
        loss, finite, predictions = 0.0, True, []
        # beside a block's output, the loss's temporaries of the same shape
        loss_bytes = network._dtype(X).itemsize * network.coefs[-1].shape[1]
        for rows, output in network.predict_blocks(X, extra_bytes_per_row=loss_bytes):
            weights = None if sample_weight is None else sample_weight[rows]
            part = rows.stop - rows.start if weights is None else float(weights.sum())
            if part > 0:
                loss += part * float(network.loss_value(Y[rows], output, weights))
            finite = finite and bool(np.isfinite(output).all())
            predictions.append(self._predict_from_output(output))
        if not finite:
            return loss / total, np.nan
        y_pred = np.concatenate(predictions)
        return loss / total, float(self._score_function(y, y_pred, sample_weight=sample_weight))

    def _retrain(self, X, y, sample_weight=None, n_epochs=1, learning_rate=None, restart=False):
        """Train with the masks fixed: ``n_epochs`` epochs (iterations for lbfgs),
        or, ``n_epochs="auto"``, until the network's own stopping rule ends it.

        With a number, the stochastic solvers continue with the optimiser
        state of the previous training, as ``n_epochs`` calls to
        ``partial_fit`` would: a fresh Adam takes steps of the full learning
        rate on every weight at first, which undoes much of what the network
        had learnt (on Digits at 95% sparsity, 0.92 against 0.94 accuracy).
        lbfgs, early stopping and ``"auto"`` retrain by a warm-started
        ``fit``, limited to ``n_epochs`` iterations or to ``max_iter`` with
        the network's ``tol`` and ``n_iter_no_change``.

        ``learning_rate`` replaces ``learning_rate_init`` of the stochastic
        solvers (and of the optimiser state they continue) for this call only.
        ``restart`` starts a fresh optimiser whatever ``n_epochs`` (a warm
        started ``fit``), as rewinding does.
        """
        saved = {k: getattr(self, k) for k in ("warm_start", "max_iter", "learning_rate_init")}
        stochastic = self.solver in ("sgd", "adam")
        if learning_rate is not None and stochastic:
            self._set_optimizer_rate(learning_rate)
        try:
            with warnings.catch_warnings():
                # A fixed retraining budget is not expected to converge.
                warnings.simplefilter("ignore", ConvergenceWarning)
                if n_epochs != "auto" and stochastic and not self.early_stopping and not restart:
                    return self._fit(X, y, sample_weight, incremental=True, n_epochs=n_epochs)
                self.set_params(warm_start=True, max_iter=self.max_iter if n_epochs == "auto" else n_epochs)
                return self.fit(X, y, sample_weight=sample_weight)
        finally:
            self.set_params(**saved)
            if learning_rate is not None and stochastic:
                # the next partial_fit continues at the network's own rate
                self._set_optimizer_rate(saved["learning_rate_init"])

    def _set_optimizer_rate(self, learning_rate):
        """Set ``learning_rate_init``, and the rate of the optimiser state ``partial_fit`` continues."""
        self.learning_rate_init = learning_rate
        optimizer = getattr(self, "_optimizer", None)
        if optimizer is not None:
            optimizer.learning_rate_init = learning_rate
            optimizer.learning_rate = float(learning_rate)

    # ------------------------------------------------------------------
    # Structural edits
    # ------------------------------------------------------------------
    def _commit(self, masks=None, coefs=None, intercepts=None):
        """Write a pruning round into the network, in place.

        Parameters
        ----------
        masks : list of bool ndarray, optional
            The new masks, one per layer shaped like ``coefs_``, or None for
            the current ones. Entries may be None to keep a layer's mask.
        coefs, intercepts : list of ndarray, optional
            New weights of the layers (entries None to keep a layer's), for
            criteria that move the surviving weights (OBS, unit removal);
            cast to the network's dtype.

        Every weight a mask removes is set to exactly zero; with no argument,
        the current masks are applied (after a hand edit of ``masks_``).
        """
        n_layers = len(self.coefs_)
        self._checked_masks([self.coefs_[0].shape[0]] + [W.shape[1] for W in self.coefs_])
        masks = [None] * n_layers if masks is None else list(masks)
        coefs = [None] * n_layers if coefs is None else coefs
        intercepts = [None] * n_layers if intercepts is None else intercepts
        for layer, (W, b) in enumerate(zip(self.coefs_, self.intercepts_)):
            mask = self.masks_[layer] if masks[layer] is None else masks[layer]
            if mask.shape != W.shape:
                raise ValueError(
                    f"The mask of layer {layer} has shape {mask.shape}, expected "
                    f"{W.shape} (the shape of coefs_[{layer}])."
                )
            if coefs[layer] is not None:
                W[...] = coefs[layer]
            if intercepts[layer] is not None:
                b[...] = intercepts[layer]
            W[~mask] = 0.0
            self.masks_[layer] = mask

    def _remove_hidden_units(self, layer, keep):
        """Delete hidden units: their incoming column, bias and outgoing row.

        Parameters
        ----------
        layer : int
            Index of the hidden layer (0 is the first).
        keep : bool ndarray of shape (n_units,)
            The units to keep.

        ``hidden_layer_sizes`` follows the new widths; the stochastic
        optimiser's state, shaped for the old network, is dropped.
        """
        keep = np.asarray(keep, dtype=bool)
        self.coefs_ = list(self.coefs_)
        self.intercepts_ = list(self.intercepts_)
        self.masks_ = list(self.masks_)
        self.coefs_[layer] = np.ascontiguousarray(self.coefs_[layer][:, keep])
        self.intercepts_[layer] = self.intercepts_[layer][keep].copy()
        self.masks_[layer] = self.masks_[layer][:, keep].copy()
        self.coefs_[layer + 1] = np.ascontiguousarray(self.coefs_[layer + 1][keep])
        self.masks_[layer + 1] = self.masks_[layer + 1][keep].copy()
        self.hidden_layer_sizes = tuple(W.shape[1] for W in self.coefs_[:-1])
        self.__dict__.pop("_optimizer", None)

    def compact(self):
        """An equivalent network without dead hidden units.

        Units with no remaining outgoing weight are deleted; units with no
        remaining incoming weight output a constant, which is folded into the
        next layer's biases before they are deleted. Inputs that no connection
        reads are dropped from ``coefs_[0]``: the network still takes all
        ``n_features_in_`` columns and reads only ``active_inputs_``, so
        removing features makes prediction faster in proportion. Predictions are the same
        up to rounding, and ``hidden_layer_sizes``, ``coefs_``,
        ``intercepts_`` and ``masks_`` shrink. The estimator itself is left
        as it is.

        Returns
        -------
        compacted : estimator of the same class
            A fitted copy.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from skprune import PrunableMLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = PrunableMLPClassifier((6,), solver="lbfgs", max_iter=1000,
        ...                             random_state=0).fit(X, y)
        >>> clf.masks_[1][:2] = False   # units 0 and 1 no longer reach the output
        >>> clf = clf.set_params(warm_start=True).fit(X, y)
        >>> clf.compact().hidden_layer_sizes
        (4,)
        """
        check_is_fitted(self)
        self._checked_masks([self.coefs_[0].shape[0]] + [W.shape[1] for W in self.coefs_])
        return copy.deepcopy(self)._compact_in_place()

    def _predict_network(self, n_rows):
        """The network to predict ``n_rows`` all-column rows with.

        It takes the columns it reads block by block. Gathering them costs
        more than multiplying the dropped ones by zero rows unless many were
        dropped (``benchmarks/bench_inference.py``: at 10,000 x 784, taking 644
        columns costs 2.3 ms, the product with the 140 others 3.4 ms, and a
        CSR first layer skips them anyway): large batches of a network that
        reads more than 80% of its inputs are multiplied by the first layer
        padded with zero rows.
        """
        active = getattr(self, "active_inputs_", None)
        if active is not None and n_rows >= 2048 and active.size > 0.8 * self.n_features_in_:
            network = self._network_view([self._full_first_layer()] + self.coefs_[1:])
            network.inputs = None
            return network
        return self._network_view()

    def _compact_inputs(self):
        """Drop the inputs no connection reads; ``active_inputs_`` remembers the rest."""
        read = self.coefs_[0].any(axis=1)
        if read.all():
            return
        if not read.any():
            read[0] = True  # keep one (silent) input, as a layer keeps one unit
        previous = getattr(self, "active_inputs_", np.arange(read.size))
        self.active_inputs_ = previous[read]
        self.coefs_ = [np.ascontiguousarray(self.coefs_[0][read])] + list(self.coefs_[1:])
        self.masks_ = [self.masks_[0][read].copy()] + list(self.masks_[1:])
        self.__dict__.pop("_optimizer", None)

    def _full_first_layer(self):
        """``coefs_[0]`` with a zero row for every input compaction dropped."""
        active = getattr(self, "active_inputs_", None)
        if active is None:
            return self.coefs_[0]
        W = np.zeros((self.n_features_in_, self.coefs_[0].shape[1]), self.coefs_[0].dtype)
        W[active] = self.coefs_[0]
        return W

    def _compact_in_place(self):
        """Delete the hidden units that cannot affect the output.

        A unit with no remaining outgoing weight is deleted. A unit with no
        remaining incoming weight outputs the constant ``f(b)``; that constant
        times its outgoing weights is added to the next layer's biases, and
        the unit is deleted. Deleting units can leave others dead, so the
        passes repeat until nothing changes. A layer keeps at least one unit
        (with no outgoing weight if all were dead), so the architecture stays
        valid.
        """
        activation = ACTIVATIONS[self.activation]
        changed = True
        while changed:
            changed = False
            for layer in range(len(self.coefs_) - 1):
                W_in, b_in = self.coefs_[layer], self.intercepts_[layer]
                W_out, b_out = self.coefs_[layer + 1], self.intercepts_[layer + 1]
                constant = ~W_in.any(axis=0) & W_out.any(axis=1)
                if constant.any():
                    value = b_in[constant].astype(np.float64)[None, :]
                    activation.forward(value)
                    b_out += (value @ W_out[constant]).ravel().astype(b_out.dtype)
                    W_out[constant] = 0.0
                dead = ~W_out.any(axis=1)
                if dead.all():
                    dead[0] = False  # keep one (silent) unit
                if dead.any():
                    self._remove_hidden_units(layer, ~dead)
                    changed = True
        self._compact_inputs()
        return self
