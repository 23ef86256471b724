"""Callbacks: code of your own inside the training loop.

Every fit of a :class:`~skprune.PrunableMLPClassifier` or
:class:`~skprune.PrunableMLPRegressor` -- a network's own ``fit`` and
``partial_fit``, the dense fit of a pruner and its masked retraining -- calls
the callbacks registered with :func:`training_callbacks` around it:

- ``on_train_begin(model)`` before the first update;
- ``on_gradient(model, step)`` once per update, with the gradient
  (``step.coef_grads``, ``step.intercept_grads``) and the weights it was
  taken at (``model.coefs_``), just before the optimiser applies it. For the
  stochastic solvers that is every mini-batch; for L-BFGS every iteration, at
  the iterate it accepted (line-search trials are not reported);
- ``on_epoch_end(model, epoch, loss)`` after every epoch (every L-BFGS
  iteration), ``epoch`` counting from 1 within this call to ``fit``;
- ``on_train_end(model)`` after the last update, also when training stops
  early or fails.

During training ``model.coefs_`` and ``model.intercepts_`` are the arrays
being trained (read them, or copy them to keep them); ``step``'s arrays are
reused from one update to the next. A pruned weight's gradient is exactly
zero. Raising from a callback ends the fit; ``KeyboardInterrupt`` ends it as
an interrupt from the keyboard would.

Registration is per thread of execution (a :mod:`contextvars` context):
fits that joblib runs in other processes do not see it.
"""

from ._training.callbacks import TrainingCallback, TrainingStep, training_callbacks

__all__ = ["TrainingCallback", "TrainingStep", "training_callbacks"]
