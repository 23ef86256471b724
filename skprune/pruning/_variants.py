"""How a pruning fit starts and retrains beyond plain fine-tuning: from a
network initialised but not trained (pruning at initialisation), rewound to
earlier weights (lottery tickets), or distilled from the dense network."""

import contextlib
import copy

from sklearn.utils.validation import check_memory

from .._core.losses import tempered
from .._training.distillation import distilling
from ._rewind import check_rewind, fit_dense


class TrainingVariantsMixin:
    """The start and the retraining variants of :class:`BasePruner`'s fit."""

    def _starting_network(self, model, X, y, sample_weight):
        """``(network, snapshot)``: the network the first round prunes, and
        the weights rewinding returns to (None without ``rewind``)."""
        check_rewind(self.rewind, self.prefit, self._keeps_shape, type(self).__name__)
        if self._prunes_at_init and self.rewind is not None:
            raise ValueError(f"{type(self).__name__} prunes before training: rewind does not apply.")
        if self._prunes_at_init and self.distill and not self.prefit:
            raise ValueError(f"{type(self).__name__} prunes an untrained network: there is no teacher "
                             "to distil (distill needs prefit=True).")
        if self._prunes_at_init and not self.prefit:
            return model._initialize_only(X, y), None
        if self.prefit:
            model._commit()  # masks edited by hand since the last fit take effect
            return model, None
        fit = check_memory(self.memory).cache(fit_dense)
        return fit(model, X, y, sample_weight, self.rewind)

    def _teacher(self, data):
        """The block in which retraining distils the network before pruning
        (``distill``), or an empty one."""
        if not self.distill:
            return contextlib.nullcontext()
        if "teacher" not in data.notes:  # once per fit: the rows do not change
            reference = data.reference._network_view()
            outputs = reference.predict(data.X)
            data.notes["teacher"] = tempered(reference.loss.output_activation, outputs, self.distill_temperature)
        return distilling(data.notes["teacher"], self.distill, self.distill_temperature)

    def _train_pruned_at_init(self, model, data, X, y, sample_weight):
        """Train a network pruned at initialisation, in place, as ``fit`` would."""
        if self.retrain_iter:
            with self._teacher(data):
                model._retrain(X, y, sample_weight, self.retrain_iter, self.retrain_learning_rate, restart=True)
        return model

    def _trained_copy(self, model, data, X, y, sample_weight):
        """A trained copy of a pruned-at-initialisation network (``fit_path``'s callback)."""
        return self._train_pruned_at_init(copy.deepcopy(model), data, X, y, sample_weight)
