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


def test_concurrent_fits_leave_the_blas_thread_count_as_it_was():
    # The limit is shared and reference-counted: two threads entering and
    # leaving it in any order restore the count saved by the first.
    import threading

    from sklearn.datasets import make_classification

    from skprune import MagnitudePruner, PrunableMLPClassifier

    X, y = make_classification(n_samples=120, n_features=8, n_informative=4, random_state=0)
    barrier = threading.Barrier(2)

    def work(seed):
        barrier.wait()
        for _ in range(15):
            MagnitudePruner(PrunableMLPClassifier((8,), max_iter=2, random_state=seed),
                            sparsity=0.5, retrain_iter=1).fit(X, y)

    with threadpool_limits(2, user_api="blas"):
        before = blas_threads()
        workers = [threading.Thread(target=work, args=(seed,)) for seed in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert blas_threads() == before


def test_interleaved_limits_restore_the_count_saved_first():
    from skprune._core.threads import one_blas_thread

    with threadpool_limits(2, user_api="blas"):
        before = blas_threads()
        first, second = one_blas_thread(), one_blas_thread()
        first.__enter__()
        second.__enter__()
        first.__exit__(None, None, None)  # the other still holds it
        assert set(blas_threads()) == {1}
        second.__exit__(None, None, None)
        assert blas_threads() == before


def test_a_small_matrix_is_factorised_and_inverted_on_one_thread(monkeypatch):
    from skprune._core.threads import SMALL_FACTORISATION_ORDER
    from skprune.pruning import _obs_solvers

    seen, real = [], _obs_solvers.lapack

    class Recording:
        def __getattr__(self, name):
            return getattr(real, name)

        def dpotrf(self, *args, **kwargs):
            seen.append(set(blas_threads()))
            return real.dpotrf(*args, **kwargs)

    monkeypatch.setattr(_obs_solvers, "lapack", Recording())
    with threadpool_limits(2, user_api="blas"):
        before = set(blas_threads())
        for n in (64, SMALL_FACTORISATION_ORDER):
            H = np.eye(n) + np.ones((n, n)) / n
            H_inv, _ = _obs_solvers.damped_inverse(H, 0.0)
            np.testing.assert_allclose(H_inv @ H, np.eye(n), atol=1e-10)
    assert seen == [{1}, before]
