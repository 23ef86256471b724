"""The callbacks the training loops call (see :mod:`skprune.callbacks`)."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

# The callbacks of the current context, innermost last.
_CALLBACKS = ContextVar("training_callbacks", default=())


class TrainingCallback:
    """Base class of a training callback: every method does nothing.

    Override the methods you need; see :mod:`skprune.callbacks` for when
    each is called.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from skprune import PrunableMLPClassifier
    >>> from skprune.callbacks import TrainingCallback, training_callbacks
    >>> class LargestGradient(TrainingCallback):
    ...     def __init__(self):
    ...         self.seen = []
    ...     def on_gradient(self, model, step):
    ...         self.seen.append(max(np.abs(g).max() for g in step.coef_grads))
    >>> X, y = load_iris(return_X_y=True)
    >>> watch = LargestGradient()
    >>> with training_callbacks(watch):
    ...     net = PrunableMLPClassifier((8,), batch_size=50, max_iter=5, random_state=0).fit(X, y)
    >>> len(watch.seen)  # 5 epochs of 3 mini-batches
    15
    """

    def on_train_begin(self, model):
        """Before the first update."""

    def on_gradient(self, model, step):
        """With the gradient of an update, before the optimiser applies it."""

    def on_epoch_end(self, model, epoch, loss):
        """After an epoch of a stochastic solver or an L-BFGS iteration."""

    def on_train_end(self, model):
        """After the last update (also when training stops early or fails)."""


@dataclass
class TrainingStep:
    """What ``on_gradient`` receives.

    Attributes
    ----------
    coef_grads, intercept_grads : list of ndarray
        Gradient of the penalised loss on the update's batch, shaped like
        ``coefs_`` and ``intercepts_`` (reused from one update to the next).
    loss : float
        The batch's loss (with the L2 penalty).
    n_samples : int
        Rows in the batch.
    """

    coef_grads: list
    intercept_grads: list
    loss: float = 0.0
    n_samples: int = 0


@contextmanager
def training_callbacks(*callbacks):
    """Call ``callbacks`` from every fit within the block.

    Blocks nest: the inner block's callbacks run after the outer ones'.

    Parameters
    ----------
    *callbacks : TrainingCallback
        Objects with the methods of :class:`TrainingCallback` (a subclass of
        it, or any object with all four).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skprune import PrunableMLPClassifier
    >>> from skprune.callbacks import TrainingCallback, training_callbacks
    >>> class Losses(TrainingCallback):
    ...     losses = []
    ...     def on_epoch_end(self, model, epoch, loss):
    ...         self.losses.append(loss)
    >>> X, y = load_iris(return_X_y=True)
    >>> with training_callbacks(Losses()):
    ...     net = PrunableMLPClassifier((8,), max_iter=7, random_state=0).fit(X, y)
    >>> len(Losses.losses), Losses.losses == net.loss_curve_
    (7, True)
    """
    for callback in callbacks:
        missing = [name for name in ("on_train_begin", "on_gradient", "on_epoch_end", "on_train_end")
                   if not callable(getattr(callback, name, None))]
        if missing:
            raise TypeError(
                f"{callback!r} is not a training callback: it has no {', '.join(missing)}. "
                "Subclass skprune.callbacks.TrainingCallback."
            )
    token = _CALLBACKS.set(_CALLBACKS.get() + tuple(callbacks))
    try:
        yield
    finally:
        _CALLBACKS.reset(token)


def active_callbacks():
    """The callbacks registered in the current context (a tuple, often empty)."""
    return _CALLBACKS.get()


@contextmanager
def training_session(model, callbacks):
    """``on_train_begin`` ... ``on_train_end`` around a fit of ``model``."""
    for callback in callbacks:
        callback.on_train_begin(model)
    try:
        yield
    finally:
        for callback in callbacks:
            callback.on_train_end(model)
