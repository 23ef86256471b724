"""skprune: prune multi-layer perceptrons the scikit-learn way."""

from .neural_network import PrunableMLPClassifier, PrunableMLPRegressor

__version__ = "0.1.0.dev0"

__all__ = ["PrunableMLPClassifier", "PrunableMLPRegressor", "__version__"]
