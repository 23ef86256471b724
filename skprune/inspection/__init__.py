"""Visualising pruning."""

from ._pruning_curve_display import PruningCurveDisplay

__all__ = ["PruningCurveDisplay"]
