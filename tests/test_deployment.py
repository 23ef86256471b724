"""Deploying pruned models: compaction and persistence."""

import pickle

import joblib
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits, make_regression

from skprune import (
    MagnitudePruner,
    OBSPruner,
    PrunableMLPClassifier,
    PrunableMLPRegressor,
    RandomPruner,
    ScorePruner,
    UnitRemovalPruner,
)

from _estimators import ESTIMATORS, PRUNERS as PRUNER_CLASSES, level_params

SKPRUNE_TYPES = {
    "skprune._training.optimizers.AdamOptimizer",
    "skprune._training.optimizers.SGDOptimizer",
    *(f"{cls.__module__}.{cls.__qualname__}" for cls in ESTIMATORS.values()),
}




@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:500] / 16.0, y[:500]


def _pruner(cls):
    def make(net):
        if cls is UnitRemovalPruner:
            return cls(net, sparsity=0.5, prefit=True)
        if cls is OBSPruner:
            return cls(net, sparsity=0.95, prefit=True, method="layerwise")
        return cls(net, **level_params(cls, 0.95), prefit=True, retrain_iter=2)

    make.__name__ = cls.__name__
    return make


PRUNERS = [_pruner(cls) for cls in PRUNER_CLASSES.values()]


@pytest.fixture(scope="module")
def deep_net(digits):
    X, y = digits
    return PrunableMLPClassifier((40, 20), max_iter=60, random_state=0).fit(X, y)


@pytest.mark.parametrize("make_pruner", PRUNERS)
def test_compact_is_equivalent_and_smaller(digits, deep_net, make_pruner):
    X, y = digits
    pruned = make_pruner(deep_net).fit(X, y).estimator_
    compacted = pruned.compact()
    assert_allclose(compacted.predict_proba(X), pruned.predict_proba(X), rtol=1e-5, atol=1e-7)
    assert compacted.n_params_ <= pruned.n_params_
    assert compacted.n_nonzero_params_ <= pruned.n_nonzero_params_
    for W, m in zip(compacted.coefs_, compacted.masks_):
        assert W.shape == m.shape and np.all(W[~m] == 0)
    assert pruned.compact().hidden_layer_sizes == compacted.hidden_layer_sizes  # pure


def test_compact_folds_constant_units_into_the_next_biases(digits, deep_net):
    X, y = digits
    net = PrunableMLPClassifier.from_sklearn(deep_net.to_sklearn())
    net.coefs_[0][:, :5] = 0.0  # units 0-4 of the first layer: constant relu(b)
    net.intercepts_[0][:5] = np.abs(net.intercepts_[0][:5]) + 0.5  # and not zero
    net.coefs_[1][:, :3] = 0.0  # units 0-2 of the second layer reach nothing downstream...
    net.coefs_[2][:3] = 0.0  # ...and feed nothing
    compacted = net.compact()
    assert compacted.hidden_layer_sizes == (35, 17)
    assert_allclose(compacted.predict_proba(X), net.predict_proba(X), rtol=1e-6, atol=1e-9)
    assert compacted.masks_[0].shape == (64, 35)
    compacted.set_params(warm_start=True, max_iter=2).fit(X, y)  # still trainable


