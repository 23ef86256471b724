"""What a skops file of a skprune model asks its reader to trust."""

__all__ = ["trusted_types"]


def trusted_types():
    """Names of every skprune type a skops file of a skprune model can hold.

    Pass them as ``skops.io.load(path, trusted=trusted_types())``: the
    networks, every pruner and selector, the search, and the optimisers whose
    state a fitted network keeps. The list is built from the package itself,
    so it names every public estimator; a pruner class of your own is yours
    to add.

    Returns
    -------
    names : list of str
        Fully qualified class names, sorted.

    Examples
    --------
    >>> from skprune.persistence import trusted_types
    >>> "skprune.pruning._obs.OBSPruner" in trusted_types()
    True
    """
    from sklearn.metrics import _scorer
    from sklearn.utils import _metadata_requests

    from ._discovery import all_estimators
    from ._training.optimizers import AdamOptimizer, SGDOptimizer

    classes = [cls for _, cls in all_estimators()] + [AdamOptimizer, SGDOptimizer]
    # a fitted PrunerCV keeps its scorer_, as GridSearchCV does, with the
    # metric of a named scoring
    classes += [_scorer._PassthroughScorer, _scorer._Scorer]
    # (scikit-learn 1.6's pass-through scorer also keeps its metadata request)
    classes += [_metadata_requests.MetadataRequest, _metadata_requests.MethodMetadataRequest]
    classes += [_scorer.get_scorer(name)._score_func for name in _scorer.get_scorer_names()]
    return sorted({f"{obj.__module__}.{obj.__qualname__}" for obj in classes})
