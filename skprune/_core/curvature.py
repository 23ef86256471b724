"""Curvature primitives that pruning criteria build on.

All quantities are those of the *mean* training loss
``(1 / sum(w)) * sum_i w_i L(y_i, f(x_i))`` (``w = 1`` without sample weights)
and every one is assembled from matrix products: there is no Python loop over
samples or weights, only over layers and, for the Gauss-Newton diagonal, over
output units.
"""

import numpy as np
import scipy.sparse as sp
from scipy.linalg import get_blas_funcs

from .blocks import block_budget, row_blocks
from .linalg import symmetrize
from .threads import passes_over_rows

from .network import _dot_tn


def _square(A):
    return A.multiply(A).tocsr() if sp.issparse(A) else A * A


def _backward(directions, W):
    """``directions @ W.T`` for stacked ``(n, n_outputs, k)`` directions, as one 2-D product.

    NumPy runs the stacked product as ``n`` small ones; one ``(n * n_outputs, k)``
    product gives the same numbers several times faster.
    """
    n, n_outputs, k = directions.shape
    return (directions.reshape(n * n_outputs, k) @ W.T).reshape(n, n_outputs, -1)


def _normalised_weights(n_samples, sample_weight, dtype):
    if sample_weight is None:
        return np.full(n_samples, 1.0 / n_samples, dtype=dtype)
    sample_weight = np.asarray(sample_weight, dtype=dtype)
    return sample_weight / sample_weight.sum()


@passes_over_rows
def input_norms(network, X, sample_weight=None):
    """Root mean square of every layer's inputs, ``sqrt(sum_i w_i a_ij^2)``.

    One array per layer, of its fan-in (``X``'s read columns for the first
    layer), with ``w`` the normalised sample weights; from one forward pass
    over blocks of rows. The feature norm of Wanda (Sun et al. 2023, eq. 1).
    """
    sums = [np.zeros(n, dtype=np.float64) for n in network.layer_units[:-1]]
    weights = _normalised_weights(X.shape[0], sample_weight, np.float64)
    for rows, activations in network.forward_blocks(X, n_layers=network.n_layers - 1):
        for total, A in zip(sums, activations):
            total += np.asarray(_square(A).T @ weights[rows]).ravel()
    return [np.sqrt(total) for total in sums]


@passes_over_rows
def gauss_newton_diagonal(network, X, sample_weight=None, max_block_size=2**22, coefs=True):
    """Exact diagonal of the Gauss-Newton matrix ``sum_i w_i J_i^T H_i J_i``.

    ``J_i`` is the Jacobian of the output pre-activations w.r.t. the parameters
    and ``H_i = F_i F_i^T`` the curvature of the loss w.r.t. them (LeCun,
    Denker & Solla 1990 use its diagonal; Hassibi & Stork 1993 the full matrix).
    Column ``o`` of ``F_i`` back-propagated through the network gives the
    directions ``delta^(o)``; the diagonal for weight ``(j, k)`` of layer ``l``
    is then ``sum_i w_i A_ij^2 sum_o (delta^(o)_ik)^2``. All output directions
    are back-propagated together as one stacked product per layer, and the sum
    over ``o`` is taken before the product with ``A^2``, so the cost is about
    ``n_outputs`` backward passes of the (narrower) upper layers plus one
    product per layer.

    Parameters
    ----------
    network : Network
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    sample_weight : ndarray of shape (n_samples,), default=None
    max_block_size : int, default=2**22
        Samples are processed in blocks so that the stacked directions hold at
        most about this many numbers.
    coefs : bool, default=True
        Whether to compute the weights' diagonal; without it (None is
        returned in its place) only the biases' diagonal is computed, which is
        also the mean curvature of the loss w.r.t. each layer's
        pre-activations.

    Returns
    -------
    coef_diagonals : list of ndarray shaped like the weights, or None
    intercept_diagonals : list of ndarray shaped like the biases
    """
    return _gauss_newton_pass(network, X, sample_weight, max_block_size, coefs)


@passes_over_rows
def unit_curvatures_and_grams(network, X, sample_weight=None, max_block_size=2**22, keep_hidden=False):
    """The biases' Gauss-Newton diagonal and every layer's input Gram matrix, in one pass.

    The first is :func:`gauss_newton_diagonal` with ``coefs=False`` (the
    mean curvature of the loss w.r.t. each unit's pre-activation), the second
    :func:`input_grams`; both read the same forward activations, so the data
    are read once for the two.

    With ``keep_hidden``, the hidden layers' outputs of all rows are kept
    too, for a caller that would otherwise compute them again.

    Returns
    -------
    intercept_diagonals : list of ndarray shaped like the biases
    grams : list of ndarray, one ``(fan_in + 1, fan_in + 1)`` per layer
    hidden : list of ndarray of shape (n_samples, width), or None
        With ``keep_hidden``, the input of every layer but the first
        (``[None, A_1, ..., A_{L-1}]``).
    """
    equations = [NormalEquations(units) for units in network.layer_units[:-1]]
    hidden = None
    if keep_hidden:
        dtype = network._dtype(X)
        hidden = [None] + [np.empty((X.shape[0], units), dtype) for units in network.layer_units[1:-1]]
    _, intercept_diag = _gauss_newton_pass(network, X, sample_weight, max_block_size, False,
                                           equations, hidden)
    return intercept_diag, [equation.result() for equation in equations], hidden


