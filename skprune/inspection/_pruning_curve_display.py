"""PruningCurveDisplay: score against sparsity, in scikit-learn's Display style."""

import numpy as np

from ..model_selection import pruning_curve


class PruningCurveDisplay:
    """Score against sparsity (or compression ratio), with a band over folds.

    Create it with :meth:`from_estimator` (which runs
    :func:`~skprune.model_selection.pruning_curve`) or :meth:`from_results`;
    draw several pruners on one axes by passing ``ax`` of the first display's
    ``ax_`` to the next. matplotlib is imported only when drawing.

    Parameters
    ----------
    sparsities : ndarray of shape (n_levels,)
    train_scores, test_scores : ndarray of shape (n_levels, n_folds)
    score_name : str, default="Score"
    label : str, default=None
        Legend label of the curves (e.g. the pruner's name).

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    lines_ : list of matplotlib Line2D
        The drawn mean curves.
    fill_between_ : list of matplotlib PolyCollection
        The bands of one standard deviation.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from skprune import MagnitudePruner, PrunableMLPClassifier
    >>> from skprune.inspection import PruningCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> net = PrunableMLPClassifier((8,), solver="lbfgs", max_iter=500, random_state=0)
    >>> display = PruningCurveDisplay.from_estimator(
    ...     MagnitudePruner(net, retrain_iter=10), X, y, sparsities=[0.3, 0.6, 0.9], cv=3,
    ...     label="magnitude")
    >>> display.ax_.get_xlabel()
    'Sparsity'
    """

    def __init__(self, *, sparsities, train_scores, test_scores, score_name="Score", label=None):
        self.sparsities = np.asarray(sparsities)
        self.train_scores = np.asarray(train_scores)
        self.test_scores = np.asarray(test_scores)
        self.score_name = score_name
        self.label = label

    def plot(self, ax=None, *, x="sparsity", show_train=False, std_display_style="fill_between",
             line_kw=None, fill_between_kw=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            None draws on a new figure.
        x : {"sparsity", "compression"}, default="sparsity"
            Horizontal axis: the sparsity, or the compression ratio
            ``1 / (1 - sparsity)`` on a log scale.
        show_train : bool, default=False
            Also draw the training scores (dashed).
        std_display_style : {"fill_between", "errorbar", None}, default="fill_between"
            How to show one standard deviation over folds.
        line_kw, fill_between_kw : dict, default=None
            Passed to ``ax.plot`` / ``ax.fill_between``.

        Returns
        -------
        display : PruningCurveDisplay
        """
        import matplotlib.pyplot as plt

        if x not in ("sparsity", "compression"):
            raise ValueError(f"x must be 'sparsity' or 'compression', got {x!r}.")
        if std_display_style not in ("fill_between", "errorbar", None):
            raise ValueError(
                "std_display_style must be 'fill_between', 'errorbar' or None, got "
                f"{std_display_style!r}."
            )
        if ax is None:
            _, ax = plt.subplots()
        xs = self.sparsities if x == "sparsity" else 1.0 / (1.0 - self.sparsities)
        sets = [("test", self.test_scores, "-")]
        if show_train:
            sets.append(("train", self.train_scores, "--"))
        self.lines_, self.fill_between_, self.errorbar_ = [], [], []
        color = None
        for name, scores, style in sets:
            mean, std = scores.mean(axis=1), scores.std(axis=1)
            label = name if self.label is None else f"{self.label} ({name})"
            kw = {"label": label, "linestyle": style, "marker": "o", **(line_kw or {})}
            if color is not None:
                kw.setdefault("color", color)
            if std_display_style == "errorbar":
                container = ax.errorbar(xs, mean, yerr=std, **kw)
                self.errorbar_.append(container)
                line = container.lines[0]
            else:
                (line,) = ax.plot(xs, mean, **kw)
                if std_display_style == "fill_between":
                    band = ax.fill_between(xs, mean - std, mean + std, alpha=0.2,
                                           color=line.get_color(), **(fill_between_kw or {}))
                    self.fill_between_.append(band)
            color = line.get_color()
            self.lines_.append(line)
        if x == "compression":
            from matplotlib.ticker import NullFormatter, ScalarFormatter

            ax.set_xscale("log")
            ax.xaxis.set_major_formatter(ScalarFormatter())
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.set_xlabel("Compression ratio (weights before / after)")
        else:
            ax.set_xlabel("Sparsity")
        ax.set_ylabel(self.score_name)
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_results(cls, sparsities, train_scores, test_scores, *, score_name="Score",
                     label=None, ax=None, **plot_kw):
        """Draw curves already computed by :func:`pruning_curve`.

        Parameters
        ----------
        sparsities, train_scores, test_scores : ndarrays
            The three outputs of :func:`~skprune.model_selection.pruning_curve`.
        score_name, label : str
        ax : matplotlib Axes, default=None
        **plot_kw : passed to :meth:`plot`.

        Returns
        -------
        display : PruningCurveDisplay
        """
        display = cls(sparsities=sparsities, train_scores=train_scores,
                      test_scores=test_scores, score_name=score_name, label=label)
        return display.plot(ax=ax, **plot_kw)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, sparsities, cv=None, scoring=None, n_jobs=None,
                       score_name=None, label=None, ax=None, **plot_kw):
        """Run :func:`pruning_curve` and draw its curves.

        Parameters
        ----------
        estimator : pruner or Pipeline ending in a pruner
        X, y : training data
        sparsities, cv, scoring, n_jobs : see :func:`pruning_curve`
        score_name : str, default=None
            None uses ``scoring`` (or "Score").
        label : str, default=None
            None uses the pruner's class name.
        ax : matplotlib Axes, default=None
        **plot_kw : passed to :meth:`plot`.

        Returns
        -------
        display : PruningCurveDisplay
        """
        levels, train, test = pruning_curve(estimator, X, y, sparsities=sparsities, cv=cv,
                                            scoring=scoring, n_jobs=n_jobs)
        if score_name is None:
            score_name = scoring if isinstance(scoring, str) else "Score"
        if label is None:
            last = estimator[-1] if hasattr(estimator, "steps") else estimator
            label = type(last).__name__
        return cls.from_results(levels, train, test, score_name=score_name, label=label,
                                ax=ax, **plot_kw)
