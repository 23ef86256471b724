"""Prunable multi-layer perceptrons."""

from ._classifier import PrunableMLPClassifier
from ._regressor import PrunableMLPRegressor

__all__ = ["PrunableMLPClassifier", "PrunableMLPRegressor"]
