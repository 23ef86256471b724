"""Pruning the network at the end of an already fitted scikit-learn Pipeline."""

from sklearn.base import clone
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .neural_network._base import _BasePrunableMLP
from .pruning import BasePruner


def prune_pipeline(pipeline, pruner, X, y, sample_weight=None):
    """Prune the network that ends a fitted ``Pipeline``; return the pruned Pipeline.

    The fitted steps before the network transform ``X`` once; a clone of
    ``pruner`` (with ``prefit=True`` and the pipeline's network as its
    ``estimator``) prunes the network on the transformed data; the result is
    a new ``Pipeline`` with the same fitted preprocessing steps and the
    fitted pruner last, which predicts with the pruned network and keeps its
    ``history_``. ``pipeline`` itself is not modified.

    Parameters
    ----------
    pipeline : Pipeline
        Fitted, ending in an ``MLPClassifier``, ``MLPRegressor``,
        ``PrunableMLPClassifier`` or ``PrunableMLPRegressor``.
    pruner : pruner
        The pruner and its settings (``sparsity``, ``retrain_iter``, ...); its
        ``estimator`` and ``prefit`` are replaced.
    X, y : array-like
        The data to prune (and retrain) on, as the pipeline takes it.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples in the pruner's criterion and retraining.

    Returns
    -------
    pruned : Pipeline
        The preprocessing steps of ``pipeline`` (the same fitted objects)
        followed by the fitted pruner, under the network's step name.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.neural_network import MLPClassifier
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skprune import OBSPruner
    >>> from skprune.pipeline import prune_pipeline
    >>> X, y = load_digits(return_X_y=True)
    >>> pipe = make_pipeline(StandardScaler(), MLPClassifier((32,), max_iter=300, random_state=0))
    >>> pipe = pipe.fit(X, y)
    >>> pruned = prune_pipeline(pipe, OBSPruner(sparsity=0.9, retrain_iter=0), X, y)
    >>> [name for name, _ in pruned.steps], round(pruned[-1].sparsity_, 2)
    (['standardscaler', 'mlpclassifier'], 0.9)
    >>> pruned.score(X, y) > 0.9
    True
    """
    if not isinstance(pipeline, Pipeline):
        raise TypeError(f"prune_pipeline expects a fitted Pipeline; got {type(pipeline).__name__}.")
    if not isinstance(pruner, BasePruner):
        raise TypeError(f"prune_pipeline expects a skprune pruner; got {type(pruner).__name__}.")
    name, network = pipeline.steps[-1]
    if not isinstance(network, (_BasePrunableMLP, MLPClassifier, MLPRegressor)):
        raise TypeError(
            f"The pipeline's last step, {name!r}, is a {type(network).__name__}; prune_pipeline "
            "prunes a network (MLPClassifier, MLPRegressor or their prunable forms)."
        )
    check_is_fitted(network)
    preprocessing = pipeline[:-1]
    Xt = preprocessing.transform(X) if len(preprocessing) else X
    fitted = clone(pruner).set_params(estimator=network, prefit=True)
    fitted.fit(Xt, y, sample_weight=sample_weight)
    return Pipeline(pipeline.steps[:-1] + [(name, fitted)], memory=pipeline.memory,
                    verbose=pipeline.verbose)
