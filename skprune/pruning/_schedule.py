"""Sparsity targets of the prune -> retrain rounds."""

import numpy as np

SCHEDULES = ("cubic", "linear", "geometric")


def halving_rounds(initial, final):
    """The number of rounds of ``n_steps="auto"``: one per halving of what is kept.

    ``ceil(log2(d_i / d_f))`` for the densities ``d = 1 - s`` before and after,
    taken over the layers when they are given per layer, and at least one.
    Past one halving per round, masked retraining stops recovering what a
    round lost: on Digits at 95%, one round of OBD keeps 0.86 of the test
    accuracy where five keep 0.97 (the user guide, "How many rounds, how
    much retraining").

    Parameters
    ----------
    initial : float or ndarray of shape (n_layers,)
        Sparsity before the first round (of each layer).
    final : float or ndarray of shape (n_layers,)
        Sparsity after the last round (of each layer).

    Returns
    -------
    n_rounds : int

    Examples
    --------
    >>> from skprune.pruning import halving_rounds
    >>> [halving_rounds(0.0, s) for s in (0.5, 0.75, 0.9, 0.95, 0.98, 0.99)]
    [1, 2, 4, 5, 6, 7]
    """
    initial, final = np.broadcast_arrays(np.asarray(initial, float), np.asarray(final, float))
    before, after = 1.0 - initial, 1.0 - np.maximum(initial, final)
    with np.errstate(divide="ignore", invalid="ignore"):
        halvings = np.log2(before / after)  # after > 0 where before > 0: sparsity < 1
    # a layer with no weight left (a compacted constant network) needs no halving
    halvings = np.where(before > 0, halvings, 0.0)
    return max(1, int(np.ceil(np.max(halvings) - 1e-9)))


def sparsity_schedule(initial, final, n_steps, schedule="cubic"):
    """Sparsity to reach after each of ``n_steps`` rounds.

    Parameters
    ----------
    initial : float or ndarray of shape (n_layers,)
        Sparsity before the first round (of each layer).
    final : float or ndarray of shape (n_layers,)
        Sparsity after the last round (of each layer).
    n_steps : int
    schedule : {"cubic", "linear", "geometric"}
        "cubic" prunes fast early and slowly at the end (Zhu & Gupta 2017,
        eq. 1): :math:`s_t = s_f + (s_i - s_f) (1 - t/n)^3`. "linear" removes the
        same fraction each round. "geometric" shrinks the remaining density
        by the same factor each round.

    Returns
    -------
    targets : ndarray of shape (n_steps,) or (n_steps, n_layers)
        Non-decreasing; the last entry is ``max(initial, final)``.

    Examples
    --------
    >>> from skprune.pruning import sparsity_schedule
    >>> sparsity_schedule(0.0, 0.9, 3, "cubic").round(3)
    array([0.633, 0.867, 0.9  ])
    >>> sparsity_schedule(0.0, 0.75, 2, "geometric")
    array([0.5 , 0.75])
    """
    initial, final = np.broadcast_arrays(np.asarray(initial, float), np.asarray(final, float))
    final = np.maximum(initial, final)
    t = (np.arange(1, n_steps + 1) / n_steps).reshape((n_steps,) + (1,) * final.ndim)
    if schedule == "cubic":
        targets = final + (initial - final) * (1 - t) ** 3
    elif schedule == "linear":
        targets = initial + (final - initial) * t
    elif schedule == "geometric":
        start, end = 1.0 - initial, 1.0 - final
        with np.errstate(divide="ignore", invalid="ignore"):
            shrunk = 1.0 - start * (end / start) ** t
        targets = np.where(start <= 0, final, shrunk)  # start <= 0: nothing left to prune
    else:
        raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}.")
    targets[-1] = final
    return np.maximum.accumulate(targets, axis=0)
