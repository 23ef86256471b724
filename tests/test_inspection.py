"""PruningCurveDisplay."""

import sys
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris
from sklearn.exceptions import ConvergenceWarning

from skprune import MagnitudePruner, OBDPruner, PrunableMLPClassifier
from skprune.inspection import PruningCurveDisplay

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


def test_matplotlib_is_imported_lazily():
    code = "import skprune, skprune.inspection, sys; print('matplotlib' in sys.modules)"
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_display_from_estimator_and_several_pruners_on_one_axes():
    import matplotlib.pyplot as plt

    X, y = load_iris(return_X_y=True)
    net = PrunableMLPClassifier((8,), solver="lbfgs", max_iter=300, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        first = PruningCurveDisplay.from_estimator(
            MagnitudePruner(net, retrain_iter=5), X, y, sparsities=[0.3, 0.6, 0.9], cv=3,
            show_train=True,
        )
        second = PruningCurveDisplay.from_estimator(
            OBDPruner(net, retrain_iter=5), X, y, sparsities=[0.3, 0.6, 0.9], cv=3,
            ax=first.ax_, scoring="accuracy",
        )
    assert second.ax_ is first.ax_ and second.figure_ is first.figure_
    assert len(first.lines_) == 2 and len(first.fill_between_) == 2
    assert len(second.lines_) == 1
    labels = [t.get_text() for t in first.ax_.get_legend().get_texts()]
    assert labels == ["MagnitudePruner (test)", "MagnitudePruner (train)", "OBDPruner (test)"]
    assert second.ax_.get_ylabel() == "Accuracy"
    np.testing.assert_allclose(first.lines_[0].get_xdata(), 1 / (1 - np.array([0.3, 0.6, 0.9])))
    assert first.ax_.get_xscale() == "log"  # compression is the default axis
    plt.close("all")


def test_display_from_results_compression_axis_and_errorbars():
    import matplotlib.pyplot as plt

    levels = np.array([0.5, 0.75, 0.9])
    test = np.array([[0.9, 0.92], [0.85, 0.87], [0.6, 0.7]])
    display = PruningCurveDisplay.from_results(levels, test + 0.05, test, label="obs",
                                               x="compression", std_display_style="errorbar")
    np.testing.assert_allclose(display.lines_[0].get_xdata(), [2.0, 4.0, 10.0])
    np.testing.assert_allclose(display.lines_[0].get_ydata(), test.mean(axis=1))
    assert display.ax_.get_xscale() == "log" and len(display.errorbar_) == 1
    with pytest.raises(ValueError, match="x must be"):
        display.plot(x="density")
    plt.close("all")


def test_compression_axis_dense_line_and_labels_are_readable():
    import matplotlib.pyplot as plt

    X, y = load_iris(return_X_y=True)
    net = PrunableMLPClassifier((8,), solver="lbfgs", max_iter=300, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        display = PruningCurveDisplay.from_estimator(
            MagnitudePruner(net, retrain_iter=5), X, y, sparsities=[0.5, 0.8, 0.9, 0.95, 0.98],
            cv=3, dense=True, x="compression", label="magnitude")
    plt.gcf().canvas.draw()
    ticks = [t.get_text() for t in display.ax_.get_xticklabels()]
    assert ticks == ["2×", "3×", "5×", "10×", "20×", "50×"]
    labels = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert labels == ["magnitude (test)", "dense network"]
    assert display.dense_line_ is not None and 0.8 < display.dense_score <= 1
    assert display.ax_.get_ylabel() == "Accuracy"
    np.testing.assert_allclose(display.lines_[0].get_xdata(), [2, 5, 10, 20, 50])
    plt.close("all")


def test_regressor_label_and_from_cv_results():
    import matplotlib.pyplot as plt
    from skprune import PrunableMLPRegressor
    from skprune.model_selection import PrunerCV

    X, y = load_iris(return_X_y=True)
    reg = PrunableMLPRegressor(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=300,
                               random_state=0)
    search = PrunerCV(MagnitudePruner(reg), sparsities=[0.5, 0.75], cv=3,
                      return_train_score=True).fit(X[:, :3], X[:, 3])
    display = PruningCurveDisplay.from_cv_results(search, show_train=True)
    assert display.ax_.get_ylabel() == "R²"
    np.testing.assert_allclose(display.lines_[0].get_ydata(),
                               search.cv_results_["mean_test_score"])
    labels = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert labels == ["MagnitudePruner (test)", "MagnitudePruner (train)"]
    multi = PrunerCV(MagnitudePruner(net_classifier()), sparsities=[0.5, 0.75], cv=3,
                     scoring=["accuracy", "neg_log_loss"], refit="neg_log_loss").fit(X, y)
    display = PruningCurveDisplay.from_cv_results(multi)
    assert display.ax_.get_ylabel() == "Negative log loss"
    plt.close("all")


def test_one_curve_per_candidate_of_a_search():
    import matplotlib.pyplot as plt
    from skprune.model_selection import PrunerCV

    X, y = load_iris(return_X_y=True)
    levels = [0.5, 0.75, 0.9]
    search = PrunerCV([MagnitudePruner(net_classifier()), OBDPruner(net_classifier())],
                      param_grid={"retrain_iter": [0, 10]}, sparsities=levels, cv=3,
                      return_train_score=True).fit(X, y)
    display = PruningCurveDisplay.from_cv_results(search, show_train=True, x="sparsity")
    means = search.cv_results_["mean_test_score"].reshape(4, 3)
    test_lines = display.lines_[::2]  # each candidate's test curve, then its train curve
    assert len(display.lines_) == 8
    for line, mean in zip(test_lines, means):
        np.testing.assert_allclose(line.get_xdata(), levels)
        np.testing.assert_allclose(line.get_ydata(), mean)
    assert len({line.get_color() for line in test_lines}) == 4
    assert display.lines_[0].get_color() == display.lines_[1].get_color()
    labels = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert labels[0] == "MagnitudePruner, retrain_iter=0 (test)"
    assert labels[2] == "MagnitudePruner, retrain_iter=10 (test)"
    assert labels[4] == "OBDPruner, retrain_iter=0 (test)"
    plt.close("all")


def net_classifier():
    return PrunableMLPClassifier((8,), solver="lbfgs", max_iter=300, random_state=0)


def test_layer_summary_counts_what_the_masks_say():
    import pandas as pd

    from skprune import MagnitudePruner, PrunableMLPClassifier
    from skprune.inspection import LayerSummary

    X, y = load_digits(return_X_y=True)
    pruner = MagnitudePruner(PrunableMLPClassifier((20,), max_iter=30, random_state=0),
                             sparsity=[0.9, 0.5], retrain_iter=0).fit(X, y)
    net = pruner.estimator_
    net.masks_[1][3] = False  # hidden unit 3 reaches no output
    net.coefs_[1][3] = 0.0
    summary = net.layer_summary()
    assert isinstance(summary, LayerSummary) and len(summary) == 2
    for row, mask in zip(summary.rows, net.masks_):
        assert row["shape"] == mask.shape and row["weights"] == mask.size
        assert row["kept"] == mask.sum()
        assert row["sparsity"] == pytest.approx(1 - mask.mean())
        assert row["dead_inputs"] == (~mask.any(axis=1)).sum()
        assert row["dead_units"] == (~mask.any(axis=0)).sum()
    assert summary[1]["dead_inputs"] >= 1
    assert summary[0]["dead_inputs"] == (~net.masks_[0].any(axis=1)).sum() > 0  # blank pixels
    frame = pd.DataFrame(summary.as_dict())
    assert list(frame["kept"]) == [m.sum() for m in net.masks_]
    text = repr(summary)
    assert "sparsity" in text and f"{net.masks_[0].sum():,}" in text and "total" in text
    assert text.count("\n") == 4
    assert summary._repr_html_().startswith("<table>") and "<td>total</td>" in summary._repr_html_()
    compact = net.compact().layer_summary()
    assert compact[1]["dead_inputs"] == 0 and compact[0]["dead_inputs"] == 0
