"""OBSPruner and the OBS solvers."""

import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits

from skprune import MagnitudePruner, OBSPruner, PrunableMLPClassifier
from skprune.pruning._data import PruningData
from skprune.pruning._obs_solvers import (
    damped_inverse,
    obs_greedy,
    obs_layer_blockwise,
    obs_layer_exact,
)




@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:500] / 16.0, y[:500]


def random_spd(p, seed=0):
    rng = np.random.RandomState(seed)
    A = rng.normal(size=(3 * p, p))
    return A.T @ A / (3 * p), rng.normal(size=p)


def brute_force_removal(H, w, fixed):
    """Minimise dw^T H dw / 2 with w + dw zero on ``fixed``: solve the free block."""
    fixed = np.asarray(fixed)
    free = np.setdiff1d(np.arange(len(w)), fixed)
    dw = np.zeros_like(w)
    dw[fixed] = -w[fixed]
    dw[free] = -np.linalg.solve(H[np.ix_(free, free)], H[np.ix_(free, fixed)] @ dw[fixed])
    return 0.5 * dw @ H @ dw, w + dw


def test_obs_greedy_matches_brute_force_over_every_candidate():
    H, w = random_spd(7)
    H_inv = np.linalg.inv(H)
    candidates = np.ones(7, bool)
    candidates[6] = False  # a bias: compensates, never removed
    fixed = []
    w_obs = w.copy()
    for _ in range(3):
        costs = {q: brute_force_removal(H, w, fixed + [q])[0] for q in np.flatnonzero(candidates) if q not in fixed}
        best = min(costs, key=costs.get)
        removed, predicted = obs_greedy(H_inv, w_obs, candidates, 1, forced=[])
        assert removed == [best]
        base = brute_force_removal(H, w, fixed)[0] if fixed else 0.0
        assert predicted[0] == pytest.approx(costs[best] - base, rel=1e-8)
        fixed.append(best)
        candidates[best] = False
        assert_allclose(w_obs, brute_force_removal(H, w, fixed)[1], atol=1e-10)


def test_obs_on_an_exactly_quadratic_loss_predicts_the_loss():
    # Least squares: the loss is exactly quadratic, so the predicted increase is exact.
    rng = np.random.RandomState(0)
    A = rng.normal(size=(50, 6))
    y = A @ rng.normal(size=6) + 0.3 * rng.normal(size=50)
    w = np.linalg.lstsq(A, y, rcond=None)[0]

    def loss(v):
        return 0.5 * np.sum((A @ v - y) ** 2)

    H = A.T @ A
    w_new = w.copy()
    _, costs = obs_greedy(np.linalg.inv(H), w_new, np.ones(6, bool), 3)
    assert np.count_nonzero(w_new == 0) == 3
    assert loss(w_new) - loss(w) == pytest.approx(sum(costs), rel=1e-9)


def test_layer_solvers_remove_a_duplicated_input_without_changing_the_output():
    rng = np.random.RandomState(0)
    A = rng.normal(size=(200, 5))
    A = np.hstack([A, A[:, [2]], np.ones((200, 1))])  # column 5 duplicates column 2
    W = rng.normal(size=(7, 4))
    H_inv, _ = damped_inverse(A.T @ A / 200, 1e-8)
    prunable = np.r_[np.ones(6, bool), False]
    masks = np.ones((7, 4), bool)
    out = A @ W
    W_exact = W.copy()
    new = obs_layer_exact(H_inv, W_exact, prunable, masks, n_total=4)
    for j in range(4):
        assert set(np.flatnonzero(~new[:, j])) <= {2, 5}
    assert_allclose(A @ W_exact, out, atol=1e-5)


