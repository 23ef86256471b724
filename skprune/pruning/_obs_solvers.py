"""Optimal Brain Surgeon solvers on a given quadratic model.

All solvers minimise, one removal at a time or block by block, the increase of
a quadratic model ``(w' - w)^T H (w' - w) / 2`` under the constraint that the
removed weights are zero. For a single removal of ``q`` (Hassibi & Stork 1993,
eqs. 4-5)::

    L_q = w_q^2 / (2 [H^-1]_qq),      dw = -(w_q / [H^-1]_qq) H^-1 e_q,

and dropping ``q`` from the problem is the rank-one downdate
``H^-1 <- H^-1 - H^-1 e_q e_q^T H^-1 / [H^-1]_qq``, after which row and column
``q`` are zero, so later steps leave ``w_q`` at zero.

Everything here works on float64 NumPy arrays and knows nothing of networks.
"""

import warnings

import numpy as np
from scipy.linalg import LinAlgError, get_blas_funcs, lapack

from .._core.linalg import symmetrize
from .._core.threads import blas_threads_for_factorisation, downdates
from ..exceptions import NumericalWarning
from ._allocation import n_to_prune
from ._obs_memory import EXACT_BLOCK

_TINY = 1e-300


def damped_inverse(H, damping, overwrite=False):
    """``(H + lambda I)^-1`` by Cholesky, with ``lambda = damping * mean(diag H)``.

    The factorisation and the inversion run in place in one ``n x n`` array
    (``H`` itself with ``overwrite=True``), so the peak memory is that of one
    matrix beside ``H``, or none. If the damped matrix is not positive
    definite (a singular ``H`` with ``damping=0``, or rounding), ``lambda``
    grows tenfold until it is, with a warning.

    Returns
    -------
    H_inv : ndarray of shape H.shape, C-contiguous
    lambda_ : float
        The damping actually added to the diagonal.
    """
    n = len(H)
    diagonal = np.diag(H).astype(np.float64)
    scale = float(np.mean(diagonal)) if n else 1.0
    scale = scale if np.isfinite(scale) and scale > 0 else 1.0
    A = H if overwrite and H.dtype == np.float64 and H.flags.c_contiguous else np.array(H, np.float64)
    # A is symmetric: its transpose is a Fortran-ordered view of the same
    # matrix that LAPACK works on in place. "Upper" for LAPACK is A's lower
    # triangle; A's strict upper triangle keeps H for a retry.
    lam = damping * scale
    with blas_threads_for_factorisation(n):
        return _factorise_and_invert(A, diagonal, scale, damping, lam)


def _factorise_and_invert(A, diagonal, scale, damping, lam):
    """The loop of :func:`damped_inverse`: raise ``lam`` until ``A + lam I``
    is positive definite, then invert it in place."""
    n = len(A)
    for _ in range(20):
        A.flat[:: n + 1] = diagonal + lam
        factor, info = lapack.dpotrf(A.T, lower=0, clean=0, overwrite_a=1)
        if info == 0:
            inverse, info = lapack.dpotri(factor, lower=0, overwrite_c=1)
            if info == 0:
                symmetrize(A, from_lower=True)
                if np.isfinite(A).all():
                    if lam > damping * scale:
                        warnings.warn(
                            f"The Hessian is singular; damping was raised to "
                            f"{lam / scale:.3g} x its mean diagonal.",
                            NumericalWarning,
                            stacklevel=4,
                        )
                    return A, lam
                raise LinAlgError("The inverse Hessian is not finite.")
        symmetrize(A, from_lower=False)  # restore H from its intact upper triangle
        lam = max(10 * lam, 1e-10 * scale)
    raise LinAlgError("The Hessian could not be regularised into a positive definite matrix.")


def obs_downdate(H_inv, W, q, ger):
    """Remove parameter ``q``: OBS update of ``W`` and rank-one downdate, in place.

    ``W`` is one weight vector, or a matrix whose rows are parameters and
    whose columns share ``H_inv`` (a hidden unit's outgoing weights in unit
    removal): each column moves by its own ``-(W[q, j] / [H^-1]_qq) H^-1 e_q``.
    ``H_inv`` is C-contiguous and symmetric, so its transpose is a Fortran
    array that BLAS ``ger`` updates in place (ten times faster than
    ``np.outer`` and a subtraction).
    """
    u = H_inv[:, q].copy()
    d = max(u[q], _TINY)
    if W.ndim == 1:
        W -= (W[q] / d) * u
    else:
        W -= np.outer(u / d, W[q])
    W[q] = 0.0
    ger(-1.0 / d, u, u, a=H_inv.T, overwrite_a=True)
    H_inv[q, :] = 0.0
    H_inv[:, q] = 0.0


