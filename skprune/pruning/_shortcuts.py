"""What a fitted pruner exposes of its pruned network, where users look for it."""


class PrunedNetworkShortcutsMixin:
    """Shortcuts to ``estimator_``: ``compacted()``, ``to_sklearn()``,
    ``layer_summary()``, ``masks_`` and ``n_nonzero_params_``.

    The class using it provides ``_delegate()``, the fitted pruned network
    (``NotFittedError`` before ``fit``).
    """

    def compacted(self):
        """A compacted copy of the pruned network, ``estimator_.compact()``.

        Dead hidden units and unread inputs deleted; see
        :meth:`PrunableMLPClassifier.compact`. The pruner is left as it is
        (``compact=True`` compacts ``estimator_`` itself). The method is not
        called ``compact``: scikit-learn keeps parameters as attributes, and
        the ``compact`` parameter would hide it.

        Returns
        -------
        network : PrunableMLPClassifier or PrunableMLPRegressor

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from skprune import PrunableMLPClassifier, UnitRemovalPruner
        >>> X, y = load_iris(return_X_y=True)
        >>> net = PrunableMLPClassifier((8,), solver="lbfgs", max_iter=300, random_state=0)
        >>> pruner = UnitRemovalPruner(net, sparsity=0.5).fit(X, y)
        >>> pruner.compacted().hidden_layer_sizes
        (4,)
        """
        return self._delegate().compact()

    def to_sklearn(self):
        """The pruned network as a scikit-learn MLP, ``estimator_.to_sklearn()``.

        Returns
        -------
        mlp : MLPClassifier or MLPRegressor
        """
        return self._delegate().to_sklearn()

    def layer_summary(self):
        """Shapes, weights kept, sparsity and dead units of the pruned network's
        layers, ``estimator_.layer_summary()``.

        Returns
        -------
        summary : LayerSummary
        """
        return self._delegate().layer_summary()

    @property
    def masks_(self):
        """The pruned network's masks, ``estimator_.masks_``."""
        return self._delegate().masks_

    @property
    def n_nonzero_params_(self):
        """Weights and biases of the pruned network that are not zero."""
        return self._delegate().n_nonzero_params_
