"""Forward and backward passes of a multi-layer perceptron with masked weights.

Layer ``l`` maps its input ``A_l`` (``n_samples x fan_in``) to
``A_{l+1} = f(A_l W_l + b_l)``; ``f`` is the hidden activation for every layer
but the last, whose activation belongs to the :class:`OutputLoss`.  A mask is a
boolean array shaped like ``W_l``; ``False`` marks a pruned connection, whose
weight is exactly zero and whose gradient is zeroed so that it stays zero.
"""

import numpy as np
import scipy.sparse as sp

from .activations import ACTIVATIONS
from .blocks import block_rows, row_blocks
from .losses import OUTPUT_LOSSES
from .sparse_predict import SPARSE_MIN_ROWS, predict_sparse, sparse_crossover
from .threads import blas_threads_for, layer_flops


# Batches of at most this many rows are predicted in one forward pass.
SMALL_BATCH = 64


def axpy(x, y, a, work):
    """``y += a * x`` in place, using ``work`` (shaped like ``x``) as scratch.

    Plain ufuncs rather than SciPy's BLAS ``axpy``: SciPy may ship its own
    OpenBLAS, whose threads then compete with NumPy's for the same cores.
    """
    np.multiply(x, a, out=work)
    y += work


def _dot(A, W, out):
    """``out[...] = A @ W`` for a dense or sparse ``A``."""
    if sp.issparse(A):
        out[...] = A @ W
    else:
        np.matmul(A, W, out=out)
    return out


def _dot_tn(A, delta, out):
    """``out[...] = A.T @ delta`` for a dense or sparse ``A``."""
    if sp.issparse(A):
        out[...] = A.T @ delta
    else:
        np.matmul(A.T, delta, out=out)
    return out


