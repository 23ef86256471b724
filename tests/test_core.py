"""The network core against finite differences and brute force on tiny networks."""

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

from skprune._core.activations import HIDDEN_ACTIVATIONS
from skprune._core.curvature import (
    augmented_normal_equations,
    fisher_diagonal,
    gauss_newton_diagonal,
)
from skprune._core.losses import OUTPUT_LOSSES
from skprune._core.network import FlatParameters, Network

SIZES = [3, 4, 5, 3]


def make_problem(output_loss, n_samples=7, seed=0, sizes=SIZES):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, sizes[0]))
    coefs = [rng.normal(scale=0.5, size=s) for s in zip(sizes, sizes[1:])]
    intercepts = [rng.normal(scale=0.3, size=s) for s in sizes[1:]]
    k = sizes[-1]
    if output_loss == "log_loss_softmax":
        Y = np.eye(k)[rng.randint(k, size=n_samples)]
    elif output_loss in ("log_loss_logistic", "squared_error_logistic"):
        Y = (rng.uniform(size=(n_samples, k)) < 0.5).astype(float)
    elif output_loss == "poisson_exp":
        Y = rng.poisson(1.5, size=(n_samples, k)).astype(float)
    else:
        Y = rng.normal(size=(n_samples, k))
    sample_weight = rng.uniform(0.5, 2.0, size=n_samples)
    return X, Y, coefs, intercepts, sample_weight


def flat_network(coefs, intercepts, activation, output_loss, masks=None):
    params = FlatParameters.from_arrays(coefs, intercepts, np.float64)
    net = Network(params.coefs, params.intercepts, activation, output_loss, masks)
    return net, params


def penalised_loss(net, params, vector, X, Y, sw, alpha):
    saved = params.vector.copy()
    params.vector[...] = vector
    grads = params.zeros_like()
    loss = net.loss_gradient(X, Y, sw, alpha, grads.coefs, grads.intercepts)
    params.vector[...] = saved
    return loss, grads.vector


@pytest.mark.parametrize(
    "activation, output_loss", list(itertools.product(HIDDEN_ACTIVATIONS, OUTPUT_LOSSES))
)
@pytest.mark.parametrize("weighted", [False, True])
def test_gradient_matches_finite_differences(activation, output_loss, weighted):
    X, Y, coefs, intercepts, sw = make_problem(output_loss)
    sw = sw if weighted else None
    net, params = flat_network(coefs, intercepts, activation, output_loss)
    theta = params.vector.copy()
    _, grad = penalised_loss(net, params, theta, X, Y, sw, alpha=0.3)

    eps = 1e-6
    numeric = np.empty_like(theta)
    for k in range(theta.size):
        step = np.zeros_like(theta)
        step[k] = eps
        up, _ = penalised_loss(net, params, theta + step, X, Y, sw, 0.3)
        down, _ = penalised_loss(net, params, theta - step, X, Y, sw, 0.3)
        numeric[k] = (up - down) / (2 * eps)
    assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def test_masked_gradient_is_zero_and_sparse_input_agrees():
    X, Y, coefs, intercepts, _ = make_problem("log_loss_softmax")
    rng = np.random.RandomState(1)
    masks = [rng.uniform(size=W.shape) < 0.5 for W in coefs]
    net, params = flat_network(coefs, intercepts, "tanh", "log_loss_softmax", masks)
    net.apply_masks()
    grads = params.zeros_like()
    loss = net.loss_gradient(X, Y, None, 0.1, grads.coefs, grads.intercepts)
    for G, W, m in zip(grads.coefs, params.coefs, masks):
        assert np.all(G[~m] == 0) and np.all(W[~m] == 0)
        assert np.any(G[m] != 0)

    sparse_grads = params.zeros_like()
    sparse_loss = net.loss_gradient(
        sp.csr_matrix(X), Y, None, 0.1, sparse_grads.coefs, sparse_grads.intercepts
    )
    assert sparse_loss == pytest.approx(loss)
    assert_allclose(sparse_grads.vector, grads.vector, rtol=1e-12)


def numeric_jacobian(fn, theta, eps=1e-6):
    """Jacobian of ``fn(theta) -> (n, k)`` as an array (n, k, n_params)."""
    columns = []
    for j in range(theta.size):
        step = np.zeros_like(theta)
        step[j] = eps
        columns.append((fn(theta + step) - fn(theta - step)) / (2 * eps))
    return np.stack(columns, axis=-1)


