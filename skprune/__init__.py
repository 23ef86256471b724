"""skprune: prune multi-layer perceptrons the scikit-learn way."""

from .neural_network import PrunableMLPClassifier, PrunableMLPRegressor
from .pruning import MagnitudePruner, OBDPruner, OBSPruner, UnitRemovalPruner

__version__ = "0.1.0.dev0"

__all__ = [
    "MagnitudePruner",
    "OBDPruner",
    "OBSPruner",
    "PrunableMLPClassifier",
    "PrunableMLPRegressor",
    "UnitRemovalPruner",
    "__version__",
]
