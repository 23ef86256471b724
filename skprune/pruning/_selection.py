"""Turning per-weight scores into masks at a target sparsity."""

import numpy as np

SCOPES = ("global", "layer")


def _n_to_prune(size, sparsity):
    return int(np.floor(sparsity * size + 0.5))


def lowest_score_masks(scores, masks, sparsity, scope="global"):
    """Masks that remove the lowest-scoring weights until ``sparsity`` is reached.

    Weights already pruned stay pruned and count towards the target; a weight
    is never restored.

    Parameters
    ----------
    scores : list of ndarray
        One score per weight (higher = more important), shaped like the masks.
    masks : list of bool ndarray
        Current masks.
    sparsity : float
        Fraction of weights to have pruned, over all layers (``scope="global"``)
        or in each layer (``scope="layer"``); the count is rounded to the
        nearest integer.
    scope : {"global", "layer"}

    Returns
    -------
    new_masks : list of bool ndarray
    """
    if scope == "layer":
        return [
            _prune_lowest(s.ravel(), m.ravel(), _n_to_prune(m.size, sparsity)).reshape(m.shape)
            for s, m in zip(scores, masks)
        ]
    flat_scores = np.concatenate([s.ravel() for s in scores])
    flat_masks = np.concatenate([m.ravel() for m in masks])
    new = _prune_lowest(flat_scores, flat_masks, _n_to_prune(flat_masks.size, sparsity))
    offsets = np.cumsum([0] + [m.size for m in masks])
    return [new[a:b].reshape(m.shape) for a, b, m in zip(offsets, offsets[1:], masks)]


def _prune_lowest(scores, mask, n_pruned):
    """Prune the lowest-scoring kept entries until ``n_pruned`` entries are pruned."""
    mask = mask.copy()
    n_new = n_pruned - int(np.count_nonzero(~mask))
    if n_new <= 0:
        return mask
    kept = np.flatnonzero(mask)
    # Stable sort: ties go to the earlier weight, so results are reproducible.
    order = np.argsort(scores[kept], kind="stable")
    mask[kept[order[:n_new]]] = False
    return mask


def set_masks(model, masks):
    """Give ``model`` the new masks and zero the weights they remove."""
    for W, mask in zip(model.coefs_, masks):
        W[~mask] = 0.0
    model.masks_ = masks
