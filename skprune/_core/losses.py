"""Output layers: an output activation paired with a loss.

Each :class:`OutputLoss` knows three things about the loss ``L(y, f(z))`` of
one sample as a function of the output pre-activations ``z``:

* its value, averaged over samples (optionally weighted) and summed over outputs;
* its gradient ``dL/dz`` (the output "delta" of back-propagation);
* a factor ``F`` of its Gauss-Newton curvature, ``d2L/dz2 ~= F F^T``, which is the
  exact Hessian for every pair here except the squared error on logistic outputs,
  where it drops the term ``(f(z) - y) f''(z)``.

All pairs but ``squared_error_logistic`` are canonical (matching loss and link):
their delta is simply ``f(z) - y``.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.special import xlogy


def _average(per_sample, sample_weight):
    if sample_weight is None:
        return float(per_sample.mean())
    return float(np.average(per_sample, weights=sample_weight))


def _clip_probabilities(P):
    eps = np.finfo(P.dtype).eps
    return np.clip(P, eps, 1 - eps)


def _squared_value(Y, P, sample_weight=None):
    return 0.5 * _average(((P - Y) ** 2).sum(axis=1), sample_weight)


def _log_loss_value(Y, P, sample_weight=None):
    return _average(-xlogy(Y, _clip_probabilities(P)).sum(axis=1), sample_weight)


def _binary_log_loss_value(Y, P, sample_weight=None):
    P = _clip_probabilities(P)
    per_sample = -(xlogy(Y, P) + xlogy(1 - Y, 1 - P)).sum(axis=1)
    return _average(per_sample, sample_weight)


def _poisson_value(Y, P, sample_weight=None):
    per_sample = (xlogy(Y, Y / P) - Y + P).sum(axis=1)
    return _average(per_sample, sample_weight)


def _canonical_delta(Y, P, out=None):
    return np.subtract(P, Y, out=out)


def _squared_logistic_delta(Y, P, out=None):
    out = np.subtract(P, Y, out=out)
    out *= P
    out *= 1 - P
    return out


def _diagonal_factor(diagonal):
    """(n, K) diagonal of d2L/dz2 -> (n, K, K) factor ``diag(sqrt(d))``."""
    n, k = diagonal.shape
    F = np.zeros((n, k, k), dtype=diagonal.dtype)
    F[:, np.arange(k), np.arange(k)] = np.sqrt(diagonal)
    return F


def _identity_factor(P):
    n, k = P.shape
    return np.broadcast_to(np.eye(k, dtype=P.dtype), (n, k, k)).copy()


def _softmax_factor(P):
    # diag(p) - p p^T = (diag(sqrt p) - p sqrt(p)^T)(diag(sqrt p) - p sqrt(p)^T)^T,
    # using sum(p) = 1.
    sqrt_p = np.sqrt(P)
    F = -P[:, :, None] * sqrt_p[:, None, :]
    k = P.shape[1]
    F[:, np.arange(k), np.arange(k)] += sqrt_p
    return F


def _logistic_curvature(P):
    return P * (1 - P)


def _squared_logistic_curvature(P):
    return (P * (1 - P)) ** 2


def _softmax_curvature(P):
    return P * (1 - P)


def _identity_curvature(P):
    return np.ones_like(P)


def _poisson_curvature(P):
    return P.copy()


@dataclass(frozen=True)
class OutputLoss:
    """An output activation and the loss measured on its outputs.

    Attributes
    ----------
    output_activation : str
        Key of :data:`skprune._core.activations.ACTIVATIONS`.
    value : callable ``(Y, P, sample_weight) -> float``
        Loss averaged over samples and summed over outputs.
    delta : callable ``(Y, P, out) -> out``
        ``dL/dz`` per sample.
    curvature_diagonal : callable ``P -> ndarray``
        Diagonal of the Gauss-Newton matrix of the loss w.r.t. ``z``.
    hessian_factor : callable ``P -> ndarray of shape (n, K, K)``
        ``F`` with ``F[i] F[i]^T`` the Gauss-Newton matrix of sample ``i``.
    """

    name: str
    output_activation: str
    value: Callable
    delta: Callable
    curvature_diagonal: Callable
    hessian_factor: Callable


OUTPUT_LOSSES = {
    "squared_error_identity": OutputLoss(
        "squared_error_identity",
        "identity",
        _squared_value,
        _canonical_delta,
        _identity_curvature,
        _identity_factor,
    ),
    "squared_error_logistic": OutputLoss(
        "squared_error_logistic",
        "logistic",
        _squared_value,
        _squared_logistic_delta,
        _squared_logistic_curvature,
        lambda P: _diagonal_factor(_squared_logistic_curvature(P)),
    ),
    "log_loss_softmax": OutputLoss(
        "log_loss_softmax",
        "softmax",
        _log_loss_value,
        _canonical_delta,
        _softmax_curvature,
        _softmax_factor,
    ),
    "log_loss_logistic": OutputLoss(
        "log_loss_logistic",
        "logistic",
        _binary_log_loss_value,
        _canonical_delta,
        _logistic_curvature,
        lambda P: _diagonal_factor(_logistic_curvature(P)),
    ),
    "poisson_exp": OutputLoss(
        "poisson_exp",
        "exp",
        _poisson_value,
        _canonical_delta,
        _poisson_curvature,
        lambda P: _diagonal_factor(_poisson_curvature(P)),
    ),
}



def tempered(output_activation, P, temperature):
    """The outputs ``P`` recomputed at ``temperature`` from their own logits:
    ``softmax(z / T)`` from ``P = softmax(z)`` is ``P^(1/T)`` renormalised,
    ``sigmoid(z / T)`` is ``P^(1/T) / (P^(1/T) + (1 - P)^(1/T))``; outputs
    that are not probabilities stay as they are."""
    if temperature == 1.0 or output_activation not in ("softmax", "logistic"):
        return P
    with np.errstate(divide="ignore"):
        powered = np.exp(np.log(P) / temperature)
        if output_activation == "softmax":
            return powered / powered.sum(axis=1, keepdims=True)
        return powered / (powered + np.exp(np.log1p(-P) / temperature))


def distillation(base, weight, temperature):
    """``base`` with knowledge distillation (Hinton, Vinyals & Dean 2015).

    The targets are ``[Y, Q]``, the labels and the teacher's outputs at
    ``temperature``, side by side. The loss is
    ``(1 - weight) L(Y, P) + weight T^2 KL(Q || P_T)`` for probability
    outputs (``P_T`` the student's at the temperature; the ``T^2`` keeps the
    soft term's gradient on the scale of the hard one's, as in the paper), and
    ``(1 - weight) L(Y, P) + weight L(Q, P)`` for the others. Its delta for
    the softmax and logistic outputs, ``(1 - weight) (P - Y) + weight T
    (P_T - Q)``, is exact.
    """
    soft = base.output_activation in ("softmax", "logistic")

    def split(Y):
        k = Y.shape[1] // 2
        return Y[:, :k], Y[:, k:]

    def value(Y, P, sample_weight=None):
        hard, Q = split(Y)
        if not soft:
            return (1 - weight) * base.value(hard, P, sample_weight) + weight * base.value(Q, P, sample_weight)
        P_T = _clip_probabilities(tempered(base.output_activation, P, temperature))
        kl = xlogy(Q, Q) - xlogy(Q, P_T)
        if base.output_activation == "logistic":
            kl += xlogy(1 - Q, 1 - Q) - xlogy(1 - Q, 1 - P_T)
        return ((1 - weight) * base.value(hard, P, sample_weight)
                + weight * temperature**2 * _average(kl.sum(axis=1), sample_weight))

    def delta(Y, P, out=None):
        hard, Q = split(Y)
        if not soft:  # linear in the targets: the blended targets' delta
            return base.delta((1 - weight) * hard + weight * Q, P, out=out)
        out = base.delta(hard, P, out=out)
        out *= 1 - weight
        out += (weight * temperature) * (tempered(base.output_activation, P, temperature) - Q)
        return out

    return OutputLoss(f"{base.name}_distilled", base.output_activation, value, delta,
                      base.curvature_diagonal, base.hessian_factor)
