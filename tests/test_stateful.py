"""A stateful random walk over the life of a prunable network.

Hypothesis chains fit, partial_fit, mask edits, pruning (a first-order
criterion on compacted inputs among the pruners), compaction, export to
scikit-learn and back, a fitted state rebuilt by hand, two threads pruning at
once, pickling and continued training in random orders, with failing calls
mixed in, and checks after every step that

* pruned weights are exactly zero (once a fit or a pruner has run since the
  masks were last edited by hand),
* predictions are finite,
* a failed step leaves the estimator as it was,
* a pickle round trip predicts identically.
"""

import copy
import os
import pickle
import threading
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from numpy.testing import assert_array_equal
from threadpoolctl import threadpool_info

from skprune import (
    InitPruner,
    MagnitudePruner,
    MovementPruner,
    OBDPruner,
    OBSPruner,
    PrunableMLPClassifier,
    ScorePruner,
    UnitRemovalPruner,
    WandaPruner,
)
from skprune.callbacks import TrainingCallback, training_callbacks
from skprune.pruning import loss_gradient

RNG = np.random.RandomState(0)
X = RNG.normal(size=(60, 4))
Y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 0.8)
STEPS = {"count": 0}

def sensitivity(estimator, X, y, sample_weight=None):
    """``|g w|``, the README's first-order criterion (reads all columns of X)."""
    gradients = loss_gradient(estimator, X, y, sample_weight)
    return [np.abs(g * W) for g, W in zip(gradients, estimator.coefs_)]


PRUNERS = {
    "magnitude": lambda net, s: MagnitudePruner(net, prefit=True, sparsity=s, retrain_iter=1),
    "first-order": lambda net, s: ScorePruner(net, prefit=True, sparsity=s, retrain_iter=1,
                                              score_func=sensitivity),
    "obd": lambda net, s: OBDPruner(net, prefit=True, sparsity=s),
    "obs": lambda net, s: OBSPruner(net, prefit=True, sparsity=s, method="layerwise"),
    "units": lambda net, s: UnitRemovalPruner(net, prefit=True, sparsity=min(s, 0.5)),
    "movement": lambda net, s: MovementPruner(net, prefit=True, sparsity=s, retrain_iter=1, movement_iter=1),
    "wanda": lambda net, s: WandaPruner(net, prefit=True, sparsity=s, retrain_iter=1),
    "distilled": lambda net, s: MagnitudePruner(net, prefit=True, sparsity=s, retrain_iter=2, distill=0.5),
    "lr-rewound": lambda net, s: OBDPruner(net, prefit=True, sparsity=s, retrain_iter=2, rewind="lr"),
    "snip-prefit": lambda net, s: InitPruner(net, prefit=True, sparsity=s, retrain_iter=2),
}


class PrunedGradientsAreZero(TrainingCallback):
    """Checks every update a callback sees: a pruned weight's gradient is 0."""

    def __init__(self):
        self.updates = 0

    def on_gradient(self, model, step):
        self.updates += 1
        for g, mask in zip(step.coef_grads, model.masks_):
            assert np.all(g[~mask] == 0)


def blas_threads():
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def snapshot(net):
    """Everything a failed call must leave unchanged."""
    return (
        [W.copy() for W in net.coefs_], [b.copy() for b in net.intercepts_],
        [m.copy() for m in net.masks_], net.n_iter_, list(getattr(net, "loss_curve_", []) or []),
    )


def assert_same_state(before, after):
    for a, b in zip(before[:3], after[:3]):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_array_equal(x, y)
    assert before[3:] == after[3:]


