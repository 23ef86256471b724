"""Least-squares input removal (RowRemoval) against brute-force least squares."""

import numpy as np
import pytest

from skprune.pruning._row_removal import RowRemoval


def layer(seed=0, n=60, d=5, k=3):
    rng = np.random.RandomState(seed)
    A = rng.randn(n, d)
    A1 = np.hstack([A, np.ones((n, 1))])
    W, b = rng.randn(d, k), rng.randn(k)
    return A1, W, b


def refit_without(A1, W, b, removed):
    """The brute-force answer: the kept rows of ``[W; b]`` re-solved by least
    squares so that ``[A, 1] [W; b]`` changes least, and the mean squared change."""
    target = A1 @ np.vstack([W, b])
    kept = [j for j in range(A1.shape[1]) if j not in removed]
    solution = np.linalg.lstsq(A1[:, kept], target, rcond=None)[0]
    W_bar = np.zeros((A1.shape[1], W.shape[1]))
    W_bar[kept] = solution
    return W_bar, np.sum((A1[:, kept] @ solution - target) ** 2) / len(A1)


def test_errors_are_the_least_squares_residuals_of_removing_each_input():
    A1, W, b = layer()
    removal = RowRemoval(A1.T @ A1 / len(A1), W, b)
    expected = [refit_without(A1, W, b, {j})[1] for j in range(W.shape[0])]
    np.testing.assert_allclose(removal.errors(), expected, rtol=1e-4)


@pytest.mark.parametrize("order", [(1, 3), (3, 1, 0)])
def test_successive_removals_equal_one_least_squares_refit(order):
    A1, W, b = layer(seed=1)
    removal = RowRemoval(A1.T @ A1 / len(A1), W, b)
    for j in order:
        removal.remove(j)
    W_bar, _ = refit_without(A1, W, b, set(order))
    np.testing.assert_allclose(removal.W_bar, W_bar, rtol=1e-4, atol=1e-6)
    assert np.all(removal.W_bar[list(order)] == 0.0)


def test_removal_without_compensation_only_zeroes_the_row():
    A1, W, b = layer(seed=2)
    removal = RowRemoval(A1.T @ A1 / len(A1), W, b)
    removal.remove(2, compensate=False)
    expected = np.vstack([W, b])
    expected[2] = 0.0
    np.testing.assert_array_equal(removal.W_bar, expected)


def test_a_duplicated_input_is_removed_at_no_cost():
    A1, W, b = layer(seed=3)
    A1 = np.hstack([A1[:, :1], A1])  # input 0 is input 1 again
    W = np.vstack([W[:1], W])
    removal = RowRemoval(A1.T @ A1 / len(A1), W, b)
    # zero but for the damping of the Gram matrix (GRAM_DAMPING)
    assert removal.errors()[0] < 1e-4 * removal.errors()[2:].min()
    removal.remove(0)
    np.testing.assert_allclose(A1 @ removal.W_bar, A1 @ np.vstack([W, b]), atol=1e-5)
