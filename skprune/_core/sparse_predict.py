"""Sparse inference: a network's forward pass with some layers as CSR matrices.

:meth:`~skprune._core.network.Network.predict` multiplies a layer as a CSR
matrix when few enough of its weights remain and the batch is large enough
(:func:`sparse_crossover`); :func:`predict_sparse` is that forward pass. The
layers' CSR matrices are kept from call to call while their weights stay the
same (:func:`cached_transposed_csr`).
"""

import functools
import threading
import weakref

import numpy as np
import scipy.sparse as sp

from .threads import map_blocks_in_threads

try:  # SciPy's CSR kernel itself, which writes into a given output
    from scipy.sparse._sparsetools import csr_matvecs
except ImportError:  # pragma: no cover - a SciPy that moved it: ``@`` does the same
    csr_matvecs = None

try:  # skprune's own kernel (_csr_kernel.c), built at install time where a C compiler is
    from . import _csr_kernel
except ImportError:  # pragma: no cover - installed without a compiler: SciPy's kernel
    _csr_kernel = None

# When ``predict`` multiplies a layer as a CSR matrix: ``(rows, density)``
# pairs, a batch of at least ``rows`` rows taking the CSR product for layers
# at most ``density`` dense (the last pair that applies). The CSR kernels run
# on one core, so the row blocks are shared between as many threads as BLAS
# has (:func:`~skprune._core.threads.map_blocks_in_threads`). Measured by
# benchmarks/bench_sparse_predict.py (784-300-100-10, each path timed in its
# own steady state), on one thread and two alike. With skprune's kernel, on
# 10,000 rows the CSR path breaks even at about 75% sparsity and gains 1.3-1.5x
# at 80%; on 2,048 rows it breaks even at 80-85%, and at 90% still wins on a
# network's first call, which builds the CSR matrices (2.4 ms at 10% density).
# With SciPy's kernel, on 8,192 rows and more it breaks even at about 88-90%
# sparsity in float32 and 85% in float64, and is about 2x faster at 95%; on
# 2,048 rows it breaks even at about 94%. On smaller batches, building the
# CSR matrices and starting the threads costs more than the products save.
if _csr_kernel is not None:
    SPARSE_CROSSOVERS = ((2048, 0.10), (8192, 0.20))
else:  # pragma: no cover - installed without a compiler
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


# The layers' CSR matrices, kept between calls while their weights stay as
# they are: building one costs 1.2 ms for a 784 x 300 layer (5% of a
# 10,000-row predict at 95% sparsity, a quarter of a 2,048-row one);
# checking that its weights have not changed, 0.03 ms beyond counting its
# non-zeros, which choosing the layer's product does anyway. An entry is
# keyed by the weight array's id and holds a weak reference to it: it goes
# when the array goes, and never keeps one alive. Single dict operations
# are atomic, so threads predicting at once at worst build a matrix twice
# (no lock: the weak reference's callback may run inside any allocation).
_csr_cache = {}


def cached_transposed_csr(W, dtype, nonzeros):
    """``W.T`` as a CSR matrix of ``dtype`` (:func:`_transposed_csr`),
    reused from an earlier call while ``W`` holds the same weights.

    ``nonzeros`` is ``np.count_nonzero(W)``. A kept matrix is reused when
    ``W`` has as many non-zeros as it has entries and, at each entry's
    position, the entry's value (in ``dtype``): then the entries are all of
    ``W``'s non-zeros, and the matrix is the one a new build would give.
    Weights written in place (retraining, pruning, a user's edit) fail the
    check and the matrix is built again.
    """
    key = id(W)
    entry = _csr_cache.get(key)
    if entry is not None:
        reference, csr, columns = entry
        if (reference() is W and csr.dtype == dtype and csr.nnz == nonzeros
                and csr.shape == W.shape[::-1]
                and np.array_equal(W[csr.indices, columns].astype(dtype, copy=False), csr.data)):
            return csr
    csr = _transposed_csr(W, dtype)
    # the column of W each entry came from (its row in W.T)
    columns = np.repeat(np.arange(csr.shape[0], dtype=csr.indices.dtype), np.diff(csr.indptr))
    forget = functools.partial(_csr_cache.pop, key, None)  # bound now: safe at interpreter exit
    _csr_cache[key] = (weakref.ref(W, lambda _: forget()), csr, columns)
    return csr


# the compiled kernel's function for each dtype it multiplies
_COMPILED_PRODUCTS = {np.dtype(np.float32): "add_csr_product_float32",
                      np.dtype(np.float64): "add_csr_product_float64"}


def _add_csr_product(W, A, out):
    """``out += W @ A`` for a CSR ``W`` and C-contiguous ``A`` and ``out``
    of ``W``'s dtype, without the new array ``W @ A`` would allocate.

    skprune's compiled kernel keeps a strip of each output row in registers
    while it adds the row's entries (on a 784 x 300 layer at 80-98%
    sparsity, one thread: 1.7-2.1x the speed of SciPy's kernel in float32,
    1.1-2.1x in float64; benchmarks/bench_csr_kernel.py); SciPy's kernel
    does the product where it is not built, and for int64 indices.
    """
    if not (A.flags.c_contiguous and out.flags.c_contiguous and A.dtype == out.dtype == W.dtype):
        out += W @ A
    elif (_csr_kernel is not None and W.dtype in _COMPILED_PRODUCTS
          and W.indices.dtype == W.indptr.dtype == np.int32):
        product = getattr(_csr_kernel, _COMPILED_PRODUCTS[W.dtype])
        product(W.shape[0], W.shape[1], A.shape[1], W.indptr, W.indices, W.data, A, out)
    elif csr_matvecs is not None:
        csr_matvecs(W.shape[0], W.shape[1], A.shape[1], W.indptr, W.indices, W.data, A.ravel(), out.ravel())
    else:  # pragma: no cover
        out += W @ A


def predict_sparse(network, X, nonzeros, sparse_below, block_size):
    """``network.predict(X)`` with CSR products for the layers of density at
    most ``sparse_below`` (``nonzeros``: each layer's number of non-zero
    weights).

    The sparse path works in the transposed layout (``Z^T = W^T A^T``, so
    that the CSR kernel reads contiguous rows) and in blocks of
    ``block_size`` samples that stay in cache, shared between threads;
    each thread reuses its own buffers from block to block (a fresh
    array per block costs a page fault per 4 KiB, which took as long as
    the products). The result equals the dense arithmetic up to rounding,
    and does not depend on the number of threads.
    """
    dtype = network._dtype(X)
    layers = [
        (cached_transposed_csr(W, dtype, nnz) if nnz <= sparse_below * W.size
         else np.ascontiguousarray(W.T, dtype=dtype), b.astype(dtype, copy=False)[:, None])
        for W, b, nnz in zip(network.coefs, network.intercepts, nonzeros)
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

    # the CSR kernels run on one core: the blocks share the cores instead
    map_blocks_in_threads(predict_block, range(0, n, block_size))
    network.output_activation.forward(out)
    return out
