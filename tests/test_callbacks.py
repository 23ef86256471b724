"""The training loop's callbacks: what they see, when, and at what cost to state."""

import threading

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris

from skprune import MagnitudePruner, PrunableMLPClassifier, PrunableMLPRegressor
from skprune.callbacks import TrainingCallback, training_callbacks
from skprune.pruning import loss_gradient


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


class Recorder(TrainingCallback):
    """Copies of everything the loop shows."""

    def __init__(self):
        self.events, self.weights, self.grads, self.losses, self.rows = [], [], [], [], []

    def on_train_begin(self, model):
        self.events.append("begin")

    def on_gradient(self, model, step):
        self.events.append("gradient")
        self.weights.append([W.copy() for W in model.coefs_] + [b.copy() for b in model.intercepts_])
        self.grads.append([g.copy() for g in step.coef_grads] + [g.copy() for g in step.intercept_grads])
        self.rows.append(step.n_samples)

    def on_epoch_end(self, model, epoch, loss):
        self.events.append(("epoch", epoch))
        self.losses.append(loss)

    def on_train_end(self, model):
        self.events.append("end")


def test_sgd_callbacks_see_every_update_with_its_gradient(iris):
    X, y = iris
    recorder = Recorder()
    net = PrunableMLPClassifier((6,), solver="sgd", momentum=0, learning_rate_init=0.1, batch_size=40,
                                max_iter=4, tol=0, random_state=0)
    with training_callbacks(recorder):
        net.fit(X, y)
    assert recorder.events[0] == "begin" and recorder.events[-1] == "end"
    assert recorder.events.count("gradient") == 4 * 4  # 4 epochs of ceil(150 / 40) batches
    assert [e for e in recorder.events if isinstance(e, tuple)] == [("epoch", i) for i in range(1, 5)]
    assert recorder.losses == net.loss_curve_
    assert recorder.rows == [40, 40, 40, 30] * 4
    # plain SGD: the next weights are these weights minus the rate times this gradient
    after = recorder.weights[1:] + [list(net.coefs_) + list(net.intercepts_)]
    for before, grad, now in zip(recorder.weights, recorder.grads, after):
        for w, g, w_next in zip(before, grad, now):
            assert_allclose(w_next, w - 0.1 * g, rtol=1e-12, atol=1e-15)


def test_pruned_weights_have_zero_gradient(iris):
    X, y = iris
    net = PrunableMLPClassifier((6,), max_iter=30, random_state=0).fit(X, y)
    net.masks_[0][:2] = False
    recorder = Recorder()
    with training_callbacks(recorder):
        net.set_params(warm_start=True, max_iter=3).fit(X, y)
    assert recorder.grads
    for grads in recorder.grads:
        assert np.all(grads[0][:2] == 0.0) and np.any(grads[0][2:] != 0.0)


def test_lbfgs_reports_each_iteration_at_the_accepted_iterate(iris):
    X, y = iris
    recorder = Recorder()
    net = PrunableMLPClassifier((5,), solver="lbfgs", alpha=0.0, max_iter=25, random_state=0)
    with training_callbacks(recorder):
        net.fit(X, y)
    assert recorder.events.count("gradient") == net.n_iter_ == len(recorder.losses)
    assert set(recorder.rows) == {len(X)}
    assert_allclose(recorder.losses[-1], net.loss_, rtol=1e-12)
    for W, W_seen in zip(net.coefs_, recorder.weights[-1]):
        assert_array_equal(W, W_seen)
    for g_seen, g in zip(recorder.grads[-1], loss_gradient(net, X, y)):
        assert_allclose(g_seen, g, rtol=1e-9, atol=1e-12)


def test_partial_fit_and_a_regressor_call_them_too(iris):
    X, y = iris
    recorder = Recorder()
    with training_callbacks(recorder):
        PrunableMLPRegressor(hidden_layer_sizes=(4,), batch_size=150, random_state=0).partial_fit(X, y.astype(float))
    assert recorder.events == ["begin", "gradient", ("epoch", 1), "end"]


def test_a_callback_that_raises_ends_the_fit_and_leaves_the_network_as_it_was(iris):
    X, y = iris
    net = PrunableMLPClassifier((6,), max_iter=20, random_state=0).fit(X, y)
    before = [W.copy() for W in net.coefs_]

    class Fails(Recorder):
        def on_epoch_end(self, model, epoch, loss):
            if epoch == 2:
                raise RuntimeError("stop here")

    fails = Fails()
    with training_callbacks(fails), pytest.raises(RuntimeError, match="stop here"):
        net.set_params(warm_start=True).fit(X, y)
    assert fails.events[-1] == "end"  # on_train_end runs on failure too
    for W, W0 in zip(net.coefs_, before):
        assert_array_equal(W, W0)


def test_blocks_nest_and_stay_in_their_thread(iris):
    X, y = iris
    outer, inner, other = Recorder(), Recorder(), []

    def fit_elsewhere():
        recorder = Recorder()
        other.append(recorder)
        PrunableMLPClassifier((4,), max_iter=2, random_state=0).fit(X, y)

    with training_callbacks(outer):
        with training_callbacks(inner):
            PrunableMLPClassifier((4,), max_iter=2, random_state=0).fit(X, y)
        thread = threading.Thread(target=fit_elsewhere)
        thread.start()
        thread.join()
    assert outer.events.count("begin") == 1 and inner.events.count("begin") == 1
    PrunableMLPClassifier((4,), max_iter=2, random_state=0).fit(X, y)  # outside every block
    assert outer.events.count("begin") == 1


def test_a_pruner_shows_the_dense_fit_and_every_retraining(iris):
    X, y = iris
    recorder = Recorder()
    with training_callbacks(recorder):
        MagnitudePruner(PrunableMLPClassifier((8,), max_iter=10, random_state=0),
                        sparsity=0.6, n_steps=3, retrain_iter=2).fit(X, y)
    assert recorder.events.count("begin") == 1 + 3
    assert recorder.events.count("end") == 1 + 3
    assert len(recorder.losses) == 10 + 3 * 2


def test_only_callbacks_are_accepted():
    with pytest.raises(TypeError, match="on_gradient"):
        with training_callbacks(object()):
            pass
