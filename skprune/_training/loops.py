"""Training loops over a :class:`~skprune._core.network.Network`.

Both loops keep every pruned weight at exactly zero: the stochastic loop
because masked gradients and masked optimiser state give masked updates of
exactly zero, the L-BFGS loop because it optimises over the unpruned
parameters only.
"""

import numpy as np
import scipy.optimize
import scipy.sparse as sp

from .._core.network import free_parameter_mask
from .callbacks import TrainingStep


def layer_buffers(network, n_rows, dtype):
    """Preallocated (activations, deltas) of every layer for ``n_rows`` samples."""
    units = network.layer_units[1:]
    return (
        [np.empty((n_rows, u), dtype=dtype) for u in units],
        [np.empty((n_rows, u), dtype=dtype) for u in units],
    )


class MinibatchTrainer:
    """Preallocated buffers and the epoch loop of a stochastic solver.

    Parameters
    ----------
    network : Network
        Built over the views of ``params`` (see :class:`FlatParameters`).
    params : FlatParameters
        The parameters the optimiser updates in place.
    batch_size : int
    """

    def __init__(self, network, params, batch_size):
        self.network = network
        self.params = params
        self.grads = params.zeros_like()
        self.step = TrainingStep(self.grads.coefs, self.grads.intercepts)
        self.batch_size = batch_size
        dtype = params.vector.dtype
        units = network.layer_units
        self._activations, self._deltas = layer_buffers(network, batch_size, dtype)
        self._X = np.empty((batch_size, units[0]), dtype=dtype)
        self._Y = np.empty((batch_size, units[-1]), dtype=dtype)
        self._sw = np.empty(batch_size, dtype=dtype)

    def _take(self, array, idx, buffer):
        if sp.issparse(array):
            return array[idx]
        return np.take(array, idx, axis=0, out=buffer[: idx.size])

    def run_epoch(self, X, Y, sample_weight, order, alpha, optimizer, callbacks=(), model=None):
        """One pass over the data in mini-batches.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Y : ndarray of shape (n_samples, n_outputs), float
        sample_weight : ndarray of shape (n_samples,) or None
        order : ndarray of int or None
            Visit order of the samples (``None``: as stored).
        alpha : float
            L2 penalty.
        optimizer : SGDOptimizer or AdamOptimizer
        callbacks : tuple of TrainingCallback
            Their ``on_gradient(model, step)`` runs before every update.
        model : estimator or None
            The estimator the callbacks are given.

        Returns
        -------
        loss : float
            Mean over the epoch's batches of the batch losses, weighted by
            batch size.
        """
        n_samples = X.shape[0]
        net, grads = self.network, self.grads
        if self._X.shape[1] != X.shape[1]:  # all columns of a compacted network's data
            self._X = np.empty((self.batch_size, X.shape[1]), dtype=self._X.dtype)
        if self._Y.shape[1] != Y.shape[1]:  # a teacher's outputs beside the targets
            self._Y = np.empty((self.batch_size, Y.shape[1]), dtype=self._Y.dtype)
        accumulated = 0.0
        for start in range(0, n_samples, self.batch_size):
            stop = min(start + self.batch_size, n_samples)
            if order is None:
                X_b, Y_b = X[start:stop], Y[start:stop]
                sw_b = None if sample_weight is None else sample_weight[start:stop]
            else:
                idx = order[start:stop]
                X_b = self._take(X, idx, self._X)
                Y_b = self._take(Y, idx, self._Y)
                sw_b = None if sample_weight is None else self._take(sample_weight, idx, self._sw)
            batch_loss = net.loss_gradient(
                X_b, Y_b, sw_b, alpha, grads.coefs, grads.intercepts,
                self._activations, self._deltas,
            )
            accumulated += batch_loss * (stop - start)
            if callbacks:
                self.step.loss, self.step.n_samples = batch_loss, stop - start
                for callback in callbacks:
                    callback.on_gradient(model, self.step)
            optimizer.step(self.params.vector, grads.vector)
        return accumulated / n_samples


def run_lbfgs(network, params, X, Y, sample_weight, alpha, *, max_iter, max_fun, tol, verbose=False,
              callbacks=(), model=None):
    """Minimise the penalised loss with L-BFGS-B over the unpruned parameters.

    The optimiser works in float64 (as SciPy requires); the network, its
    weights and every product stay in the parameters' own dtype. After every
    iteration, ``callbacks`` get ``on_gradient`` at the accepted iterate and
    ``on_epoch_end``.

    Returns
    -------
    result : scipy.optimize.OptimizeResult
    """
    grads = params.zeros_like()
    free = free_parameter_mask(network, params)
    vector, gvector = params.vector, grads.vector
    activation_buffers, delta_buffers = layer_buffers(network, X.shape[0], vector.dtype)

    def loss_and_grad(x):
        if free is None:
            vector[...] = x
        else:
            vector[free] = x
        loss = network.loss_gradient(
            X, Y, sample_weight, alpha, grads.coefs, grads.intercepts,
            activation_buffers, delta_buffers,
        )
        g = gvector if free is None else gvector[free]
        return loss, g.astype(np.float64)

    iteration = [0]
    step = TrainingStep(grads.coefs, grads.intercepts, n_samples=X.shape[0])

    def report(intermediate_result):
        iteration[0] += 1
        if verbose:
            print("Iteration %d, loss = %.8f" % (iteration[0], intermediate_result.fun))
        if not callbacks:
            return
        x = intermediate_result.x
        current = vector if free is None else vector[free]
        if not np.array_equal(current, x.astype(vector.dtype)):
            loss_and_grad(x)  # the last evaluation was not the accepted iterate
        step.loss = float(intermediate_result.fun)
        for callback in callbacks:
            callback.on_gradient(model, step)
        for callback in callbacks:
            callback.on_epoch_end(model, iteration[0], step.loss)

    x0 = (vector if free is None else vector[free]).astype(np.float64)
    result = scipy.optimize.minimize(
        loss_and_grad,
        x0,
        method="L-BFGS-B",
        jac=True,
        callback=report if verbose or callbacks else None,
        options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
    )
    if free is None:
        vector[...] = result.x
    else:
        vector[free] = result.x
    return result
