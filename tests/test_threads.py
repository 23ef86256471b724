"""BLAS threads: one for small products, never more than the user allows."""

import numpy as np
from threadpoolctl import ThreadpoolController, threadpool_limits

from skprune._core.threads import SMALL_PRODUCT_FLOPS, blas_threads_for, downdates


def blas_threads():
    return [lib["num_threads"] for lib in ThreadpoolController().info() if lib["user_api"] == "blas"]


def test_small_products_run_on_one_thread_and_the_count_is_restored():
    before = blas_threads()
    with blas_threads_for(SMALL_PRODUCT_FLOPS / 2):
        assert set(blas_threads()) == {1}
    assert blas_threads() == before
    with blas_threads_for(SMALL_PRODUCT_FLOPS):
        assert blas_threads() == before


def test_a_users_limit_stays_in_force():
    with threadpool_limits(1, user_api="blas"):
        with blas_threads_for(10 * SMALL_PRODUCT_FLOPS):
            assert set(blas_threads()) == {1}
        with blas_threads_for(1):
            pass
        assert set(blas_threads()) == {1}


def test_downdates_of_a_small_matrix_run_on_one_thread():
    seen = []

    @downdates
    def solver(H_inv):
        seen.append(set(blas_threads()))
        return H_inv.sum()

    assert solver(np.eye(3)) == 3.0
    assert seen == [{1}]
