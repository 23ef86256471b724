"""skprune: prune multi-layer perceptrons the scikit-learn way."""

from .neural_network import PrunableMLPClassifier, PrunableMLPRegressor
from .pruning import (
    InitPruner,
    MagnitudePruner,
    MovementPruner,
    OBDPruner,
    OBSPruner,
    RandomPruner,
    ScorePruner,
    UnitRemovalPruner,
    WandaPruner,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "InitPruner",
    "MagnitudePruner",
    "MovementPruner",
    "OBDPruner",
    "OBSPruner",
    "PrunableMLPClassifier",
    "PrunableMLPRegressor",
    "RandomPruner",
    "ScorePruner",
    "UnitRemovalPruner",
    "WandaPruner",
    "__version__",
]