def test_pruners_compact_option(digits, deep_net):
    X, y = digits
    plain = MagnitudePruner(deep_net, sparsity=0.97, prefit=True).fit(X, y)
    compact = MagnitudePruner(deep_net, sparsity=0.97, prefit=True, compact=True).fit(X, y)
    assert compact.estimator_.n_params_ < plain.estimator_.n_params_
    assert compact.sparsity_ == plain.sparsity_
    assert_allclose(compact.predict_proba(X), plain.predict_proba(X), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("make_pruner", PRUNERS)
def test_pickle_and_joblib_round_trips(digits, deep_net, make_pruner, tmp_path):
    X, y = digits
    pruner = make_pruner(deep_net).fit(X, y)
    for restored in (
        pickle.loads(pickle.dumps(pruner)),
        joblib.load(joblib.dump(pruner, tmp_path / "pruner.joblib")[0]),
    ):
        assert_array_equal(restored.predict_proba(X), pruner.predict_proba(X))
        for a, b in zip(restored.estimator_.masks_, pruner.estimator_.masks_):
            assert_array_equal(a, b)
        restored.estimator_.partial_fit(X, y)  # the optimiser state came back too


def test_round_trip_keeps_an_edited_mask_pending(digits, deep_net):
    X, y = digits
    net = PrunableMLPClassifier.from_sklearn(deep_net.to_sklearn())
    net.masks_[0][:10] = False  # not yet applied: weights still non-zero
    restored = pickle.loads(pickle.dumps(net))
    assert_array_equal(restored.coefs_[0], net.coefs_[0])
    assert_array_equal(restored.masks_[0], net.masks_[0])


def test_sparse_network_files_are_much_smaller(digits, deep_net):
    X, y = digits
    dense_size = len(pickle.dumps(deep_net))
    pruned = MagnitudePruner(deep_net, sparsity=0.95, prefit=True, retrain_iter=1).fit(X, y)
    assert len(pickle.dumps(pruned.estimator_)) < 0.25 * dense_size


def test_a_saved_pruner_keeps_its_scores_small_and_exact(digits, deep_net):
    # the last round's scores were stored dense: a pruner's file was several
    # times its network's
    X, y = digits
    pruner = MagnitudePruner(PrunableMLPClassifier((40, 20), max_iter=60, random_state=0),
                             sparsity=0.95, retrain_iter=1).fit(X, y)
    restored = pickle.loads(pickle.dumps(pruner))
    for a, b in zip(restored.scores_, pruner.scores_):
        assert_array_equal(a, b)
    network = len(pickle.dumps(pruner.estimator_))
    assert len(pickle.dumps(pruner)) < 1.6 * network
    assert len(pickle.dumps(pruner)) < 0.4 * len(pickle.dumps(deep_net))


def test_skops_files_store_curves_as_arrays(digits, deep_net):
    # loss_curve_ was written as one JSON entry per epoch (about 230 bytes
    # each): the file of a 95%-pruned Digits network was larger than the
    # dense network's
    sio = pytest.importorskip("skops.io")
    X, y = digits
    pruned = MagnitudePruner(deep_net, sparsity=0.95, prefit=True, retrain_iter=1).fit(X, y).estimator_
    short = pickle.loads(pickle.dumps(pruned))
    pruned.loss_curve_ = pruned.loss_curve_ + [0.1 * i for i in range(1000)]
    short.loss_curve_ = short.loss_curve_[:1]
    per_epoch = (len(sio.dumps(pruned)) - len(sio.dumps(short))) / (len(pruned.loss_curve_) - 1)
    assert per_epoch <= 8.5
    data = sio.dumps(pruned)
    restored = sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    assert restored.loss_curve_ == pruned.loss_curve_ and isinstance(restored.loss_curve_, list)


def test_an_export_to_scikit_learn_compresses_to_its_sparsity(digits, deep_net, tmp_path):
    X, y = digits
    pruned = MagnitudePruner(deep_net, sparsity=0.95, prefit=True, retrain_iter=1).fit(X, y)
    dense_file = joblib.dump(deep_net.to_sklearn(), tmp_path / "dense.joblib", compress=3)[0]
    sparse_file = joblib.dump(pruned.to_sklearn(), tmp_path / "pruned.joblib", compress=3)[0]
    assert (tmp_path / "pruned.joblib").stat().st_size < 0.4 * (tmp_path / "dense.joblib").stat().st_size
    assert_allclose(joblib.load(sparse_file).predict_proba(X), pruned.predict_proba(X), rtol=1e-12)
    assert dense_file


def test_regressor_and_sgd_state_round_trip():
    X, y = make_regression(n_samples=100, n_features=5, random_state=0)
    reg = PrunableMLPRegressor(hidden_layer_sizes=(10,), solver="sgd", max_iter=5,
                               random_state=0).fit(X, y / y.std())
    restored = pickle.loads(pickle.dumps(reg))
    assert_array_equal(restored.predict(X), reg.predict(X))
    assert_array_equal(restored._optimizer.velocity, reg._optimizer.velocity)


def test_skops_needs_only_skprune_types(digits, deep_net, tmp_path):
    sio = pytest.importorskip("skops.io")
    X, y = digits
    for pruner in (OBSPruner(deep_net, sparsity=0.9, prefit=True, retrain_iter=1),
                   UnitRemovalPruner(deep_net, sparsity=0.5, prefit=True)):
        pruner.fit(X, y)
        path = tmp_path / "model.skops"
        sio.dump(pruner, path)
        untrusted = set(sio.get_untrusted_types(file=path))
        assert untrusted <= SKPRUNE_TYPES
        restored = sio.load(path, trusted=sorted(untrusted))
        assert_array_equal(restored.predict_proba(X), pruner.predict_proba(X))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sparsity", [0.0, 0.5, 0.9, 0.99, 1.0])
def test_sparse_products_equal_dense_arithmetic(dtype, sparsity):
    import scipy.sparse as sp

    from skprune._core.network import Network

    rng = np.random.RandomState(0)
    units = (30, 20, 10, 4)
    coefs = [(rng.randn(a, b) * (rng.rand(a, b) >= sparsity)).astype(dtype) for a, b in zip(units, units[1:])]
    intercepts = [rng.randn(b).astype(dtype) for b in units[1:]]
    net = Network(coefs, intercepts, "tanh", "log_loss_softmax")
    X = rng.randn(1000, 30).astype(dtype)
    dense = net.predict(X)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    for threshold, block in ((1.0, 512), (0.2, 7)):
        sparse = net.predict(X, sparse_below=threshold, block_size=block)
        assert sparse.dtype == dtype
        assert_allclose(sparse, dense, rtol=rtol, atol=rtol)
    assert_allclose(net.predict(sp.csr_matrix(X), sparse_below=1.0), dense, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_transposed_csr_is_scipys_csr_of_the_transpose(dtype):
    import scipy.sparse as sp

    from skprune._core.sparse_predict import _add_csr_product, _transposed_csr

    rng = np.random.RandomState(0)
    W = rng.randn(7, 5) * (rng.rand(7, 5) > 0.6)
    W[2] = 0  # an input no unit reads: an empty column of W.T
    W[:, 3] = 0  # a unit with no inputs: an empty row of W.T
    W_t = _transposed_csr(W, dtype)
    expected = sp.csr_matrix(W.T.astype(dtype))
    assert W_t.dtype == dtype and W_t.shape == (5, 7)
    assert_array_equal(W_t.indptr, expected.indptr)
    assert_array_equal(W_t.indices, expected.indices)
    assert_array_equal(W_t.data, expected.data)
    assert _transposed_csr(np.zeros((4, 3)), dtype).nnz == 0
    # the product adds to its output, through SciPy's kernel or, for an
    # input it cannot read (not C-contiguous), through ``@``
    A = rng.randn(7, 6).astype(dtype)
    for A_in in (A, np.asfortranarray(A)):
        out = np.ones((5, 6), dtype)
        _add_csr_product(W_t, A_in, out)
        assert_allclose(out, 1 + W.T @ A, rtol=1e-6)


def test_sparse_predict_is_the_same_on_any_number_of_threads(monkeypatch):
    # The row blocks are shared between threads; each is computed alone, so
    # the result is bit for bit that of one thread, and every block is done.
    from threadpoolctl import threadpool_limits

    from skprune._core import threads
    from skprune._core.network import Network

    rng = np.random.RandomState(1)
    units = (40, 30, 5)
    coefs = [rng.randn(a, b) * (rng.rand(a, b) >= 0.9) for a, b in zip(units, units[1:])]
    net = Network(coefs, [rng.randn(b) for b in units[1:]], "relu", "log_loss_softmax")
    X = rng.randn(3001, 40)
    with threadpool_limits(1):
        one = net.predict(X, sparse_below=1.0, block_size=64)
    calls = []
    monkeypatch.setattr(threads, "blas_thread_count", lambda: calls.append(1) or 4)
    four = net.predict(X, sparse_below=1.0, block_size=64)
    assert calls
    assert_array_equal(four, one)
    assert_allclose(one, net.predict(X, sparse_below=0.0), rtol=1e-12, atol=1e-12)


def test_sparse_predict_of_a_wide_sparse_input_allocates_no_dense_block_of_it():
    # A sparse input is multiplied as it is: no (n_features x block) buffer,
    # which for 50,000 features and 512 rows would be 195 MiB.
    import tracemalloc

    import scipy.sparse as sp

    from skprune._core.network import Network

    rng = np.random.RandomState(0)
    units = (50_000, 30, 5)
    coefs = [rng.randn(a, b) * (rng.rand(a, b) > 0.95) for a, b in zip(units, units[1:])]
    net = Network(coefs, [rng.randn(b) for b in units[1:]], "relu", "log_loss_softmax")
    indptr = np.arange(0, 3000 * 50 + 1, 50)  # 3,000 rows of 50 stored values
    X = sp.csr_matrix((rng.rand(indptr[-1]), rng.randint(0, 50_000, indptr[-1]), indptr),
                      shape=(3000, 50_000))
    tracemalloc.start()
    try:
        net.predict(X, sparse_below=1.0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20


@pytest.fixture
def csr_builds(monkeypatch):
    """The shapes of the weight matrices turned into CSR matrices, in order."""
    from skprune._core import sparse_predict

    built, original = [], sparse_predict._transposed_csr

    def spy(W, dtype):
        built.append(W.shape)
        return original(W, dtype)

    monkeypatch.setattr(sparse_predict, "_transposed_csr", spy)
    monkeypatch.setattr(sparse_predict, "_csr_cache", {})  # every matrix built afresh
    return built


@pytest.fixture
def sparse_passes(monkeypatch):
    """The number of rows of each forward pass that took CSR products, in order."""
    from skprune._core import network as network_module

    passes, original = [], network_module.predict_sparse

    def spy(network, X, *args, **kwargs):
        passes.append(X.shape[0])
        return original(network, X, *args, **kwargs)

    monkeypatch.setattr(network_module, "predict_sparse", spy)
    return passes


def test_predict_takes_the_sparse_path_on_large_batches(digits, csr_builds):
    X, y = digits
    net = PrunableMLPClassifier((30,), max_iter=30, random_state=0).fit(X, y)
    pruned = MagnitudePruner(net, sparsity=0.99, scope="layer", prefit=True).fit(X, y).estimator_
    big = np.tile(X, (5, 1))  # 2,500 rows
    expected = pruned._network_view().forward(big)[-1]
    pruned.predict_proba(X)  # 500 rows: dense
    assert csr_builds == []
    assert_allclose(pruned.predict_proba(big), expected, rtol=1e-10, atol=1e-12)
    assert csr_builds == [(64, 30), (30, 10)]


def test_predict_row_blocks_keep_the_large_batch_sparse_path(digits, sparse_passes):
    """``predict`` runs a large batch in blocks of its working memory; each
    block takes the CSR path the whole batch chose, not that of a batch of
    the block's size (which would be dense)."""
    import sklearn

    from skprune._core.sparse_predict import SPARSE_CROSSOVERS

    X, y = digits
    net = PrunableMLPClassifier((30,), max_iter=30, random_state=0).fit(X, y)
    pruned = MagnitudePruner(net, sparsity=0.99, scope="layer", prefit=True).fit(X, y).estimator_
    big = np.tile(X, (SPARSE_CROSSOVERS[-1][0] // len(X) + 1, 1))
    expected = pruned.to_sklearn().predict(big)
    with sklearn.config_context(working_memory=0.5):  # blocks of 6,553 rows
        assert_array_equal(pruned.predict(big), expected)
    assert len(sparse_passes) > 1 and sum(sparse_passes) == len(big)


def test_evaluate_row_blocks_keep_the_large_batch_sparse_path(digits, sparse_passes):
    """The loss and score a pruner reads between rounds run the network in
    the same blocks as ``predict``, each taking the CSR path the whole batch
    chose; they equal the loss and score of the network predicting at once."""
    import sklearn

    from skprune._core.sparse_predict import SPARSE_CROSSOVERS

    X, y = digits
    net = PrunableMLPClassifier((30,), max_iter=30, random_state=0).fit(X, y)
    pruned = MagnitudePruner(net, sparsity=0.99, scope="layer", prefit=True).fit(X, y).estimator_
    repeats = SPARSE_CROSSOVERS[-1][0] // len(X) + 1
    big_X, big_y = np.tile(X, (repeats, 1)), np.tile(y, repeats)
    arrays = pruned._training_arrays(big_X, big_y)
    output = pruned._network_view().predict(arrays[0])
    expected_loss = pruned._network_view().loss_value(arrays[1], output)
    expected_score = pruned._score_output(output, big_y)
    assert sparse_passes == [len(big_X)]  # the whole batch's own pass above
    sparse_passes.clear()
    with sklearn.config_context(working_memory=0.5):  # blocks of 3,276 rows
        loss, score = pruned._evaluate(*arrays)
    assert_allclose(loss, expected_loss, rtol=1e-10)
    assert score == expected_score
    assert len(sparse_passes) > 1 and sum(sparse_passes) == len(big_X)


def test_csr_matrices_are_kept_while_the_weights_stay_the_same(digits, csr_builds):
    """A second large batch reuses the layers' CSR matrices; every way of
    writing the weights in place builds them again, and predictions always
    equal the dense arithmetic."""
    from skprune._core.sparse_predict import _csr_cache

    X, y = digits
    net = PrunableMLPClassifier((30,), max_iter=30, random_state=0).fit(X, y)
    pruned = MagnitudePruner(net, sparsity=0.99, scope="layer", prefit=True).fit(X, y).estimator_
    big = np.tile(X, (5, 1))  # 2,500 rows

    def check(model, n_builds):
        expected = model._network_view().forward(big)[-1]
        assert_allclose(model.predict_proba(big), expected, rtol=1e-10, atol=1e-12)
        assert len(csr_builds) == n_builds

    check(pruned, 2)
    check(pruned, 2)  # kept
    W = pruned.coefs_[0]
    stored, zeros = np.flatnonzero(W), np.flatnonzero(W == 0)
    W.flat[stored[0]] *= 2.0  # a kept weight's value
    check(pruned, 3)
    W.flat[zeros[0]] = 0.5  # a new non-zero
    check(pruned, 4)
    W.flat[stored[1]], W.flat[zeros[1]] = 0.0, 0.25  # one moved: as many non-zeros
    check(pruned, 5)
    check(pruned, 5)
    del pruned, net, W  # an entry goes with its weight array
    import gc

    gc.collect()
    assert not _csr_cache


def test_kept_csr_matrices_are_of_the_products_dtype(csr_builds):
    """A float32 network multiplies float64 rows in float64: its CSR matrix
    is kept in the dtype of the product, and built again for another."""
    from skprune._core.network import Network

    rng = np.random.RandomState(0)
    coefs = [(rng.randn(40, 30) * (rng.rand(40, 30) < 0.05)).astype(np.float32),
             rng.randn(30, 3).astype(np.float32)]
    intercepts = [rng.randn(30).astype(np.float32), rng.randn(3).astype(np.float32)]
    network = Network(coefs, intercepts, "relu", "squared_error_identity")
    X = rng.rand(3000, 40)
    for rows, n_builds in ((X, 1), (X, 1), (X.astype(np.float32), 2), (X, 3)):
        output = network.predict(rows, sparse_below=0.1)
        assert output.dtype == rows.dtype and len(csr_builds) == n_builds
        assert_allclose(output, network.forward(rows)[-1], rtol=1e-5, atol=1e-5)


def test_small_batches_never_take_the_sparse_path(digits, monkeypatch):
    """Below SPARSE_MIN_ROWS rows no CSR matrix is built, even for a fully pruned
    layer (a layer of density 0 is a bias), and no float mask is made."""
    from skprune._core import network as network_module
    from skprune._core import sparse_predict

    X, y = digits
    pruned = MagnitudePruner(PrunableMLPClassifier((20,), max_iter=20, random_state=0),
                             sparsity=0.5).fit(X, y).estimator_
    pruned.masks_[1][:] = False
    pruned.set_params(warm_start=True, max_iter=1).fit(X, y)
    expected = pruned.predict_proba(X[:5])

    def refuse(*args, **kwargs):
        raise AssertionError("a small batch built a CSR matrix")

    monkeypatch.setattr(sparse_predict, "_transposed_csr", refuse)
    monkeypatch.setattr(network_module.Network, "_float_masks", property(refuse))
    for row in range(5):
        assert_allclose(pruned.predict_proba(X[row:row + 1]), expected[row:row + 1])


def test_pruner_shortcuts_to_the_pruned_network():
    from sklearn.datasets import load_iris
    from sklearn.exceptions import NotFittedError

    X, y = load_iris(return_X_y=True)
    net = PrunableMLPClassifier((8,), solver="lbfgs", max_iter=300, random_state=0)
    pruner = MagnitudePruner(net, sparsity=0.8, retrain_iter=0)
    assert not hasattr(pruner, "masks_")
    with pytest.raises(NotFittedError):
        pruner.compacted()
    pruner.fit(X, y)
    compacted = pruner.compacted()
    assert compacted is not pruner.estimator_
    assert compacted.hidden_layer_sizes == pruner.estimator_.compact().hidden_layer_sizes
    np.testing.assert_allclose(compacted.predict_proba(X), pruner.predict_proba(X), rtol=1e-10)
    assert pruner.n_nonzero_params_ == pruner.estimator_.n_nonzero_params_
    assert all(a is b for a, b in zip(pruner.masks_, pruner.estimator_.masks_))
    np.testing.assert_array_equal(pruner.to_sklearn().predict(X), pruner.predict(X))
    assert str(pruner.layer_summary()) == str(pruner.estimator_.layer_summary())
    assert MagnitudePruner(net, compact=True, sparsity=0.8, retrain_iter=0).fit(
        X, y).estimator_.hidden_layer_sizes == compacted.hidden_layer_sizes


def test_the_user_guides_skops_recipe_runs_as_written(tmp_path, monkeypatch):
    from pathlib import Path

    pytest.importorskip("skops.io")
    from sklearn.datasets import load_iris

    from skprune.persistence import trusted_types
    from skprune.feature_selection import InputPruner
    from skprune.model_selection import PrunerCV

    guide = (Path(__file__).parents[1] / "docs" / "user_guide.rst").read_text()
    persistence = guide[guide.index("\nPersistence\n"):]
    lines = persistence.split("code-block:: python\n\n", 1)[1].splitlines()
    end = next(i for i, line in enumerate(lines) if line.strip() and not line.startswith(" " * 6))
    code = "\n".join(line[6:] for line in lines[:end])
    assert "trusted_types()" in code
    monkeypatch.chdir(tmp_path)
    X, y = load_iris(return_X_y=True)
    net = PrunableMLPClassifier((8,), max_iter=30, random_state=0)
    for pruner in (MagnitudePruner(net, sparsity=0.5), RandomPruner(net, random_state=0),
                   ScorePruner(net), InputPruner(net, n_features_to_select=2),
                   PrunerCV(MagnitudePruner(net), sparsities=[0.3, 0.6], cv=2),
                   PrunerCV(MagnitudePruner(net), sparsities=[0.3, 0.6], cv=2, scoring="neg_log_loss")):
        pruner.fit(X, y)
        namespace = {"pruner": pruner}
        exec(code, namespace)
        assert_array_equal(namespace["pruner"].predict(X), pruner.predict(X))
    assert SKPRUNE_TYPES <= set(trusted_types())


def test_onnx_export_of_a_pruned_network_predicts_the_same_and_compresses():
    # The ONNX route for deployments without Python: to_sklearn() then
    # skl2onnx. ONNX stores the pruned weights as zeros, which a general
    # compressor removes.
    import gzip

    pytest.importorskip("skl2onnx")
    onnxruntime = pytest.importorskip("onnxruntime")
    from skl2onnx import to_onnx

    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype(np.float32)
    net = PrunableMLPClassifier((64,), max_iter=30, random_state=0).fit(X, y)
    pruned = MagnitudePruner(net, prefit=True, sparsity=0.95, retrain_iter=5).fit(X, y).estimator_
    sizes = []
    for model in (net, pruned):
        mlp = model.to_sklearn()
        onx = to_onnx(mlp, X[:1], options={id(mlp): {"zipmap": False}}).SerializeToString()
        session = onnxruntime.InferenceSession(onx, providers=["CPUExecutionProvider"])
        labels, probabilities = session.run(None, {session.get_inputs()[0].name: X})
        assert_array_equal(labels, model.predict(X))
        assert_allclose(probabilities, model.predict_proba(X), atol=1e-5)
        sizes.append(len(gzip.compress(onx)))
    assert sizes[1] < 0.25 * sizes[0]