def test_blockwise_solver_compensates_and_prunes_exactly():
    rng = np.random.RandomState(1)
    A = np.hstack([rng.normal(size=(300, 40)) @ rng.normal(size=(40, 40)), np.ones((300, 1))])
    W = rng.normal(size=(41, 12))
    H = A.T @ A / 300
    H_inv, _ = damped_inverse(H, 1e-4)
    prunable = np.r_[np.ones(40, bool), False]
    masks = np.ones((41, 12), bool)
    masks[3, :4] = False  # already pruned: kept at zero and counted
    W[~masks] = 0.0
    W_obs = W.copy()
    new = obs_layer_blockwise(H_inv, W_obs, prunable, masks, n_total=240, block_size=16)
    assert np.count_nonzero(~new) == 240
    assert not new[3, :4].any() and new[40].all()
    assert np.all(W_obs[~new] == 0.0)
    W_mag = np.where(new, W, 0.0)  # same mask, no compensation
    error_obs = np.linalg.norm(A @ (W_obs - W))
    assert error_obs < 0.8 * np.linalg.norm(A @ (W_mag - W))


def xor_network():
    """A 2-3-1 tanh network solving XOR; its third hidden unit is not needed."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 10, dtype=float)
    y = (X[:, 0] != X[:, 1]).astype(int)
    net = PrunableMLPClassifier((3,), activation="tanh", solver="lbfgs", max_iter=5).fit(X, y)
    net.coefs_[0][...] = [[5.0, 5.0, 3.0], [5.0, 5.0, -3.0]]
    net.intercepts_[0][...] = [-2.5, -7.5, 0.0]
    net.coefs_[1][...] = [[4.0], [-4.0], [0.01]]
    net.intercepts_[1][...] = [-4.0]
    assert net.score(X, y) == 1.0
    return net, X, y


def test_obs_removes_the_weights_xor_does_not_need():
    net, X, y = xor_network()
    pruner = OBSPruner(net, sparsity=3 / 9, method="full", prefit=True).fit(X, y)
    pruned = pruner.estimator_
    assert pruner.score(X, y) == 1.0
    third_unit = [pruned.masks_[0][0, 2], pruned.masks_[0][1, 2], pruned.masks_[1][2, 0]]
    assert not any(third_unit)
    assert pruned.masks_[0][:, :2].all() and pruned.masks_[1][:2].all()


@pytest.mark.parametrize(
    "params",
    [
        dict(method="full", scope="global"),
        dict(method="full", scope="layer"),
        dict(method="layerwise", scope="global", layerwise_solver="exact"),
        dict(method="layerwise", scope="layer", layerwise_solver="exact"),
        dict(method="layerwise", scope="global", layerwise_solver="blockwise"),
        dict(method="layerwise", scope="layer", layerwise_solver="blockwise"),
    ],
)
def test_exact_sparsity_and_zeros_through_retraining(digits, params):
    X, y = digits
    net = PrunableMLPClassifier((12,), max_iter=40, random_state=0)
    pruner = OBSPruner(net, sparsity=0.7, n_steps=2, retrain_iter=3, **params).fit(X, y)
    masks = pruner.estimator_.masks_
    if params["scope"] == "layer":
        for m in masks:
            assert np.count_nonzero(~m) == int(np.floor(0.7 * m.size + 0.5))
    else:
        total = sum(m.size for m in masks)
        assert sum(np.count_nonzero(~m) for m in masks) == int(np.floor(0.7 * total + 0.5))
    for W, m in zip(pruner.estimator_.coefs_, masks):
        assert np.all(W[~m] == 0.0)
    assert np.isfinite(pruner.predict_proba(X)).all()
    assert pruner.score(X, y) > 0.5  # sanity only: quality is tested one-shot below
    assert pruner.history_["step"] == [0, 1, 2]


def test_obs_beats_magnitude_one_shot(digits):
    X, y = digits
    net = PrunableMLPClassifier((30,), max_iter=200, random_state=0).fit(X, y)
    magnitude = MagnitudePruner(net, sparsity=0.85, prefit=True, retrain_iter=0).fit(X, y).score(X, y)
    for method in ("layerwise",):
        obs = OBSPruner(net, sparsity=0.85, prefit=True, method=method, retrain_iter=0).fit(X, y).score(X, y)
        assert obs > magnitude + 0.1


def test_auto_method_follows_the_cost(digits):
    X, y = digits
    small = PrunableMLPClassifier((4,), max_iter=20, random_state=0).fit(X, y)
    large = PrunableMLPClassifier((60,), max_iter=20, random_state=0).fit(X, y)
    data = PruningData(*small._training_arrays(X, y))
    assert OBSPruner(small)._resolve_method(small, data, 0.5) == "full"
    assert OBSPruner(large)._resolve_method(large, data, 0.5) == "layerwise"
    assert OBSPruner(large, method="full")._resolve_method(large, data, 0.5) == "full"


def test_full_method_refuses_a_hessian_over_the_memory_bound(digits):
    X, y = digits
    pruner = OBSPruner(PrunableMLPClassifier((60,), max_iter=5), method="full", max_hessian_mb=16)
    with pytest.raises(ValueError, match="layerwise"):
        pruner.fit(X, y)


@pytest.mark.parametrize("method", ["full", "layerwise"])
def test_singular_hessians_give_finite_weights(method):
    # Constant and duplicated features and dead units make the Hessians singular.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 4))
    X = np.hstack([X, X[:, :1], np.ones((120, 1)), np.zeros((120, 1))])
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    net = PrunableMLPClassifier((6,), solver="lbfgs", random_state=0).fit(X, y)
    net.coefs_[0][:, 0] = -10.0  # a dead ReLU unit
    net.intercepts_[0][0] = -10.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        pruner = OBSPruner(net, sparsity=0.5, method=method, damping=0.0, prefit=True).fit(X, y)
    for W in pruner.estimator_.coefs_ + pruner.estimator_.intercepts_:
        assert np.isfinite(W).all()
    assert np.isfinite(pruner.predict_proba(X)).all()


def test_damped_inverse_raises_damping_on_a_singular_matrix():
    H = np.ones((3, 3))
    from skprune.exceptions import NumericalWarning

    with pytest.warns(NumericalWarning, match="singular"):
        H_inv, lam = damped_inverse(H, 0.0)
    assert lam > 0 and np.isfinite(H_inv).all()
    assert_allclose(H_inv @ (H + lam * np.eye(3)), np.eye(3), atol=1e-6)


def test_layerwise_refuses_a_gram_matrix_over_the_memory_bound(digits):
    X, y = digits
    pruner = OBSPruner(PrunableMLPClassifier((10,), max_iter=5), method="layerwise", max_hessian_mb=0.05)
    with pytest.raises(ValueError, match=r"Layer 0 \(64 inputs, \d+ samples\) needs about"):
        pruner.fit(X, y)


@pytest.mark.parametrize(
    "params",
    [dict(damping=-1.0), dict(method="exact"), dict(layerwise_solver="fast"),
     dict(max_hessian_mb=0), dict(scope="unit")],
)
def test_bad_parameters(digits, params):
    X, y = digits
    with pytest.raises(ValueError):
        OBSPruner(**params).fit(X, y)


def test_sklearn_mlp_is_pruned_by_obs(digits):
    from sklearn.neural_network import MLPClassifier

    X, y = digits
    sk = MLPClassifier((20,), max_iter=100, random_state=0).fit(X, y)
    pruner = OBSPruner(sk, sparsity=0.8, prefit=True).fit(X, y)
    assert_array_equal(pruner.classes_, sk.classes_)
    assert pruner.score(X, y) > 0.85


@pytest.mark.parametrize("solver", ["exact", "blockwise"])
def test_layer_solvers_respect_already_pruned_weights(solver):
    # With some weights already pruned, the exact solver's result is the
    # constrained least-squares fit on the weights it keeps.
    rng = np.random.RandomState(2)
    A = np.hstack([rng.normal(size=(150, 8)), np.ones((150, 1))])
    W = rng.normal(size=(9, 5))
    H = A.T @ A / 150
    H_inv = np.linalg.inv(H)
    prunable = np.r_[np.ones(8, bool), False]
    masks = np.ones((9, 5), bool)
    masks[:3, 0] = False
    masks[5, 1:3] = False
    W_new = W.copy()
    if solver == "exact":
        new = obs_layer_exact(H_inv, W_new, prunable, masks, n_total=20)
    else:
        new = obs_layer_blockwise(H_inv, W_new, prunable, masks, n_total=20, block_size=4)
    assert np.count_nonzero(~new) == 20
    assert not new[:3, 0].any() and not new[5, 1:3].any() and new[8].all()
    if solver == "exact":
        target = A @ W
        for j in range(5):
            keep = new[:, j]
            best = np.linalg.lstsq(A[:, keep], target[:, j], rcond=None)[0]
            assert_allclose(W_new[keep, j], best, atol=1e-8)
            assert np.all(W_new[~keep, j] == 0)


@pytest.mark.parametrize("max_block", [10**6, 200])  # factors kept / a second pass
def test_exact_solver_is_greedy_obs_on_every_column(max_block):
    # Each column's removals are those of plain greedy OBS with explicit
    # downdates of its own inverse (obs_greedy), in the same order, however
    # the columns are batched; the weights are its compensated weights.
    rng = np.random.RandomState(3)
    A = np.hstack([rng.normal(size=(200, 10)) @ rng.normal(size=(10, 10)), np.ones((200, 1))])
    W = rng.normal(size=(11, 6))
    H_inv, _ = damped_inverse(A.T @ A / 200, 1e-3)
    prunable = np.r_[np.ones(10, bool), False]
    masks = np.ones((11, 6), bool)
    masks[4, 2] = False
    W[~masks] = 0.0
    W_new = W.copy()
    new = obs_layer_exact(H_inv.copy(), W_new, prunable, masks, n_total=33, max_block=max_block)
    assert np.count_nonzero(~new) == 33
    for j in range(6):
        n_removed = int(np.count_nonzero(~new[:, j]))
        w = W[:, j].copy()
        forced = [4] if j == 2 else []
        removed, _ = obs_greedy(H_inv.copy(), w, prunable.copy(), n_removed - len(forced), forced=forced)
        assert set(removed) | set(forced) == set(np.flatnonzero(~new[:, j]))
        assert_allclose(W_new[:, j], w, atol=1e-10)


def traced_peak_mb(function):
    """Peak memory allocated while ``function`` runs, beyond what was held before."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        function()
        return (tracemalloc.get_traced_memory()[1] - before) / 2**20
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("case", ["full", "layerwise-exact", "layerwise-blockwise",
                                  "layerwise-weighted", "layerwise-sparse"])