def _gauss_newton_pass(network, X, sample_weight, max_block_size, coefs, equations=None, hidden=None):
    """The loop of :func:`gauss_newton_diagonal` (and of
    :func:`unit_curvatures_and_grams`, which passes ``equations`` to
    accumulate each layer's input Gram matrix on the way, and ``hidden`` to
    keep the hidden layers' outputs).

    The forward pass runs over large blocks of rows (:meth:`Network.forward_blocks`);
    the back-propagated directions, ``n_outputs`` times wider, over
    sub-blocks of them of at most ``max_block_size`` numbers.
    """
    n_samples = X.shape[0]
    weights = _normalised_weights(n_samples, sample_weight, network.coefs[0].dtype)
    n_outputs = network.layer_units[-1]
    widest = max(network.layer_units)
    sub_block = max(1, max_block_size // (n_outputs * widest))
    # a block's activations, and beside them one sub-block's stacked
    # directions and the two temporaries of a backward step (at most half
    # the budget), all within the block budget (scikit-learn's working_memory)
    itemsize = network._dtype(X).itemsize
    direction_row = itemsize * 3 * n_outputs * widest
    sub_block = min(sub_block, max(1, block_budget() // 2 // direction_row))
    weighted_bytes = itemsize * widest * (sample_weight is not None and equations is not None)
    coef_diag = [np.zeros_like(W) for W in network.coefs] if coefs else None
    intercept_diag = [np.zeros_like(b) for b in network.intercepts]
    for rows, activations in network.forward_blocks(X, extra_bytes_per_row=weighted_bytes,
                                                    reserved_bytes=direction_row * sub_block):
        if equations is not None:
            sw = None if sample_weight is None else sample_weight[rows]
            for layer, equation in enumerate(equations):
                equation.add(activations[layer], None, sw)
        if hidden is not None:
            for kept, A in zip(hidden[1:], activations[1:]):
                kept[rows] = A
        block_weights = weights[rows]
        for start in range(0, rows.stop - rows.start, sub_block):
            sub = slice(start, min(start + sub_block, rows.stop - rows.start))
            _accumulate_gauss_newton(network, [A[sub] for A in activations], block_weights[sub],
                                     coef_diag, intercept_diag)
    return coef_diag, intercept_diag


def _accumulate_gauss_newton(network, activations, weights, coef_diag, intercept_diag):
    """Add the Gauss-Newton diagonal of the rows of ``activations``."""
    factor = network.loss.hessian_factor(activations[-1])
    factor *= np.sqrt(weights)[:, None, None]
    # directions[i, o, :] = column o of F_i, back-propagated layer by layer
    directions = factor.transpose(0, 2, 1)
    for layer in range(network.n_layers - 1, -1, -1):
        squared_sum = np.einsum("iok,iok->ik", directions, directions)
        if coef_diag is not None:
            coef_diag[layer] += _dot_tn(
                _square(activations[layer]), squared_sum, np.empty_like(coef_diag[layer])
            )
        intercept_diag[layer] += squared_sum.sum(axis=0)
        if layer:
            directions = _backward(directions, network.coefs[layer])
            derivative = network.activation.derivative(activations[layer])
            directions *= derivative[:, None, :]


@passes_over_rows
def fisher_diagonal(network, X, Y, sample_weight=None):
    """Diagonal of the empirical Fisher matrix ``sum_i w_i g_i g_i^T``.

    ``g_i`` is the gradient of the loss of sample ``i``; for weight ``(j, k)``
    of layer ``l`` it is ``A_ij delta_ik``, so the diagonal is
    ``(A^2)^T (w * delta^2)`` -- one matrix product per layer.
    """
    weights = _normalised_weights(X.shape[0], sample_weight, network._dtype(X))
    coef_diag = [np.zeros_like(W) for W in network.coefs]
    intercept_diag = [np.zeros_like(b) for b in network.intercepts]
    for rows, activations, layer, delta in network.backward_blocks(X, Y):
        weighted_sq = delta * delta * weights[rows, None]
        coef_diag[layer] += _dot_tn(
            _square(activations[layer]), weighted_sq, np.empty_like(network.coefs[layer])
        )
        intercept_diag[layer] += weighted_sq.sum(axis=0)
    return coef_diag, intercept_diag


class NormalEquations:
    """Normal equations of the least-squares fit of ``Z`` on ``[A, 1]``, over blocks of rows.

    :meth:`add` accumulates the sums of ``[A, 1]^T diag(w) [A, 1]`` and
    ``[A, 1]^T diag(w) Z`` block by block (each block's products in ``A``'s
    own dtype, at BLAS speed for float32 networks, added in float64), so no
    pass ever holds more than one block of rows; :meth:`result` divides by
    ``sum(w)``. A sparse ``A`` stays sparse: its Gram matrix is a sparse
    product, never a dense copy of the data.
    """

    def __init__(self, fan_in, n_targets=None):
        self.gram = np.zeros((fan_in + 1, fan_in + 1))
        self.cross = None if n_targets is None else np.zeros((fan_in + 1, n_targets))
        self.total = 0.0

    def add(self, A, Z=None, sample_weight=None):
        """Add the rows ``A`` (and their targets ``Z``), weighted by ``sample_weight``."""
        sparse = sp.issparse(A)
        A = A.tocsr() if sparse else np.asarray(A)
        fan_in = A.shape[1]
        if sample_weight is None:
            w, Aw, total = None, A, float(A.shape[0])
        else:
            w = np.asarray(sample_weight, dtype=A.dtype)
            Aw = A.multiply(w[:, None]).tocsr() if sparse else A * w[:, None]
            total = float(w.sum())
        product = Aw.T @ A
        self.gram[:fan_in, :fan_in] += product.toarray() if sparse else product
        del product
        column_sums = np.asarray(Aw.sum(axis=0), dtype=np.float64).ravel()
        self.gram[:fan_in, fan_in] += column_sums
        self.gram[fan_in, :fan_in] += column_sums
        self.gram[fan_in, fan_in] += total
        self.total += total
        if Z is not None:
            Z = np.asarray(Z, dtype=A.dtype)
            self.cross[:fan_in] += Aw.T @ Z
            self.cross[fan_in] += Z.sum(axis=0) if w is None else w @ Z
        return self

    def result(self):
        """``gram`` (and ``cross`` when targets were given), divided by ``sum(w)``."""
        total = self.total if self.total > 0 else 1.0
        gram = self.gram / total
        return gram if self.cross is None else (gram, self.cross / total)


def augmented_normal_equations(A, Z=None, sample_weight=None):
    """Normal equations of the least-squares fit of ``Z`` on ``[A, 1]``.

    Returns ``[A, 1]^T D [A, 1]`` and (when ``Z`` is given) ``[A, 1]^T D Z``,
    ``D = diag(w) / sum(w)``, in float64 with the bias row and column last;
    the data are read in blocks of rows (:class:`NormalEquations`).
    """
    n_targets = None if Z is None else Z.shape[1]
    equations = NormalEquations(A.shape[1], n_targets)
    row_bytes = A.dtype.itemsize * (A.shape[1] * (sample_weight is not None) + (n_targets or 0))
    for rows in row_blocks(A.shape[0], row_bytes + 8):
        equations.add(
            A[rows],
            None if Z is None else Z[rows],
            None if sample_weight is None else sample_weight[rows],
        )
    return equations.result()


@passes_over_rows
def input_grams(network, X, sample_weight=None, layers=None):
    """Augmented Gram matrices ``[A_l, 1]^T D [A_l, 1]`` of the inputs of ``layers``.

    ``A_l`` is the input of layer ``l`` (``X`` for the first), ``D`` as in
    :func:`augmented_normal_equations`: the layer-wise OBS Hessian (Dong, Chen
    & Pan 2017) and the Gram matrix of least-squares unit removal. All of
    them come from one forward pass over blocks of rows.
    """
    layers = list(range(network.n_layers)) if layers is None else list(layers)
    equations = {layer: NormalEquations(network.layer_units[layer]) for layer in layers}
    weighted_bytes = network._dtype(X).itemsize * max(network.layer_units) * (sample_weight is not None)
    blocks = network.forward_blocks(X, n_layers=max(layers), extra_bytes_per_row=weighted_bytes)
    for rows, activations in blocks:
        weights = None if sample_weight is None else sample_weight[rows]
        for layer in layers:
            equations[layer].add(activations[layer], None, weights)
    return [equations[layer].result() for layer in layers]


@passes_over_rows
def lecun_diagonal(network, X, sample_weight=None):
    """Diagonal second derivatives by the recursion of LeCun, Denker & Solla (1990).

    Second derivatives w.r.t. the pre-activations are propagated backwards
    as if the Hessian were diagonal at every layer (eq. 7 of the paper, with
    the Levenberg-Marquardt approximation that drops the ``f''`` terms and
    keeps every estimate non-negative)::

        D_L = diag of d2L/dz2 at the output,
        D_l = f'(z_l)^2 * (D_{l+1} @ (W_{l+1}^2)^T),

    and the diagonal for weight ``(j, k)`` of layer ``l`` is
    ``sum_i w_i A_ij^2 D_ik`` (eq. 6). Unlike :func:`gauss_newton_diagonal`,
    the cross terms between units of a layer are ignored, so the cost is one
    backward pass instead of one per output unit.
    """
    weights = _normalised_weights(X.shape[0], sample_weight, network._dtype(X))
    coef_diag = [np.zeros_like(W) for W in network.coefs]
    intercept_diag = [np.zeros_like(b) for b in network.intercepts]
    curvature_bytes = network._dtype(X).itemsize * 2 * max(network.layer_units)
    for rows, activations in network.forward_blocks(X, extra_bytes_per_row=curvature_bytes):
        D = network.loss.curvature_diagonal(activations[-1]) * weights[rows, None]
        for layer in range(network.n_layers - 1, -1, -1):
            A = activations[layer]
            coef_diag[layer] += _dot_tn(_square(A), D, np.empty_like(network.coefs[layer]))
            intercept_diag[layer] += D.sum(axis=0)
            if layer:
                W = network.coefs[layer]
                derivative = network.activation.derivative(A)
                D = (D @ (W * W).T) * derivative * derivative
    return coef_diag, intercept_diag


def gauss_newton_matrix(network, X, sample_weight=None, free=None, max_block_size=2**24):
    """The Gauss-Newton matrix ``sum_i w_i J_i^T H_i J_i`` over all parameters.

    Parameters are ordered as in :class:`~skprune._core.network.FlatParameters`
    (every weight matrix row by row, then every bias vector). For each sample
    and output direction ``o`` (a column of ``H_i``'s factor) the row
    ``F_i[:, o]^T J_i`` of the stacked Jacobian is the outer product of the
    layer input with the back-propagated direction; the matrix is then
    ``G^T G`` accumulated over blocks of samples by a symmetric rank-k update
    (BLAS ``syrk``) into one triangle of the result, in place.

    Parameters
    ----------
    network : Network
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    sample_weight : ndarray of shape (n_samples,), default=None
    free : bool ndarray of shape (n_params,), default=None
        Restrict the matrix to these parameters (e.g. the unpruned ones).
    max_block_size : int, default=2**24
        Bound on the numbers held by one block of Jacobian rows. A block
        makes about three such arrays at once (per-layer rows, the stacked
        rows, the selected columns): the memory beyond the result is about
        ``3 * 8 * max_block_size`` bytes.

    Returns
    -------
    H : ndarray of shape (n_free, n_free), float64
    """
    n_samples = X.shape[0]
    weights = _normalised_weights(n_samples, sample_weight, np.float64)
    n_params = sum(W.size + b.size for W, b in zip(network.coefs, network.intercepts))
    columns = None if free is None else np.flatnonzero(free)
    n_free = n_params if columns is None else columns.size
    n_outputs = network.layer_units[-1]
    block = max(1, max_block_size // (n_outputs * n_params))
    H = np.zeros((n_free, n_free))
    syrk = get_blas_funcs("syrk", (H,))
    for start in range(0, n_samples, block):
        rows = slice(start, min(start + block, n_samples))
        activations = network.forward(X[rows])
        factor = network.loss.hessian_factor(activations[-1]).astype(np.float64)
        factor *= np.sqrt(weights[rows])[:, None, None]
        directions = factor.transpose(0, 2, 1)  # (n, n_outputs, units)
        coef_rows, bias_rows = [None] * network.n_layers, [None] * network.n_layers
        for layer in range(network.n_layers - 1, -1, -1):
            A = activations[layer]
            A = (A.toarray() if sp.issparse(A) else A).astype(np.float64)
            coef_rows[layer] = np.einsum("ij,iok->iojk", A, directions).reshape(
                A.shape[0] * n_outputs, -1
            )
            bias_rows[layer] = directions.reshape(A.shape[0] * n_outputs, -1)
            if layer:
                directions = _backward(directions, network.coefs[layer].astype(np.float64))
                derivative = network.activation.derivative(activations[layer])
                directions *= derivative[:, None, :]
        del activations, factor, directions
        G = np.hstack(coef_rows + bias_rows)
        del coef_rows, bias_rows
        if columns is not None:
            G = G[:, columns]
        # H.T is a Fortran view of the symmetric H: syrk adds G^T G to its
        # upper triangle (H's lower one) in place.
        updated = syrk(1.0, G.T, beta=1.0, c=H.T, trans=0, lower=0, overwrite_c=1)
        if not np.shares_memory(updated, H):  # pragma: no cover - BLAS made a copy
            H[...] = updated.T
        del G
    symmetrize(H, from_lower=True)
    return H