class Network:
    """A fully connected feed-forward network over existing weight arrays.

    The network does not copy: ``coefs`` and ``intercepts`` are the caller's
    arrays (typically an estimator's ``coefs_`` / ``intercepts_``, or views into a
    flat parameter vector), so updates made through one are seen by the other.

    Parameters
    ----------
    coefs : list of ndarray of shape (fan_in, fan_out)
    intercepts : list of ndarray of shape (fan_out,)
    activation : str
        Hidden activation, a key of ``ACTIVATIONS``.
    output_loss : str or OutputLoss
        Key of ``OUTPUT_LOSSES`` (e.g. ``"log_loss_softmax"``), or the loss itself.
    masks : list of bool ndarray or None
        ``False`` marks a pruned weight. ``None`` means dense.
    loss_scale : float, default=1.0
        Factor on the data term of the loss *value* (not of its gradient).
        scikit-learn's ``MLPRegressor`` reports the squared error averaged
        over outputs while following the gradient of its sum: a regressor
        passes ``1 / n_outputs`` to reproduce its ``loss_``, its stopping rule
        and its L-BFGS iterates.
    inputs : ndarray of int or None, default=None
        The columns of ``X`` the first layer reads (a compacted network's
        ``active_inputs_``); None means all. Every pass takes them from one
        block of rows at a time, so the read columns of all rows are never
        copied at once.
    """

    def __init__(self, coefs, intercepts, activation, output_loss, masks=None, loss_scale=1.0,
                 inputs=None):
        self.inputs = inputs
        self.coefs = coefs
        self.loss_scale = loss_scale
        self.intercepts = intercepts
        self.activation = ACTIVATIONS[activation]
        self.loss = OUTPUT_LOSSES[output_loss] if isinstance(output_loss, str) else output_loss
        self.output_activation = ACTIVATIONS[self.loss.output_activation]
        self.masks = masks
        self._scratch = None
        self._float_mask_cache = None

    @property
    def _float_masks(self):
        """Float copies of the masks of layers that have pruned weights.

        Multiplying a gradient by a same-dtype array is one vectorised pass.
        Made on first use: a forward pass (``predict``) never needs them.
        """
        if self._float_mask_cache is None:
            masks = self.masks or [None] * len(self.coefs)
            self._float_mask_cache = [
                None if mask is None or mask.all() else mask.astype(coef.dtype)
                for mask, coef in zip(masks, self.coefs)
            ]
        return self._float_mask_cache

    @property
    def n_layers(self):
        """Number of weight layers."""
        return len(self.coefs)

    @property
    def layer_units(self):
        """Widths ``[n_features, hidden..., n_outputs]``."""
        return [self.coefs[0].shape[0]] + [W.shape[1] for W in self.coefs]

    @property
    def is_masked(self):
        """Whether any layer has a pruned connection."""
        return any(m is not None for m in self._float_masks)

    def apply_masks(self):
        """Set every pruned weight to exactly zero."""
        for W, m in zip(self.coefs, self._float_masks):
            if m is not None:
                W *= m

    def mask_gradients(self, coef_grads):
        """Zero the gradient of every pruned weight."""
        for G, m in zip(coef_grads, self._float_masks):
            if m is not None:
                G *= m

    def read(self, X):
        """The columns of ``X`` the first layer reads (``X`` itself if all)."""
        if self.inputs is None:
            return X
        return X[:, self.inputs] if sp.issparse(X) else np.take(X, self.inputs, axis=1)

    def forward(self, X, buffers=None, n_layers=None):
        """Activations of every layer (or of the first ``n_layers``).

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        buffers : list of ndarray, optional
            Preallocated outputs, one per layer, with at least ``n_samples`` rows.
        n_layers : int, optional
            Stop after this many layers (all of them by default).

        Returns
        -------
        activations : list of ndarray
            ``[X, A_1, ..., A_L]``; ``A_L`` is the network output.
        """
        n = X.shape[0]
        activations = [self.read(X)]
        last = self.n_layers - 1
        n_layers = self.n_layers if n_layers is None else n_layers
        for layer, (W, b) in enumerate(zip(self.coefs[:n_layers], self.intercepts)):
            if buffers is None:
                dtype = np.result_type(activations[-1].dtype, W.dtype)
                Z = np.empty((n, W.shape[1]), dtype=dtype)
            else:
                Z = buffers[layer][:n]
            _dot(activations[-1], W, Z)
            Z += b
            act = self.output_activation if layer == last else self.activation
            act.forward(Z)
            activations.append(Z)
        return activations

    def _dtype(self, X):
        return np.result_type(X.dtype, *(W.dtype for W in self.coefs))

    def forward_blocks(self, X, n_layers=None, extra_bytes_per_row=0, reserved_bytes=0):
        """Yield ``(rows, activations)`` over blocks of rows of ``X``.

        The activations of all rows are never held at once: a block's
        activations (of the first ``n_layers`` layers), plus
        ``extra_bytes_per_row`` per row and ``reserved_bytes`` in all that
        the caller needs beside them, fit in the block budget of
        :mod:`~skprune._core.blocks`. The activation arrays are reused from
        block to block: read them before asking for the next one.
        """
        n_layers = self.n_layers if n_layers is None else n_layers
        dtype = self._dtype(X)
        widths = [W.shape[1] for W in self.coefs[:n_layers]]
        read = 0 if self.inputs is None else len(self.inputs)  # the columns taken
        row_bytes = dtype.itemsize * (sum(widths) + read) + extra_bytes_per_row
        n_rows = min(X.shape[0], block_rows(row_bytes, reserved_bytes))
        buffers = [np.empty((n_rows, width), dtype=dtype) for width in widths]
        for rows in row_blocks(X.shape[0], row_bytes, reserved_bytes):
            yield rows, self.forward(X[rows], buffers, n_layers)

    def predict(self, X, sparse_below=None, block_size=512):
        """Network output for ``X``, computed block by block.

        Only the output of all rows is held: hidden activations live for one
        block of rows at a time (:meth:`forward_blocks`). Layers whose
        density (fraction of non-zero weights) is at most ``sparse_below``
        are multiplied as CSR matrices (:func:`~skprune._core.sparse_predict.predict_sparse`);
        by default (None), at most the measured crossover
        (:func:`~skprune._core.sparse_predict.sparse_crossover`).
        """
        with blas_threads_for(layer_flops(self, min(X.shape[0], SPARSE_MIN_ROWS))):
            if sparse_below is None:
                sparse_below = sparse_crossover(X.shape[0])
            return self._predict(X, sparse_below, block_size)

    def predict_blocks(self, X, extra_bytes_per_row=0):
        """Yield ``(rows, output)`` over blocks of rows of ``X``, for callers
        that reduce each block's output (to labels, to a loss) instead of
        holding the output of all rows.

        A block is sized by its rows' outputs, plus ``extra_bytes_per_row``
        per row that the caller holds beside them (:meth:`predict` holds the
        hidden activations one block of its own at a time). Which layers
        take the CSR product is chosen once, for the whole batch: a block of
        a large batch is not a small batch (on blocks of 5,115 rows chosen
        one by one, a float64 network at 90% sparsity ran dense).
        """
        n_rows = X.shape[0]
        row_bytes = self._dtype(X).itemsize * self.coefs[-1].shape[1] + extra_bytes_per_row
        sparse_below = sparse_crossover(n_rows)
        # an empty batch still yields its empty output (row_blocks yields no block)
        for rows in row_blocks(n_rows, row_bytes) if n_rows else [slice(0, 0)]:
            yield rows, self.predict(X[rows], sparse_below=sparse_below)

    def _predict(self, X, sparse_below, block_size):
        if sparse_below > 0:  # small batches: no layer is worth a CSR product
            nonzeros = [np.count_nonzero(W) for W in self.coefs]
            if any(nnz <= sparse_below * W.size for nnz, W in zip(nonzeros, self.coefs)):
                return predict_sparse(self, X, nonzeros, sparse_below, block_size)
        n, last = X.shape[0], self.n_layers - 1
        if n <= SMALL_BATCH:  # one block, without the bookkeeping of blocks
            return self.forward(X)[-1]
        blocks = self.forward_blocks(X, last)
        W, b = self.coefs[last], self.intercepts[last]
        out = np.empty((n, W.shape[1]), dtype=self._dtype(X))
        for rows, activations in blocks:
            _dot(activations[-1], W, out[rows])
            out[rows] += b
            self.output_activation.forward(out[rows])
        return out

    def loss_value(self, Y, output, sample_weight=None):
        """The data term of the loss, ``loss_scale`` times the output loss's value."""
        return self.loss_scale * self.loss.value(Y, output, sample_weight)

    def backpropagate(self, activations, delta_out, buffers=None):
        """Yield ``(layer, delta)`` from the last layer to the first.

        ``delta`` is the derivative of the quantity whose output derivative is
        ``delta_out`` w.r.t. the pre-activations of ``layer``.  The caller may
        read each delta before the next one is produced; with ``buffers`` the
        hidden deltas are written into them.
        """
        delta = delta_out
        for layer in range(self.n_layers - 1, -1, -1):
            yield layer, delta
            if layer == 0:
                break
            n = delta.shape[0]
            W = self.coefs[layer]
            if buffers is None:
                prev = np.empty((n, W.shape[0]), dtype=delta.dtype)
            else:
                prev = buffers[layer - 1][:n]
            np.matmul(delta, W.T, out=prev)
            self.activation.backward(activations[layer], prev)
            delta = prev

    def weight_gradients(self, X, Y, sample_weight=None):
        """Gradient of the unpenalised loss w.r.t. every weight matrix (new arrays).

        Accumulated over blocks of rows (:meth:`forward_blocks`): the
        activations and deltas of all rows are never held at once.
        """
        coef_grads = [np.zeros_like(W) for W in self.coefs]
        scratch = [np.empty_like(W) for W in self.coefs]
        sw_sum = X.shape[0] if sample_weight is None else float(sample_weight.sum())
        for _, activations, layer, delta in self.backward_blocks(X, Y, sample_weight, 1.0 / sw_sum):
            coef_grads[layer] += _dot_tn(activations[layer], delta, scratch[layer])
        self.mask_gradients(coef_grads)
        return coef_grads

    def backward_blocks(self, X, Y, sample_weight=None, scale=1.0):
        """Yield ``(rows, activations, layer, delta)`` over blocks of rows.

        The deltas of the loss w.r.t. every layer's pre-activations, from the
        last layer to the first, for one block of rows at a time
        (:meth:`forward_blocks`); the output delta is multiplied by
        ``sample_weight`` (when given) and by ``scale``.
        """
        delta_bytes = self._dtype(X).itemsize * 2 * max(self.layer_units)
        for rows, activations in self.forward_blocks(X, extra_bytes_per_row=delta_bytes):
            output = activations[-1]
            delta_out = self.loss.delta(Y[rows], output, out=np.empty_like(output))
            if sample_weight is not None:
                delta_out *= sample_weight[rows, None]
            if scale != 1.0:
                delta_out *= scale
            for layer, delta in self.backpropagate(activations, delta_out):
                yield rows, activations, layer, delta

    def loss_gradient(
        self,
        X,
        Y,
        sample_weight,
        alpha,
        coef_grads,
        intercept_grads,
        activation_buffers=None,
        delta_buffers=None,
    ):
        """Penalised loss and its gradient, written into the given arrays.

        The loss is ``mean_i L(y_i, f(x_i)) + alpha / 2 * ||W||^2 / sum(w)``,
        with the mean weighted by ``sample_weight`` (the convention of
        scikit-learn's MLP). Gradients of pruned weights are zero.
        """
        n = X.shape[0]
        activations = self.forward(X, activation_buffers)
        output = activations[-1]
        sw_sum = n if sample_weight is None else float(sample_weight.sum())
        loss = self.loss_value(Y, output, sample_weight)
        loss += 0.5 * alpha * sum(float(np.dot(W.ravel(), W.ravel())) for W in self.coefs) / sw_sum

        delta_out = None if delta_buffers is None else delta_buffers[-1][:n]
        delta_out = self.loss.delta(Y, output, out=delta_out)
        if sample_weight is not None:
            delta_out *= sample_weight[:, None]
        delta_out *= 1.0 / sw_sum

        for layer, delta in self.backpropagate(activations, delta_out, delta_buffers):
            _dot_tn(activations[layer], delta, coef_grads[layer])
            np.sum(delta, axis=0, out=intercept_grads[layer])
            if alpha:
                if self._scratch is None:
                    self._scratch = [np.empty_like(W) for W in self.coefs]
                axpy(self.coefs[layer], coef_grads[layer], alpha / sw_sum, self._scratch[layer])
        self.mask_gradients(coef_grads)
        return loss