def test_memory_bound_holds_within_one_and_a_half_times(digits, case):
    X, y = digits
    sample_weight = None
    if case == "layerwise-sparse":
        X = sp.random(4000, 800, density=0.02, format="csr", random_state=0)
        y = np.random.RandomState(0).randint(0, 3, 4000)
    net = PrunableMLPClassifier((40,) if case == "full" else (120, 60), max_iter=3, random_state=0)
    net.fit(X, y)
    method, _, solver = case.partition("-")
    params = dict(method=method, sparsity=0.6, prefit=True, retrain_iter=0)
    if solver in ("exact", "blockwise"):
        params["layerwise_solver"] = solver
    if solver == "weighted":
        sample_weight = np.random.RandomState(0).uniform(0.5, 2, X.shape[0])
    pruner = OBSPruner(net, **params)
    pruned = OBSPruner(net, **params).fit(X, y, sample_weight=sample_weight)  # warm caches
    if method == "full":
        bound, _ = pruner._full_memory_mb(net, X.shape[0])
    else:
        data = PruningData(*net._training_arrays(X, y, sample_weight))
        targets = pruner._layer_targets(net, 0.6)
        cached = pruner._keeps_activations(net, data)
        bound, _ = pruner._layerwise_memory_mb(net, data, targets, cached)
    peak = traced_peak_mb(lambda: pruner.fit(X, y, sample_weight=sample_weight))
    assert peak <= 1.5 * bound, (peak, bound)
    assert pruned.sparsity_ == pytest.approx(0.6, abs=0.01)
    if method != "full":  # below what keeping the activations needs, the round streams them
        bound, _ = pruner._layerwise_memory_mb(net, data, targets, cached=False)
    with pytest.raises(ValueError, match="max_hessian_mb"):
        OBSPruner(net, **params, max_hessian_mb=0.9 * bound).fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize("sparse_input", [False, True])
