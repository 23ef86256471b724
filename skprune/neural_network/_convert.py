"""Conversion to and from scikit-learn's MLPClassifier and MLPRegressor."""

import copy

import numpy as np
from sklearn.base import ClassifierMixin, is_classifier
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.neural_network._stochastic_optimizers import (
    AdamOptimizer as SklearnAdam,
    SGDOptimizer as SklearnSGD,
)
from sklearn.utils.validation import check_is_fitted

from .._training.optimizers import AdamOptimizer, SGDOptimizer, optimizer_for

# Fitted attributes shared with scikit-learn's MLPs, copied by the converters.
_SHARED_FITTED_ATTRIBUTES = (
    "n_features_in_",
    "feature_names_in_",
    "n_layers_",
    "n_outputs_",
    "out_activation_",
    "n_iter_",
    "t_",
    "loss_",
    "loss_curve_",
    "best_loss_",
    "validation_scores_",
    "best_validation_score_",
    "classes_",
    "_label_binarizer",
    "_no_improvement_count",
)


def _split(vector, arrays):
    """``vector`` cut into arrays shaped like ``arrays`` (copies)."""
    offsets = np.cumsum([0] + [a.size for a in arrays])
    return [vector[i:j].reshape(a.shape).copy() for i, j, a in zip(offsets, offsets[1:], arrays)]


def _optimizer_to_sklearn(optimizer, params):
    """scikit-learn's optimiser with the state of ours, over ``params``."""
    if isinstance(optimizer, AdamOptimizer):
        theirs = SklearnAdam(params, optimizer.learning_rate_init, optimizer.beta_1,
                             optimizer.beta_2, optimizer.epsilon)
        theirs.t = optimizer.t
        theirs.ms, theirs.vs = _split(optimizer.m, params), _split(optimizer.v, params)
    else:
        theirs = SklearnSGD(params, optimizer.learning_rate_init, optimizer.lr_schedule,
                            optimizer.momentum, optimizer.nesterov, optimizer.power_t)
        theirs.velocities = _split(optimizer.velocity, params)
    theirs.learning_rate = optimizer.learning_rate
    return theirs


def _optimizer_from_sklearn(theirs, estimator):
    """Our optimiser with the state of scikit-learn's, over ``estimator``'s layout."""
    arrays = estimator.coefs_ + estimator.intercepts_
    n_params, dtype = sum(a.size for a in arrays), arrays[0].dtype
    ours = optimizer_for(estimator.solver, n_params, dtype, estimator.get_params())
    if isinstance(theirs, SklearnAdam) and isinstance(ours, AdamOptimizer):
        ours.t = theirs.t
        ours.m[...] = np.concatenate([m.ravel() for m in theirs.ms])
        ours.v[...] = np.concatenate([v.ravel() for v in theirs.vs])
    elif isinstance(theirs, SklearnSGD) and isinstance(ours, SGDOptimizer):
        ours.velocity[...] = np.concatenate([v.ravel() for v in theirs.velocities])
    else:
        return None
    ours.learning_rate = theirs.learning_rate
    return ours


