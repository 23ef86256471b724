"""Passes over the data in blocks of rows give what one pass over all rows gives."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn.datasets import make_classification

from skprune import OBDPruner, OBSPruner, PrunableMLPClassifier, UnitRemovalPruner
from skprune._core.blocks import block_rows
from skprune._core.curvature import (
    augmented_normal_equations,
    fisher_diagonal,
    input_grams,
    lecun_diagonal,
)
from skprune._core.network import Network
from skprune.feature_selection import InputPruner

# scikit-learn's working memory, in MiB, that makes every block a few rows
TINY = 1e-4


@pytest.fixture(scope="module")
def problem():
    X, y = make_classification(300, 12, n_informative=8, n_classes=3, random_state=0)
    rng = np.random.RandomState(0)
    sizes = [12, 9, 7, 3]
    coefs = [rng.normal(scale=0.5, size=s) for s in zip(sizes, sizes[1:])]
    intercepts = [rng.normal(scale=0.3, size=s) for s in sizes[1:]]
    network = Network(coefs, intercepts, "tanh", "log_loss_softmax")
    Y = np.eye(3)[y]
    sample_weight = rng.uniform(0.5, 2.0, size=300)
    return network, X, Y, sample_weight


def test_tiny_working_memory_gives_blocks_of_a_few_rows():
    with config_context(working_memory=TINY):
        assert block_rows(8 * 30) == 1
    assert block_rows(8 * 30) > 10_000


def test_all_at_once_equals_blockwise(problem):
    network, X, Y, sw = problem
    everything = network.forward(X)
    grams = [augmented_normal_equations(A, None, sw) for A in everything[:-1]]

    def statistics():
        return dict(
            predict=network.predict(X),
            loss=network.loss_value(Y, network.predict(X), sw),
            grams=input_grams(network, X, sw),
            cross=augmented_normal_equations(X, everything[1], sw),
            fisher=fisher_diagonal(network, X, Y, sw),
            lecun=lecun_diagonal(network, X, sw),
        )

    whole = statistics()
    with config_context(working_memory=TINY):
        blocked = statistics()
    assert_allclose(whole["predict"], everything[-1], rtol=1e-12)
    assert_allclose(blocked["predict"], everything[-1], rtol=1e-12)
    assert whole["loss"] == pytest.approx(network.loss.value(Y, everything[-1], sw), rel=1e-12)
    assert blocked["loss"] == pytest.approx(whole["loss"], rel=1e-12)
    for gram, mine in zip(grams, blocked["grams"]):
        assert_allclose(mine, gram, rtol=1e-10, atol=1e-12)
    for key in ("cross", "fisher", "lecun"):
        for a, b in zip(whole[key], blocked[key]):
            for x, y in zip(a, b):
                assert_allclose(y, x, rtol=1e-10, atol=1e-12)


def test_blockwise_gram_of_sparse_input(problem):
    network, X, _, sw = problem
    X_sparse = sp.csr_matrix(np.where(np.abs(X) > 1, X, 0.0))
    whole = input_grams(network, X_sparse, sw, [0, 1])
    with config_context(working_memory=TINY):
        blocked = input_grams(network, X_sparse, sw, [0, 1])
    dense = input_grams(network, X_sparse.toarray(), sw, [0, 1])
    for a, b, c in zip(whole, blocked, dense):
        assert_allclose(b, a, rtol=1e-10, atol=1e-12)
        assert_allclose(c, a, rtol=1e-10, atol=1e-12)


@pytest.fixture(scope="module")
def fitted():
    X, y = make_classification(400, 10, n_informative=6, n_classes=3, random_state=1)
    net = PrunableMLPClassifier((16, 8), max_iter=300, random_state=0).fit(X, y)
    return net, X, y


@pytest.mark.parametrize("make_pruner", [
    lambda net: OBSPruner(net, method="layerwise", sparsity=0.7),
    lambda net: OBSPruner(net, method="layerwise", scope="layer", sparsity=0.7),
    lambda net: OBDPruner(net, hessian="fisher", sparsity=0.7),
    lambda net: OBDPruner(net, hessian="lecun", sparsity=0.7),
    lambda net: UnitRemovalPruner(net, sparsity=0.5, tol=0.5),
    lambda net: InputPruner(net, n_features_to_select=4, criterion="compensation"),
], ids=["obs-global", "obs-layer", "obd-fisher", "obd-lecun", "unit-removal", "inputs"])
def test_pruners_in_tiny_blocks_prune_alike(fitted, make_pruner):
    net, X, y = fitted
    whole = make_pruner(net).set_params(prefit=True, retrain_iter=0).fit(X, y)
    with config_context(working_memory=TINY):
        blocked = make_pruner(net).set_params(prefit=True, retrain_iter=0).fit(X, y)
    for a, b in zip(whole.estimator_.masks_, blocked.estimator_.masks_):
        assert_array_equal(a, b)
    for a, b in zip(whole.estimator_.coefs_, blocked.estimator_.coefs_):
        assert_allclose(b, a, rtol=1e-7, atol=1e-9)
    assert_allclose(whole.history_["loss"], blocked.history_["loss"], rtol=1e-9)


def test_memory_mapped_input_gives_the_same_model(fitted, tmp_path):
    _, X, y = fitted
    path = tmp_path / "X.npy"
    np.save(path, X.astype(np.float32))
    X_map = np.load(path, mmap_mode="r")
    X_mem = np.load(path)
    models = []
    for data in (X_map, X_mem):
        net = PrunableMLPClassifier((16,), batch_size=50, random_state=0)
        for start in range(0, 400, 100):  # partial_fit over chunks, as over a file
            net.partial_fit(data[start:start + 100], y[start:start + 100], classes=[0, 1, 2])
        pruner = OBSPruner(net, method="layerwise", sparsity=0.6, prefit=True,
                           retrain_iter=0).fit(data, y)
        models.append((net, pruner))
    (net_map, pruned_map), (net_mem, pruned_mem) = models
    for a, b in zip(net_map.coefs_ + pruned_map.estimator_.coefs_,
                    net_mem.coefs_ + pruned_mem.estimator_.coefs_):
        assert_array_equal(a, b)
    assert_array_equal(pruned_map.predict(X_map), pruned_mem.predict(X_mem))
    assert pruned_map.estimator_.coefs_[0].dtype == np.float32


@pytest.mark.parametrize("n_rows", [1, 3000])
def test_predict_follows_in_place_edits(fitted, n_rows):
    """Whatever predict decides from the weights' densities (dense or CSR
    products), it decides again after the arrays are edited in place."""
    net, X, y = fitted
    net = PrunableMLPClassifier((16, 8), max_iter=50, random_state=0).fit(X, y)
    rows = np.resize(X, (n_rows, X.shape[1]))
    before = net.predict_proba(rows)
    W = net.coefs_[1]
    net.masks_[1][...] = np.abs(W) > np.quantile(np.abs(W), 0.99)  # one weight left
    net.coefs_[1] *= net.masks_[1]
    after = net.predict_proba(rows)
    hidden = np.maximum(rows @ net.coefs_[0] + net.intercepts_[0], 0)
    hidden = np.maximum(hidden @ net.coefs_[1] + net.intercepts_[1], 0)
    logits = hidden @ net.coefs_[2] + net.intercepts_[2]
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    assert_allclose(after, expected, rtol=1e-10)
    assert not np.allclose(after, before)
    net.coefs_[1][...] = 0.0  # a fully pruned layer: the next one sees only its bias
    net.masks_[1][...] = False
    hidden = np.broadcast_to(np.maximum(net.intercepts_[1], 0), (n_rows, 8))
    logits = hidden @ net.coefs_[2] + net.intercepts_[2]
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    assert_allclose(net.predict_proba(rows), expected, rtol=1e-10)



def test_estimator_predictions_in_blocks(fitted):
    net, X, y = fitted
    expected = net.predict(X), net.predict_proba(X), net.score(X, y)
    with config_context(working_memory=TINY):
        assert_array_equal(net.predict(X), expected[0])
        assert_allclose(net.predict_proba(X), expected[1], rtol=1e-12)
        assert net.score(X, y) == expected[2]


@pytest.mark.parametrize("n_dropped", [1, 8])
@pytest.mark.parametrize("n_rows", [5, 3000])
def test_compacted_inputs_predict_alike_by_gather_or_padding(fitted, n_dropped, n_rows):
    """Large batches of a network that reads most inputs multiply a padded first
    layer; others gather the read columns: both give the network's outputs."""
    net, X, y = fitted
    net = PrunableMLPClassifier((16, 8), max_iter=50, random_state=0).fit(X, y)
    net.masks_[0][:n_dropped] = False
    net.set_params(warm_start=True, max_iter=5).fit(X, y)
    compact = net.compact()
    assert compact.coefs_[0].shape[0] == X.shape[1] - n_dropped
    rows = np.resize(X, (n_rows, X.shape[1]))
    assert_allclose(compact.predict_proba(rows), net.predict_proba(rows), rtol=1e-10)
    assert_array_equal(compact.predict(rows), net.predict(rows))


