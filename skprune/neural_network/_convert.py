"""Conversion to and from scikit-learn's MLPClassifier and MLPRegressor."""

import copy

import numpy as np
from sklearn.base import ClassifierMixin, is_classifier
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils.validation import check_is_fitted

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
)


class SklearnConversionMixin:
    """``from_sklearn`` and ``to_sklearn`` of the prunable networks."""

    @classmethod
    def from_sklearn(cls, mlp):
        """Build a prunable network from a fitted scikit-learn MLP.

        Parameters
        ----------
        mlp : MLPClassifier or MLPRegressor
            A fitted scikit-learn network of the matching kind.

        Returns
        -------
        estimator : instance of cls
            Same parameters, weights and fitted state; every mask is True.
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
        estimator.masks_ = [np.ones(W.shape, dtype=bool) for W in estimator.coefs_]
        if not hasattr(mlp, "_no_improvement_count"):
            return estimator
        estimator._no_improvement_count = mlp._no_improvement_count
        return estimator

    def to_sklearn(self):
        """Export to a fitted scikit-learn MLP with the same weights.

        Pruned weights are stored as zeros. The result predicts exactly as this
        estimator does and needs only scikit-learn to load and run.

        Returns
        -------
        mlp : MLPClassifier or MLPRegressor
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
        mlp.coefs_ = [np.array(W) for W in self.coefs_]
        mlp.intercepts_ = [np.array(b) for b in self.intercepts_]
        return mlp
