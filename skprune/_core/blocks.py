"""Passes over the data in blocks of rows, sized from a memory budget.

Nothing that reads every sample (predict, a loss, a Gram matrix, a curvature
diagonal) holds all rows' activations: it runs over blocks whose working
memory is at most :func:`block_budget` bytes and accumulates what it needs.
A block of 16 MiB holds thousands of rows of a typical network, enough for
BLAS to run at full rate, so blocking costs no time; larger blocks would only
cost memory.
"""

from sklearn import get_config
from sklearn.utils import gen_batches

# Working memory of one block of rows, in bytes; a lower
# ``sklearn.set_config(working_memory=...)`` (in MiB) lowers it further.
BLOCK_BYTES = 2**24


def block_budget():
    """Bytes one block of rows may use: ``BLOCK_BYTES`` or scikit-learn's
    ``working_memory``, whichever is smaller."""
    return min(BLOCK_BYTES, int(get_config()["working_memory"] * 2**20))


def block_rows(bytes_per_row, reserved_bytes=0):
    """Rows in one block when each row takes ``bytes_per_row`` bytes, beside
    ``reserved_bytes`` the caller holds whatever the block's size."""
    return max(1, int((block_budget() - reserved_bytes) // max(1, bytes_per_row)))


def row_blocks(n_rows, bytes_per_row, reserved_bytes=0):
    """Slices covering ``range(n_rows)`` in blocks of :func:`block_rows` rows."""
    return gen_batches(n_rows, block_rows(bytes_per_row, reserved_bytes))
