"""Choosing the compression level: pruning paths under cross-validation."""

from ._pruning_curve import pruning_curve
from ._search import PrunerCV

__all__ = ["PrunerCV", "pruning_curve"]
