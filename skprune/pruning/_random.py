"""Random pruning: the control every pruning study reports."""

from .._meta import fill_doc
from ._base import BasePruner
from ._docs import pruner_attributes_doc, pruner_parameters_doc


class RandomPruner(BasePruner):
    __doc__ = fill_doc(
        """Prune connection weights chosen uniformly at random.

    The control of pruning studies: a criterion is worth its cost only where
    it beats this one. Scores are drawn afresh in each round from
    ``random_state`` and ranked over all layers, so every layer loses about
    the same fraction of its weights.

    Parameters
    ----------${parameters}
    Attributes
    ----------${attributes}
    scores_ : list of ndarray
        The random scores of the last round, shaped like ``estimator_.coefs_``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skprune import PrunableMLPClassifier, RandomPruner
    >>> X, y = load_iris(return_X_y=True)
    >>> net = PrunableMLPClassifier((16,), solver="lbfgs", max_iter=500, random_state=0)
    >>> round(RandomPruner(net, sparsity=0.5, random_state=0).fit(X, y).sparsity_, 2)
    0.5
    """,
        parameters=pruner_parameters_doc(),
        attributes=pruner_attributes_doc(),
    )

    def _scores(self, model, data, random_state):
        return [random_state.uniform(size=W.shape) for W in model.coefs_]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()  # a control: poor scores are its purpose
        for kind in (tags.classifier_tags, tags.regressor_tags):
            if kind is not None:
                kind.poor_score = True
        return tags
