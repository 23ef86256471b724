"""The teacher of knowledge distillation, for the fits within a block."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import numpy as np

_TEACHER = ContextVar("distillation_teacher", default=None)


@dataclass
class Teacher:
    """The teacher's outputs on the training rows, at ``temperature``, and
    the weight of the soft term (see :func:`skprune._core.losses.distillation`)."""

    outputs: np.ndarray
    weight: float
    temperature: float


@contextmanager
def distilling(outputs, weight, temperature):
    """Fits within the block train on ``(1 - weight)`` of their own loss and
    ``weight`` of the distillation term towards ``outputs``, one row per
    training row."""
    token = _TEACHER.set(Teacher(outputs, weight, temperature))
    try:
        yield
    finally:
        _TEACHER.reset(token)


def active_teacher():
    """The :class:`Teacher` of the current block, or None."""
    return _TEACHER.get()
