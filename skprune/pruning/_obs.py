"""Optimal Brain Surgeon (Hassibi & Stork 1993) and its layer-wise form (L-OBS)."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from .._core.blocks import row_blocks
from .._core.curvature import NormalEquations, gauss_newton_matrix, input_grams, unit_curvatures_and_grams
from .._core.network import FlatParameters, _dot, free_parameter_mask
from .._meta import fill_doc
from ._allocation import SCOPES, layer_targets, n_to_prune
from ._base import BasePruner
from ._docs import pruner_attributes_doc, pruner_parameters_doc
from ._obs_memory import (
    ACTIVATION_CACHE_BYTES,
    CURVATURE_BLOCK,
    activation_cache_bytes,
    full_obs_mb,
    gauss_newton_block,
    layerwise_obs_mb,
)
from ._obs_solvers import (
    damped_inverse,
    obs_greedy,
    obs_layer_blockwise,
    obs_layer_exact,
)

# "auto" picks the full Hessian while inverting it and the greedy removals
# cost at most this many multiply-adds ((n_free + n_removals) x n_free^2: a
# round that removes a handful of weights still inverts the whole Hessian),
# and the exact layer-wise solver
# while its downdates cost at most this many (n_removals x (fan_in + 1)^2).
_FULL_OBS_BUDGET = 2e9
_EXACT_LAYER_BUDGET = 1e9


class OBSPruner(BasePruner):
    __doc__ = fill_doc(
        """Optimal Brain Surgeon: remove weights and move the others to compensate.

    OBS (Hassibi & Stork 1993) models the training loss around the trained
    weights by a quadratic with Hessian ``H``, deletes the weight ``q`` of
    least saliency :math:`L_q = w_q^2 / (2 [H^{-1}]_{qq})` and moves all others by
    :math:`\\delta w = -(w_q / [H^{-1}]_{qq}) H^{-1} e_q`, the best compensation under the
    model; the rank-one downdate of :math:`H^{-1}` then keeps removed weights at
    zero. The layer-wise form (L-OBS, Dong, Chen & Pan 2017) applies the same
    to each layer's reconstruction error :math:`\\lVert A \\, \\delta W \\rVert^2`, whose Hessian
    :math:`A^T A` is shared by every output unit.

    Parameters
    ----------${parameters}
    method : {"auto", "full", "layerwise"}, default="auto"
        "full": one Gauss-Newton Hessian over all weights and biases (biases
        compensate but are never removed), inverted once, weights removed one
        at a time. Memory grows as the square of the number of parameters.
        "layerwise": L-OBS, layer after layer, each fed the outputs of the
        already pruned layers before it and asked to reproduce the dense
        network's pre-activations (a least-squares refit, then OBS on the
        layer's Gram matrix). "auto" uses "full" while its greedy removals
        are cheap (about 2e9 multiply-adds: a few seconds) and "layerwise"
        otherwise.

    damping : float, default=None
        Added to the Hessian's diagonal as a multiple of the mean diagonal
        (:math:`H + \\mathrm{damping} \\cdot \\overline{\\mathrm{diag}(H)} \\, I`; Hassibi & Stork's :math:`\\alpha^{-1} I`).
        None means 0.1 for "full" and 0.01 for "layerwise", the best of
        1e-3, 1e-2, 0.1 and 1 in one-shot pruning on Digits (see
        ``docs/benchmarks.rst``). The Gauss-Newton matrix of a confident
        network is nearly singular: with 1e-3, full OBS at 80% fell to about
        0.5 accuracy where 0.1 kept 0.92.

    scope : {"global", "layer"}, default="global"
        How the sparsity is spread across layers. With "full" and "global",
        OBS itself ranks all weights together. With "layerwise", "global"
        allocates the budget across layers, and between the output units of
        a layer, on the predicted increase of the training loss: each layer's
        OBS saliency weighted by the loss curvature of its unit (layer-wise
        errors alone are not comparable between layers); L-OBS then chooses
        which weights and compensates. "layer" prunes every layer to
        ``sparsity``, its output units sharing the budget by the predicted
        cost of their greedy removals (exact solver, as OBC does) or by
        saliency, block by block (blockwise solver). A list of sparsities,
        one per layer, is taken as given.

    layerwise_solver : {"auto", "exact", "blockwise"}, default="auto"
        "exact": greedy OBS per output unit with its own downdated inverse
        (Frantar & Alistarh 2022), cost :math:`O(n_\\mathrm{removed} (n_\\mathrm{in} + 1)^2)`.
        "blockwise": one Cholesky factor of :math:`H^{-1}`, a fixed input order
        and the mask chosen block by block (Frantar & Alistarh 2023), cost
        :math:`O(n_\\mathrm{in}^3 + n_\\mathrm{in}^2 n_\\mathrm{out})`; less exact. "auto" uses "exact"
        while it costs at most 1e9 multiply-adds per layer (a few seconds).

    n_hessian_samples : int, default=None
        Build the Hessians on at most this many training samples, drawn at
        random in each round; None uses them all.

    max_hessian_mb : float, default=1024
        Refuse, before any work, a round whose estimated peak memory is more
        than this (in MiB): for ``method="full"`` the Hessian (inverted in
        place) and the blocks of Jacobian rows that build it; for
        ``"layerwise"`` a layer's Gram matrix, the solver's working copies and
        the layer's inputs and outputs over the samples. The estimate counts
        what the round allocates; the measured peak stays within 1.5 times
        of it (tested). A sparse input is never made dense.

    Attributes
    ----------${attributes}
    See Also
    --------
    OBDPruner : Diagonal saliencies, no compensation.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skprune import MagnitudePruner, OBSPruner, PrunableMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> net = PrunableMLPClassifier((8,), solver="lbfgs", max_iter=1000,
    ...                             random_state=0).fit(X, y)
    >>> one_shot = dict(sparsity=0.5, prefit=True, retrain_iter=0)
    >>> obs = OBSPruner(net, method="full", **one_shot).fit(X, y)
    >>> magnitude = MagnitudePruner(net, **one_shot).fit(X, y)
    >>> obs.estimator_.n_nonzero_params_, net.n_params_   # 28 of 56 weights left
    (39, 67)
    >>> obs.score(X, y) > magnitude.score(X, y)           # one-shot, no retraining
    True
    """,
        parameters=pruner_parameters_doc(),
        attributes=pruner_attributes_doc(),
    )

    _parameter_constraints: dict = {
        **BasePruner._parameter_constraints,
        "method": [StrOptions({"auto", "full", "layerwise"})],
        "damping": [Interval(Real, 0, None, closed="left"), None],
        "scope": [StrOptions(set(SCOPES))],
        "layerwise_solver": [StrOptions({"auto", "exact", "blockwise"})],
        "n_hessian_samples": [Interval(Integral, 1, None, closed="left"), None],
        "max_hessian_mb": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        estimator=None,
        *,
        sparsity=0.5,
        n_steps="auto",
        schedule="cubic",
        retrain_iter="auto",
        retrain_learning_rate=None,
        prefit=False,
        memory=None,
        random_state=None,
        verbose=0,
        compact=False,
        rewind=None,
        distill=0.0,
        distill_temperature=2.0,
        method="auto",
        damping=None,
        scope="global",
        layerwise_solver="auto",
        n_hessian_samples=None,
        max_hessian_mb=1024,
    ):
        super().__init__(
            estimator,
            sparsity=sparsity,
            n_steps=n_steps,
            schedule=schedule,
            retrain_iter=retrain_iter,
            retrain_learning_rate=retrain_learning_rate,
            prefit=prefit,
            memory=memory,
            random_state=random_state,
            verbose=verbose,
            compact=compact,
            rewind=rewind,
            distill=distill,
            distill_temperature=distill_temperature,
        )
        self.method = method
        self.damping = damping
        self.scope = scope
        self.layerwise_solver = layerwise_solver
        self.n_hessian_samples = n_hessian_samples
        self.max_hessian_mb = max_hessian_mb

    # ------------------------------------------------------------------
    def _layer_targets(self, model, sparsity):
        """Pruned weights wanted in each layer after this round, from ``|w|``.

        Full OBS with the global scope ranks the weights itself; this serves
        its per-layer scope and the memory estimate.
        """
        scores = [np.abs(W) for W in model.coefs_]
        return layer_targets(scores, model.masks_, sparsity, self._scope(sparsity))

    def _costed_targets(self, model, data, sparsity, damping, keep_hidden=False):
        """Pruned weights wanted in each layer, allocated on a common cost,
        that cost's weight of each layer's output units, the Gram matrices
        of the layers' inputs it was computed from (None per layer with the
        "layer" scope), and with ``keep_hidden`` the dense network's hidden
        activations of all rows read in the same pass (None with the "layer"
        scope).

        A layer's OBS saliency ``w_q^2 / (2 [H^-1]_qq)`` is an increase of
        its output unit's squared error, not comparable between layers (the
        first layer of a 784-300-100 network has the smallest weights and, by
        ``|w|``, would be emptied first). Multiplied by the mean curvature of
        the loss w.r.t. that unit's pre-activation (the Gauss-Newton diagonal
        of its bias), it becomes a predicted increase of the training loss,
        ``1/2 g_j E[dz_j^2]`` -- the same unit in every layer -- and the
        budget is allocated over all layers on it (as Frantar & Alistarh 2022
        allocate a global budget on layer-wise errors). Within a layer, the
        solvers then share the layer's budget between output units on the
        same cost. With the "layer" scope, every layer is pruned to the
        sparsity and its units share it by reconstruction error.
        """
        if self._scope(sparsity) == "layer":
            n_layers = len(model.coefs_)
            return self._layer_targets(model, sparsity), [None] * n_layers, [None] * n_layers, None
        # one pass over the data for all three (SparseGPT, Frantar & Alistarh
        # 2023, calibrates in one pass too)
        curvature, grams, hidden = unit_curvatures_and_grams(
            model._network_view(), data.X, data.sample_weight, max_block_size=CURVATURE_BLOCK,
            keep_hidden=keep_hidden)
        scores = []
        for W, gram, g in zip(model.coefs_, grams, curvature):
            H_inv, _ = damped_inverse(gram.copy(), damping, overwrite=True)
            saliency = W.astype(np.float64) ** 2 / (2.0 * np.diag(H_inv)[:-1, None])
            scores.append(saliency * g[None, :])
            del H_inv
        curvature = [np.asarray(g, dtype=np.float64) for g in curvature]
        return layer_targets(scores, model.masks_, sparsity, "global"), curvature, grams, hidden

    def _scope(self, sparsity):
        return "layer" if np.ndim(sparsity) else self.scope

    def _full_memory_mb(self, model, n_rows):
        return full_obs_mb(model, n_rows)

    def _layerwise_memory_mb(self, model, data, targets, cached=False):
        exact = [self._use_exact_solver(t, W.shape[0]) for t, W in zip(targets, model.coefs_)]
        return layerwise_obs_mb(model, data.X, self.scope == "global", exact, cached)

    def _keeps_activations(self, model, data):
        """Whether the round keeps the hidden activations of all rows, so
        that the data are read once for the allocation and once for the
        refits (otherwise each layer's refit reads them again): when they fit
        in ``ACTIVATION_CACHE_BYTES`` and, with every layer on the exact
        solver, in ``max_hessian_mb``."""
        if len(model.coefs_) < 2:
            return False
        if activation_cache_bytes(model, data.X.shape[0]) > ACTIVATION_CACHE_BYTES:
            return False
        n_weights = [W.size for W in model.coefs_]
        return self._layerwise_memory_mb(model, data, n_weights, cached=True)[0] <= self.max_hessian_mb

    def _resolve_method(self, model, data, sparsity):
        if self.method != "auto":
            return self.method
        memory_mb, n_free = self._full_memory_mb(model, data.X.shape[0])
        n_removals = self._n_removals(model, sparsity)
        if memory_mb <= self.max_hessian_mb and (n_free + n_removals) * n_free**2 <= _FULL_OBS_BUDGET:
            return "full"
        return "layerwise"

    def _n_removals(self, model, sparsity):
        """Weights a round to ``sparsity`` removes (one level, or one per layer)."""
        masks = model.masks_
        if self._scope(sparsity) == "layer":
            levels = np.broadcast_to(np.asarray(sparsity, dtype=float), (len(masks),))
            return sum(max(0, n_to_prune(m.size, level) - int(np.count_nonzero(~m)))
                       for m, level in zip(masks, levels))
        n_pruned = sum(int(np.count_nonzero(~m)) for m in masks)
        return max(0, n_to_prune(sum(m.size for m in masks), sparsity) - n_pruned)

    def _round_flops(self, model, data, sparsity):
        if self._resolve_method(model, data, sparsity) == "full":  # the Hessian's products
            return 2.0 * self._full_memory_mb(model, 0)[1] ** 2 * min(data.X.shape[0], 4096)
        return super()._round_flops(model, data, sparsity)

    def _prune(self, model, data, sparsity, random_state):
        if self._n_removals(model, sparsity) == 0:
            return  # a round that removes nothing builds and inverts nothing
        data = data.subsample(self.n_hessian_samples, random_state)
        if self._resolve_method(model, data, sparsity) == "full":
            self._prune_full(model, data, sparsity)
        else:
            self._prune_layerwise(model, data, sparsity)

    # ------------------------------------------------------------------
    def _prune_full(self, model, data, sparsity):
        memory_mb, n_free = self._full_memory_mb(model, data.X.shape[0])
        if memory_mb > self.max_hessian_mb:
            raise ValueError(
                f"method='full' needs a {n_free} x {n_free} Hessian and the Jacobian blocks that build it, "
                f"about {memory_mb:.0f} MiB, more than max_hessian_mb="
                f"{self.max_hessian_mb}. Use method='layerwise' (or raise "
                "max_hessian_mb)."
            )
        masks, coefs, intercepts = model.masks_, model.coefs_, model.intercepts_
        # one float64 vector over all parameters, in gauss_newton_matrix's order
        params = FlatParameters.from_arrays(coefs, intercepts, np.float64)
        network = model._network_view()
        free = free_parameter_mask(network, params)
        if free is None:
            free = np.ones(params.vector.size, dtype=bool)
        layer_of = np.concatenate(
            [np.full(W.size, i) for i, W in enumerate(coefs)]
            + [np.full(b.size, -1) for b in intercepts]
        )

        H = gauss_newton_matrix(network, data.X, data.sample_weight, free=free,
                                max_block_size=gauss_newton_block(int(free.sum())))
        H_inv, _ = damped_inverse(H, 0.1 if self.damping is None else self.damping, overwrite=True)
        del H
        w = params.vector[free]
        groups = layer_of[free]
        candidates = groups >= 0

        targets = self._layer_targets(model, sparsity)
        pruned = [int(np.count_nonzero(~m)) for m in masks]
        if self._scope(sparsity) == "global":
            # a global allocation never empties a layer: each keeps one weight
            quota = np.maximum(0, np.array([m.size for m in masks]) - np.array(pruned) - 1)
            n_remove = min(self._n_removals(model, sparsity), int(quota.sum()))
        else:
            quota = np.maximum(0, np.array(targets) - np.array(pruned))
            n_remove = int(quota.sum())
            candidates &= np.isin(groups, np.flatnonzero(quota > 0))
        removed, _ = obs_greedy(H_inv, w, candidates, n_remove, quota=quota, groups=groups)

        keep = free.copy()
        keep[np.flatnonzero(free)[removed]] = False
        params.vector[free] = w
        params.vector[~keep] = 0.0
        kept_weights = np.split(keep[: params.n_coef], np.cumsum([W.size for W in coefs])[:-1])
        new_masks = [kept.reshape(W.shape) for kept, W in zip(kept_weights, coefs)]
        model._commit(new_masks, params.coefs, params.intercepts)

    # ------------------------------------------------------------------
    def _check_layerwise_memory(self, model, data, targets, cached=False):
        need_mb, layer = self._layerwise_memory_mb(model, data, targets, cached)
        if need_mb > self.max_hessian_mb:
            raise ValueError(
                f"Layer {layer} ({model.coefs_[layer].shape[0]} inputs, "
                f"{data.X.shape[0]} samples) needs about {need_mb:.0f} MiB for its Gram "
                "matrix, its inverse and the layer's inputs and outputs, more than "
                f"max_hessian_mb={self.max_hessian_mb}. Set n_hessian_samples, or raise "
                "max_hessian_mb."
            )

    def _prune_layerwise(self, model, data, sparsity):
        damping = 0.01 if self.damping is None else self.damping
        # Gram matrices and rows alone (no exact solver) before any work, then
        # the solvers the allocated targets choose.
        self._check_layerwise_memory(model, data, [0] * len(model.coefs_))
        keep = self._scope(sparsity) == "global" and self._keeps_activations(model, data)
        targets, unit_costs, grams, hidden = self._costed_targets(model, data, sparsity, damping, keep)
        self._check_layerwise_memory(model, data, targets, cached=hidden is not None)
        # The pre-activations to reproduce are those of the network as it is at
        # the start of the round: after retraining, not before the first round
        # (which would undo what retraining learnt: at 98% on Digits, 0.68
        # against 0.78 held-out accuracy in 4 rounds; docs/benchmarks.rst).
        dense = model._network_view()
        new_coefs, new_intercepts, new_masks = [], [], []
        pruned_input = None  # the pruned network's input to the layer, all rows (with hidden)
        for layer, (W, b) in enumerate(zip(model.coefs_, model.intercepts_)):
            W_bar = np.vstack([W, b[None, :]]).astype(np.float64)
            if layer == 0:
                # the first layer's pruned and dense inputs are both X, so the
                # cross products of the refit are the Gram matrix times W_bar
                H = grams[0] if grams[0] is not None else input_grams(
                    dense, data.X, data.sample_weight, [0])[0]
                cross = H @ W_bar
            elif hidden is not None:
                # the pruned layers' outputs follow from the last one's, the
                # dense ones were kept: one layer's products per refit
                pruned_input = _layer_output(dense, data.X if layer == 1 else pruned_input,
                                             new_coefs[-1], new_intercepts[-1], read=layer == 1)
                H, cross = _refit_equations(W, b, data, lambda rows: (hidden[layer][rows], pruned_input[rows]))
            else:
                pruned = model._network_view(new_coefs + model.coefs_[layer:],
                                             new_intercepts + model.intercepts_[layer:])
                H, cross = _refit_equations(
                    W, b, data, lambda rows: (dense.forward(data.X[rows], n_layers=layer)[-1],
                                              pruned.forward(data.X[rows], n_layers=layer)[-1]),
                    # a block of rows of every layer below of both networks
                    2 * sum(dense.layer_units[1 : layer + 1]))
            H_inv, lam = damped_inverse(H, damping, overwrite=True)
            del H
            # Least-squares refit of the layer on its pruned inputs, regularised
            # towards the current weights: the minimum of the layer's quadratic.
            W_star = H_inv @ (cross + lam * W_bar)

            fan_in, fan_out = W.shape
            prunable = np.r_[np.ones(fan_in, bool), False]
            masks_bar = np.vstack([model.masks_[layer], np.ones((1, fan_out), bool)])
            if self._use_exact_solver(targets[layer], fan_in):
                kept = obs_layer_exact(H_inv, W_star, prunable, masks_bar, targets[layer],
                                       column_weights=unit_costs[layer])
            else:
                kept = obs_layer_blockwise(H_inv, W_star, prunable, masks_bar, targets[layer],
                                           column_weights=unit_costs[layer])
            W_star[~kept] = 0.0
            new_coefs.append(W_star[:-1].astype(W.dtype))
            new_intercepts.append(W_star[-1].astype(b.dtype))
            new_masks.append(kept[:-1].copy())
        model._commit(new_masks, new_coefs, new_intercepts)

    def _use_exact_solver(self, n_removed, fan_in):
        if self.layerwise_solver != "auto":
            return self.layerwise_solver == "exact"
        return n_removed * (fan_in + 1) ** 2 <= _EXACT_LAYER_BUDGET


def _refit_equations(W, b, data, layer_inputs, numbers_per_row=0):
    """Normal equations of a layer's refit: its pruned inputs against its dense outputs.

    ``layer_inputs(rows)`` gives the dense and the pruned network's inputs to
    the layer for a block of rows (computed there, or read from kept
    activations); the target pre-activations are the dense ``A_l W_l + b_l``.
    Blocks are sized for those and for ``numbers_per_row`` more numbers a row
    that computing the inputs takes, so no pass holds all rows of any of them.
    """
    equations = NormalEquations(W.shape[0], W.shape[1])
    itemsize = np.result_type(data.X.dtype, W.dtype).itemsize
    row_bytes = itemsize * (numbers_per_row + W.shape[1] + W.shape[0] * (data.sample_weight is not None))
    for rows in row_blocks(data.X.shape[0], row_bytes):
        dense_in, pruned_in = layer_inputs(rows)
        weights = None if data.sample_weight is None else data.sample_weight[rows]
        equations.add(pruned_in, dense_in @ W + b, weights)
    return equations.result()


def _layer_output(network, A, W, b, read=False):
    """``f(A W + b)`` of a hidden layer for all rows of ``A``, block by block
    (``A`` may be sparse; with ``read``, it is the data, of which the network
    reads its own columns)."""
    dtype = network._dtype(A)
    result = np.empty((A.shape[0], W.shape[1]), dtype)
    for rows in row_blocks(A.shape[0], dtype.itemsize * W.shape[1]):
        Z = _dot(network.read(A[rows]) if read else A[rows], W, result[rows])
        Z += b
        network.activation.forward(Z)
    return result
