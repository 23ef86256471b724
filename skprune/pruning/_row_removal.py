"""Removing a layer's inputs with least-squares compensation (row-structured OBS).

Shared by hidden-unit removal (:class:`~skprune.pruning.UnitRemovalPruner`,
the next layer's inputs) and input pruning
(:class:`~skprune.feature_selection.InputPruner`, the first layer's).
"""

import numpy as np
from scipy.linalg import get_blas_funcs

from ._obs_solvers import _TINY, damped_inverse, obs_downdate

# Regularisation of a layer's input Gram matrix, relative to its mean
# diagonal. The Gram matrix is singular whenever inputs are collinear
# (duplicated or dead units, constant features, fewer samples than inputs);
# 1e-6 keeps the compensations to within about 1e-6 of exact while bounding
# the condition number, so that equal data weighted or repeated give the same
# network.
GRAM_DAMPING = 1e-6


class RowRemoval:
    """Removing inputs of a layer with least-squares compensation.

    The layer maps ``A`` (its inputs over the samples) by ``[W; b]``. Removing
    input ``j`` and re-solving the other rows so that ``[A, 1] [W; b]``
    changes least (Castellano, Fanelli & Pelillo 1997) is an OBS step on the
    whole row with Hessian ``G = [A, 1]^T D [A, 1]``; its residual is
    ``||w_j||^2 / [G^-1]_jj`` and dropping ``j`` is one rank-one downdate.
    Hidden-unit removal applies it to the next layer's inputs, input pruning
    to the first layer's.

    Parameters
    ----------
    gram : ndarray of shape (n_inputs + 1, n_inputs + 1)
        ``[A, 1]^T D [A, 1]`` (:func:`~skprune._core.curvature.input_grams`);
        overwritten.
    W : ndarray of shape (n_inputs, n_outputs)
    b : ndarray of shape (n_outputs,)

    Attributes
    ----------
    W_bar : ndarray of shape (n_inputs + 1, n_outputs)
        The weights with the bias row last, float64; updated by :meth:`remove`.
    gram_inv : ndarray of shape (n_inputs + 1, n_inputs + 1)
        The downdated inverse of the damped Gram matrix.
    input_norms : ndarray of shape (n_inputs,)
        ``||a_j||`` of every input (root mean square over the samples).
    """

    def __init__(self, gram, W, b):
        self.n_inputs = W.shape[0]
        self.input_norms = np.sqrt(np.diag(gram)[: self.n_inputs])
        self.gram_inv, _ = damped_inverse(gram, GRAM_DAMPING, overwrite=True)
        self._ger = get_blas_funcs("ger", (self.gram_inv,))
        self.W_bar = np.vstack([W, b[None, :]]).astype(np.float64)

    def row_norms_sq(self):
        """``||w_j||^2`` of every input's outgoing weights."""
        W = self.W_bar[: self.n_inputs]
        return np.einsum("ij,ij->i", W, W)

    def errors(self):
        """The residual ``||w_j||^2 / [G^-1]_jj`` left by removing each input."""
        diagonal = np.diagonal(self.gram_inv)[: self.n_inputs]
        return self.row_norms_sq() / np.maximum(diagonal, _TINY)

    def remove(self, j, compensate=True):
        """Remove input ``j``: compensate the other rows (or not) and zero its row."""
        if compensate:
            obs_downdate(self.gram_inv, self.W_bar, j, self._ger)
        self.W_bar[j] = 0.0
