"""The epochs of a stochastic solver and the stopping rule of scikit-learn's MLPs."""

import warnings
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .loops import MinibatchTrainer


# Whether a KeyboardInterrupt during the epochs ends the caller too. A network
# fitted on its own keeps scikit-learn's behaviour: the interrupt ends training,
# with a warning, and the weights so far are kept.
_INTERRUPTS_PROPAGATE = ContextVar("interrupts_propagate", default=False)


@contextmanager
def interrupts_propagate():
    """Within the block, an interrupt during training is raised, not swallowed.

    Pruners train inside it: an interrupted dense fit or retraining must end
    the whole fit (and never be cached), not let pruning go on with a
    half-trained network.
    """
    token = _INTERRUPTS_PROPAGATE.set(True)
    try:
        yield
    finally:
        _INTERRUPTS_PROPAGATE.reset(token)


@dataclass
class TrainingState:
    """What the epochs read and update: the fitted state of a stochastic solver.

    The field names are those of scikit-learn's MLP attributes without their
    trailing underscore (``loss_curve`` is ``loss_curve_``, and so on).
    """

    n_iter: int
    t: int
    loss_curve: list
    no_improvement_count: int
    best_loss: object
    validation_scores: object
    best_validation_score: object
    loss: object = None

    def restart_stopping_rule(self, early_stopping):
        """A new call to ``fit`` starts its own count and best value."""
        self.no_improvement_count = 0
        if early_stopping:
            self.best_validation_score = -np.inf
            if self.validation_scores is None:
                self.validation_scores = []
        else:
            self.best_loss = np.inf

    def update(self, tol, validation_score=None):
        """Count an epoch without improvement by ``tol``; True if it is the best yet.

        With ``validation_score`` (early stopping) the rule follows the
        validation score, otherwise the last training loss.
        """
        if validation_score is not None:
            self.validation_scores.append(validation_score)
            if validation_score < self.best_validation_score + tol:
                self.no_improvement_count += 1
            else:
                self.no_improvement_count = 0
            if validation_score > self.best_validation_score:
                self.best_validation_score = validation_score
                return True
            return False
        if self.loss_curve[-1] > self.best_loss - tol:
            self.no_improvement_count += 1
        else:
            self.no_improvement_count = 0
        if self.loss_curve[-1] < self.best_loss:
            self.best_loss = self.loss_curve[-1]
        return False


def run_epochs(
    network,
    params,
    optimizer,
    state,
    X,
    Y,
    sample_weight,
    *,
    alpha,
    batch_size,
    n_epochs,
    tol,
    n_iter_no_change,
    random_state=None,
    validation_score=None,
    incremental=False,
    verbose=False,
    callbacks=(),
    model=None,
):
    """Run up to ``n_epochs`` epochs of mini-batch training, in place.

    Parameters
    ----------
    network, params : Network and FlatParameters
        The network, built over the views of ``params``.
    optimizer : SGDOptimizer or AdamOptimizer
    state : TrainingState
        Updated after every epoch.
    X, Y, sample_weight : arrays
        The training data (without any validation split).
    alpha : float
        L2 penalty.
    batch_size : int
    n_epochs : int
    tol, n_iter_no_change : float, int
        The stopping rule.
    random_state : RandomState or None
        Shuffles the samples in every epoch; None keeps their order.
    validation_score : callable or None
        ``validation_score() -> float`` for early stopping; the best
        parameters seen are restored at the end.
    incremental : bool
        Epochs as consecutive ``partial_fit`` calls: the stopping rule does
        not end them (each epoch is its own call), and reaching ``n_epochs``
        is not a convergence failure.
    verbose : bool
        Print the loss (and validation score) of every epoch.
    callbacks : tuple of TrainingCallback
        Called with ``model`` before every update and after every epoch.
    model : estimator or None
    """
    n_samples = X.shape[0]
    trainer = MinibatchTrainer(network, params, batch_size)
    order = np.arange(n_samples)
    best_vector = params.vector.copy()
    state.n_iter = 0
    try:
        for _ in range(n_epochs):
            if random_state is not None:
                permutation = np.arange(n_samples)
                random_state.shuffle(permutation)
                order = order[permutation]
            state.loss = trainer.run_epoch(
                X, Y, sample_weight, None if random_state is None else order, alpha, optimizer,
                callbacks, model,
            )
            state.n_iter += 1
            state.t += n_samples
            state.loss_curve.append(state.loss)
            if verbose:
                print("Iteration %d, loss = %.8f" % (state.n_iter, state.loss))

            score = None if validation_score is None else validation_score()
            if verbose and score is not None:
                print("Validation score: %f" % score)
            if state.update(tol, score):
                best_vector[...] = params.vector
            optimizer.iteration_ends(state.t)
            for callback in callbacks:
                callback.on_epoch_end(model, state.n_iter, state.loss)

            if state.no_improvement_count > n_iter_no_change:
                quantity = "Training loss" if score is None else "Validation score"
                message = (
                    f"{quantity} did not improve more than tol={tol:f} for "
                    f"{n_iter_no_change} consecutive epochs."
                )
                if optimizer.trigger_stopping(message, verbose):
                    if incremental:
                        continue  # this partial_fit epoch ends; the next one runs
                    break
                state.no_improvement_count = 0

            if not incremental and state.n_iter == n_epochs:
                warnings.warn(
                    "Stochastic Optimizer: Maximum iterations (%d) reached and the "
                    "optimization hasn't converged yet." % n_epochs,
                    ConvergenceWarning,
                )
    except KeyboardInterrupt:
        if _INTERRUPTS_PROPAGATE.get():
            raise
        warnings.warn("Training interrupted by user.")

    if validation_score is not None:
        params.vector[...] = best_vector