def test_kept_activations_give_the_streamed_round(digits, monkeypatch, sparse_input):
    # A round that keeps the hidden activations of all rows reads the data
    # once for the allocation and once for the refits; one that cannot
    # afford them recomputes each layer's inputs: the same round.
    from skprune.pruning import _obs

    X, y = digits
    X = sp.csr_matrix(X) if sparse_input else X
    sample_weight = np.random.RandomState(0).uniform(0.5, 2, X.shape[0])
    net = PrunableMLPClassifier((40, 20, 10), max_iter=40, random_state=0).fit(X, y)
    params = dict(method="layerwise", sparsity=0.8, prefit=True, retrain_iter=0)
    kept = OBSPruner(net, **params)
    kept_model = kept.fit(X, y, sample_weight=sample_weight).estimator_
    monkeypatch.setattr(_obs, "ACTIVATION_CACHE_BYTES", 0)
    streamed = OBSPruner(net, **params)
    data = PruningData(*net._training_arrays(X, y, sample_weight))
    assert kept._keeps_activations(net, data) is False  # (patched)
    streamed_model = streamed.fit(X, y, sample_weight=sample_weight).estimator_
    for a, b in zip(kept_model.masks_, streamed_model.masks_):
        assert_array_equal(a, b)
    for a, b in zip(kept_model.coefs_ + kept_model.intercepts_,
                    streamed_model.coefs_ + streamed_model.intercepts_):
        assert_allclose(a, b, rtol=1e-6, atol=1e-8)


