"""Pruners: meta-estimators that train a network and remove what matters least."""

from ._at_init import InitPruner
from ._base import BasePruner
from ._magnitude import MagnitudePruner
from ._movement import MovementPruner
from ._obd import OBDPruner
from ._obs import OBSPruner
from ._random import RandomPruner
from ._schedule import halving_rounds, sparsity_schedule
from ._score import ScorePruner, loss_gradient
from ._unit_removal import UnitRemovalPruner
from ._wanda import WandaPruner

__all__ = [
    "BasePruner",
    "InitPruner",
    "MagnitudePruner",
    "MovementPruner",
    "OBDPruner",
    "OBSPruner",
    "RandomPruner",
    "ScorePruner",
    "UnitRemovalPruner",
    "WandaPruner",
    "halving_rounds",
    "loss_gradient",
    "sparsity_schedule",
]
