"""Cross-validating sparsity levels on a Dask cluster through joblib."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from skprune import OBDPruner, PrunableMLPClassifier
from skprune.model_selection import pruning_curve

distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed")


@pytest.fixture
def restored_environment():
    """distributed sets OMP/MKL/OPENBLAS_NUM_THREADS=1 in os.environ for its
    workers; restore the environment so that later subprocesses see the usual
    thread counts (and so compute bit for bit as this process does)."""
    import os

    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def test_grid_search_and_pruning_curve_on_a_local_cluster(restored_environment):
    from joblib import parallel_backend

    X, y = load_iris(return_X_y=True)
    pruner = OBDPruner(
        PrunableMLPClassifier((8,), solver="lbfgs", max_iter=300, random_state=0), retrain_iter=5
    )
    grid = {"sparsity": [0.3, 0.6, 0.9]}
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    serial = GridSearchCV(pruner, grid, cv=cv).fit(X, y)
    serial_curve = pruning_curve(pruner, X, y, sparsities=grid["sparsity"], cv=cv)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the cluster's own start-up chatter
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster, \
                distributed.Client(cluster) as client:
            assert len(client.scheduler_info()["workers"]) == 2
            with parallel_backend("dask"):
                search = GridSearchCV(pruner, grid, cv=cv, n_jobs=-1).fit(X, y)
                curve = pruning_curve(pruner, X, y, sparsities=grid["sparsity"], cv=cv, n_jobs=-1)

    assert_allclose(search.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"])
    for a, b in zip(curve, serial_curve):
        assert_allclose(a, b)
    assert np.isclose(search.best_score_, serial.best_score_)
