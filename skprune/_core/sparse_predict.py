"""Sparse inference: a network's forward pass with some layers as CSR matrices.

:meth:`~skprune._core.network.Network.predict` multiplies a layer as a CSR
matrix when few enough of its weights remain and the batch is large enough
(:func:`sparse_crossover`); :func:`predict_sparse` is that forward pass.
"""

import threading

import numpy as np
import scipy.sparse as sp

from .threads import map_blocks_in_threads

# When ``predict`` multiplies a layer as a CSR matrix: ``(rows, density)``
# pairs, a batch of at least ``rows`` rows taking the CSR product for layers
# at most ``density`` dense (the last pair that applies). SciPy's CSR product
# runs on one core, so the row blocks are shared between as many threads as
# BLAS has (:func:`~skprune._core.threads.map_blocks_in_threads`). Measured
# by benchmarks/bench_sparse_predict.py (784-300-100-10, each path timed in
# its own steady state), on one thread and two alike: on 8,192 rows and more
# the CSR path breaks even at about 88-90% sparsity in float32 and 85% in
# float64, and is about 2x faster at 95%; on 2,048 rows it breaks even at
# about 94%. On smaller batches, building the CSR matrices and starting the
# threads costs more than the products save.
SPARSE_CROSSOVERS = ((2048, 0.06), (8192, 0.10))
SPARSE_MIN_ROWS = SPARSE_CROSSOVERS[0][0]


def sparse_crossover(n_rows):
    """Density at most which a layer is multiplied as a CSR matrix, for a
    batch of ``n_rows`` rows (0: never)."""
    density = 0.0
    for rows, below in SPARSE_CROSSOVERS:
        if n_rows >= rows:
            density = below
    return density


try:  # SciPy's CSR kernel itself, which writes into a given output
    from scipy.sparse._sparsetools import csr_matvecs
except ImportError:  # pragma: no cover - a SciPy that moved it: ``@`` does the same
    csr_matvecs = None


def _transposed_csr(W, dtype):
    """``W.T`` as a CSR matrix of ``dtype``, with its zeros left out.

    Built from the flat positions of the non-zeros of ``W.T`` (row ``k //
    fan_in``, column ``k % fan_in``), which takes 0.7 of the time of
    ``csr_matrix(W.T)``'s route through coordinates.
    """
    W_t = np.ascontiguousarray(W.T, dtype=dtype)
    n_rows, n_columns = W_t.shape
    flat = np.flatnonzero(W_t)
    index = np.int32 if W_t.size < np.iinfo(np.int32).max else np.int64
    indices = (flat % n_columns).astype(index)
    indptr = np.searchsorted(flat, np.arange(n_rows + 1) * n_columns).astype(index)
    return sp.csr_matrix((W_t.ravel()[flat], indices, indptr), shape=W_t.shape)


def _add_csr_product(W, A, out):
    """``out += W @ A`` for a CSR ``W`` and C-contiguous ``A`` and ``out``
    of ``W``'s dtype, without the new array ``W @ A`` would allocate."""
    if csr_matvecs is None or not (A.flags.c_contiguous and out.flags.c_contiguous
                                   and A.dtype == out.dtype == W.dtype):
        out += W @ A
        return
    csr_matvecs(W.shape[0], W.shape[1], A.shape[1], W.indptr, W.indices, W.data, A.ravel(), out.ravel())


def predict_sparse(network, X, densities, sparse_below, block_size):
    """``network.predict(X)`` with CSR products for the layers of density at
    most ``sparse_below`` (``densities``: each layer's fraction of non-zero
    weights).

    The sparse path works in the transposed layout (``Z^T = W^T A^T``, so
    that SciPy's CSR kernel reads contiguous rows) and in blocks of
    ``block_size`` samples that stay in cache, shared between threads;
    each thread reuses its own buffers from block to block (a fresh
    array per block costs a page fault per 4 KiB, which took as long as
    the products). The result equals the dense arithmetic up to rounding,
    and does not depend on the number of threads.
    """
    dtype = network._dtype(X)
    layers = [
        (_transposed_csr(W, dtype) if d <= sparse_below
         else np.ascontiguousarray(W.T, dtype=dtype), b.astype(dtype, copy=False)[:, None])
        for W, b, d in zip(network.coefs, network.intercepts, densities)
    ]
    n = X.shape[0]
    out = np.empty((n, network.coefs[-1].shape[1]), dtype=dtype)
    last = network.n_layers - 1
    # the transposed input block, then every layer's output (a sparse
    # input is multiplied as it is: no buffer, which could be as wide as
    # a text vocabulary)
    widths = [0 if sp.issparse(X) else network.coefs[0].shape[0]] + [W.shape[1] for W in network.coefs]
    workspace = threading.local()

    def predict_block(start):
        rows = slice(start, min(start + block_size, n))
        n_rows = rows.stop - rows.start
        if not hasattr(workspace, "buffers"):  # one set per thread, for every block
            workspace.buffers = [np.empty(width * block_size, dtype) for width in widths]
        # C-contiguous (width, n_rows) views of the front of each buffer
        buffers = [buffer[: width * n_rows].reshape(width, n_rows)
                   for buffer, width in zip(workspace.buffers, widths)]
        A = network.read(X[rows])
        if sp.issparse(A):  # sparse input: the first layer as a CSR product of X
            A_t = None
        else:
            A_t = buffers[0]
            np.copyto(A_t, A.T)
        for layer, (W_t, b) in enumerate(layers):
            Z = buffers[layer + 1]
            if A_t is None:
                Z[...] = (A @ network.coefs[0]).T
                Z += b
            elif sp.issparse(W_t):
                np.copyto(Z, b)  # the kernel adds to it: no pass to zero it
                _add_csr_product(W_t, A_t, Z)
            else:
                np.matmul(W_t, A_t, out=Z)
                Z += b
            if layer < last:
                network.activation.forward(Z)
            A_t = Z
        out[rows] = A_t.T

    # SciPy's CSR product runs on one core: the blocks share the cores instead
    map_blocks_in_threads(predict_block, range(0, n, block_size))
    network.output_activation.forward(out)
    return out
