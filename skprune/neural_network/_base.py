"""The shared implementation of the prunable MLP classifier and regressor."""

from abc import ABCMeta, abstractmethod
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context, is_classifier
from sklearn.utils import check_random_state, column_or_1d
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    validate_data,
)

from .._core.activations import HIDDEN_ACTIVATIONS
from .._core.losses import distillation
from .._core.network import FlatParameters
from .._core.threads import blas_threads_for, layer_flops
from .._meta import PARAMETERS_X_Y_WEIGHT, docstring
from .._packing import pack_network_state, unpack_network_state
from .._training.callbacks import active_callbacks, training_session
from .._training.distillation import active_teacher
from ._convert import SklearnConversionMixin
from ._solvers import SolverLoopsMixin
from ._summary import LayerSummaryMixin
from ._surface import PruningSurfaceMixin
from ._validation import validate_predict_inputs

_STOCHASTIC_SOLVERS = ("sgd", "adam")


@contextmanager
def restored_on_failure(estimator):
    """Restore ``estimator``'s attributes if the block raises.

    Every array of a fitted network is copied before a fit changes it, so a
    shallow copy of the attribute dictionary is enough to undo a failed call,
    but for the lists a fit appends to (``loss_curve_``,
    ``validation_scores_``), which are copied too.
    """
    saved_state = {
        key: list(value) if isinstance(value, list) else value
        for key, value in estimator.__dict__.items()
    }
    try:
        yield
    except BaseException:
        estimator.__dict__.clear()
        estimator.__dict__.update(saved_state)
        raise


class _BasePrunableMLP(
    PruningSurfaceMixin, SolverLoopsMixin, SklearnConversionMixin, LayerSummaryMixin, BaseEstimator,
    metaclass=ABCMeta
):
    """Shared implementation of the prunable MLP classifier and regressor."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(HIDDEN_ACTIVATIONS))],
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
        self.__dict__.pop("active_inputs_", None)  # a new network reads every input
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

    def _validate_X_y(self, X, y, reset):
        """Training data as float arrays; a one-column ``y`` raveled (with a warning)."""
        X, y = validate_data(
            self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
            y_numeric=not is_classifier(self), dtype=(np.float64, np.float32), reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return X, y

    @abstractmethod
    def _set_output_activation(self):
        """Set ``out_activation_`` from the loss and the targets."""

    def _fit(self, X, y, sample_weight=None, incremental=False, n_epochs=1):
        # A failed call leaves a fitted estimator as it was.
        with restored_on_failure(self):
            return self._fit_unsafe(X, y, sample_weight, incremental, n_epochs)

    def _initialize_only(self, X, y):
        """Validate ``X``, ``y`` and draw the initial weights, without training:
        the network that pruning at initialisation scores."""
        with restored_on_failure(self):
            self._fit_unsafe(X, y, None, incremental=False, n_epochs=None)
        self.n_iter_, self.t_ = 0, 0
        return self

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
        if not first_pass:
            # A fitted network keeps its dtype, as scikit-learn's does: the
            # batch is cast, not the weights (nor the optimiser state).
            X = X.astype(self.coefs_[0].dtype, copy=False)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype)
        if y.ndim == 1:
            y = y.reshape((-1, 1))
        # a compacted network reads only its active_inputs_ (block by block)
        n_read = X.shape[1] if first_pass else len(getattr(self, "active_inputs_", range(X.shape[1])))
        layer_units = [n_read] + hidden_layer_sizes + [y.shape[1]]
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
        self.masks_ = masks
        network = self._network_view(params.coefs, params.intercepts)
        network.apply_masks()
        self.coefs_, self.intercepts_ = params.coefs, params.intercepts
        Y = y.astype(X.dtype)
        teacher = active_teacher()
        if teacher is not None:  # targets [Y, Q]: see skprune._core.losses.distillation
            if teacher.outputs.shape != Y.shape:
                raise ValueError(f"The teacher's outputs have shape {teacher.outputs.shape}; the "
                                 f"targets have {Y.shape}.")
            Y = np.hstack([Y, teacher.outputs.astype(Y.dtype, copy=False)])
            network.loss = distillation(network.loss, teacher.weight, teacher.temperature)
        if n_epochs is None:  # initialisation only
            return self

        # one BLAS thread for the per-batch products of small networks
        batch = min(X.shape[0], 200 if self.batch_size == "auto" else self.batch_size)
        callbacks = active_callbacks()
        with blas_threads_for(layer_flops(network, batch if self.solver != "lbfgs" else X.shape[0])), \
                training_session(self, callbacks):
            if self.solver in _STOCHASTIC_SOLVERS:
                self._fit_stochastic(network, params, X, Y, sample_weight, incremental, n_epochs, callbacks)
            else:
                self._fit_lbfgs(network, params, X, Y, sample_weight, callbacks)

        if not np.isfinite(params.vector).all():
            raise ValueError(
                "Solver produced non-finite parameter weights. The input data may"
                " contain large values and need to be preprocessed."
            )
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    @docstring(parameters=PARAMETERS_X_Y_WEIGHT)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data matrix X and target(s) y.

        Weights whose entry in ``masks_`` is False (on a warm start) are set to
        zero and stay zero.

        ${parameters}

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
        """Output activations; without ``check_input``, ``X`` is already validated."""
        if check_input:
            X = validate_predict_inputs(self, X)
        return self._predict_network(X.shape[0]).predict(X)

    def _predict(self, X):
        X = validate_predict_inputs(self, X)
        # block by block, so that only the predictions of all rows are held
        network = self._predict_network(X.shape[0])
        predictions = [self._predict_from_output(output) for _, output in network.predict_blocks(X)]
        return predictions[0] if len(predictions) == 1 else np.concatenate(predictions)

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
    # Persistence
    # ------------------------------------------------------------------
    def __getstate__(self):
        def check_masks():
            self._checked_masks([self.coefs_[0].shape[0]] + [W.shape[1] for W in self.coefs_])

        return pack_network_state(super().__getstate__(), check_masks)

    def __setstate__(self, state):
        super().__setstate__(unpack_network_state(state))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