class NetworkLife(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.net = None
        self.masks_edited = False

    def step(self):
        STEPS["count"] += 1

    @rule(solver=st.sampled_from(["sgd", "adam", "lbfgs"]),
          hidden=st.sampled_from([(6,), (6, 4)]), seed=st.integers(0, 3))
    def fit(self, solver, hidden, seed):
        self.net = PrunableMLPClassifier(hidden, solver=solver, max_iter=15, random_state=seed)
        self.net.fit(X, Y)
        self.masks_edited = False
        self.step()

    @precondition(lambda self: self.net is not None and self.net.solver != "lbfgs")
    @rule(rows=st.integers(5, 60))
    def partial_fit(self, rows):
        self.net.partial_fit(X[:rows], Y[:rows])
        self.masks_edited = False
        self.step()

    @precondition(lambda self: self.net is not None and not self.masks_edited)
    @rule(name=st.sampled_from(sorted(PRUNERS)), sparsity=st.floats(0.0, 0.9))
    def prune_watched(self, name, sparsity):
        checker = PrunedGradientsAreZero()
        with training_callbacks(checker):
            self.prune(name, sparsity)

    @precondition(lambda self: self.net is not None)
    @rule(epochs=st.integers(1, 5))
    def continue_training(self, epochs):
        self.net.set_params(warm_start=True, max_iter=epochs).fit(X, Y)
        # scikit-learn's rule, kept: with warm_start=True every batch, even a
        # partial_fit one, must hold all the classes
        self.net.set_params(warm_start=False)
        self.masks_edited = False
        self.step()

    @precondition(lambda self: self.net is not None)
    @rule(layer=st.integers(0, 2), fraction=st.floats(0.1, 0.9), seed=st.integers(0, 9))
    def edit_masks(self, layer, fraction, seed):
        mask = self.net.masks_[min(layer, len(self.net.masks_) - 1)]
        mask &= np.random.RandomState(seed).uniform(size=mask.shape) > fraction
        self.masks_edited = True
        self.step()

    @precondition(lambda self: self.net is not None)
    @rule(name=st.sampled_from(sorted(PRUNERS)), sparsity=st.floats(0.0, 0.9))
    def prune(self, name, sparsity):
        before = snapshot(self.net)
        try:
            self.net = PRUNERS[name](self.net, sparsity).fit(X, Y).estimator_
            self.masks_edited = False
        except ValueError as error:  # a clear refusal (a unit removal too deep)
            assert "would remove every unit" in str(error)
            assert_same_state(before, snapshot(self.net))
        self.step()

    @rule(solver=st.sampled_from(["sgd", "adam"]), epoch=st.integers(0, 3),
          sparsity=st.floats(0.1, 0.9), seed=st.integers(0, 3))
    def prune_a_ticket(self, solver, epoch, sparsity, seed):
        # Rewinding to an epoch trains its own dense network (it needs the
        # weights of that epoch); the walk goes on from the ticket it trains.
        template = PrunableMLPClassifier((6,), solver=solver, max_iter=6, random_state=seed)
        pruner = MagnitudePruner(template, sparsity=sparsity, n_steps=2, retrain_iter=3,
                                 rewind=epoch).fit(X, Y)
        self.net = pruner.estimator_
        assert pruner.sparsity_ == pytest.approx(sparsity, abs=0.05)
        self.masks_edited = False
        self.step()

    @precondition(lambda self: self.net is not None and not self.masks_edited)
    @rule()
    def compact(self):
        before = self.net.predict_proba(X)
        self.net = self.net.compact()
        np.testing.assert_allclose(self.net.predict_proba(X), before, rtol=1e-6, atol=1e-9)
        self.step()

    @precondition(lambda self: self.net is not None and not self.masks_edited)
    @rule(train_there=st.booleans())
    def export_and_back(self, train_there):
        mlp = self.net.to_sklearn()
        assert_array_equal(mlp.predict(X), self.net.predict(X))
        if train_there and mlp.solver != "lbfgs":
            mlp.partial_fit(X, Y)
        self.net = PrunableMLPClassifier.from_sklearn(mlp, prune_zeros=True)
        self.step()

    @precondition(lambda self: self.net is not None and not self.masks_edited
                  and not hasattr(self.net, "active_inputs_"))
    @rule()
    def rebuild_by_hand(self):
        # the fitted state set attribute by attribute, as scikit-learn's own
        # tests build one: no masks_, no optimiser, no early-stopping state
        net = PrunableMLPClassifier(self.net.hidden_layer_sizes, solver=self.net.solver,
                                    max_iter=5, random_state=0)
        for name in ("coefs_", "intercepts_", "n_outputs_", "n_features_in_", "n_layers_",
                     "out_activation_", "classes_", "_label_binarizer", "n_iter_", "t_"):
            setattr(net, name, copy.deepcopy(getattr(self.net, name)))
        net.loss_curve_, net.best_loss_ = [], np.inf
        assert_array_equal(net.predict(X), self.net.predict(X))
        assert net.n_nonzero_params_ == self.net.n_nonzero_params_
        self.net = net
        self.masks_edited = True  # its masks keep every weight, zeros included
        self.step()

    @precondition(lambda self: self.net is not None and not self.masks_edited)
    @rule(seed=st.integers(0, 3))
    def concurrent_prunes(self, seed):
        # two threads pruning at once: the same results as one after the
        # other, and the process's BLAS thread count as it was
        made = [MagnitudePruner(self.net, prefit=True, sparsity=0.5, retrain_iter=2)
                for _ in range(2)]
        before = blas_threads()
        workers = [threading.Thread(target=pruner.fit, args=(X, Y)) for pruner in made]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert blas_threads() == before
        alone = MagnitudePruner(self.net, prefit=True, sparsity=0.5, retrain_iter=2).fit(X, Y)
        for pruner in made:
            assert_array_equal(pruner.predict_proba(X), alone.predict_proba(X))
        self.step()

    @precondition(lambda self: self.net is not None)
    @rule()
    def pickle_round_trip(self):
        copy = pickle.loads(pickle.dumps(self.net))
        assert_array_equal(copy.predict_proba(X), self.net.predict_proba(X))
        self.net = copy
        self.step()

    @precondition(lambda self: self.net is not None)
    @rule(mistake=st.sampled_from(["features", "nan", "labels", "sparsity"]))
    def failing_call(self, mistake):
        before = snapshot(self.net)
        with pytest.raises(ValueError):
            if mistake == "features":
                self.net.partial_fit(X[:, :3], Y) if self.net.solver != "lbfgs" else \
                    self.net.set_params(warm_start=True, max_iter=2).fit(X[:, :3], Y)
            elif mistake == "nan":
                bad = X.copy()
                bad[3, 1] = np.nan
                self.net.set_params(warm_start=True, max_iter=2).fit(bad, Y)
            elif mistake == "labels":
                MagnitudePruner(self.net, prefit=True, retrain_iter=1).fit(X, Y + 7)
            else:
                MagnitudePruner(self.net, prefit=True, sparsity=1.5).fit(X, Y)
        self.net.set_params(warm_start=False)
        assert_same_state(before, snapshot(self.net))
        self.step()

    @invariant()
    def pruned_weights_are_zero(self):
        if self.net is not None and not self.masks_edited:
            for W, m in zip(self.net.coefs_, self.net.masks_):
                assert W.shape == m.shape
                assert np.all(W[~m] == 0.0)

    @invariant()
    def predictions_are_finite(self):
        if self.net is not None:
            assert np.isfinite(self.net.predict_proba(X)).all()


NetworkLife.TestCase.settings = settings(
    max_examples=int(os.environ.get("SKPRUNE_STATEFUL_EXAMPLES", 25)),
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class TestNetworkLife(NetworkLife.TestCase):
    def setUp(self):
        warnings.simplefilter("ignore")


def test_report_steps():
    """Run last in this module: how many steps the walk took (``-s`` prints it)."""
    print(f"\nstateful walk: {STEPS['count']} steps")
