"""Warnings specific to skprune."""


class NumericalWarning(UserWarning):
    """A matrix had to be regularised more than asked to be factorised.

    Raised, for instance, when a Hessian or Gram matrix is singular (dead or
    duplicated units, constant features) and its damping was increased.
    The result is finite; it may differ from what the requested damping would
    have given.
    """