class FlatParameters:
    """Weights and biases stored in one contiguous vector.

    ``coefs`` and ``intercepts`` are views into ``vector`` (all weights first,
    then all biases, the packing of scikit-learn's L-BFGS), so an optimiser can
    update every parameter with a handful of vectorised operations.
    """

    def __init__(self, shapes, dtype, source=None):
        coef_sizes = [a * b for a, b in shapes]
        bias_sizes = [b for _, b in shapes]
        self.n_coef = sum(coef_sizes)
        self.vector = np.zeros(self.n_coef + sum(bias_sizes), dtype=dtype)
        offsets = np.cumsum([0] + coef_sizes + bias_sizes)
        L = len(shapes)
        self.coefs = [
            self.vector[offsets[i] : offsets[i + 1]].reshape(shapes[i]) for i in range(L)
        ]
        self.intercepts = [
            self.vector[offsets[L + i] : offsets[L + i + 1]] for i in range(L)
        ]
        if source is not None:
            coefs, intercepts = source
            for dst, src in zip(self.coefs + self.intercepts, coefs + intercepts):
                dst[...] = src

    @classmethod
    def from_arrays(cls, coefs, intercepts, dtype):
        """Copy lists of weight and bias arrays into a new flat vector."""
        shapes = [W.shape for W in coefs]
        return cls(shapes, dtype, source=(coefs, intercepts))

    def zeros_like(self):
        """A new zero :class:`FlatParameters` of the same layout."""
        return FlatParameters([W.shape for W in self.coefs], self.vector.dtype)


def free_parameter_mask(network, params):
    """Boolean vector over ``params.vector``: True where a parameter is trainable."""
    if not network.is_masked:
        return None
    keep = np.ones(params.vector.size, dtype=bool)
    keep[: params.n_coef] = np.concatenate([m.ravel() for m in network.masks])
    return keep
