"""Writing criteria: ScorePruner, RandomPruner, the round, fit_path and the network surface."""

import pathlib
import re
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import check_estimator

import skprune
from skprune import (
    MagnitudePruner,
    OBDPruner,
    OBSPruner,
    PrunableMLPClassifier,
    PrunableMLPRegressor,
    RandomPruner,
    ScorePruner,
)
from skprune._meta import fill_doc
from skprune.model_selection import PrunerCV, pruning_curve
from skprune.pruning import BasePruner, loss_gradient


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def lbfgs_net(**params):
    return PrunableMLPClassifier((12,), solver="lbfgs", max_iter=300, random_state=0, **params)


# ----------------------------------------------------------------------
# Each criterion against its definition, computed here from scratch
# ----------------------------------------------------------------------
def fixed_network(kind):
    """A network with seeded weights rounded to 1e-3: no training, so the
    same on every BLAS and version."""
    X, y = load_iris(return_X_y=True)
    X = np.round((X - X.mean(0)) / X.std(0), 3)
    cls = PrunableMLPClassifier if kind == "classifier" else PrunableMLPRegressor
    target = y if kind == "classifier" else X[:, 0] * X[:, 1] - X[:, 2]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = cls(hidden_layer_sizes=(12, 6), activation="tanh", max_iter=1, random_state=0)
        net.fit(X, target)
    rng = np.random.RandomState(42)
    for W in net.coefs_ + net.intercepts_:
        W[...] = np.round(rng.normal(scale=0.8, size=W.shape), 3)
    return net, X, target


def one_shot(cls, net, X, y, **params):
    return cls(net, prefit=True, retrain_iter=0, n_steps=1, **params).fit(X, y).estimator_


def flat(arrays):
    return np.concatenate([a.ravel() for a in arrays])


def gauss_newton_by_complex_step(net, X):
    """The Gauss-Newton matrix of the mean cross-entropy over all parameters
    (weights then biases, as ``FlatParameters``), its Jacobians taken by the
    complex step ``Im f(p + i h e_k) / h``, exact to rounding."""
    params = flat(net.coefs_ + net.intercepts_).astype(complex)
    shapes = [W.shape for W in net.coefs_ + net.intercepts_]
    n_layers = len(net.coefs_)

    def logits(p):
        arrays, start = [], 0
        for shape in shapes:
            size = int(np.prod(shape))
            arrays.append(p[start:start + size].reshape(shape))
            start += size
        A = X.astype(complex)
        for layer in range(n_layers):
            A = A @ arrays[layer] + arrays[n_layers + layer]
            if layer < n_layers - 1:
                A = np.tanh(A)
        return A

    h = 1e-20
    J = np.empty((X.shape[0], net.n_outputs_, params.size))
    for k in range(params.size):
        step = params.copy()
        step[k] += 1j * h
        J[:, :, k] = logits(step).imag / h
    z = logits(params).real
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    out_hessian = np.einsum("no,op->nop", p, np.eye(p.shape[1])) - np.einsum("no,np->nop", p, p)
    return np.einsum("nok,nop,npl->kl", J, out_hessian, J) / X.shape[0]


@pytest.mark.parametrize("scope", ["global", "layer"])
def test_magnitude_pruning_removes_the_smallest_weights(scope):
    net, X, y = fixed_network("classifier")
    model = one_shot(MagnitudePruner, net, X, y, sparsity=0.6, scope=scope)
    groups = [net.coefs_] if scope == "global" else [[W] for W in net.coefs_]
    kept = []
    for layers in groups:
        magnitudes = np.sort(np.abs(flat(layers)))
        threshold = magnitudes[int(np.floor(0.6 * magnitudes.size + 0.5))]
        kept.append(np.abs(flat(layers)) >= threshold)
    assert_array_equal(flat(model.masks_), np.concatenate(kept))
    assert_array_equal(flat(model.coefs_), np.where(flat(model.masks_), flat(net.coefs_), 0.0))


def test_obd_removes_the_least_salient_weights_on_the_gauss_newton_diagonal():
    # LeCun, Denker & Solla 1990: saliency h_qq w_q^2 / 2, h the diagonal of
    # the Gauss-Newton matrix; the weights that stay do not move.
    net, X, y = fixed_network("classifier")
    model = one_shot(OBDPruner, net, X, y, sparsity=0.6)
    n_weights = sum(W.size for W in net.coefs_)
    diagonal = np.diag(gauss_newton_by_complex_step(net, X))[:n_weights]
    saliency = 0.5 * diagonal * flat(net.coefs_) ** 2
    removed = np.argsort(saliency, kind="stable")[: int(np.floor(0.6 * n_weights + 0.5))]
    expected = np.ones(n_weights, bool)
    expected[removed] = False
    assert_array_equal(flat(model.masks_), expected)
    assert_array_equal(flat(model.coefs_), np.where(expected, flat(net.coefs_), 0.0))