class SklearnConversionMixin:
    """``from_sklearn`` and ``to_sklearn`` of the prunable networks."""

    @classmethod
    def from_sklearn(cls, mlp, prune_zeros=False):
        """Build a prunable network from a fitted scikit-learn MLP.

        The whole fitted state comes along -- weights, classes, loss curve,
        stopping-rule state and the stochastic optimiser's moments -- so
        training continues as it would have in scikit-learn.

        Parameters
        ----------
        mlp : MLPClassifier or MLPRegressor
            A fitted scikit-learn network of the matching kind.
        prune_zeros : bool, default=False
            Take the weights that are exactly zero as pruned (their mask
            False), so that a network exported by :meth:`to_sklearn` comes
            back with its masks. By default every mask is True.

        Returns
        -------
        estimator : instance of cls
            Same parameters, weights and fitted state.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from skprune import MagnitudePruner, PrunableMLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> net = MagnitudePruner(PrunableMLPClassifier((8,), max_iter=50, random_state=0),
        ...                       sparsity=0.5).fit(X, y).estimator_
        >>> back = PrunableMLPClassifier.from_sklearn(net.to_sklearn(), prune_zeros=True)
        >>> back.sparsity_ == net.sparsity_
        True
        """
        expected = MLPClassifier if issubclass(cls, ClassifierMixin) else MLPRegressor
        if not isinstance(mlp, expected):
            raise TypeError(
                f"{cls.__name__}.from_sklearn expects a fitted {expected.__name__}, "
                f"got {type(mlp).__name__}."
            )
        check_is_fitted(mlp)
        params = mlp.get_params()
        if issubclass(cls, ClassifierMixin):
            params["loss"] = "log_loss"
        estimator = cls(**{k: v for k, v in params.items() if k in cls._get_param_names()})
        for name in _SHARED_FITTED_ATTRIBUTES:
            if hasattr(mlp, name):
                setattr(estimator, name, copy.deepcopy(getattr(mlp, name)))
        estimator.coefs_ = [np.array(W) for W in mlp.coefs_]
        estimator.intercepts_ = [np.array(b) for b in mlp.intercepts_]
        if prune_zeros:
            estimator.masks_ = [W != 0 for W in estimator.coefs_]
        else:
            estimator.masks_ = [np.ones(W.shape, dtype=bool) for W in estimator.coefs_]
        if getattr(mlp, "_optimizer", None) is not None:
            optimizer = _optimizer_from_sklearn(mlp._optimizer, estimator)
            if optimizer is not None:
                estimator._optimizer = optimizer
        return estimator

    def to_sklearn(self):
        """Export to a fitted scikit-learn MLP with the same weights.

        Pruned weights are stored as zeros. The result predicts exactly as this
        estimator does and needs only scikit-learn to load and run. The whole
        fitted state scikit-learn reads comes along (stopping-rule state, the
        stochastic optimiser's moments), so ``partial_fit`` and a warm-started
        ``fit`` continue training as they would here -- but scikit-learn has
        no masks: there, pruned weights get gradients and can become non-zero
        again. To keep training a pruned network with its masks, continue in
        skprune: ``from_sklearn(mlp, prune_zeros=True)`` restores them.

        Returns
        -------
        mlp : MLPClassifier or MLPRegressor

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import load_iris
        >>> from skprune import MagnitudePruner, PrunableMLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> pruner = MagnitudePruner(PrunableMLPClassifier((8,), solver="lbfgs", max_iter=500,
        ...                                                random_state=0),
        ...                          sparsity=0.5).fit(X, y)
        >>> mlp = pruner.estimator_.to_sklearn()
        >>> type(mlp).__name__
        'MLPClassifier'
        >>> bool(np.array_equal(mlp.predict(X), pruner.predict(X)))
        True
        """
        check_is_fitted(self)
        target = MLPClassifier if is_classifier(self) else MLPRegressor
        params = {
            k: v for k, v in self.get_params().items() if k in target._get_param_names()
        }
        mlp = target(**params)
        for name in _SHARED_FITTED_ATTRIBUTES:
            if hasattr(self, name):
                setattr(mlp, name, copy.deepcopy(getattr(self, name)))
        mlp.coefs_ = [np.array(self._full_first_layer())] + [np.array(W) for W in self.coefs_[1:]]
        mlp.intercepts_ = [np.array(b) for b in self.intercepts_]
        if getattr(self, "_optimizer", None) is not None and not hasattr(self, "active_inputs_"):
            mlp._optimizer = _optimizer_to_sklearn(self._optimizer, mlp.coefs_ + mlp.intercepts_)
        if self.early_stopping and hasattr(self, "validation_scores_"):
            mlp._best_coefs = [W.copy() for W in mlp.coefs_]
            mlp._best_intercepts = [b.copy() for b in mlp.intercepts_]
        return mlp
