"""Feature selection by pruning the input units of a network."""

from ._input_pruner import InputPruner

__all__ = ["InputPruner"]