def test_full_obs_is_greedy_obs_on_the_damped_gauss_newton_matrix():
    # Hassibi & Stork 1993, eqs. 4-5, one weight at a time, each removal
    # downdating H^-1, with the biases free to compensate but never removed.
    net, X, y = fixed_network("classifier")
    model = one_shot(OBSPruner, net, X, y, sparsity=0.6, method="full")
    H = gauss_newton_by_complex_step(net, X)
    H_inv = np.linalg.inv(H + 0.1 * np.mean(np.diag(H)) * np.eye(len(H)))
    w = flat(net.coefs_ + net.intercepts_).astype(float)
    n_weights = sum(W.size for W in net.coefs_)
    candidates = np.arange(w.size) < n_weights
    for _ in range(int(np.floor(0.6 * n_weights + 0.5))):
        saliency = np.full(w.size, np.inf)
        saliency[candidates] = w[candidates] ** 2 / (2 * np.diag(H_inv)[candidates])
        q = int(np.argmin(saliency))
        w -= w[q] / H_inv[q, q] * H_inv[:, q]
        H_inv -= np.outer(H_inv[:, q], H_inv[q]) / H_inv[q, q]
        candidates[q] = False
    removed = ~candidates & (np.arange(w.size) < n_weights)
    w[removed] = 0.0  # (the downdates leave them at zero up to rounding)
    assert_array_equal(flat(model.masks_), ~removed[:n_weights])
    assert_allclose(flat(model.coefs_ + model.intercepts_), w, rtol=1e-7, atol=1e-9)


# ----------------------------------------------------------------------
# ScorePruner
# ----------------------------------------------------------------------
def magnitude(estimator, X, y, sample_weight=None):
    return [np.abs(W) for W in estimator.coefs_]


@pytest.mark.parametrize("score_func", [None, magnitude])
@pytest.mark.parametrize("scope", ["global", "layer"])
def test_score_pruner_with_magnitude_is_magnitude_pruning(iris, score_func, scope):
    X, y = iris
    params = dict(sparsity=0.8, n_steps=3, retrain_iter=5, scope=scope)
    ours = ScorePruner(lbfgs_net(), score_func=score_func, **params).fit(X, y)
    reference = MagnitudePruner(lbfgs_net(), **params).fit(X, y)
    for a, b in zip(ours.estimator_.masks_, reference.estimator_.masks_):
        assert_array_equal(a, b)
    for a, b in zip(ours.estimator_.coefs_, reference.estimator_.coefs_):
        assert_array_equal(a, b)
    for key in ("sparsity", "loss", "train_score"):
        assert ours.history_[key] == reference.history_[key]
    assert_array_equal(np.concatenate([s.ravel() for s in ours.scores_]),
                       np.concatenate([s.ravel() for s in reference.scores_]))


def test_score_func_sees_the_network_the_data_and_sample_weight(iris):
    X, y = iris
    calls = []

    def record(estimator, X_seen, y_seen, sample_weight=None):
        calls.append((estimator.sparsity_, X_seen.shape, y_seen.shape, sample_weight))
        return [np.abs(W) for W in estimator.coefs_]

    ScorePruner(lbfgs_net(), score_func=record, sparsity=0.5, n_steps=2).fit(X, y)
    assert [c[0] for c in calls] == [0.0, pytest.approx(0.4375, abs=0.02)]
    assert calls[0][1:3] == (X.shape, y.shape) and calls[0][3] is None

    def without_weights(estimator, X, y):  # sample_weight is only passed when given
        return [np.abs(W) for W in estimator.coefs_]

    ScorePruner(lbfgs_net(), score_func=without_weights).fit(X, y)
    weights = np.linspace(0.5, 2, len(y))
    calls.clear()
    ScorePruner(lbfgs_net(), score_func=record).fit(X, y, sample_weight=weights)
    assert_allclose(calls[0][3], weights)


def wrong_count(estimator, X, y):
    return [np.abs(estimator.coefs_[0])]


def wrong_shape(estimator, X, y):
    return [np.abs(estimator.coefs_[0]), np.abs(estimator.coefs_[1]).T]


