"""The prune -> retrain schedule shared by every pruner, as a meta-estimator.

A round is score -> allocate -> commit: the criterion's :meth:`BasePruner._scores`
gives one array per layer, :func:`~skprune.pruning._allocation.allocate` turns
them into the masks of the round's target, and the network's ``_commit`` applies
them. Criteria that also move the surviving weights (OBS, unit removal)
override the whole round, :meth:`BasePruner._prune`, and commit the same way.
"""

import copy
import time
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, _fit_context, clone
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._core.threads import blas_threads_for, layer_flops
from .._meta import PARAMETERS_X_Y, PARAMETERS_X_Y_WEIGHT, DelegatingMixin, docstring, seed_unseeded
from .._packing import pack_arrays, unpack_arrays
from .._training.callbacks import training_callbacks
from .._training.epochs import interrupts_propagate
from ..neural_network import PrunableMLPClassifier, PrunableMLPRegressor
from ..neural_network._base import _BasePrunableMLP
from ._allocation import allocate, check_scores
from ._data import PruningData, Round, check_levels, check_pruning_weights, fractions, weights_removed
from ._rewind import rewind_weights
from ._schedule import SCHEDULES, halving_rounds, sparsity_schedule
from ._shortcuts import PrunedNetworkShortcutsMixin
from ._variants import TrainingVariantsMixin

_ACCEPTED = (
    "a PrunableMLPClassifier, a PrunableMLPRegressor, or a scikit-learn "
    "MLPClassifier / MLPRegressor"
)