def test_auto_with_per_layer_sparsities():
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    net = PrunableMLPClassifier((8,), solver="lbfgs", max_iter=300, random_state=0)
    pruner = OBSPruner(net, sparsity=[0.3, 0.6], retrain_iter=0).fit(X, y)
    assert [int((~m).sum()) for m in pruner.estimator_.masks_] == [10, 14]  # round(0.3 * 32), round(0.6 * 24)


def test_a_round_that_removes_nothing_builds_no_hessian(digits, monkeypatch):
    from skprune.pruning import _obs

    X, y = digits
    net = PrunableMLPClassifier((100,), max_iter=5, random_state=0).fit(X, y)

    def refuse(*args, **kwargs):
        raise AssertionError("a round that removes nothing built the Hessian")

    monkeypatch.setattr(_obs, "gauss_newton_matrix", refuse)
    monkeypatch.setattr(_obs, "input_grams", refuse)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dense = OBSPruner(net, prefit=True, sparsity=0.0).fit(X, y)
    assert_array_equal(dense.predict(X), net.predict(X))
    # a handful of removals still invert the whole Hessian: "auto" goes layer-wise
    pruner = OBSPruner(net, prefit=True, sparsity=0.001)
    data = PruningData(*net._training_arrays(X, y, None))
    assert pruner._resolve_method(net, data, 0.001) == "layerwise"
    assert OBSPruner(PrunableMLPClassifier((4,)))._resolve_method(
        PrunableMLPClassifier((4,), max_iter=5, random_state=0).fit(X[:, :4], y), data, 0.5) == "full"


@pytest.mark.parametrize("method", ["full", "layerwise"])
def test_a_global_allocation_never_empties_a_layer(method):
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=200, n_features=6, n_informative=4, random_state=0)
    net = PrunableMLPClassifier((6,), solver="lbfgs", max_iter=300, random_state=0).fit(X, y)
    for sparsity in (0.9, 0.95):
        pruner = OBSPruner(net, prefit=True, sparsity=sparsity, retrain_iter=0, method=method).fit(X, y)
        assert all(m.any() for m in pruner.estimator_.masks_)
