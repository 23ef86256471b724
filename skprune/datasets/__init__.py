"""Datasets of the pruning literature."""

from ._monks import load_monks, make_monks

__all__ = ["load_monks", "make_monks"]
