"""Looking at pruned networks: pruning curves, per-layer sensitivity and summaries."""

from ..neural_network._summary import LayerSummary
from ._pruning_curve_display import PruningCurveDisplay
from ._sensitivity import SensitivityDisplay, sensitivity_analysis, sparsity_from_sensitivity

__all__ = [
    "LayerSummary",
    "PruningCurveDisplay",
    "SensitivityDisplay",
    "sensitivity_analysis",
    "sparsity_from_sensitivity",
]