def numeric_output_hessian(loss, z, y):
    """Hessian of one sample's loss w.r.t. its output pre-activations."""
    def gradient(z_row):
        P = z_row[None, :].copy()
        from skprune._core.activations import ACTIVATIONS

        ACTIVATIONS[loss.output_activation].forward(P)
        return loss.delta(y[None, :], P, out=np.empty_like(P))[0]

    eps = 1e-6
    k = z.size
    H = np.empty((k, k))
    for j in range(k):
        step = np.zeros(k)
        step[j] = eps
        H[:, j] = (gradient(z + step) - gradient(z - step)) / (2 * eps)
    return 0.5 * (H + H.T)


def brute_force_gauss_newton(X, Y, sw, coefs, intercepts, activation, output_loss):
    """The Gauss-Newton matrix from explicit (finite-difference) Jacobians."""
    net, params = flat_network(coefs, intercepts, activation, output_loss)

    def outputs(theta, identity_output):
        saved = params.vector.copy()
        params.vector[...] = theta
        name = "squared_error_identity" if identity_output else output_loss
        out = Network(params.coefs, params.intercepts, activation, name).predict(X)
        params.vector[...] = saved
        return out.copy()

    theta = params.vector.copy()
    weights = sw / sw.sum()
    if output_loss.startswith("squared_error"):
        # Half squared error in the outputs: the Gauss-Newton matrix is J_p^T J_p.
        J = numeric_jacobian(lambda t: outputs(t, False), theta)
        return np.einsum("i,iko,ikp->op", weights, J, J)
    # Canonical pairs: J_z^T (d2L/dz2) J_z with the exact output Hessian.
    J = numeric_jacobian(lambda t: outputs(t, True), theta)
    z = outputs(theta, True)
    H = np.stack([numeric_output_hessian(net.loss, z[i], Y[i]) for i in range(len(X))])
    return np.einsum("i,iko,ikl,ilp->op", weights, J, H, J)


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("output_loss", sorted(OUTPUT_LOSSES))
def test_gauss_newton_diagonal_matches_explicit_jacobians(activation, output_loss):
    X, Y, coefs, intercepts, sw = make_problem(output_loss, n_samples=5)
    net, _ = flat_network(coefs, intercepts, activation, output_loss)
    G = brute_force_gauss_newton(X, Y, sw, coefs, intercepts, activation, output_loss)

    coef_diag, intercept_diag = gauss_newton_diagonal(net, X, sample_weight=sw)
    ours = np.concatenate([d.ravel() for d in coef_diag + intercept_diag])
    assert_allclose(ours, np.diag(G), rtol=1e-5, atol=1e-9)
    # processing the samples in blocks (here, one by one) changes nothing
    blocked = gauss_newton_diagonal(net, X, sample_weight=sw, max_block_size=1)
    assert_allclose(np.concatenate([d.ravel() for d in blocked[0] + blocked[1]]), ours, rtol=1e-12)


@pytest.mark.parametrize("output_loss", sorted(OUTPUT_LOSSES))
def test_fisher_diagonal_matches_per_sample_gradients(output_loss):
    X, Y, coefs, intercepts, sw = make_problem(output_loss)
    net, params = flat_network(coefs, intercepts, "logistic", output_loss)
    per_sample = []
    for i in range(len(X)):
        grads = params.zeros_like()
        net.loss_gradient(X[i : i + 1], Y[i : i + 1], None, 0.0, grads.coefs, grads.intercepts)
        per_sample.append(grads.vector.copy())
    per_sample = np.array(per_sample)
    expected = (sw[:, None] * per_sample**2).sum(axis=0) / sw.sum()
    coef_diag, intercept_diag = fisher_diagonal(net, X, Y, sample_weight=sw)
    ours = np.concatenate([d.ravel() for d in coef_diag + intercept_diag])
    assert_allclose(ours, expected, rtol=1e-10)