def with_nan(estimator, X, y):
    scores = [np.abs(W) for W in estimator.coefs_]
    scores[1][0, 0] = np.nan
    return scores


def raising(estimator, X, y):
    raise RuntimeError("no gradient here")


@pytest.mark.parametrize("score_func, message", [
    (wrong_count, r"score_func=wrong_count must return a list of 2 arrays.*got 1 arrays"),
    (wrong_shape, r"score_func=wrong_shape returned scores of shape \(3, 12\) for layer 1; "
                  r"expected \(12, 3\)"),
    (with_nan, r"score_func=with_nan returned NaN scores for layer 1"),
    (raising, r"score_func=raising raised RuntimeError: no gradient here"),
])
def test_bad_scores_are_a_clear_error_and_change_nothing(iris, score_func, message):
    X, y = iris
    net = lbfgs_net().fit(X, y)
    before = [W.copy() for W in net.coefs_]
    pruner = ScorePruner(net, prefit=True).fit(X, y)
    fitted = pruner.estimator_
    fitted_weights = [W.copy() for W in fitted.coefs_]
    with pytest.raises(ValueError, match=message):
        pruner.set_params(score_func=score_func).fit(X, y)
    for W, W0 in zip(net.coefs_, before):  # the user's network
        assert_array_equal(W, W0)
    assert pruner.estimator_ is fitted  # the pruner's previous fit
    for W, W0 in zip(fitted.coefs_, fitted_weights):
        assert_array_equal(W, W0)


def snip(estimator, X, y, sample_weight=None):
    gradients = loss_gradient(estimator, X, y, sample_weight)
    return [np.abs(g * W) for g, W in zip(gradients, estimator.coefs_)]


def test_score_and_random_pruners_in_pipeline_gridsearch_and_prunercv(iris):
    X, y = iris
    pipe = make_pipeline(StandardScaler(), ScorePruner(lbfgs_net(), score_func=snip, retrain_iter=10))
    search = GridSearchCV(pipe, {"scorepruner__sparsity": [0.3, 0.6]}, cv=3).fit(X, y)
    assert search.best_score_ > 0.8
    cv = PrunerCV(RandomPruner(lbfgs_net(), retrain_iter=10, random_state=0),
                  sparsities=[0.3, 0.6], cv=3).fit(X, y)
    assert cv.best_estimator_.sparsity_ == pytest.approx(cv.best_sparsity_, abs=0.02)
    levels, train, test = pruning_curve(ScorePruner(lbfgs_net(), score_func=snip), X, y,
                                        sparsities=[0.2, 0.5], cv=3)
    assert test.shape == (2, 3) and np.isfinite(test).all()


# ----------------------------------------------------------------------
# RandomPruner and a criterion written in a few lines
# ----------------------------------------------------------------------
def test_random_pruner_is_seeded_and_honours_the_sparsity(iris):
    X, y = iris
    a = RandomPruner(lbfgs_net(), sparsity=0.6, n_steps=2, random_state=0).fit(X, y)
    b = RandomPruner(lbfgs_net(), sparsity=0.6, n_steps=2, random_state=0).fit(X, y)
    c = RandomPruner(lbfgs_net(), sparsity=0.6, n_steps=2, random_state=1).fit(X, y)
    for m_a, m_b in zip(a.estimator_.masks_, b.estimator_.masks_):
        assert_array_equal(m_a, m_b)
    assert any((m_a != m_c).any() for m_a, m_c in zip(a.estimator_.masks_, c.estimator_.masks_))
    total = sum(m.size for m in a.estimator_.masks_)
    assert sum(int((~m).sum()) for m in a.estimator_.masks_) == int(np.floor(0.6 * total + 0.5))


def test_random_pruner_module_is_a_few_lines():
    source = pathlib.Path(skprune.pruning.__file__).with_name("_random.py").read_text()
    assert len(source.splitlines()) <= 45
    assert not re.search(r"model\._(?!scores)", source)


class LargestFirstPruner(BasePruner):
    """A criterion in four lines: remove the largest weights (a bad idea)."""

    def _scores(self, model, data, random_state):
        return [-np.abs(W) for W in model.coefs_]


class SquaredMagnitudePruner(BasePruner):
    """``w^2``: the same ranking as ``|w|``."""

    def _scores(self, model, data, random_state):
        return [W * W for W in model.coefs_]


