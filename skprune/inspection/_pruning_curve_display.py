"""PruningCurveDisplay: score against sparsity, in scikit-learn's Display style."""

import numpy as np
from sklearn.base import is_classifier

from ..model_selection import pruning_curve
from ..model_selection._pruning_curve import split_pipeline

# Compression ratios labelled on a log axis, where they fall in the data's range.
_COMPRESSION_TICKS = (1, 1.5, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000)


def axis_label(scoring, estimator):
    """A readable axis label: the scorer's name, or the default score's."""
    if isinstance(scoring, str):
        name = scoring[4:] if scoring.startswith("neg_") else scoring
        label = name.replace("_", " ")
        label = label[0].upper() + label[1:]
        return f"Negative {label[0].lower() + label[1:]}" if scoring.startswith("neg_") else label
    if scoring is None:
        return "Accuracy" if is_classifier(split_pipeline(estimator)[1]) else "R²"
    return "Score"


def compression_ticks(ax, compressions):
    """Label the log axis with round compression ratios (2x, 5x, 10x, ...)."""
    from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

    low, high = float(np.min(compressions)), float(np.max(compressions))
    ticks = [t for t in _COMPRESSION_TICKS if low / 1.05 <= t <= high * 1.05]
    if len(ticks) < 2:  # a narrow range: label the data's own ratios
        ticks = sorted(set(np.round(compressions, 1)))
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FixedFormatter([f"{t:g}×" for t in ticks]))
    ax.xaxis.set_minor_locator(NullLocator())