def test_augmented_normal_equations():
    X, Y, _, _, sw = make_problem("squared_error_identity")
    gram, cross = augmented_normal_equations(X, Y, sample_weight=sw)
    A1 = np.hstack([X, np.ones((len(X), 1))])
    assert_allclose(gram, A1.T @ (sw[:, None] * A1) / sw.sum(), rtol=1e-12)
    assert_allclose(cross, A1.T @ (sw[:, None] * Y) / sw.sum(), rtol=1e-12)
    sparse_gram = augmented_normal_equations(sp.csr_matrix(X))
    assert_allclose(sparse_gram, A1.T @ A1 / len(X), rtol=1e-12)


def test_activation_derivatives_match_finite_differences():
    from skprune._core.activations import ACTIVATIONS

    z = np.linspace(-3, 3, 41) + 0.013  # avoid relu's kink at 0
    eps = 1e-5
    for name in HIDDEN_ACTIVATIONS:
        act = ACTIVATIONS[name]

        def f(v):
            out = v.copy()
            act.forward(out)
            return out

        a = f(z)
        assert_allclose(act.derivative(a), (f(z + eps) - f(z - eps)) / (2 * eps), atol=1e-8)
        delta = np.ones_like(a)
        act.backward(a, delta)
        assert_allclose(delta, act.derivative(a))


def lecun_brute_force(net, X, sw):
    """Equations 6-7 of LeCun et al. (1990), one sample and one unit at a time."""
    from skprune._core.activations import ACTIVATIONS

    act = ACTIVATIONS[net.activation.name]
    weights = sw / sw.sum()
    coef_diag = [np.zeros_like(W) for W in net.coefs]
    for i in range(len(X)):
        acts = net.forward(X[i : i + 1])
        D = net.loss.curvature_diagonal(acts[-1])[0]
        for layer in range(net.n_layers - 1, -1, -1):
            a = acts[layer][0]
            for j in range(a.size):
                for k in range(D.size):
                    coef_diag[layer][j, k] += weights[i] * a[j] ** 2 * D[k]
            if layer:
                W = net.coefs[layer]
                fprime = act.derivative(a)
                D = np.array([
                    fprime[j] ** 2 * sum(W[j, k] ** 2 * D[k] for k in range(D.size))
                    for j in range(a.size)
                ])
    return coef_diag


@pytest.mark.parametrize("activation", ["logistic", "tanh", "relu"])
@pytest.mark.parametrize("output_loss", sorted(OUTPUT_LOSSES))
def test_lecun_diagonal_matches_the_scalar_recursion(activation, output_loss):
    from skprune._core.curvature import lecun_diagonal

    X, Y, coefs, intercepts, sw = make_problem(output_loss, n_samples=4)
    net, _ = flat_network(coefs, intercepts, activation, output_loss)
    ours, _ = lecun_diagonal(net, X, sample_weight=sw)
    for a, b in zip(ours, lecun_brute_force(net, X, sw)):
        assert_allclose(a, b, rtol=1e-10, atol=1e-14)


def test_lecun_diagonal_is_exact_gauss_newton_for_one_hidden_layer_one_output():
    from skprune._core.curvature import lecun_diagonal

    X, _, coefs, intercepts, sw = make_problem("squared_error_identity", sizes=[3, 6, 1])
    net, _ = flat_network(coefs, intercepts, "tanh", "squared_error_identity")
    for a, b in zip(lecun_diagonal(net, X, sw)[0], gauss_newton_diagonal(net, X, sw)[0]):
        assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("output_loss", ["log_loss_softmax", "squared_error_logistic", "squared_error_identity"])
def test_gauss_newton_matrix_matches_explicit_jacobians(output_loss):
    from skprune._core.curvature import gauss_newton_matrix

    X, Y, coefs, intercepts, sw = make_problem(output_loss, n_samples=5)
    net, params = flat_network(coefs, intercepts, "tanh", output_loss)
    G = brute_force_gauss_newton(X, Y, sw, coefs, intercepts, "tanh", output_loss)
    theta = params.vector
    assert_allclose(gauss_newton_matrix(net, X, sw), G, rtol=1e-5, atol=1e-9)
    free = np.random.RandomState(0).uniform(size=theta.size) < 0.6
    blocked = gauss_newton_matrix(net, X, sw, free=free, max_block_size=1)
    assert_allclose(blocked, G[np.ix_(free, free)], rtol=1e-5, atol=1e-9)
