"""The shared implementation of the prunable MLP classifier and regressor."""

import copy
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    _fit_context,
    is_classifier,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from .._core.network import (
    SPARSE_DENSITY_CROSSOVER,
    SPARSE_MIN_ROWS,
    FlatParameters,
    Network,
)
from ._compact import compact_network
from .._packing import pack_weights, unpack_weights
from .._training.loops import MinibatchTrainer, free_parameter_mask, run_lbfgs
from .._training.optimizers import AdamOptimizer, SGDOptimizer

_STOCHASTIC_SOLVERS = ("sgd", "adam")

# Fitted attributes shared with scikit-learn's MLPs, copied by the converters.
_SHARED_FITTED_ATTRIBUTES = (
    "n_features_in_",
    "feature_names_in_",
    "n_layers_",
    "n_outputs_",
    "out_activation_",
    "n_iter_",
    "t_",
    "loss_",
    "loss_curve_",
    "best_loss_",
    "validation_scores_",
    "best_validation_score_",
    "classes_",
    "_label_binarizer",
)


class _BasePrunableMLP(BaseEstimator, metaclass=ABCMeta):
    """Shared implementation of the prunable MLP classifier and regressor."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
    }

    @abstractmethod
    def __init__(
        self,
        hidden_layer_sizes,
        activation,
        solver,
        alpha,
        batch_size,
        learning_rate,
        learning_rate_init,
        power_t,
        max_iter,
        loss,
        shuffle,
        random_state,
        tol,
        verbose,
        warm_start,
        momentum,
        nesterovs_momentum,
        early_stopping,
        validation_fraction,
        beta_1,
        beta_2,
        epsilon,
        n_iter_no_change,
        max_fun,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.loss = loss
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun

    # ------------------------------------------------------------------
    # Pruning state
    # ------------------------------------------------------------------
    @property
    def n_params_(self):
        """Number of weights and biases of the network, pruned or not."""
        check_is_fitted(self)
        return int(sum(W.size + b.size for W, b in zip(self.coefs_, self.intercepts_)))

    @property
    def n_nonzero_params_(self):
        """Number of weights and biases that are not zero."""
        check_is_fitted(self)
        return int(
            sum(
                np.count_nonzero(W) + np.count_nonzero(b)
                for W, b in zip(self.coefs_, self.intercepts_)
            )
        )

    @property
    def sparsity_(self):
        """Fraction of connection weights pruned (biases are never pruned)."""
        check_is_fitted(self)
        total = sum(m.size for m in self.masks_)
        kept = sum(int(np.count_nonzero(m)) for m in self.masks_)
        return 1.0 - kept / total

    def _output_loss_name(self):
        return f"{self.loss}_{self.out_activation_}"

    def _network(self, masks=None, coefs=None, intercepts=None):
        """A :class:`Network` over this estimator's (or the given) arrays."""
        return Network(
            self.coefs_ if coefs is None else coefs,
            self.intercepts_ if intercepts is None else intercepts,
            self.activation,
            self._output_loss_name(),
            masks,
        )

    def _checked_masks(self, layer_units):
        """Current masks as fresh boolean arrays, checked against the layers."""
        masks = getattr(self, "masks_", None)
        if masks is None:
            return [np.ones((a, b), dtype=bool) for a, b in zip(layer_units, layer_units[1:])]
        if len(masks) != len(layer_units) - 1:
            raise ValueError(
                f"masks_ has {len(masks)} arrays but the network has "
                f"{len(layer_units) - 1} weight layers."
            )
        checked = []
        for i, (mask, shape) in enumerate(zip(masks, zip(layer_units, layer_units[1:]))):
            mask = np.asarray(mask)
            if mask.shape != shape:
                raise ValueError(
                    f"masks_[{i}] has shape {mask.shape}, expected {shape} "
                    f"(the shape of coefs_[{i}])."
                )
            checked.append(mask.astype(bool, copy=True))
        return checked

    def _remove_hidden_units(self, layer, keep):
        """Delete hidden units: their incoming column, bias and outgoing row.

        Parameters
        ----------
        layer : int
            Index of the hidden layer (0 is the first).
        keep : bool ndarray of shape (n_units,)
            The units to keep.

        ``hidden_layer_sizes`` follows the new widths; the stochastic
        optimiser's state, shaped for the old network, is dropped.
        """
        keep = np.asarray(keep, dtype=bool)
        self.coefs_ = list(self.coefs_)
        self.intercepts_ = list(self.intercepts_)
        self.masks_ = list(self.masks_)
        self.coefs_[layer] = np.ascontiguousarray(self.coefs_[layer][:, keep])
        self.intercepts_[layer] = self.intercepts_[layer][keep].copy()
        self.masks_[layer] = self.masks_[layer][:, keep].copy()
        self.coefs_[layer + 1] = np.ascontiguousarray(self.coefs_[layer + 1][keep])
        self.masks_[layer + 1] = self.masks_[layer + 1][keep].copy()
        self.hidden_layer_sizes = tuple(W.shape[1] for W in self.coefs_[:-1])
        self.__dict__.pop("_optimizer", None)

    # ------------------------------------------------------------------
    # Fitting
    # ------------------------------------------------------------------
    def _initialize(self, y, layer_units, dtype):
        """First fit: layer bookkeeping and Glorot-uniform weights.

        Draws the weights in the same order and from the same distribution as
        scikit-learn's MLP, so a given ``random_state`` starts both from the
        same network.
        """
        self.n_iter_ = 0
        self.t_ = 0
        self.n_outputs_ = y.shape[1]
        self.n_layers_ = len(layer_units)
        self.coefs_, self.intercepts_ = [], []
        factor = 2.0 if self.activation == "logistic" else 6.0
        for fan_in, fan_out in zip(layer_units, layer_units[1:]):
            bound = np.sqrt(factor / (fan_in + fan_out))
            W = self._random_state.uniform(-bound, bound, (fan_in, fan_out))
            b = self._random_state.uniform(-bound, bound, fan_out)
            self.coefs_.append(W.astype(dtype, copy=False))
            self.intercepts_.append(b.astype(dtype, copy=False))
        self.masks_ = [np.ones(W.shape, dtype=bool) for W in self.coefs_]
        if self.solver in _STOCHASTIC_SOLVERS:
            self.loss_curve_ = []
            self._no_improvement_count = 0
            if self.early_stopping:
                self.validation_scores_ = []
                self.best_validation_score_ = -np.inf
                self.best_loss_ = None
            else:
                self.best_loss_ = np.inf
                self.validation_scores_ = None
                self.best_validation_score_ = None

    @abstractmethod
    def _set_output_activation(self):
        """Set ``out_activation_`` from the loss and the targets."""

    def _fit(self, X, y, sample_weight=None, incremental=False, n_epochs=1):
        # A failed call must leave a fitted estimator as it was: every array of
        # the previous fit is copied before it is changed, so restoring the
        # attribute dictionary restores the model.
        saved_state = self.__dict__.copy()
        try:
            return self._fit_unsafe(X, y, sample_weight, incremental, n_epochs)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved_state)
            raise

    def _fit_unsafe(self, X, y, sample_weight, incremental, n_epochs):
        hidden_layer_sizes = self.hidden_layer_sizes
        if not hasattr(hidden_layer_sizes, "__iter__"):
            hidden_layer_sizes = [hidden_layer_sizes]
        hidden_layer_sizes = list(hidden_layer_sizes)
        if np.any(np.array(hidden_layer_sizes) <= 0):
            raise ValueError(
                "hidden_layer_sizes must be > 0, got %s." % hidden_layer_sizes
            )
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        X, y = self._validate_input(X, y, incremental, reset=first_pass)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype)
        if y.ndim == 1:
            y = y.reshape((-1, 1))
        layer_units = [X.shape[1]] + hidden_layer_sizes + [y.shape[1]]
        self._random_state = check_random_state(self.random_state)

        if first_pass:
            self._initialize(y, layer_units, X.dtype)
        else:
            current = [self.coefs_[0].shape[0]] + [W.shape[1] for W in self.coefs_]
            if current != layer_units:
                raise ValueError(
                    f"The fitted network has layer sizes {current}, but the data and "
                    f"hidden_layer_sizes give {layer_units}. Set warm_start=False "
                    "to fit a new network."
                )
        self._set_output_activation()
        masks = self._checked_masks(layer_units)

        # Train a copy held in one flat vector; coefs_ / intercepts_ become views.
        params = FlatParameters.from_arrays(self.coefs_, self.intercepts_, X.dtype)
        network = self._network(masks, params.coefs, params.intercepts)
        network.apply_masks()
        self.masks_ = masks
        self.coefs_, self.intercepts_ = params.coefs, params.intercepts
        Y = y.astype(X.dtype)

        if self.solver in _STOCHASTIC_SOLVERS:
            self._fit_stochastic(network, params, X, Y, sample_weight, incremental, n_epochs)
        else:
            self._fit_lbfgs(network, params, X, Y, sample_weight)

        if not np.isfinite(params.vector).all():
            raise ValueError(
                "Solver produced non-finite parameter weights. The input data may"
                " contain large values and need to be preprocessed."
            )
        return self

    def _fit_lbfgs(self, network, params, X, Y, sample_weight):
        result = run_lbfgs(
            network, params, X, Y, sample_weight, self.alpha,
            max_iter=self.max_iter, max_fun=self.max_fun, tol=self.tol,
            verbose=bool(self.verbose),
        )
        if not result.success:
            message = result.message
            if isinstance(message, bytes):
                message = message.decode("latin1")
            warnings.warn(
                f"lbfgs failed to converge after {result.nit} iteration(s) "
                f"(status={result.status}): {message}. Increase the number of "
                "iterations (max_iter) or scale the data.",
                ConvergenceWarning,
                stacklevel=3,
            )
        self.n_iter_ = min(result.nit, self.max_iter)
        self.loss_ = float(result.fun)

    def _new_optimizer(self, n_params, dtype):
        if self.solver == "sgd":
            return SGDOptimizer(
                n_params, dtype, self.learning_rate_init, self.learning_rate,
                self.momentum, self.nesterovs_momentum, self.power_t,
            )
        return AdamOptimizer(
            n_params, dtype, self.learning_rate_init, self.beta_1, self.beta_2,
            self.epsilon,
        )

    def _fit_stochastic(self, network, params, X, Y, sample_weight, incremental, n_epochs=1):
        """The epochs of sgd / adam; ``incremental`` runs ``n_epochs`` of them
        as that many ``partial_fit`` calls would (no early stop), with one
        input validation."""
        n_params = params.vector.size
        optimizer = getattr(self, "_optimizer", None)
        if (
            incremental
            and optimizer is not None
            and _optimizer_matches(optimizer, self.solver, n_params, params.vector.dtype)
        ):
            # partial_fit continues the previous optimiser state (on a copy).
            optimizer = copy.deepcopy(optimizer)
        else:
            optimizer = self._new_optimizer(n_params, params.vector.dtype)
        keep = free_parameter_mask(network, params)
        if keep is not None:
            optimizer.reset_masked(keep.astype(params.vector.dtype))
        self._optimizer = optimizer

        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        early_stopping = self.early_stopping
        if getattr(self, "loss_curve_", None) is None:  # e.g. a warm start after lbfgs
            self.loss_curve_ = []
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self.best_loss_ = np.inf
            self._no_improvement_count = 0
        if not incremental:
            # Every call to fit runs its own stopping rule. Carried over from a
            # previous fit (scikit-learn's behaviour), a warm start after the
            # weights changed -- by pruning, say -- would stop after one epoch.
            self._no_improvement_count = 0
            if early_stopping:
                self.best_validation_score_ = -np.inf
                if self.validation_scores_ is None:
                    self.validation_scores_ = []
            else:
                self.best_loss_ = np.inf
        if early_stopping:
            stratify = Y if is_classifier(self) and self.n_outputs_ == 1 else None
            arrays = [X, Y] if sample_weight is None else [X, Y, sample_weight]
            split = train_test_split(
                *arrays,
                random_state=self._random_state,
                test_size=self.validation_fraction,
                stratify=stratify,
            )
            X_train, X_val, Y_train, Y_val = split[:4]
            sw_train, sw_val = split[4:] if sample_weight is not None else (None, None)
            if X_val.shape[0] < 2:
                raise ValueError(
                    "The validation set is too small. Increase 'validation_fraction' "
                    "or the size of your dataset."
                )
            y_val = self._decode_targets(Y_val)
        else:
            X_train, Y_train, sw_train = X, Y, sample_weight
            X_val = y_val = sw_val = None

        n_samples = X_train.shape[0]
        if self.batch_size == "auto":
            batch_size = min(200, n_samples)
        else:
            if self.batch_size > n_samples:
                warnings.warn(
                    "Got `batch_size` less than 1 or larger than "
                    "sample size. It is going to be clipped"
                )
            batch_size = int(np.clip(self.batch_size, 1, n_samples))

        trainer = MinibatchTrainer(network, params, batch_size)
        order = np.arange(n_samples)
        best_vector = params.vector.copy()
        try:
            self.n_iter_ = 0
            for _ in range(n_epochs if incremental else self.max_iter):
                if self.shuffle:
                    permutation = np.arange(n_samples)
                    self._random_state.shuffle(permutation)
                    order = order[permutation]
                self.loss_ = trainer.run_epoch(
                    X_train, Y_train, sw_train, order if self.shuffle else None,
                    self.alpha, optimizer,
                )
                self.n_iter_ += 1
                self.t_ += n_samples
                self.loss_curve_.append(self.loss_)
                if self.verbose:
                    print("Iteration %d, loss = %.8f" % (self.n_iter_, self.loss_))

                if self._update_no_improvement_count(
                    early_stopping, X_val, y_val, sw_val
                ):
                    best_vector[...] = params.vector
                optimizer.iteration_ends(self.t_)

                if self._no_improvement_count > self.n_iter_no_change:
                    if early_stopping:
                        msg = (
                            "Validation score did not improve more than "
                            "tol=%f for %d consecutive epochs."
                            % (self.tol, self.n_iter_no_change)
                        )
                    else:
                        msg = (
                            "Training loss did not improve more than tol=%f"
                            " for %d consecutive epochs."
                            % (self.tol, self.n_iter_no_change)
                        )
                    if optimizer.trigger_stopping(msg, self.verbose):
                        if incremental:  # a partial_fit call just ends
                            continue
                        break
                    self._no_improvement_count = 0

                if not incremental and self.n_iter_ == self.max_iter:
                    warnings.warn(
                        "Stochastic Optimizer: Maximum iterations (%d) "
                        "reached and the optimization hasn't converged yet."
                        % self.max_iter,
                        ConvergenceWarning,
                    )
        except KeyboardInterrupt:
            warnings.warn("Training interrupted by user.")

        if early_stopping:
            params.vector[...] = best_vector

    def _update_no_improvement_count(self, early_stopping, X_val, y_val, sw_val):
        """Book-keeping of the stopping rule; True when the model is the best yet."""
        if early_stopping:
            score = self._score(X_val, y_val, sample_weight=sw_val)
            self.validation_scores_.append(score)
            if self.verbose:
                print("Validation score: %f" % score)
            if score < self.best_validation_score_ + self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                return True
            return False
        if self.loss_curve_[-1] > self.best_loss_ - self.tol:
            self._no_improvement_count += 1
        else:
            self._no_improvement_count = 0
        if self.loss_curve_[-1] < self.best_loss_:
            self.best_loss_ = self.loss_curve_[-1]
        return False

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data matrix X and target(s) y.

        Weights whose entry in ``masks_`` is False (on a warm start) are set to
        zero and stay zero.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    def _check_solver(self):
        if self.solver not in _STOCHASTIC_SOLVERS:
            raise AttributeError(
                "partial_fit is only available for stochastic"
                " optimizers. %s is not stochastic." % self.solver
            )
        return True

    # ------------------------------------------------------------------
    # Prediction
    # ------------------------------------------------------------------
    def _forward(self, X, check_input=True):
        if check_input:
            # dtype="numeric", as scikit-learn's MLPs validate at predict time
            X = validate_data(self, X, accept_sparse=["csr", "csc"], reset=False)
        sparse_below = SPARSE_DENSITY_CROSSOVER if X.shape[0] >= SPARSE_MIN_ROWS else 0.0
        return self._network().predict(X, sparse_below=sparse_below)

    def _predict(self, X, check_input=True):
        return self._predict_from_output(self._forward(X, check_input=check_input))

    def _score_output(self, output, y, sample_weight=None):
        """Score (accuracy or R^2) of already computed output activations."""
        if not np.isfinite(output).all():
            return np.nan
        y_pred = self._predict_from_output(output)
        return self._score_function(y, y_pred, sample_weight=sample_weight)

    def _score(self, X, y, sample_weight=None):
        """Score without input validation (early stopping's validation set)."""
        return self._score_output(self._forward(X, check_input=False), y, sample_weight)

    # ------------------------------------------------------------------
    # Conversion to and from scikit-learn
    # ------------------------------------------------------------------
    @classmethod
    def from_sklearn(cls, mlp):
        """Build a prunable network from a fitted scikit-learn MLP.

        Parameters
        ----------
        mlp : MLPClassifier or MLPRegressor
            A fitted scikit-learn network of the matching kind.

        Returns
        -------
        estimator : instance of cls
            Same parameters, weights and fitted state; every mask is True.
        """
        expected = MLPClassifier if issubclass(cls, ClassifierMixin) else MLPRegressor
        if not isinstance(mlp, expected):
            raise TypeError(
                f"{cls.__name__}.from_sklearn expects a fitted {expected.__name__}, "
                f"got {type(mlp).__name__}."
            )
        check_is_fitted(mlp)
        params = mlp.get_params()
        if issubclass(cls, ClassifierMixin):
            params["loss"] = "log_loss"
        estimator = cls(**{k: v for k, v in params.items() if k in cls._get_param_names()})
        for name in _SHARED_FITTED_ATTRIBUTES:
            if hasattr(mlp, name):
                setattr(estimator, name, copy.deepcopy(getattr(mlp, name)))
        estimator.coefs_ = [np.array(W) for W in mlp.coefs_]
        estimator.intercepts_ = [np.array(b) for b in mlp.intercepts_]
        estimator.masks_ = [np.ones(W.shape, dtype=bool) for W in estimator.coefs_]
        if not hasattr(mlp, "_no_improvement_count"):
            return estimator
        estimator._no_improvement_count = mlp._no_improvement_count
        return estimator

    def to_sklearn(self):
        """Export to a fitted scikit-learn MLP with the same weights.

        Pruned weights are stored as zeros. The result predicts exactly as this
        estimator does and needs only scikit-learn to load and run.

        Returns
        -------
        mlp : MLPClassifier or MLPRegressor
        """
        check_is_fitted(self)
        target = MLPClassifier if is_classifier(self) else MLPRegressor
        params = {
            k: v for k, v in self.get_params().items() if k in target._get_param_names()
        }
        mlp = target(**params)
        for name in _SHARED_FITTED_ATTRIBUTES:
            if hasattr(self, name):
                setattr(mlp, name, copy.deepcopy(getattr(self, name)))
        mlp.coefs_ = [np.array(W) for W in self.coefs_]
        mlp.intercepts_ = [np.array(b) for b in self.intercepts_]
        return mlp

    def compact(self):
        """An equivalent network without dead hidden units.

        Units with no remaining outgoing weight are deleted; units with no
        remaining incoming weight output a constant, which is folded into the
        next layer's biases before they are deleted. Predictions are the same
        up to rounding, and ``hidden_layer_sizes``, ``coefs_``,
        ``intercepts_`` and ``masks_`` shrink. The estimator itself is left
        as it is.

        Returns
        -------
        compacted : estimator of the same class
            A fitted copy.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from skprune import PrunableMLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = PrunableMLPClassifier((6,), solver="lbfgs", max_iter=1000,
        ...                             random_state=0).fit(X, y)
        >>> clf.masks_[1][:2] = False   # units 0 and 1 no longer reach the output
        >>> clf = clf.set_params(warm_start=True).fit(X, y)
        >>> clf.compact().hidden_layer_sizes
        (4,)
        """
        check_is_fitted(self)
        return compact_network(copy.deepcopy(self))

    # ------------------------------------------------------------------
    # Persistence
    # ------------------------------------------------------------------
    def __getstate__(self):
        state = super().__getstate__()
        if "coefs_" in state and "masks_" in state:
            state = dict(state)
            state["_packed_weights"] = pack_weights(state.pop("coefs_"), state.pop("masks_"))
        return state

    def __setstate__(self, state):
        if "_packed_weights" in state:
            state = dict(state)
            state["coefs_"], state["masks_"] = unpack_weights(state.pop("_packed_weights"))
        super().__setstate__(state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def _optimizer_matches(optimizer, solver, n_params, dtype):
    """Whether a previous optimiser can continue on parameters of this layout."""
    if solver == "sgd" and isinstance(optimizer, SGDOptimizer):
        state = optimizer.velocity
    elif solver == "adam" and isinstance(optimizer, AdamOptimizer):
        state = optimizer.m
    else:
        return False
    return state.size == n_params and state.dtype == dtype
