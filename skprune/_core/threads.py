"""One BLAS thread for products too small to share between threads.

A product split between BLAS threads waits for the slowest of them. Below
``SMALL_PRODUCT_FLOPS`` operations a second thread gains little even on an
idle machine (on Digits a training epoch, layer-wise OBS and unit removal
are faster on one), and on a machine whose other cores are busy (another
process, the workers of a parallel search) it costs two to three times
(``benchmarks/bench_busy.py``): such products run on one thread. Larger
ones keep the threads BLAS has. The choice depends on the sizes alone, never
on the machine's load, so that a fit is bit-for-bit reproducible. The limit
only ever lowers the number of threads: a user's own ``threadpool_limits``
(or joblib's, in the workers of a parallel search) stays in force.

BLAS's thread count belongs to the whole process, so the one-thread limit is
shared: the first call that needs it saves the count and sets one thread,
the last to leave restores it, under a lock. Two threads of the caller
fitting at once can never restore each other's saved value (which would
leave the process on one thread for good); while one of them holds the
limit, the other's products run on one thread too, as two concurrent fits
already occupy the cores.
"""

import functools
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext

from threadpoolctl import ThreadpoolController

# Floating-point operations of one product (2 m k n for an m x k by k x n
# GEMM) below which it runs on one BLAS thread (benchmarks/bench_busy.py).
SMALL_PRODUCT_FLOPS = 2**25

# Rank-one downdates (BLAS ``ger``) read and write the whole matrix for 2 n^2
# operations: they are bound by memory, and a second thread pays from about
# 2**18 entries on (2 threads: 35 against 61 microseconds at 785 x 785, equal
# at 101 x 101).
SMALL_MATRIX_ENTRIES = 2**18

# A Cholesky factorisation and inversion (LAPACK potrf + potri, about n^3
# operations) synchronises its threads at every block column: below this
# order a second thread gains nothing on an idle machine and loses beside a
# busy one (benchmarks/bench_busy.py, 2 cores: at 300, 4.0 ms on two threads
# and 4.2 on one alone, 6.8 on two beside a busy process; at 784, 20 against
# 30 ms alone, 33.5 beside one).
SMALL_FACTORISATION_ORDER = 512

_controller = None

# The shared one-thread limit: how many calls hold it, and the limiter whose
# restore gives back the count saved by the first of them.
_limit_lock = threading.Lock()
_limit_holders = 0
_limiter = None


def _blas_controller():
    global _controller
    if _controller is None:  # finding the BLAS libraries takes a fraction of a millisecond
        _controller = ThreadpoolController()
    return _controller


@contextmanager
def one_blas_thread():
    """A context in which BLAS uses one thread; safe to enter from several threads."""
    global _limit_holders, _limiter
    with _limit_lock:
        if _limit_holders == 0:
            _limiter = _blas_controller().limit(limits=1, user_api="blas")
        _limit_holders += 1
    try:
        yield
    finally:
        with _limit_lock:
            _limit_holders -= 1
            if _limit_holders == 0:
                _limiter.restore_original_limits()
                _limiter = None


def blas_threads_for(flops):
    """A context in which BLAS uses one thread if a typical product is small.

    Parameters
    ----------
    flops : float
        Floating-point operations of the typical product run in the context.
    """
    if flops >= SMALL_PRODUCT_FLOPS:
        return nullcontext()
    return one_blas_thread()


def blas_thread_count():
    """The number of threads BLAS would use now (the most of its libraries)."""
    counts = [lib["num_threads"] for lib in _blas_controller().info() if lib["user_api"] == "blas"]
    return max(counts, default=1)


def blas_threads_for_downdates(n_entries):
    """A context in which BLAS uses one thread for rank-one downdates of a small matrix."""
    return blas_threads_for(SMALL_PRODUCT_FLOPS if n_entries >= SMALL_MATRIX_ENTRIES else 0)


def blas_threads_for_factorisation(order):
    """A context in which BLAS uses one thread to factorise and invert a
    small symmetric matrix (of ``order`` rows)."""
    return blas_threads_for(SMALL_PRODUCT_FLOPS if order >= SMALL_FACTORISATION_ORDER else 0)


def map_blocks_in_threads(function, blocks):
    """``function(block)`` for every block, on as many threads as BLAS has.

    For work that runs on one core whatever BLAS's threads (the CSR
    products of sparse inference): the blocks are shared between that many threads instead,
    each with one BLAS thread, so that a user's ``threadpool_limits`` (or
    joblib's in a parallel search) bounds these threads too. The blocks are
    independent, so the result does not depend on the number of threads.
    """
    blocks = list(blocks)
    n_threads = min(blas_thread_count(), len(blocks))
    if n_threads <= 1:
        return [function(block) for block in blocks]
    with one_blas_thread(), ThreadPoolExecutor(n_threads) as pool:
        return list(pool.map(function, blocks))


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