@downdates
def obs_greedy(H_inv, w, candidates, n_remove, forced=(), quota=None, groups=None):
    """Greedy Optimal Brain Surgeon, one weight at a time.

    Parameters
    ----------
    H_inv : ndarray of shape (P, P)
        Inverse (damped) Hessian; overwritten by the downdates.
    w : ndarray of shape (P,)
        Parameters at the minimum of the quadratic model; overwritten.
    candidates : bool ndarray of shape (P,)
        Parameters that may be removed (biases, for instance, may not).
    n_remove : int
        Number of removals after the forced ones.
    forced : sequence of int
        Parameters removed first, whatever their saliency (already pruned).
    quota : ndarray of int, optional
        With ``groups``, the number of removals allowed in each group.
    groups : ndarray of int of shape (P,), optional
        Group (layer) of each parameter.

    Returns
    -------
    removed : list of int
        The greedily removed parameters, in order.
    costs : list of float
        Their predicted loss increases ``L_q``.
    """
    if not H_inv.flags.c_contiguous:
        raise ValueError("H_inv must be C-contiguous.")
    ger = get_blas_funcs("ger", (H_inv,))
    candidates = candidates.copy()
    for q in forced:
        obs_downdate(H_inv, w, q, ger)
        candidates[q] = False
    quota = None if quota is None else np.array(quota)
    removed, costs = [], []
    for _ in range(n_remove):
        saliency = w * w / (2.0 * np.maximum(np.diagonal(H_inv), _TINY))
        saliency[~candidates] = np.inf
        q = int(np.argmin(saliency))
        if not np.isfinite(saliency[q]):
            break
        obs_downdate(H_inv, w, q, ger)
        candidates[q] = False
        removed.append(q)
        costs.append(float(saliency[q]))
        if quota is not None:
            g = groups[q]
            quota[g] -= 1
            if quota[g] <= 0:
                candidates[groups == g] = False
    return removed, costs


class _GreedyColumns:
    """Greedy OBS on a batch of columns at once, each with its own downdated inverse.

    Column ``j`` removes its forced weights first, then greedily by saliency,
    up to ``counts[j]`` removals in all. Its downdated inverse is never
    formed: after ``t`` removals it is ``H^-1 - V_t^T V_t``, where row ``i``
    of ``V_t`` is the ``i``-th removal's scaled column ``u_i / sqrt(u_i[q_i])``,
    and the weights are ``w - beta_t V_t`` with ``beta_i = w_{q_i} /
    sqrt(u_i[q_i])``, so that a removal costs ``O(t d)`` per column rather
    than the ``O(d^2)`` of a full downdate, and nothing of size ``c x d x d``
    is written at every step. The factors are kept: the weights after any
    number of a column's removals are one product away (:meth:`weights`).

    Attributes
    ----------
    costs : ndarray of shape (n_columns, n_steps)
        The predicted cost of each greedy removal, NaN for a forced one or
        where a column removed nothing by choice.
    order : ndarray of int of shape (n_columns, n_steps)
        The removed weight of each step, -1 where a column removed nothing.
    """

    def __init__(self, H_inv, W, candidates, forced, counts):
        c, d = W.shape
        n_steps = int(np.max(counts, initial=0))
        self.W = W
        self.V = np.zeros((c, n_steps, d))
        self.beta = np.zeros((c, n_steps))
        self.order = np.full((c, n_steps), -1)
        self.costs = np.full((c, n_steps), np.nan)
        w = W.copy()
        diagonal = np.tile(np.diagonal(H_inv), (c, 1))
        candidates = candidates & ~forced
        forced = forced.copy()
        todo = np.asarray(counts).copy()
        rows = np.arange(c)
        for t in range(n_steps):
            active = todo > 0
            saliency = w * w / (2.0 * np.maximum(diagonal, _TINY))
            saliency[~candidates] = np.inf
            saliency[forced] = -np.inf  # already pruned: removed first
            q = np.argmin(saliency, axis=1)
            ok = active & (forced[rows, q] | np.isfinite(saliency[rows, q]))
            step_cost = saliency[rows, q]
            self.costs[:, t] = np.where(ok & ~forced[rows, q], step_cost, np.nan)
            # column q of each downdated inverse: H^-1 e_q - V_t^T (V_t e_q)
            u = H_inv[q]
            if t:
                u = u - np.matmul(self.V[rows, :t, q][:, None, :], self.V[:, :t])[:, 0]
            scale = np.where(ok, 1.0 / np.sqrt(np.maximum(u[rows, q], _TINY)), 0.0)
            v = u * scale[:, None]
            beta = w[rows, q] * scale
            w -= beta[:, None] * v
            diagonal -= v * v
            self.V[:, t], self.beta[:, t] = v, beta
            sel, qs = rows[ok], q[ok]
            self.order[sel, t] = qs
            w[sel, qs] = 0.0
            candidates[sel, qs] = False
            forced[sel, qs] = False
            todo[active] -= 1
            todo[active & ~ok] = 0  # nothing left to remove in that column

    def weights(self, counts):
        """Weights and kept-weight masks of the batch's columns after their
        first ``counts`` removals, shape (n_columns, d)."""
        steps = np.arange(self.V.shape[1])
        taken = steps[None, :] < np.asarray(counts)[:, None]
        beta = np.where(taken, self.beta, 0.0)
        W = self.W - np.matmul(beta[:, None, :], self.V)[:, 0]
        kept = np.ones_like(W, dtype=bool)
        removed = np.where(taken, self.order, -1)
        r, k = np.nonzero(removed >= 0)
        kept[r, removed[r, k]] = False
        W[~kept] = 0.0
        return W, kept


