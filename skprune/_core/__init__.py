"""Network core: activations, losses, forward and backward passes, curvature.

Nothing in this sub-package knows about scikit-learn estimators or pruning.
"""