class BasePruner(TrainingVariantsMixin, PrunedNetworkShortcutsMixin, DelegatingMixin, MetaEstimatorMixin, BaseEstimator):
    """Base class of the pruners: fit dense, then prune and retrain in rounds.

    A criterion implements :meth:`_scores`, one array per layer shaped like
    ``coefs_`` (higher = keep); the round allocates the lowest scores to the
    round's target (over all layers, or per layer with ``scope="layer"``) and
    commits the masks. A criterion that also moves the surviving weights
    overrides :meth:`_prune` instead. Everything else -- parameter checks,
    the dense fit and its cache, the schedule, masked retraining, history,
    delegation and tags -- lives here.

    What a subclass declares rather than overrides: ``scope`` (how scores
    are shared out among layers, "global" unless the pruner has a ``scope``
    parameter), ``_scores_attribute`` (the fitted attribute of the last
    scores), ``_level_name`` (what ``sparsity`` counts when not weights,
    e.g. ``"unit_sparsity"``) and ``_level_parameter`` (the parameter that
    sets the final level, for :class:`~skprune.model_selection.PrunerCV`). The hooks a pruner that counts something else
    may override: ``_model_sparsity`` (the level a network is at),
    ``_target`` (the level ``fit`` ends at), ``_schedule``, ``_check_model``
    (refuse a network before any work), ``_retraining_callbacks`` (training
    callbacks that watch the retraining, for criteria that learn from it)
    and ``_finish`` (fitted attributes gathered over the rounds).
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit"]), None],
        "sparsity": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "n_steps": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "schedule": [StrOptions(set(SCHEDULES))],
        "retrain_iter": [Interval(Integral, 0, None, closed="left"), StrOptions({"auto"})],
        "retrain_learning_rate": [Interval(Real, 0, None, closed="neither"), None],
        "prefit": ["boolean"],
        "memory": [None, str, HasMethods(["cache"])],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "compact": ["boolean"],
        "rewind": [None, StrOptions({"init", "lr"}), Interval(Integral, 0, None, closed="left")],
        "distill": [Interval(Real, 0, 1, closed="both")],
        "distill_temperature": [Interval(Real, 0, None, closed="neither")],
    }

    # How the scores of ``_scores`` are shared out: "global" ranks all layers
    # together; pruners with a ``scope`` parameter set it per instance.
    scope = "global"
    # Name of the fitted attribute holding the last round's scores.
    _scores_attribute = "scores_"
    # Whether the network keeps its shape (its weights can then be rewound).
    _keeps_shape = True
    # Whether pruning comes before training: the network is initialised, not
    # fitted, pruned in rounds without retraining, then trained once.
    _prunes_at_init = False
    # What ``sparsity`` counts, when not connection weights: the fraction
    # reached is then kept under this name (``unit_sparsity_``, a history
    # column), apart from ``sparsity_``, which counts weights in every pruner.
    _level_name = "sparsity"
    # The parameter that sets the level ``fit`` ends at, which PrunerCV
    # chooses; None where it is not a fraction (InputPruner's
    # ``n_features_to_select`` may be a count).
    _level_parameter = "sparsity"

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
    ):
        self.estimator = estimator
        self.sparsity = sparsity
        self.n_steps = n_steps
        self.schedule = schedule
        self.retrain_iter = retrain_iter
        self.retrain_learning_rate = retrain_learning_rate
        self.prefit = prefit
        self.memory = memory
        self.random_state = random_state
        self.verbose = verbose
        self.compact = compact
        self.rewind = rewind
        self.distill = distill
        self.distill_temperature = distill_temperature

    # ------------------------------------------------------------------
    # The criterion
    # ------------------------------------------------------------------
    def _scores(self, model, data, random_state):
        """One score per weight, a list of arrays shaped like ``model.coefs_``.

        Higher means keep; the lowest are pruned. ``+inf`` protects a weight,
        NaN is an error.

        Parameters
        ----------
        model : PrunableMLPClassifier or PrunableMLPRegressor
            The network as it is at the start of the round (read it, do not
            change it).
        data : PruningData
        random_state : RandomState
        """
        raise NotImplementedError(f"{type(self).__name__} implements neither _scores nor _prune.")

    def _prune(self, model, data, sparsity, random_state):
        """One round: prune ``model`` in place until ``sparsity`` is reached.

        Returns
        -------
        round : Round or None
            ``Round(stop=True)`` ends pruning after this round (an early
            stopping rule); ``scores`` are kept as the fitted scores.
        """
        scores = check_scores(self._scores(model, data, random_state), model.coefs_, self._scores_source())
        model._commit(allocate(scores, model.masks_, sparsity, self.scope))
        return Round(scores=scores)

    def __getstate__(self):
        return pack_arrays(super().__getstate__(), self._scores_attribute)

    def __setstate__(self, state):
        super().__setstate__(unpack_arrays(state))

    def _scores_source(self):
        """How error messages about the scores name where they came from."""
        return f"{type(self).__name__}._scores"

    def _model_sparsity(self, model, reference):
        """Sparsity in the pruner's own unit (connection weights by default).

        ``reference`` is the network before the first round.
        """
        return model.sparsity_

    def _target(self, X):
        """The level ``fit`` ends at, in the pruner's unit: a fraction, or one
        per layer. Read before the dense fit; pruners that count features
        derive it from ``X``'s width."""
        return self.sparsity

    def _schedule(self, model, data, target):
        """The level to reach after each round of ``fit``: one number per
        round, or one row of per-layer sparsities per round."""
        if np.ndim(target):
            initial = [1.0 - np.count_nonzero(m) / m.size for m in model.masks_]
        else:
            initial = self._model_sparsity(model, data.reference)
        return sparsity_schedule(initial, target, self._n_rounds(initial, target), self.schedule)

    def _n_rounds(self, initial, final):
        """``n_steps``, with "auto" counted by :func:`halving_rounds`; without
        retraining between them rounds only cost, and "auto" is one round."""
        if self.n_steps != "auto":
            return self.n_steps
        return 1 if self.retrain_iter == 0 else halving_rounds(initial, final)

    def _check_target(self, model, target):
        """A per-layer target: one value in [0, 1) per layer of ``model``."""
        if not np.ndim(target):
            return
        try:
            levels = np.asarray(target, dtype=float)
        except (TypeError, ValueError):
            levels = None
        n_layers = len(model.coefs_) if hasattr(model, "coefs_") else np.size(model.hidden_layer_sizes) + 1
        if levels is None or not fractions(levels) or levels.size != n_layers:
            raise ValueError(
                f"sparsity as a list needs one value in [0, 1) per layer of weights "
                f"({n_layers} for this network); got {target!r}."
            )

    def _retraining_callbacks(self, data):
        """Training callbacks (:mod:`skprune.callbacks`) to run during the
        retraining after each round: criteria that learn from training."""
        return ()

    def _finish(self, model, data):
        """Set the fitted attributes a criterion gathered over the rounds (in ``data.notes``)."""

    def _check_model(self, model, max_level):
        """Reject, before any training, a network this pruner cannot prune to
        ``max_level``, the highest sparsity the fit will ask for."""

    def _check_path(self, levels):
        """Reject, before any work, a path of ``levels`` this pruner cannot take.

        :func:`~skprune.model_selection.pruning_curve` and
        :class:`~skprune.model_selection.PrunerCV` call it before the first fold.
        """
        self._check_model(self._make_estimator(), float(np.max(levels)))

    # ------------------------------------------------------------------
    # The estimator to prune
    # ------------------------------------------------------------------
    def _template(self):
        """The estimator as given, with None replaced by the default."""
        if self.estimator is None:
            return PrunableMLPClassifier()
        return self.estimator

    def _make_estimator(self):
        """A prunable copy of ``estimator``; the user's object is never changed."""
        estimator = self._template()
        if isinstance(estimator, (MLPClassifier, MLPRegressor)):
            kind = PrunableMLPClassifier if isinstance(estimator, MLPClassifier) else PrunableMLPRegressor
            if self.prefit:
                check_is_fitted(estimator)
                return kind.from_sklearn(estimator)
            return seed_unseeded(kind(**estimator.get_params()), self.random_state)
        if not isinstance(estimator, _BasePrunableMLP):
            raise TypeError(
                f"{type(self).__name__} prunes {_ACCEPTED}; got estimator="
                f"{type(estimator).__name__}."
            )
        if self.prefit:
            check_is_fitted(estimator)
            return copy.deepcopy(estimator)
        return seed_unseeded(clone(estimator), self.random_state)

    # ------------------------------------------------------------------
    # Fitting
    # ------------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=False)
    @docstring(parameters=PARAMETERS_X_Y_WEIGHT)
    def fit(self, X, y, sample_weight=None):
        """Fit the dense network (unless prefit), then prune and retrain it.

        The sample weights weigh the samples in training, retraining and in
        the criterion's statistics.

        ${parameters}

        Returns
        -------
        self : object
            The fitted pruner.
        """
        return self._run(X, y, sample_weight)

    @_fit_context(prefer_skip_nested_validation=False)
    @docstring(parameters=PARAMETERS_X_Y)
    def fit_path(self, X, y, levels, callback=None, sample_weight=None):
        """Fit dense (unless prefit), then prune through each of ``levels`` in turn.

        Round ``k`` prunes (and retrains, with ``retrain_iter``) the network
        from ``levels[k - 1]`` to ``levels[k]``, so that one call visits every
        level for the cost of one pruning path. This is the path that
        :func:`~skprune.model_selection.pruning_curve` and
        :class:`~skprune.model_selection.PrunerCV` walk; ``n_steps``,
        ``schedule`` and ``sparsity`` are not used.

        ${parameters}
        levels : array-like of float in [0, 1)
            Non-decreasing sparsities, one per round.
        callback : callable, default=None
            Called as ``callback(step, estimator)`` after round ``step``
            (1-based), with the pruned network as it then is. The network is
            pruned further after the call: copy it to keep it. Once a
            stopping rule ends pruning (``UnitRemovalPruner``'s ``tol``), the
            round that stopped and those after it are not called back: their
            levels were not reached.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples.

        Returns
        -------
        self : object
            The pruner, fitted at the last level.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from skprune import MagnitudePruner, PrunableMLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> net = PrunableMLPClassifier((8,), solver="lbfgs", max_iter=500, random_state=0)
        >>> scores = []
        >>> pruner = MagnitudePruner(net).fit_path(
        ...     X, y, [0.3, 0.6, 0.9], callback=lambda step, est: scores.append(est.score(X, y)))
        >>> len(scores), round(pruner.sparsity_, 1)
        (3, 0.9)
        """
        return self._run(X, y, sample_weight, check_levels(levels), callback)

    def _run(self, X, y, sample_weight=None, levels=None, callback=None):
        """Fit dense (unless prefit), then prune in rounds; the body of ``fit``."""
        check_pruning_weights(sample_weight)
        with interrupts_propagate():  # Ctrl+C ends the whole fit; nothing is cached
            return self._run_uninterrupted(X, y, sample_weight, levels, callback)

    def _run_uninterrupted(self, X, y, sample_weight, levels, callback):
        model = self._make_estimator()
        target = self._target(X) if levels is None else levels[-1]
        if levels is None:
            self._check_target(model, target)
        self._check_model(model, float(np.max(target)))
        model, snapshot = self._starting_network(model, X, y, sample_weight)
        at_init = self._prunes_at_init
        data = PruningData(*model._training_arrays(X, y, sample_weight))
        data.reference = copy.deepcopy(model)  # the network before pruning
        rng = check_random_state(self.random_state)

        self._warn_if_above(model, data, target)
        if levels is None:
            levels = self._schedule(model, data, target)
        start = time.perf_counter()
        history = {key: [] for key in ("step", "sparsity", "n_nonzero_params", "loss", "train_score", "time")}
        self._record(history, 0, model, data, start, len(levels))
        stopped, scores = False, None
        for step, target in enumerate(levels, start=1):
            if not stopped:
                target = target if np.ndim(target) else float(target)
                before = self._model_sparsity(model, data.reference)
                round_start = time.perf_counter()
                self._say(2, f"step {step}/{len(levels)}: pruning to sparsity {np.round(target, 4)}")
                with blas_threads_for(self._round_flops(model, data, target)):
                    result = self._prune(model, data, target, rng) or Round()
                stopped, scores = result.stop, result.scores
                # retraining repairs what a round removed; a round that removed
                # nothing (sparsity=0, say) leaves the network as it was
                pruned = self._model_sparsity(model, data.reference) > before
                if pruned and self.rewind is not None:
                    rewind_weights(model, snapshot)
                if self.retrain_iter and pruned and not at_init:
                    self._say(2, f"step {step}/{len(levels)}: pruned in "
                                 f"{time.perf_counter() - round_start:.2f} s; retraining")
                    with training_callbacks(*self._retraining_callbacks(data)), self._teacher(data):
                        model._retrain(X, y, sample_weight, self.retrain_iter, self.retrain_learning_rate,
                                       restart=self.rewind is not None)
                self._record(history, step, model, data, start, len(levels), round_start)
            # a round that stopped (a stopping rule) did not reach its level:
            # neither it nor the levels after it are reported as reached
            if callback is not None and not stopped:
                callback(step, self._trained_copy(model, data, X, y, sample_weight) if at_init else model)
        if at_init:
            self._train_pruned_at_init(model, data, X, y, sample_weight)

        self.sparsity_ = weights_removed(model, data.reference)
        if self._level_name != "sparsity":
            setattr(self, f"{self._level_name}_", self._model_sparsity(model, data.reference))
        self.estimator_ = model.compact() if self.compact else model
        self.history_ = history
        if scores is not None:
            setattr(self, self._scores_attribute, scores)
        self._finish(model, data)
        self.n_features_in_ = model.n_features_in_
        for name in ("feature_names_in_", "classes_"):
            if hasattr(model, name):
                setattr(self, name, getattr(model, name))
            else:
                self.__dict__.pop(name, None)
        return self

    def _round_flops(self, model, data, sparsity):
        """Operations of a typical matrix product of a round: one BLAS thread
        runs the round if it is small (:mod:`skprune._core.threads`)."""
        return layer_flops(model._network_view(), min(data.X.shape[0], 4096))

    def _say(self, level, message):
        """Print ``message`` when ``verbose`` is at least ``level``."""
        if self.verbose >= level:
            print(f"[{type(self).__name__}] {message}", flush=True)

    def _warn_if_above(self, model, data, target):
        """Warn when the network is already sparser than the final target:
        pruning never restores a weight, so such a fit removes nothing."""
        if np.ndim(target):
            now = np.array([np.count_nonzero(~m) / m.size for m in model.masks_])
            above = bool(np.any(now > np.asarray(target) + 1e-12))
        else:
            now = self._model_sparsity(model, data.reference)
            above = now > target + 1e-12
        if above:
            warnings.warn(
                f"The network is already at sparsity {np.round(now, 4).tolist()}, above "
                f"the target {np.round(target, 4).tolist()}: pruning never restores "
                "weights, so nothing is removed where the network is already sparser.",
                UserWarning, stacklevel=4,
            )

    def _record(self, history, step, model, data, start, n_rounds, round_start=None):
        """Append round ``step`` (of ``n_rounds``) to ``history``."""
        loss, score = model._evaluate(data.X, data.Y, data.y, data.sample_weight)
        elapsed = time.perf_counter() - start
        level = self._model_sparsity(model, data.reference)
        row = {
            "step": step, "sparsity": weights_removed(model, data.reference), self._level_name: level,
            "n_nonzero_params": model.n_nonzero_params_, "loss": loss, "train_score": score, "time": elapsed,
        }
        for key, value in row.items():
            history.setdefault(key, []).append(value)
        this_round = "" if round_start is None else f"round {time.perf_counter() - round_start:.2f} s, "
        self._say(1, f"step {step}/{n_rounds}: {self._level_name.replace('_', ' ')} {level:.4f}, loss "
                     f"{row['loss']:.6f}, train score {row['train_score']:.4f}, "
                     f"{this_round}total {elapsed:.2f} s")
