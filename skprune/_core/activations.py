"""Hidden and output activation functions as a table of vectorised functions.

Every derivative is written in terms of the activation's *output* ``a = f(z)``,
which is what the forward pass keeps, so back-propagation never needs the
pre-activations.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.special import expit


@dataclass(frozen=True)
class Activation:
    """One activation function and its derivatives.

    Attributes
    ----------
    forward : callable ``f(Z) -> None``
        Overwrites the pre-activations ``Z`` with ``f(Z)``.
    backward : callable ``f(A, delta) -> None``
        Multiplies ``delta`` in place by ``f'(z)`` evaluated through ``A = f(z)``.
    derivative : callable ``f(A) -> ndarray``
        ``f'(z)`` as a new array.
    """

    name: str
    forward: Callable
    backward: Callable
    derivative: Callable


def _identity_forward(Z):
    pass


def _identity_backward(A, delta):
    pass


def _logistic_forward(Z):
    expit(Z, out=Z)


def _logistic_backward(A, delta):
    delta *= A
    delta *= 1 - A


def _logistic_derivative(A):
    return A * (1 - A)


def _tanh_forward(Z):
    np.tanh(Z, out=Z)


def _tanh_backward(A, delta):
    delta *= 1 - A * A


def _tanh_derivative(A):
    return 1 - A * A


def _relu_forward(Z):
    np.maximum(Z, 0, out=Z)


def _relu_backward(A, delta):
    # f'(z) = 1 where z > 0; the forward pass leaves exactly 0 elsewhere.
    np.multiply(delta, A > 0, out=delta)


def _relu_derivative(A):
    return (A > 0).astype(A.dtype)


def _exp_forward(Z):
    np.exp(Z, out=Z)


def _softmax_forward(Z):
    Z -= Z.max(axis=1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=1, keepdims=True)


def _ones_like(A):
    return np.ones_like(A)


def _unsupported(A, *args):  # pragma: no cover - never reached for output layers
    raise NotImplementedError("only used as an output activation")


ACTIVATIONS = {
    "identity": Activation("identity", _identity_forward, _identity_backward, _ones_like),
    "logistic": Activation("logistic", _logistic_forward, _logistic_backward, _logistic_derivative),
    "tanh": Activation("tanh", _tanh_forward, _tanh_backward, _tanh_derivative),
    "relu": Activation("relu", _relu_forward, _relu_backward, _relu_derivative),
    # Output-only activations: their derivatives are folded into the loss.
    "softmax": Activation("softmax", _softmax_forward, _unsupported, _unsupported),
    "exp": Activation("exp", _exp_forward, _unsupported, _unsupported),
}

HIDDEN_ACTIVATIONS = ("identity", "logistic", "tanh", "relu")
