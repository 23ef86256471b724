"""Knowledge distillation in retraining (Hinton, Vinyals & Dean 2015)."""



import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit, softmax
from sklearn.datasets import load_iris, make_regression

from skprune import InitPruner, MagnitudePruner, OBSPruner, PrunableMLPClassifier, PrunableMLPRegressor
from skprune._core.losses import OUTPUT_LOSSES, distillation, tempered


@pytest.mark.parametrize("name, link", [("log_loss_softmax", softmax), ("log_loss_logistic", expit)])
@pytest.mark.parametrize("temperature", [1.0, 2.5])
def test_the_delta_is_the_gradient_of_the_value(name, link, temperature):
    rng = np.random.RandomState(0)
    n, k = 5, 4
    Z = rng.randn(n, k)
    hard = np.eye(k)[rng.randint(0, k, n)] if link is softmax else rng.randint(0, 2, (n, k)).astype(float)
    teacher = tempered(OUTPUT_LOSSES[name].output_activation,
                       link(rng.randn(n, k), axis=1) if link is softmax else link(rng.randn(n, k)), temperature)
    loss = distillation(OUTPUT_LOSSES[name], 0.7, temperature)
    Y = np.hstack([hard, teacher])

    def value(Z):
        P = link(Z, axis=1) if link is softmax else link(Z)
        return loss.value(Y, P) * n  # the delta is per sample; the value a mean

    P = link(Z, axis=1) if link is softmax else link(Z)
    delta = loss.delta(Y, P)
    h = 1e-6
    for i, j in [(0, 0), (2, 1), (4, 3)]:
        up, down = Z.copy(), Z.copy()
        up[i, j] += h
        down[i, j] -= h
        assert_allclose(delta[i, j], (value(up) - value(down)) / (2 * h), rtol=1e-5, atol=1e-8)


def test_tempered_outputs_are_those_of_the_scaled_logits():
    rng = np.random.RandomState(0)
    Z = rng.randn(6, 3) * 4
    assert_allclose(tempered("softmax", softmax(Z, axis=1), 3.0), softmax(Z / 3.0, axis=1), rtol=1e-12)
    assert_allclose(tempered("logistic", expit(Z), 3.0), expit(Z / 3.0), rtol=1e-12)
    assert_allclose(tempered("identity", Z, 3.0), Z)


def test_a_regressor_distils_as_it_trains_on_blended_targets():
    X, y = make_regression(n_samples=200, n_features=6, noise=10, random_state=0)
    y = y / y.std()
    dense = PrunableMLPRegressor(hidden_layer_sizes=(16,), solver="sgd", batch_size=50, max_iter=50,
                                 random_state=0).fit(X, y)
    pruner = MagnitudePruner(dense, sparsity=0.7, n_steps=1, retrain_iter=5, prefit=True,
                             distill=0.4).fit(X, y)
    by_hand = MagnitudePruner(dense, sparsity=0.7, n_steps=1, retrain_iter=0, prefit=True).fit(X, y).estimator_
    blended = 0.6 * y + 0.4 * dense.predict(X)
    by_hand._retrain(X, blended, None, 5)
    assert_allclose(pruner.estimator_.coefs_[0], by_hand.coefs_[0], rtol=1e-10, atol=1e-12)


def test_distilled_retraining_keeps_accuracy_and_pruned_weights_at_zero():
    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    dense = PrunableMLPClassifier((16,), max_iter=300, random_state=0).fit(X, y)
    pruner = OBSPruner(dense, sparsity=0.8, n_steps=2, retrain_iter=10, prefit=True, distill=0.9,
                       distill_temperature=4.0).fit(X, y)
    for W, m in zip(pruner.estimator_.coefs_, pruner.estimator_.masks_):
        assert np.all(W[~m] == 0)
    assert pruner.score(X, y) >= dense.score(X, y) - 0.03
    assert len(pruner.estimator_.loss_curve_) == len(dense.loss_curve_) + 2 * 10


def test_an_untrained_teacher_is_refused():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="teacher"):
        InitPruner(PrunableMLPClassifier((4,)), distill=0.5).fit(X, y)