def extra_memory(function, data_bytes):
    """Peak memory ``function()`` allocates beyond what it returns, in units of the data."""
    import tracemalloc

    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        function()
        return (tracemalloc.get_traced_memory()[1] - base) / data_bytes
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def wide_data():
    rng = np.random.RandomState(0)
    X = rng.randn(20000, 60).astype(np.float32)
    y = (X[:, :5].sum(axis=1) > 0).astype(int) + (X[:, 5] > 1)
    net = PrunableMLPClassifier((48, 24), max_iter=2, random_state=0).fit(X[:2000], y[:2000])
    return X, y, net


@pytest.mark.parametrize("make_pruner", [
    lambda net: OBDPruner(net, prefit=True, retrain_iter=0, first_order=True, hessian="fisher"),
    lambda net: OBDPruner(net, prefit=True, retrain_iter=0, hessian="gauss-newton"),
], ids=["first-order", "gauss-newton"])
def test_curvature_and_gradient_passes_stay_within_the_working_memory(wide_data, make_pruner):
    X, y, net = wide_data
    with config_context(working_memory=1):
        assert extra_memory(lambda: make_pruner(net).fit(X, y), X.nbytes) < 0.5


def test_a_compacted_network_takes_its_columns_block_by_block(wide_data):
    from skprune import MagnitudePruner

    X, y, net = wide_data
    net = PrunableMLPClassifier((48, 24), max_iter=2, random_state=0).fit(X[:2000], y[:2000])
    net.masks_[0][::5] = False  # 12 of 60 inputs no longer read
    net._commit()
    compact = net.compact()
    assert compact.active_inputs_.size == 48
    with config_context(working_memory=1):
        for step in (lambda: compact.predict(X), lambda: compact.predict_proba(X),
                     lambda: MagnitudePruner(compact, prefit=True, retrain_iter=0).fit(X, y)):
            assert extra_memory(step, X.nbytes) < 0.5
    assert_allclose(compact.predict_proba(X), net.predict_proba(X), rtol=1e-5)


