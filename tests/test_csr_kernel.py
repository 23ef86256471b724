"""skprune's compiled CSR x dense product (``_core/_csr_kernel.c``) and the
fallback to SciPy's kernel where it is not built."""

import os
import shutil
import subprocess
import sys
import sysconfig

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal

from skprune._core import sparse_predict
from skprune._core.network import Network
from skprune._core.sparse_predict import _add_csr_product, _transposed_csr

kernel = sparse_predict._csr_kernel
needs_kernel = pytest.mark.skipif(kernel is None, reason="skprune's CSR kernel is not built")
# widths that end inside a strip, on a strip's edge, inside a vector and on one
# (strips of 64 float32 or 32 float64 columns, vectors of 8 or 4)
WIDTHS = (0, 1, 3, 4, 8, 31, 32, 33, 63, 64, 65, 100, 129)


def _random_csr(rng, shape, density, dtype):
    W = rng.standard_normal(shape) * (rng.random_sample(shape) < density)
    W[0] = 0  # an empty row
    return _transposed_csr(W.T, dtype)


@pytest.fixture(params=["compiled", "scipy"])
def product_kernel(request, monkeypatch):
    """Runs a test with skprune's kernel, then with SciPy's in its place."""
    if request.param == "compiled" and kernel is None:
        pytest.skip("skprune's CSR kernel is not built")
    if request.param == "scipy":
        monkeypatch.setattr(sparse_predict, "_csr_kernel", None)
    return request.param


def test_the_kernel_is_built_where_a_c_compiler_is():
    # the extension is optional at install time; a machine that has a compiler
    # must have built it, or sparse inference quietly runs at SciPy's speed
    compiler = (sysconfig.get_config_var("CC") or "").split()
    if not compiler or shutil.which(compiler[0]) is None:
        pytest.skip("no C compiler: skprune multiplies with SciPy's kernel")
    assert kernel is not None
    assert kernel.instructions in ("avx2", "baseline")


