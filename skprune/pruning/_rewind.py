"""Rewinding: retrain a pruned network from the weights of an earlier point.

Frankle & Carbin (2019) reset the weights that survive pruning to their
values at initialisation (the "lottery ticket") and train again; Frankle et
al. (2020) reset them to their values after ``k`` epochs of the dense
training, which holds for larger networks; Renda, Frankle & Carbin (2020)
keep the pruned weights and replay only the learning-rate schedule from its
start. In each case the optimiser starts afresh, with its schedule at the
rewound point, as the papers' code does.
"""

from dataclasses import dataclass

from .._training.callbacks import TrainingCallback, training_callbacks


@dataclass
class Snapshot:
    """Weights and the samples seen (the schedule's clock) at one point of training."""

    coefs: list
    intercepts: list
    t: int


class RecordRewindPoint(TrainingCallback):
    """Records a :class:`Snapshot` before training (``epoch=0``) or after epoch ``epoch``."""

    def __init__(self, epoch):
        self.epoch, self.snapshot, self._t, self.n_epochs = epoch, None, 0, 0

    def on_train_begin(self, model):
        self._t = 0
        if self.epoch == 0:
            self._take(model)

    def on_gradient(self, model, step):
        self._t += step.n_samples

    def on_epoch_end(self, model, epoch, loss):
        self.n_epochs = epoch
        if epoch == self.epoch:
            self._take(model)

    def _take(self, model):
        self.snapshot = Snapshot([W.copy() for W in model.coefs_], [b.copy() for b in model.intercepts_], self._t)


def rewind_epoch(rewind):
    """The epoch whose weights ``rewind`` restores (0 for "init"), or None."""
    if rewind is None or rewind == "lr":
        return None
    return 0 if rewind == "init" else int(rewind)


def fit_dense(estimator, X, y, sample_weight, rewind=None):
    """Fit the dense network, recording the rewind point; ``(model, snapshot)``.

    Module level so that ``joblib.Memory`` caches both together.
    """
    epoch = rewind_epoch(rewind)
    if epoch is None:
        return estimator.fit(X, y, sample_weight=sample_weight), None
    recorder = RecordRewindPoint(epoch)
    with training_callbacks(recorder):
        model = estimator.fit(X, y, sample_weight=sample_weight)
    if recorder.snapshot is None:
        raise ValueError(
            f"rewind={rewind!r} asks for the weights after epoch {epoch}, but the dense "
            f"fit ran {recorder.n_epochs} epoch(s). Choose a smaller rewind or a larger max_iter."
        )
    return model, recorder.snapshot


def check_rewind(rewind, prefit, keeps_shape, name):
    """Refuse, before any work, a rewind this pruner cannot make."""
    if rewind is None:
        return
    if not keeps_shape:
        raise ValueError(f"{name} deletes units, so its weights cannot be rewound; use rewind=None.")
    if prefit and rewind != "lr":
        raise ValueError(
            f"rewind={rewind!r} needs the weights of the dense training, which a prefit "
            "network does not have: use prefit=False, or rewind='lr'."
        )


def rewind_weights(model, snapshot):
    """Restore the kept weights (and all biases) of ``snapshot``, or, without
    one (learning-rate rewinding), only restart the schedule's clock."""
    if snapshot is not None:
        model._commit(coefs=snapshot.coefs, intercepts=snapshot.intercepts)
    model.t_ = 0 if snapshot is None else snapshot.t
