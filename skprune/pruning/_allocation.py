"""Allocation: turning per-weight scores into the masks of a round's target."""

import numpy as np

SCOPES = ("global", "layer")


def n_to_prune(size, sparsity):
    """Number of entries pruned out of ``size`` at ``sparsity``: the nearest integer.

    The one rounding rule of every pruner (halves round up).
    """
    return int(np.floor(sparsity * size + 0.5))


def check_scores(scores, coefs, source="the criterion"):
    """``scores`` as float arrays shaped like ``coefs``, or a ``ValueError`` naming the layer.

    Scores may be infinite (``+inf``: never prune) but not NaN: a NaN has no
    rank.
    """
    if not isinstance(scores, (list, tuple)) or len(scores) != len(coefs):
        found = f"{len(scores)} arrays" if isinstance(scores, (list, tuple)) else type(scores).__name__
        raise ValueError(
            f"{source} must return a list of {len(coefs)} arrays, one per layer "
            f"shaped like coefs_; got {found}."
        )
    checked = []
    for layer, (score, W) in enumerate(zip(scores, coefs)):
        try:
            score = np.asarray(score, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{source} returned non-numeric scores for layer {layer}: {exc}") from exc
        if score.shape != W.shape:
            raise ValueError(
                f"{source} returned scores of shape {score.shape} for layer {layer}; "
                f"expected {W.shape}, the shape of coefs_[{layer}]."
            )
        if np.isnan(score).any():
            raise ValueError(
                f"{source} returned NaN scores for layer {layer} "
                f"({int(np.isnan(score).sum())} of {score.size}); NaN cannot be ranked."
            )
        checked.append(score)
    return checked


def allocate(scores, masks, sparsity, scope="global"):
    """Masks that remove the lowest-scoring weights until ``sparsity`` is reached.

    Weights already pruned stay pruned and count towards the target; a weight
    is never restored.

    Parameters
    ----------
    scores : list of ndarray
        One score per weight (higher = more important), shaped like the masks.
    masks : list of bool ndarray
        Current masks.
    sparsity : float or array-like of float
        Fraction of weights to have pruned, over all layers (``scope="global"``)
        or in each layer (``scope="layer"``; one value per layer, or one for
        all); the count is rounded by :func:`n_to_prune`. A global allocation
        never empties a layer: each keeps its highest-scoring weight.
    scope : {"global", "layer", "output"}
        "output" prunes the same fraction of every unit's incoming weights
        (each column of each layer), the comparison group of Wanda (Sun et
        al. 2023).

    Returns
    -------
    new_masks : list of bool ndarray

    Examples
    --------
    >>> import numpy as np
    >>> scores = [np.array([[3.0, 1.0], [2.0, 4.0]])]
    >>> allocate(scores, [np.ones((2, 2), bool)], 0.5)[0]
    array([[ True, False],
           [False,  True]])
    """
    if scope == "output":
        per_layer = np.broadcast_to(np.asarray(sparsity, dtype=float), (len(masks),))
        return [_prune_lowest_per_column(s, m, level) for s, m, level in zip(scores, masks, per_layer)]
    if scope == "layer" or np.ndim(sparsity):
        per_layer = np.broadcast_to(np.asarray(sparsity, dtype=float), (len(masks),))
        return [
            _prune_lowest(s.ravel(), m.ravel(), n_to_prune(m.size, level)).reshape(m.shape)
            for s, m, level in zip(scores, masks, per_layer)
        ]
    flat_scores = np.concatenate([_protect_best(s, m).ravel() for s, m in zip(scores, masks)])
    flat_masks = np.concatenate([m.ravel() for m in masks])
    n_pruned = n_to_prune(flat_masks.size, sparsity)
    # the protected weights stay, whatever the target
    n_pruned = min(n_pruned, flat_masks.size - int(np.count_nonzero(np.isposinf(flat_scores) & flat_masks)))
    new = _prune_lowest(flat_scores, flat_masks, n_pruned)
    offsets = np.cumsum([0] + [m.size for m in masks])
    return [new[a:b].reshape(m.shape) for a, b, m in zip(offsets, offsets[1:], masks)]


def layer_targets(scores, masks, sparsity, scope="global"):
    """Pruned weights wanted in each layer after a round (already pruned included)."""
    return [int(np.count_nonzero(~m)) for m in allocate(scores, masks, sparsity, scope)]


def _protect_best(scores, mask):
    """``scores`` with the best kept entry raised to ``+inf``, so that a
    global ranking never empties the layer."""
    kept = np.flatnonzero(mask)
    if kept.size == 0:
        return scores
    scores = np.array(scores, dtype=np.float64)
    best = kept[np.argmax(scores.ravel()[kept])]
    scores.ravel()[best] = np.inf
    return scores


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


def _prune_lowest_per_column(scores, mask, level):
    """Prune the lowest-scoring kept entries of every column until each has
    ``n_to_prune(n_rows, level)`` pruned (a column already sparser stays so)."""
    n_pruned = n_to_prune(mask.shape[0], level)
    # pruned entries sort first; ties go to the earlier row (stable sort)
    order = np.argsort(np.where(mask, scores, -np.inf), axis=0, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(mask.shape[0])[:, None], axis=0)
    already = mask.shape[0] - np.count_nonzero(mask, axis=0)
    return rank >= np.maximum(n_pruned, already)