class PruningCurveDisplay:
    """Score against sparsity (or compression ratio), with a band over folds.

    Create it with :meth:`from_estimator` (which runs
    :func:`~skprune.model_selection.pruning_curve`) or :meth:`from_results`;
    draw several pruners on one axes by passing ``ax`` of the first display's
    ``ax_`` to the next. matplotlib is imported only when drawing.

    Several candidates (the pruners of a
    :class:`~skprune.model_selection.PrunerCV`, say) are drawn as one curve
    each when ``sparsities``, ``train_scores``, ``test_scores`` and ``label``
    are lists with one entry per curve.

    Parameters
    ----------
    sparsities : ndarray of shape (n_levels,), or a list of them
    train_scores, test_scores : ndarray of shape (n_levels, n_folds), or a list of them
    score_name : str, default="Score"
        The y-axis label.
    label : str or list of str, default=None
        Legend label of the curves (e.g. the pruner's name).
    dense_score : float, default=None
        Mean test score of the dense network, drawn as a dotted reference
        line (``from_estimator(..., dense=True)`` measures it on the same
        folds).

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
    'Compression ratio (weights before / after)'
    """

    def __init__(self, *, sparsities, train_scores, test_scores, score_name="Score", label=None,
                 dense_score=None):
        several = isinstance(test_scores, list)

        def arrays(values):
            if values is None:
                return None
            return [np.asarray(v) for v in values] if several else np.asarray(values)

        self.sparsities = arrays(sparsities)
        self.train_scores = arrays(train_scores)
        self.test_scores = arrays(test_scores)
        self.score_name = score_name
        self.label = label
        self.dense_score = dense_score

    def plot(self, ax=None, *, x="compression", show_train=False, std_display_style="fill_between",
             line_kw=None, fill_between_kw=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            None draws on a new figure.
        x : {"compression", "sparsity"}, default="compression"
            Horizontal axis: the compression ratio :math:`1 / (1 - s)` on a
            log scale, which spreads the levels where pruning decides (90%,
            95% and 98% are 10x, 20x and 50x), or the sparsity itself, on
            which they crowd together at the right end.
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
        self.lines_, self.fill_between_, self.errorbar_ = [], [], []
        color = None
        curves = self._curves()
        for label, sparsities, train_scores, test_scores in curves:
            xs = sparsities if x == "sparsity" else 1.0 / (1.0 - sparsities)
            sets = [("test", test_scores, "-")]
            if show_train:
                if train_scores is None:
                    raise ValueError("show_train=True needs training scores; there are none.")
                sets.append(("train", train_scores, "--"))
            color = None  # each curve takes the next colour; its train curve the same
            for name, scores, style in sets:
                mean, std = scores.mean(axis=1), scores.std(axis=1)
                kw = {"label": name if label is None else f"{label} ({name})", "linestyle": style,
                      "marker": "o", **(line_kw or {})}
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
        if len(curves) > 1:
            color = "0.3"  # the dense line belongs to no one candidate
        xs = np.concatenate([curve[1] for curve in curves])
        xs = xs if x == "sparsity" else 1.0 / (1.0 - xs)
        self.dense_line_ = None
        if self.dense_score is not None:
            dense_label = "dense network"  # the network before pruning, whichever the pruner
            self.dense_line_ = ax.axhline(self.dense_score, linestyle=":", color=color,
                                          label=dense_label)
        if x == "compression":
            ax.set_xscale("log")
            compression_ticks(ax, xs)
            ax.set_xlabel("Compression ratio (weights before / after)")
        else:
            ax.set_xlabel("Sparsity")
        ax.set_ylabel(self.score_name)
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _curves(self):
        """``[(label, sparsities, train_scores, test_scores)]``, one per curve."""
        if not isinstance(self.test_scores, list):
            return [(self.label, self.sparsities, self.train_scores, self.test_scores)]
        n = len(self.test_scores)
        labels = self.label if isinstance(self.label, list) else [self.label] * n
        train = self.train_scores if self.train_scores is not None else [None] * n
        return list(zip(labels, self.sparsities, train, self.test_scores))

    @classmethod
    def from_results(cls, sparsities, train_scores, test_scores, *, score_name="Score",
                     label=None, dense_score=None, ax=None, **plot_kw):
        """Draw curves already computed by :func:`pruning_curve`.

        Parameters
        ----------
        sparsities, train_scores, test_scores : ndarrays
            The three outputs of :func:`~skprune.model_selection.pruning_curve`.
        score_name, label : str
        dense_score : float, default=None
            Draws a reference line for the dense network.
        ax : matplotlib Axes, default=None
        **plot_kw : passed to :meth:`plot`.

        Returns
        -------
        display : PruningCurveDisplay
        """
        display = cls(sparsities=sparsities, train_scores=train_scores,
                      test_scores=test_scores, score_name=score_name, label=label,
                      dense_score=dense_score)
        return display.plot(ax=ax, **plot_kw)

    @classmethod
    def from_cv_results(cls, search, *, metric=None, label=None, ax=None, **plot_kw):
        """Draw the curves of a fitted :class:`~skprune.model_selection.PrunerCV`.

        Parameters
        ----------
        search : PrunerCV
            Fitted; its training curves are drawn only if it had
            ``return_train_score=True``.
        metric : str, default=None
            With several metrics, the one to draw; None is the ``refit`` one.
        label : str or list of str, default=None
            None uses the pruner's class name and, with several candidates,
            their parameters: one curve per candidate.
        ax : matplotlib Axes, default=None
        **plot_kw : passed to :meth:`plot`.

        Returns
        -------
        display : PruningCurveDisplay
        """
        results = search.cv_results_
        if metric is None:
            metric = search.refit if search.multimetric_ and isinstance(search.refit, str) else None
        if metric is None:
            metric = "score" if not search.multimetric_ else sorted(search.scorer_)[0]
        name = next(key for key in results["params"][0] if key.endswith("sparsity"))
        folds = range(search.n_splits_)

        def scores(kind):
            keys = [f"split{k}_{kind}_{metric}" for k in folds]
            return np.column_stack([results[k] for k in keys]) if keys[0] in results else None

        test, train = scores("test"), scores("train")
        if test is None:
            raise ValueError(f"metric={metric!r} is not in the search's results.")
        scoring = search.scoring if metric == "score" else metric
        levels = np.asarray(results[f"param_{name}"], dtype=float)
        # rows come candidate by candidate, each along the same levels
        groups = np.arange(levels.size).reshape(-1, np.unique(levels).size)
        labels = [_candidate_label(results["params"][rows[0]], name, search._template())
                  for rows in groups]
        if label is not None:
            labels = label if isinstance(label, list) else [label] * len(groups)
        if len(groups) == 1:
            sparsities, train_scores, test_scores, labels = levels, train, test, labels[0]
        else:
            sparsities = [levels[rows] for rows in groups]
            train_scores = None if train is None else [train[rows] for rows in groups]
            test_scores = [test[rows] for rows in groups]
        return cls.from_results(
            sparsities, train_scores, test_scores,
            score_name=axis_label(scoring if isinstance(scoring, str) or scoring is None
                                  else "score", search._template()),
            label=labels, ax=ax, **plot_kw,
        )

    @classmethod
    def from_estimator(cls, estimator, X, y, *, sparsities, cv=None, scoring=None, n_jobs=None,
                       groups=None, dense=False, score_name=None, label=None, ax=None,
                       **plot_kw):
        """Run :func:`pruning_curve` and draw its curves.

        Parameters
        ----------
        estimator : pruner or Pipeline ending in a pruner
        X, y : training data
        sparsities, cv, scoring, n_jobs, groups : see :func:`pruning_curve`
        dense : bool, default=False
            Also score the dense network (level 0 of the same paths) and draw
            it as a reference line.
        score_name : str, default=None
            None names the scorer ("Accuracy", "R²", "Roc auc", ...).
        label : str, default=None
            None uses the pruner's class name.
        ax : matplotlib Axes, default=None
        **plot_kw : passed to :meth:`plot`.

        Returns
        -------
        display : PruningCurveDisplay
        """
        levels = np.unique(np.asarray(sparsities, dtype=float))
        if dense:
            levels = np.r_[0.0, levels[levels > 0]]
        levels, train, test = pruning_curve(estimator, X, y, sparsities=levels, cv=cv,
                                            scoring=scoring, n_jobs=n_jobs, groups=groups)
        dense_score = None
        if dense:
            dense_score = float(test[0].mean())
            levels, train, test = levels[1:], train[1:], test[1:]
        if score_name is None:
            score_name = axis_label(scoring, estimator)
        if label is None:
            last = estimator[-1] if hasattr(estimator, "steps") else estimator
            label = type(last).__name__
        return cls.from_results(levels, train, test, score_name=score_name, label=label,
                                dense_score=dense_score, ax=ax, **plot_kw)


def _candidate_label(params, sparsity_name, template):
    """A legend label for one candidate of a search: its pruner's class name
    and its other searched parameters."""
    pruner = params.get("pruner", template)
    name = type(split_pipeline(pruner)[1]).__name__
    others = [f"{key}={value!r}" for key, value in params.items() if key not in ("pruner", sparsity_name)]
    return ", ".join([name, *others])
