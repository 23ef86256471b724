"""What Optimal Brain Surgeon's rounds hold in memory: one estimate per method.

The estimates are checked against ``max_hessian_mb`` before any work and
against traced peaks in the tests (``tests/test_obs.py``); the algorithms
themselves read only the block sizes defined here.
"""

import numpy as np

from .._core.blocks import block_budget

MiB = 2**20
# Numbers in one block of back-propagated directions when the global budget is
# allocated (2 MiB in float64).
CURVATURE_BLOCK = 2**18
# Numbers held by one batch of the exact layer-wise solver's downdated
# inverses (its trace of weights holds as many again).
EXACT_BLOCK = 2**23
# At most this many bytes of hidden activations of all rows are kept between
# the passes of a layer-wise round (:func:`activation_cache_bytes`).
ACTIVATION_CACHE_BYTES = 2**28


def gauss_newton_block(n_free):
    """Numbers in one block of Jacobian rows: an eighth of the Hessian, at least 2**18."""
    return max(2**18, n_free**2 // 8)


def exact_batch(d):
    """Columns of a ``d``-input layer the exact solver takes at once."""
    return max(1, EXACT_BLOCK // d**2)


def row_block_bytes(model, n_rows):
    """Bytes of one block of rows of every layer's activations."""
    all_rows = model.coefs_[0].dtype.itemsize * n_rows * sum(W.shape[1] for W in model.coefs_)
    return min(block_budget(), all_rows)


def round_overhead_bytes(model, n_rows):
    """Bytes a round takes around any criterion: copies of the parameters, and
    the pass that scores the network on the data (a block of rows, the
    encoded targets of all rows, and their predicted labels or values with
    the copies the score makes of them)."""
    itemsize = model.coefs_[0].dtype.itemsize
    return (3 * 8 * model.n_params_ + itemsize * n_rows * model.n_outputs_
            + 3 * 8 * n_rows + row_block_bytes(model, n_rows))


def full_obs_mb(model, n_rows):
    """``(MiB, n_free)``: the peak memory full OBS adds, and its Hessian's size."""
    n_free = sum(int(m.sum()) for m in model.masks_) + sum(b.size for b in model.intercepts_)
    block = max(gauss_newton_block(n_free), model.n_outputs_ * model.n_params_)
    # the Hessian (inverted in place) and up to three blocks of Jacobian rows
    need = 8 * n_free**2 + 3 * 8 * block + round_overhead_bytes(model, n_rows)
    return need / MiB, n_free


def activation_cache_bytes(model, n_rows):
    """Bytes of the activations a layer-wise round keeps for all rows: the
    dense network's hidden outputs, and the pruned network's outputs of two
    consecutive layers."""
    hidden = [W.shape[1] for W in model.coefs_[:-1]]
    if not hidden:
        return 0
    return model.coefs_[0].dtype.itemsize * n_rows * (sum(hidden) + 2 * max(hidden))


def layerwise_obs_mb(model, X, global_scope, exact_layers, cached=False):
    """``(MiB, layer)``: the peak memory layer-wise OBS adds, and the layer that needs it.

    ``exact_layers[l]`` says whether layer ``l`` runs the exact solver;
    ``cached``, whether the round keeps activations of all rows.
    """
    n, itemsize = X.shape[0], model.coefs_[0].dtype.itemsize
    sparse = hasattr(X, "tocsr")
    widths = [W.shape[0] + 1 for W in model.coefs_]
    # the global allocation's pass: every layer's Gram matrix (accumulated
    # and normalised), one inverse at a time, blocks of rows and of
    # back-propagated curvature directions (and their copies)
    curvature = 0
    if global_scope:
        widest = max(W.shape[1] for W in model.coefs_)
        curvature = (2 * 8 * sum(d**2 for d in widths) + 8 * max(widths) ** 2
                     + 3 * 8 * min(CURVATURE_BLOCK, n * model.n_outputs_ * widest))
    peaks = []
    for layer, W in enumerate(model.coefs_):
        d, fan_out = W.shape[0] + 1, W.shape[1]
        # a batch of downdated inverses and its trace of weights
        solver = 2 * 8 * min(exact_batch(d), fan_out) * d**2 if exact_layers[layer] else 0
        # a block's Gram product (a sparse one is held sparse, 12 bytes a
        # number, then dense), the accumulated and normalised Gram matrices
        product = (20 if layer == 0 and sparse else itemsize) * d**2
        # W_bar, the refit, the cross products and the solvers' row blocks
        columns = 6 * 8 * d * fan_out
        # a block of rows of the dense and the pruned network
        rows = 2 * row_block_bytes(model, n)
        peaks.append(max(2 * 8 * d**2 + product + solver + columns + rows, curvature))
    cache = activation_cache_bytes(model, n) if cached else 0
    peaks = [peak + cache + round_overhead_bytes(model, n) for peak in peaks]
    layer = int(np.argmax(peaks))
    return peaks[layer] / MiB, layer
