"""Wanda (Sun et al. 2023): |w| times the norm of the input, per unit."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits

from skprune import MagnitudePruner, PrunableMLPClassifier, WandaPruner
from skprune.pruning._allocation import allocate


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:500] / 16.0, y[:500]


@pytest.fixture(scope="module")
def net(digits):
    return PrunableMLPClassifier((20, 12), max_iter=150, random_state=0).fit(*digits)


def test_scores_are_weight_times_input_rms_and_weights_are_repeated_rows(digits, net):
    X, y = digits
    scores = WandaPruner(net, sparsity=0.0, prefit=True).fit(X, y).scores_
    inputs = [X]
    for W, b in zip(net.coefs_[:-1], net.intercepts_[:-1]):
        inputs.append(np.maximum(inputs[-1] @ W + b, 0))
    for S, W, A in zip(scores, net.coefs_, inputs):  # brute force, one column at a time
        for i in range(W.shape[0]):
            assert_allclose(S[i], np.abs(W[i]) * np.sqrt(np.mean(A[:, i] ** 2)), rtol=1e-10, atol=1e-14)
    sw = np.random.RandomState(0).randint(0, 3, len(y))
    weighted = WandaPruner(net, sparsity=0.0, prefit=True).fit(X, y, sample_weight=sw).scores_
    repeated = WandaPruner(net, sparsity=0.0, prefit=True).fit(np.repeat(X, sw, 0), np.repeat(y, sw)).scores_
    for a, b in zip(weighted, repeated):
        assert_allclose(a, b, rtol=1e-10, atol=1e-14)


def test_rescaling_an_input_changes_magnitude_pruning_but_not_wanda(digits, net):
    # x_j * c with row j of W divided by c is the same network: Wanda's
    # scores, and so its masks, do not move; |w| does
    X, y = digits
    scale = np.ones(X.shape[1])
    scale[::2] = 10.0
    rescaled = PrunableMLPClassifier.from_sklearn(net.to_sklearn())
    rescaled.coefs_[0] = net.coefs_[0] / scale[:, None]
    assert_allclose(rescaled.predict_proba(X * scale), net.predict_proba(X), rtol=1e-10)
    params = dict(sparsity=0.7, prefit=True, retrain_iter=0, n_steps=1)
    a = WandaPruner(net, **params).fit(X, y).estimator_.masks_
    b = WandaPruner(rescaled, **params).fit(X * scale, y).estimator_.masks_
    for m1, m2 in zip(a, b):
        assert_array_equal(m1, m2)
    c = MagnitudePruner(net, **params).fit(X, y).estimator_.masks_
    d = MagnitudePruner(rescaled, **params).fit(X * scale, y).estimator_.masks_
    assert not np.array_equal(c[0], d[0])


def test_the_output_scope_prunes_every_unit_alike_and_never_restores():
    rng = np.random.RandomState(0)
    scores = [rng.rand(10, 4), rng.rand(4, 3)]
    masks = [np.ones((10, 4), bool), np.ones((4, 3), bool)]
    masks[0][:6, 0] = False  # unit 0 already lost 6 of its 10 inputs
    new = allocate(scores, masks, 0.5, scope="output")
    assert list((~new[0]).sum(0)) == [6, 5, 5, 5] and list((~new[1]).sum(0)) == [2, 2, 2]
    assert not np.any(new[0] & ~masks[0])
    for j in range(1, 4):  # the lowest five of each column went
        assert_array_equal(np.sort(np.flatnonzero(~new[0][:, j])), np.sort(np.argsort(scores[0][:, j])[:5]))


def test_wanda_beats_magnitude_one_shot_on_unscaled_inputs(digits):
    # raw pixel counts (0..16) of very different spread per pixel: the case
    # the input norm corrects; one-shot, both ranking within each layer
    X, y = load_digits(return_X_y=True)
    net = PrunableMLPClassifier((40,), max_iter=300, random_state=0).fit(X[::2], y[::2])
    params = dict(sparsity=0.85, prefit=True, retrain_iter=0, n_steps=1)
    wanda = WandaPruner(net, scope="layer", **params).fit(X[::2], y[::2]).score(X[1::2], y[1::2])
    magnitude = MagnitudePruner(net, scope="layer", **params).fit(X[::2], y[::2]).score(X[1::2], y[1::2])
    assert wanda > magnitude + 0.1  # 0.43 against 0.12
