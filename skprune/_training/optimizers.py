"""Stochastic optimisers updating one flat parameter vector in place.

The update rules are those of scikit-learn's MLP (SGD with momentum or
Nesterov momentum, and Adam, Kingma & Ba 2015), written as in-place ufuncs on
preallocated vectors, so an update allocates nothing.
Masked parameters have zero gradient; with their optimiser state zeroed by
:meth:`reset_masked`, their update is exactly zero.
"""

import copy

import numpy as np

from .._core.network import axpy
from .._packing import pack_vector, unpack_vector


class _PicklableState:
    """Pickle optimiser state without scratch space, mostly-zero vectors packed."""

    _vectors = ()

    def __getstate__(self):
        state = {k: v for k, v in self.__dict__.items() if k != "_work"}
        for name in self._vectors:
            state[name] = pack_vector(state[name])
        return state

    def __setstate__(self, state):
        state = dict(state)
        for name in self._vectors:
            state[name] = unpack_vector(state[name])
        first = state[self._vectors[0]]
        state["_work"] = np.empty_like(first)
        self.__dict__.update(state)


class SGDOptimizer(_PicklableState):
    """Stochastic gradient descent with (Nesterov) momentum.

    Parameters
    ----------
    n_params : int
    dtype : numpy dtype
    learning_rate_init : float
    lr_schedule : {"constant", "invscaling", "adaptive"}
    momentum : float
    nesterov : bool
    power_t : float
    """

    _vectors = ("velocity",)

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate_init=0.1,
        lr_schedule="constant",
        momentum=0.9,
        nesterov=True,
        power_t=0.5,
    ):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.lr_schedule = lr_schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocity = np.zeros(n_params, dtype=dtype)
        self._work = np.empty(n_params, dtype=dtype)

    def reset_masked(self, keep):
        """Zero the state of parameters where ``keep`` is False."""
        self.velocity[: keep.size] *= keep

    def step(self, params, grad):
        """``v <- mu v - lr g``; ``params += v`` (or ``mu v - lr g`` for Nesterov)."""
        v, work = self.velocity, self._work
        v *= self.momentum
        axpy(grad, v, -self.learning_rate, work)
        if self.nesterov:
            axpy(v, params, self.momentum, work)
            axpy(grad, params, -self.learning_rate, work)
        else:
            params += v

    def iteration_ends(self, time_step):
        """Update the learning rate at the end of an epoch."""
        if self.lr_schedule == "invscaling":
            self.learning_rate = (
                float(self.learning_rate_init) / (time_step + 1) ** self.power_t
            )

    def trigger_stopping(self, msg, verbose):
        """Stop, or with the adaptive schedule divide the learning rate by 5."""
        if self.lr_schedule != "adaptive":
            if verbose:
                print(msg + " Stopping.")
            return True
        if self.learning_rate <= 1e-6:
            if verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        self.learning_rate /= 5.0
        if verbose:
            print(msg + " Setting learning rate to %f" % self.learning_rate)
        return False


class AdamOptimizer(_PicklableState):
    """Adam (Kingma & Ba 2015) with bias correction folded into the step size.

    Parameters
    ----------
    n_params : int
    dtype : numpy dtype
    learning_rate_init, beta_1, beta_2, epsilon : float
    """

    _vectors = ("m", "v")

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate_init=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
    ):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.m = np.zeros(n_params, dtype=dtype)
        self.v = np.zeros(n_params, dtype=dtype)
        self._work = np.empty(n_params, dtype=dtype)

    def reset_masked(self, keep):
        """Zero the state of parameters where ``keep`` is False."""
        self.m[: keep.size] *= keep
        self.v[: keep.size] *= keep

    def step(self, params, grad):
        """One Adam update of ``params`` in place."""
        self.t += 1
        m, v, work = self.m, self.v, self._work
        m *= self.beta_1
        axpy(grad, m, 1 - self.beta_1, work)
        v *= self.beta_2
        np.multiply(grad, grad, out=work)
        work *= 1 - self.beta_2
        v += work
        self.learning_rate = (
            self.learning_rate_init
            * np.sqrt(1 - self.beta_2**self.t)
            / (1 - self.beta_1**self.t)
        )
        np.sqrt(v, out=work)
        work += self.epsilon
        np.divide(m, work, out=work)
        work *= -self.learning_rate
        params += work

    def iteration_ends(self, time_step):
        """Adam keeps its learning rate between epochs."""

    def trigger_stopping(self, msg, verbose):
        """Adam stops as soon as progress stalls."""
        if verbose:
            print(msg + " Stopping.")
        return True


def optimizer_for(solver, n_params, dtype, hyperparameters, previous=None):
    """The optimiser of ``solver``: ``previous`` (a copy) where it fits, else a new one.

    Parameters
    ----------
    solver : {"sgd", "adam"}
    n_params : int
    dtype : numpy dtype
    hyperparameters : dict
        The MLP's parameters (``learning_rate_init``, ``learning_rate``,
        ``momentum``, ``nesterovs_momentum``, ``power_t``, ``beta_1``,
        ``beta_2``, ``epsilon``).
    previous : SGDOptimizer or AdamOptimizer, optional
        The state to continue (``partial_fit``), if it is of this solver and
        of this parameter layout.
    """
    kind = SGDOptimizer if solver == "sgd" else AdamOptimizer
    if isinstance(previous, kind):
        state = previous.velocity if solver == "sgd" else previous.m
        if state.size == n_params and state.dtype == dtype:
            return copy.deepcopy(previous)
    h = hyperparameters
    if solver == "sgd":
        return SGDOptimizer(
            n_params, dtype, h["learning_rate_init"], h["learning_rate"],
            h["momentum"], h["nesterovs_momentum"], h["power_t"],
        )
    return AdamOptimizer(n_params, dtype, h["learning_rate_init"], h["beta_1"], h["beta_2"], h["epsilon"])