@needs_kernel
def test_the_baseline_copy_passes_the_product_tests_too():
    # the AVX2 copy runs wherever the processor has AVX2; the other copy is
    # chosen with SKPRUNE_CSR_KERNEL=baseline, in a process of its own
    environment = {**os.environ, "SKPRUNE_CSR_KERNEL": "baseline"}
    check = "from skprune._core import _csr_kernel; assert _csr_kernel.instructions == 'baseline'"
    subprocess.run([sys.executable, "-c", check], env=environment, check=True)
    tests = [f"{__file__}::{name}" for name in (
        "test_the_product_adds_w_times_a_at_every_width",
        "test_the_product_of_a_block_of_columns_is_that_block_of_the_whole",
        "test_empty_and_full_matrices",
        "test_the_kernel_refuses_operands_it_would_read_or_write_outside_of",
    )]
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0", "-k", "compiled or refuses",
                             *tests], env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout and "skipped" not in result.stdout


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_product_adds_w_times_a_at_every_width(dtype, product_kernel):
    rng = np.random.RandomState(0)
    W = _random_csr(rng, (13, 50), 0.3, dtype)
    dense_W = W.toarray().astype(np.float64)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    for width in WIDTHS:
        A = rng.standard_normal((50, width)).astype(dtype)
        out = rng.standard_normal((13, width)).astype(dtype)
        expected = out + dense_W @ A
        _add_csr_product(W, A, out)
        assert out.dtype == dtype
        assert_allclose(out, expected, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_product_of_a_block_of_columns_is_that_block_of_the_whole(dtype, product_kernel):
    # what makes sparse predict independent of how threads share the blocks
    rng = np.random.RandomState(1)
    W = _random_csr(rng, (9, 40), 0.5, dtype)
    A = rng.standard_normal((40, 203)).astype(dtype)
    whole = np.zeros((9, 203), dtype)
    _add_csr_product(W, A, whole)
    for edges in ((0, 5, 70, 71, 203), (0, 64, 128, 203), (0, 1, 2, 33, 203)):
        parts = []
        for start, stop in zip(edges, edges[1:]):
            part = np.zeros((9, stop - start), dtype)
            _add_csr_product(W, np.ascontiguousarray(A[:, start:stop]), part)
            parts.append(part)
        assert_array_equal(np.hstack(parts), whole)


def test_empty_and_full_matrices(product_kernel):
    rng = np.random.RandomState(2)
    A = rng.standard_normal((6, 70))
    for W in (np.zeros((4, 6)), rng.standard_normal((4, 6))):
        out = np.ones((4, 70))
        _add_csr_product(_transposed_csr(W.T, np.float64), A, out)
        assert_allclose(out, 1 + W @ A, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sparse_predict_is_the_same_with_either_kernel(dtype, monkeypatch):
    rng = np.random.RandomState(3)
    units = (30, 20, 10, 4)
    coefs = [(rng.randn(a, b) * (rng.rand(a, b) >= 0.8)).astype(dtype) for a, b in zip(units, units[1:])]
    net = Network(coefs, [rng.randn(b).astype(dtype) for b in units[1:]], "relu", "log_loss_softmax")
    X = rng.randn(777, 30).astype(dtype)
    compiled = net.predict(X, sparse_below=1.0, block_size=100)
    monkeypatch.setattr(sparse_predict, "_csr_kernel", None)
    scipy_kernel = net.predict(X, sparse_below=1.0, block_size=100)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    assert_allclose(compiled, scipy_kernel, rtol=rtol, atol=rtol)
    assert_allclose(compiled, net.predict(X, sparse_below=0.0), rtol=rtol, atol=rtol)


def test_int64_indices_take_scipys_kernel(monkeypatch):
    rng = np.random.RandomState(4)
    W = sp.csr_matrix(rng.standard_normal((5, 8)) * (rng.random_sample((5, 8)) < 0.5))
    W.indices, W.indptr = W.indices.astype(np.int64), W.indptr.astype(np.int64)
    A = rng.standard_normal((8, 70))
    out = np.zeros((5, 70))
    _add_csr_product(W, A, out)
    assert_allclose(out, W.toarray() @ A, rtol=1e-12)


@needs_kernel
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_kernel_refuses_operands_it_would_read_or_write_outside_of(dtype):
    product = getattr(kernel, sparse_predict._COMPILED_PRODUCTS[np.dtype(dtype)])
    indptr = np.array([0, 1, 3], np.int32)
    indices = np.array([0, 1, 2], np.int32)
    data = np.ones(3, dtype)
    A = np.ones((3, 5), dtype)
    out = np.zeros((2, 5), dtype)
    product(2, 3, 5, indptr, indices, data, A, out)
    assert_array_equal(out, [[1] * 5, [2] * 5])
    bad_calls = {
        "operands of mismatched sizes": [
            (3, 3, 5, indptr, indices, data, A, out),  # more rows than indptr tells
            (2, 3, 6, indptr, indices, data, A, out),  # wider than A
            (2, 4, 5, indptr, indices, data, A, out),  # A has fewer rows than W columns
            (2, 3, 5, indptr, indices, data, A, np.zeros((2, 4), dtype)),
            (-1, 3, 5, indptr, indices, data, A, out),
            (2, 3, 2**62, indptr, indices, data, A, out),  # an overflowing size
        ],
        "indptr does not match": [
            (2, 3, 5, np.array([0, 1, 2], np.int32), indices, data, A, out),
            (2, 3, 5, indptr, indices, data[:2], A, out),
            (2, 3, 5, np.array([1, 1, 3], np.int32), indices, data, A, out),
        ],
        "not non-decreasing": [(2, 3, 5, np.array([0, 2, 1], np.int32), indices[:1], data[:1], A, out)],
        "out of range": [(2, 3, 5, indptr, np.array([0, 1, 3], np.int32), data, A, out),
                         (2, 3, 5, indptr, np.array([0, -1, 2], np.int32), data, A, out)],
    }
    for message, calls in bad_calls.items():
        for args in calls:
            before = out.copy()
            with pytest.raises(ValueError, match=message):
                product(*args)
            assert_array_equal(out, before)
    read_only = out.copy()
    read_only.flags.writeable = False
    with pytest.raises((BufferError, TypeError)):
        product(2, 3, 5, indptr, indices, data, A, read_only)
    with pytest.raises((BufferError, TypeError, ValueError)):
        product(2, 3, 5, indptr, indices, data, np.asfortranarray(np.ones((3, 5), dtype))[:, ::2], out)
