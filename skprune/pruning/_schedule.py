"""Sparsity targets of the prune -> retrain rounds."""

import numpy as np

SCHEDULES = ("cubic", "linear", "geometric")


def sparsity_schedule(initial, final, n_steps, schedule="cubic"):
    """Sparsity to reach after each of ``n_steps`` rounds.

    Parameters
    ----------
    initial : float
        Sparsity before the first round.
    final : float
        Sparsity after the last round.
    n_steps : int
    schedule : {"cubic", "linear", "geometric"}
        "cubic" prunes fast early and slowly at the end (Zhu & Gupta 2017,
        eq. 1): ``s_t = s_f + (s_i - s_f) (1 - t/n)^3``. "linear" removes the
        same fraction each round. "geometric" shrinks the remaining density
        by the same factor each round.

    Returns
    -------
    targets : ndarray of shape (n_steps,)
        Non-decreasing; the last entry is ``max(initial, final)``.

    Examples
    --------
    >>> from skprune.pruning import sparsity_schedule
    >>> sparsity_schedule(0.0, 0.9, 3, "cubic").round(3)
    array([0.633, 0.867, 0.9  ])
    >>> sparsity_schedule(0.0, 0.75, 2, "geometric")
    array([0.5 , 0.75])
    """
    final = max(initial, final)
    t = np.arange(1, n_steps + 1) / n_steps
    if schedule == "cubic":
        targets = final + (initial - final) * (1 - t) ** 3
    elif schedule == "linear":
        targets = initial + (final - initial) * t
    elif schedule == "geometric":
        start, end = 1.0 - initial, 1.0 - final
        if start <= 0:  # nothing left to prune
            targets = np.full(n_steps, final)
        else:
            targets = 1.0 - start * (end / start) ** t
    else:
        raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}.")
    targets[-1] = final
    return np.maximum.accumulate(targets)