def test_first_order_criteria_on_a_compacted_network():
    from skprune import ScorePruner
    from skprune.pruning import loss_gradient

    X, y = make_classification(n_samples=300, n_features=10, n_informative=4, n_classes=3,
                               random_state=0)
    net = PrunableMLPClassifier((16,), solver="lbfgs", max_iter=300, random_state=0).fit(X, y)
    compacted = InputPruner(net, n_features_to_select=5, compact=True).fit(X, y).estimator_
    full = InputPruner(net, n_features_to_select=5).fit(X, y).estimator_
    read = compacted.active_inputs_
    gradients = loss_gradient(compacted, X, y)
    assert_allclose(gradients[0], loss_gradient(full, X, y)[0][read], rtol=1e-6, atol=1e-12)

    def sensitivity(estimator, X, y, sample_weight=None):  # the README's criterion
        return [np.abs(g * W) for g, W in zip(loss_gradient(estimator, X, y, sample_weight),
                                               estimator.coefs_)]

    pruner = ScorePruner(compacted, prefit=True, sparsity=0.5, score_func=sensitivity,
                         retrain_iter=3).fit(X, y)
    assert pruner.sparsity_ == pytest.approx(0.5, abs=0.01)
    assert pruner.estimator_.coefs_[0].shape == compacted.coefs_[0].shape
