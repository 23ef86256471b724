"""Prunable multi-layer perceptrons."""

from ._mlp import PrunableMLPClassifier, PrunableMLPRegressor

__all__ = ["PrunableMLPClassifier", "PrunableMLPRegressor"]
