"""Pruners: meta-estimators that train a network and remove what matters least."""

from ._base import BasePruner
from ._magnitude import MagnitudePruner
from ._obd import OBDPruner
from ._obs import OBSPruner
from ._schedule import sparsity_schedule
from ._unit_removal import UnitRemovalPruner

__all__ = ["BasePruner", "MagnitudePruner", "OBDPruner", "OBSPruner", "UnitRemovalPruner", "sparsity_schedule"]
