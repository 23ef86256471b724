"""Per-layer sensitivity analysis and its display."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError
from sklearn.utils import Bunch

from skprune import MagnitudePruner, OBDPruner, PrunableMLPClassifier, UnitRemovalPruner
from skprune.inspection import SensitivityDisplay, sensitivity_analysis, sparsity_from_sensitivity


@pytest.fixture(scope="module")
def fitted():
    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    net = PrunableMLPClassifier((10, 6), solver="lbfgs", max_iter=400, random_state=0).fit(X, y)
    return net, X, y


def test_each_entry_prunes_one_layer_alone(fitted):
    net, X, y = fitted

    def layer_sparsities(estimator, X, y):  # encodes which layers were pruned, and how far
        return float(sum(10**i * (1 - m.mean()) for i, m in enumerate(estimator.estimator_.masks_)))

    pruner = MagnitudePruner(net, prefit=True, retrain_iter=0)
    result = sensitivity_analysis(pruner, X, y, sparsities=[0.25, 0.5], scoring=layer_sparsities)
    expected = [[10**layer * level for level in (0.25, 0.5)] for layer in range(3)]
    assert_allclose(result.scores, expected, atol=0.03 * 100)
    for layer in range(3):
        assert_allclose(result.scores[layer] / 10**layer, [0.25, 0.5], atol=0.03)
    assert result.dense_score == 0.0


def test_scores_equal_pruning_by_hand(fitted):
    net, X, y = fitted
    pruner = OBDPruner(net, prefit=True, retrain_iter=0)
    result = sensitivity_analysis(pruner, X, y, sparsities=[0.6], X_test=X[::2], y_test=y[::2])
    for layer in range(3):
        levels = [0.0, 0.0, 0.0]
        levels[layer] = 0.6
        by_hand = OBDPruner(net, prefit=True, retrain_iter=0, sparsity=levels).fit(X, y)
        assert result.scores[layer, 0] == by_hand.score(X[::2], y[::2])
    assert result.dense_score == net.score(X[::2], y[::2])


def test_chosen_sparsities_are_the_highest_within_the_drop():
    result = Bunch(sparsities=np.array([0.5, 0.8, 0.9]), dense_score=0.9,
                   scores=np.array([[0.9, 0.88, 0.7], [0.85, 0.6, 0.5], [0.89, 0.5, 0.88]]))
    assert sparsity_from_sensitivity(result, max_drop=0.02) == [0.8, 0.0, 0.9]


def test_wrong_inputs_are_refused(fitted):
    net, X, y = fitted
    with pytest.raises(ValueError, match="prefit=True"):
        sensitivity_analysis(MagnitudePruner(net), X, y, sparsities=[0.5])
    with pytest.raises(TypeError, match="one sparsity per layer"):
        sensitivity_analysis(UnitRemovalPruner(net, prefit=True), X, y, sparsities=[0.5])
    with pytest.raises(NotFittedError):
        sensitivity_analysis(MagnitudePruner(PrunableMLPClassifier(), prefit=True), X, y, sparsities=[0.5])
    with pytest.raises(ValueError):
        sensitivity_analysis(MagnitudePruner(net, prefit=True), X, y, sparsities=[1.5])


def test_display_draws_one_curve_per_layer(fitted):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    net, X, y = fitted
    display = SensitivityDisplay.from_estimator(MagnitudePruner(net, prefit=True, retrain_iter=0), X, y,
                                                sparsities=[0.3, 0.7], n_jobs=2)
    assert [line.get_label() for line in display.lines_] == ["layer 0", "layer 1", "layer 2"]
    assert display.ax_.get_ylabel() == "Accuracy"
    assert_allclose(display.lines_[0].get_xdata(), [0.3, 0.7])