@downdates
def obs_layer_exact(H_inv, W, prunable, masks, n_total, max_block=EXACT_BLOCK, column_weights=None):
    """Exact greedy OBS on every column of a layer (Frantar & Alistarh 2022, OBC).

    Each output column ``j`` of ``W`` is an independent OBS problem on the
    shared Hessian, solved greedily (:class:`_GreedyColumns`, vectorised over
    a batch of columns). The layer's budget is shared between columns as in
    OBC: each column's greedy removals are run up to twice its even share,
    their predicted costs made non-decreasing (so that every column takes a
    prefix of its sequence), and the layer takes the cheapest. The weights
    then follow from the factors the greedy pass recorded; when those of all
    columns would hold more than ``max_block`` numbers, each batch's are
    dropped and a second pass, only as long as each column's count, redoes
    its removals.

    Parameters
    ----------
    H_inv : ndarray of shape (d, d)
    W : ndarray of shape (d, n_columns)
        Starting weights (the least-squares solution); overwritten.
    prunable : bool ndarray of shape (d,)
        Rows that may be removed (the bias row may not).
    masks : bool ndarray of shape (d, n_columns)
        False for weights already pruned: removed first.
    n_total : int
        Pruned weights wanted in the layer, already pruned included.
    max_block : int
        Numbers in the factors of one batch of columns.
    column_weights : ndarray of shape (n_columns,), default=None
        What an error in each column costs (the loss's curvature w.r.t. the
        column's output); None weighs all columns alike.

    Returns
    -------
    new_masks : bool ndarray of shape (d, n_columns)
    """
    d, n_columns = W.shape
    forced = (~masks & prunable[:, None]).T
    candidates = (masks & prunable[:, None]).T
    n_forced = forced.sum(axis=1)
    n_new = max(0, int(n_total) - int(n_forced.sum()))
    share = int(np.ceil(n_new / n_columns)) if n_columns else 0
    extra = np.minimum(candidates.sum(axis=1), 2 * share)
    n_steps = int((n_forced + extra).max(initial=0))
    batch = max(1, int(max_block // (d * max(n_steps, 1))))
    batches = [np.arange(s, min(s + batch, n_columns)) for s in range(0, n_columns, batch)]
    keep_factors = len(batches) == 1

    # The cost sequence of each column's greedy removals.
    step_costs = np.full((n_columns, int(extra.max(initial=0))), np.inf)
    solved = None
    for cols in batches:
        solved = _GreedyColumns(H_inv, W[:, cols].T, candidates[cols], forced[cols],
                                n_forced[cols] + extra[cols])
        # each column's greedy costs in order, its forced (NaN) steps dropped
        costs = solved.costs
        order = np.argsort(np.isnan(costs), axis=1, kind="stable")
        packed = np.take_along_axis(costs, order, axis=1)[:, : step_costs.shape[1]]
        step_costs[cols, : packed.shape[1]] = np.where(np.isnan(packed), np.inf, packed)
    step_costs = np.maximum.accumulate(step_costs, axis=1)
    if column_weights is not None:  # (the padding stays +inf, even for a weight of 0)
        weights = np.broadcast_to(np.asarray(column_weights, dtype=np.float64)[:, None], step_costs.shape)
        np.multiply(step_costs, weights, out=step_costs, where=np.isfinite(step_costs))
    cheapest = np.argsort(step_costs, axis=None, kind="stable")[:n_new]
    counts = n_forced + np.bincount(
        np.unravel_index(cheapest, step_costs.shape)[0], minlength=n_columns
    )

    # The weights after each column's chosen removals.
    new_masks = masks.copy()
    for cols in batches:
        if not keep_factors:
            solved = _GreedyColumns(H_inv, W[:, cols].T, candidates[cols], forced[cols], counts[cols])
        wb, kept = solved.weights(counts[cols])
        W[:, cols] = wb.T
        new_masks[:, cols] = kept.T | ~prunable[:, None]
    return new_masks


@downdates
def obs_layer_blockwise(H_inv, W, prunable, masks, n_total, block_size=128, column_weights=None):
    """Blockwise OBS with a fixed input order (Frantar & Alistarh 2023, SparseGPT).

    Inputs (rows of ``W``) are visited in order; the error of pruning row
    ``i`` is compensated on the rows after it only, through the upper
    Cholesky factor ``U`` of ``H^-1`` (``H^-1 = U^T U``), whose row ``i`` is
    the OBS update of the problem restricted to rows ``i..d-1``. The mask is
    chosen block by block by the saliency ``w^2 / U_ii^2`` (the share of the
    block in the target is its share of the prunable weights), and the
    updates of the rows after a block are applied lazily, as one product.
    Cost: one Cholesky factorisation and ``O(d^2 n_columns)``. Put the bias
    row last, so that it absorbs what the inputs could not.

    Parameters
    ----------
    H_inv : ndarray of shape (d, d), C-contiguous float64
        Overwritten by its Cholesky factor.
    W : ndarray of shape (d, n_columns)
        Overwritten.
    prunable : bool ndarray of shape (d,)
    masks : bool ndarray of shape (d, n_columns)
        False for weights already pruned (kept at zero).
    n_total : int
        Pruned weights wanted in the layer, already pruned included.
    block_size : int
        Rows whose mask is chosen together.
    column_weights : ndarray of shape (n_columns,), default=None
        As for :func:`obs_layer_exact`.

    Returns
    -------
    new_masks : bool ndarray of shape (d, n_columns)
    """
    d = W.shape[0]
    # In place: H_inv.T is a Fortran view of the symmetric H_inv, whose lower
    # Cholesky factor L is H_inv's upper one, U = L^T (only U's upper
    # triangle is read below).
    factor, info = lapack.dpotrf(H_inv.T, lower=1, clean=0, overwrite_a=1)
    U = factor.T
    if info != 0:
        raise LinAlgError("H^-1 is not positive definite.")
    new_masks = masks.copy()
    free = masks & prunable[:, None]
    n_new = max(0, n_total - int(np.count_nonzero(~masks & prunable[:, None])))
    cumulative_free = np.cumsum(free.sum(axis=1))
    total_free = max(int(cumulative_free[-1]), 1)
    chosen = 0
    for i1 in range(0, d, block_size):
        i2 = min(i1 + block_size, d)
        W1 = W[i1:i2].copy()
        U1 = U[i1:i2, i1:i2]
        # how many new removals this block gets (cumulative rounding keeps the total exact)
        target = n_to_prune(n_new, cumulative_free[i2 - 1] / total_free)
        n_block = target - chosen
        chosen = target
        score = W1 * W1 / (np.diag(U1)[:, None] ** 2)
        if column_weights is not None:
            score *= column_weights[None, :]  # before the already-pruned entries become +inf
        score[~free[i1:i2]] = np.inf
        prune = ~masks[i1:i2] & prunable[i1:i2, None]
        if n_block > 0:
            flat = np.argsort(score, axis=None, kind="stable")[:n_block]
            prune.flat[flat] = True
        errors = np.zeros_like(W1)
        for i in range(i2 - i1):
            w = W1[i]
            err = np.where(prune[i], w, 0.0) / U1[i, i]
            W1[i:] -= np.outer(U1[i, i:], err)
            W1[i, prune[i]] = 0.0
            errors[i] = err
        W[i1:i2] = W1
        W[i2:] -= U[i1:i2, i2:].T @ errors
        new_masks[i1:i2] &= ~prune
    return new_masks
