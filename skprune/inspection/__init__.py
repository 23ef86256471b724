"""Looking at pruned networks: pruning curves and per-layer summaries."""

from ..neural_network._summary import LayerSummary
from ._pruning_curve_display import PruningCurveDisplay

__all__ = ["LayerSummary", "PruningCurveDisplay"]