def test_the_lowest_scores_are_removed(iris):
    X, y = iris
    net = lbfgs_net().fit(X, y)
    pruner = LargestFirstPruner(net, sparsity=0.5, prefit=True).fit(X, y)
    kept = np.concatenate([np.abs(W[m]) for W, m in zip(net.coefs_, pruner.estimator_.masks_)])
    removed = np.concatenate([np.abs(W[~m]) for W, m in zip(net.coefs_, pruner.estimator_.masks_)])
    assert kept.max() <= removed.min()


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")  # checks that do not apply
def test_a_criterion_in_a_few_lines_passes_check_estimator(iris):
    X, y = iris
    ours = SquaredMagnitudePruner(lbfgs_net(), sparsity=0.7, n_steps=2, retrain_iter=3).fit(X, y)
    reference = MagnitudePruner(lbfgs_net(), sparsity=0.7, n_steps=2, retrain_iter=3).fit(X, y)
    for a, b in zip(ours.estimator_.masks_, reference.estimator_.masks_):
        assert_array_equal(a, b)
    check_estimator(SquaredMagnitudePruner())


def test_a_pruner_without_criterion_says_so(iris):
    X, y = iris
    with pytest.raises(NotImplementedError, match="BasePruner implements neither"):
        BasePruner(lbfgs_net()).fit(X, y)


# ----------------------------------------------------------------------
# fit_path, loss_gradient, doc templates, the network surface
# ----------------------------------------------------------------------
def test_fit_path_visits_every_level(iris):
    X, y = iris
    seen = []
    pruner = OBDPruner(lbfgs_net(), retrain_iter=3).fit_path(
        X, y, [0.2, 0.5, 0.8], callback=lambda step, est: seen.append((step, est.sparsity_)))
    assert [s for s, _ in seen] == [1, 2, 3]
    assert [round(s, 1) for _, s in seen] == [0.2, 0.5, 0.8]
    assert pruner.history_["step"] == [0, 1, 2, 3]
    assert pruner.sparsity_ == pytest.approx(0.8, abs=0.01)


@pytest.mark.parametrize("levels", [[], [0.5, 0.2], [0.2, 1.0], [[0.1, 0.2]], [np.nan]])
def test_fit_path_refuses_bad_levels(iris, levels):
    X, y = iris
    with pytest.raises(ValueError, match="levels must be a non-empty, non-decreasing"):
        MagnitudePruner(lbfgs_net()).fit_path(X, y, levels)


def test_loss_gradient_matches_finite_differences(iris):
    X, y = iris
    net = PrunableMLPClassifier((5,), activation="tanh", max_iter=20, random_state=0).fit(X, y)
    net.masks_[0][0, :2] = False
    net.set_params(warm_start=True, max_iter=1).fit(X, y)
    net.coefs_ = [W.astype(np.float64) for W in net.coefs_]
    gradients = loss_gradient(net, X, y)
    arrays = net._training_arrays(X, y)
    eps = 1e-6
    for layer, (i, j) in [(0, (1, 3)), (0, (3, 0)), (1, (2, 1)), (1, (4, 2))]:
        W = net.coefs_[layer]
        W[i, j] += eps
        up = net._evaluate(*arrays)[0]
        W[i, j] -= 2 * eps
        down = net._evaluate(*arrays)[0]
        W[i, j] += eps
        assert gradients[layer][i, j] == pytest.approx((up - down) / (2 * eps), rel=1e-5, abs=1e-9)
    assert np.all(gradients[0][0, :2] == 0.0)  # pruned weights
    with pytest.raises(TypeError, match="PrunableMLPClassifier or PrunableMLPRegressor"):
        loss_gradient(MagnitudePruner(), X, y)


def test_fill_doc_fails_loudly():
    assert fill_doc("a ${x} b", x="1") == "a 1 b"
    with pytest.raises(KeyError, match="placeholders"):
        fill_doc("a ${x} ${y}", x="1")
    with pytest.raises(ValueError, match="no placeholders"):
        fill_doc("a ${x}", x="1", z="2")


# The protected methods pruners may call on a network: the documented surface.
SURFACE = {"_network_view", "_training_arrays", "_evaluate", "_retrain", "_commit",
           "_remove_hidden_units", "_compact_in_place", "_initialize_only"}


@pytest.mark.parametrize("package", ["pruning", "model_selection", "inspection"])
def test_pruners_use_only_the_network_surface(package):
    network_private = {name for name in dir(PrunableMLPClassifier) if name.startswith("_")}
    called = set()
    for path in pathlib.Path(skprune.__file__).parent.joinpath(package).glob("*.py"):
        called |= set(re.findall(r"\.(_[a-z]\w*)\(", path.read_text()))
    assert (called & network_private) - SURFACE - {"_scores", "_prune"} == set()
