"""One BLAS thread where sharing the work between threads does not pay.

On a machine whose other cores are busy (another process, the workers of a
parallel search), a product split between BLAS threads waits for the
slowest of them, whose core it shares: ``benchmarks/bench_busy.py`` measured
training and pruning two to three times slower beside one busy process on
two cores, against one thread. So a context that would run threaded
products first looks whether another task is running; if one is, it runs on
one thread. Products below ``SMALL_PRODUCT_FLOPS`` gain little from a second
thread even on an idle machine (on Digits, a training epoch and layer-wise
OBS are faster with one), so they always run on one. The limit only ever
lowers the number of threads: a user's own ``threadpool_limits`` (or
joblib's, in the workers of a parallel search) stays in force.
"""

import functools
import os
from contextlib import nullcontext

from threadpoolctl import ThreadpoolController

# Floating-point operations of one product (2 m k n for an m x k by k x n
# GEMM) below which it runs on one BLAS thread (benchmarks/bench_busy.py).
SMALL_PRODUCT_FLOPS = 2**25

# Rank-one downdates (BLAS ``ger``) read and write the whole matrix for 2 n^2
# operations: they are bound by memory, and a second thread pays from about
# 2**18 entries on (2 threads: 35 against 61 microseconds at 785 x 785, equal
# at 101 x 101).
SMALL_MATRIX_ENTRIES = 2**18

_controller = None


def _blas_controller():
    global _controller
    if _controller is None:  # finding the BLAS libraries takes a fraction of a millisecond
        _controller = ThreadpoolController()
    return _controller


def other_runnable_tasks():
    """Tasks of other processes ready to run right now, or 0 where unknown.

    Linux's ``/proc/loadavg`` counts the runnable tasks of the machine at
    this instant (its fourth field, unlike the load average); this process's
    own runnable threads (``/proc/self/task``), among them BLAS threads
    still spinning after a product, are not counted.
    """
    try:
        with open("/proc/loadavg") as status:
            runnable = int(status.read().split()[3].split("/")[0])
        own = 0
        for task in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{task}/stat") as status:
                own += status.read().rsplit(")", 1)[1].split()[0] == "R"
    except (OSError, ValueError, IndexError):
        return 0
    return max(0, runnable - own)


def blas_threads_for(flops):
    """A context in which BLAS uses one thread if it would not pay to share the work.

    One thread if a typical product of the context (``flops`` operations)
    is small, or if another task is running on the machine right now (as
    OpenMP's dynamic mode adjusts its teams to the load): the threads of a
    large product then wait for a core. Otherwise BLAS keeps the threads it
    has.

    Parameters
    ----------
    flops : float
        Floating-point operations of the typical product run in the context.
    """
    if flops >= SMALL_PRODUCT_FLOPS and not other_runnable_tasks():
        return nullcontext()
    return _blas_controller().limit(limits=1, user_api="blas")


def blas_threads_for_downdates(n_entries):
    """A context in which BLAS uses one thread for rank-one downdates of a small matrix."""
    return blas_threads_for(SMALL_PRODUCT_FLOPS if n_entries >= SMALL_MATRIX_ENTRIES else 0)


def layer_flops(network, n_rows):
    """Operations of the largest layer product on ``n_rows`` rows of ``network``."""
    return 2.0 * n_rows * max(W.shape[0] * W.shape[1] for W in network.coefs)


def passes_over_rows(function):
    """Decorate ``function(network, X, ...)``, a pass over the rows of ``X``
    in blocks, to run on one BLAS thread when its layer products are small."""

    @functools.wraps(function)
    def wrapper(network, X, *args, **kwargs):
        with blas_threads_for(layer_flops(network, min(X.shape[0], 4096))):
            return function(network, X, *args, **kwargs)

    return wrapper


def downdates(function):
    """Decorate ``function(H_inv, ...)``, a loop of rank-one downdates of
    ``H_inv``, to run on one BLAS thread when the matrix is small."""

    @functools.wraps(function)
    def wrapper(H_inv, *args, **kwargs):
        with blas_threads_for_downdates(H_inv.size):
            return function(H_inv, *args, **kwargs)

    return wrapper
