"""Dense linear algebra helpers that keep memory to one matrix."""

import numpy as np


def symmetrize(A, from_lower, block=512):
    """Copy one triangle of the square C-contiguous ``A`` onto the other, in place.

    Block by block, so that no temporary larger than ``block`` rows is made.
    """
    n = len(A)
    for i0 in range(0, n, block):
        i1 = min(i0 + block, n)
        D = A[i0:i1, i0:i1]
        if from_lower:  # rows i0:i1 of the upper triangle from columns i0:i1 of the lower
            A[i0:i1, i1:] = A[i1:, i0:i1].T
            upper = np.triu_indices(i1 - i0, 1)
            D[upper] = D.T[upper]
        else:
            A[i0:i1, :i0] = A[:i0, i0:i1].T
            lower = np.tril_indices(i1 - i0, -1)
            D[lower] = D.T[lower]


# A Gram matrix and its inverse are (n + 1)^2 float64 numbers each; wider
# ones are refused before any work rather than exhausting memory.
MAX_GRAM_MB = 4096


def check_gram_size(n, what):
    """Refuse, with a ``ValueError``, a Gram matrix over ``n`` columns (and a
    column of ones) whose inverse would take more than ``MAX_GRAM_MB``.

    ``what`` names the columns in the message ("Hidden layer 0 has 300 units").
    """
    need_mb = 2 * 8 * (n + 1) ** 2 / 2**20
    if need_mb > MAX_GRAM_MB:
        raise ValueError(
            f"{what}: its Gram matrix and inverse need about {need_mb:.0f} MiB, "
            f"more than {MAX_GRAM_MB} MiB."
        )
