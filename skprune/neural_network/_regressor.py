"""PrunableMLPRegressor."""

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from .._meta import PARAMETERS_X, PARAMETERS_X_Y_WEIGHT, docstring, fill_doc
from ._base import _BasePrunableMLP
from ._docs import COMMON_ATTRIBUTES_DOC, COMMON_PARAMETERS_DOC


class PrunableMLPRegressor(RegressorMixin, _BasePrunableMLP):
    __doc__ = fill_doc(
        """Multi-layer perceptron regressor whose connections can be pruned.

    A drop-in replacement for :class:`sklearn.neural_network.MLPRegressor`
    with the same parameters, defaults and fitted attributes, plus the pruning
    state (``masks_``, ``sparsity_``). Pruned weights stay exactly zero with
    every solver; float32 input trains in float32.

    Parameters
    ----------
    loss : {'squared_error', 'poisson'}, default='squared_error'
        Half the squared error with identity outputs, or half the Poisson
        deviance with exponential outputs. As in scikit-learn, the squared
        error is reported in ``loss_`` (and stopped on) averaged over outputs,
        while training follows the gradient of its sum; the Poisson deviance
        is summed over outputs.
${parameters}
    Attributes
    ----------${attributes}
    See Also
    --------
    PrunableMLPClassifier : The classifier.
    sklearn.neural_network.MLPRegressor : The scikit-learn model it mirrors.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune import PrunableMLPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(200, 3))
    >>> y = X[:, 0] - 2 * X[:, 1] ** 2
    >>> reg = PrunableMLPRegressor(hidden_layer_sizes=(20,), activation="tanh",
    ...                            solver="lbfgs", random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.99
    True
    >>> reg.n_params_
    101
    """,
        parameters=COMMON_PARAMETERS_DOC,
        attributes=COMMON_ATTRIBUTES_DOC,
    )

    _parameter_constraints: dict = {
        **_BasePrunableMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            loss=loss,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
        )

    def _validate_input(self, X, y, incremental, reset):
        X, y = self._validate_X_y(X, y, reset)
        self._check_targets(y)
        return X, y

    def _check_targets(self, y):
        """The Poisson loss needs non-negative targets (scikit-learn's error)."""
        if self.loss == "poisson" and np.any(np.asarray(y) < 0):
            raise ValueError(
                "Some value(s) of y are negative which is not allowed for "
                "Poisson regression."
            )

    def _loss_scale(self):
        # As scikit-learn's MLPRegressor: the squared error is reported (and
        # stopped on) averaged over outputs, its gradient is that of the sum.
        if self.loss == "squared_error":
            return 1.0 / self.n_outputs_
        return 1.0

    def _set_output_activation(self):
        self.out_activation_ = "exp" if self.loss == "poisson" else "identity"

    def _decode_targets(self, Y):
        return Y

    def _encode_targets(self, y, dtype):
        """Targets as the network sees them: one column per output unit, in ``dtype``."""
        self._check_targets(y)  # pruning without retraining validates them too
        return np.asarray(y).reshape(len(y), -1).astype(dtype, copy=False)

    @docstring(parameters=PARAMETERS_X)
    def predict(self, X):
        """Predict using the network.

        ${parameters}

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values.
        """
        check_is_fitted(self)
        return self._predict(X)

    _score_function = staticmethod(r2_score)

    @docstring(parameters=PARAMETERS_X_Y_WEIGHT)
    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R^2 of ``predict(X)`` against ``y``.

        ${parameters}

        Returns
        -------
        score : float
            ``sklearn.metrics.r2_score(y, self.predict(X), sample_weight=sample_weight)``.

        Examples
        --------
        >>> from sklearn.datasets import make_regression
        >>> from skprune import PrunableMLPRegressor
        >>> X, y = make_regression(200, 4, noise=1.0, random_state=0)
        >>> reg = PrunableMLPRegressor(hidden_layer_sizes=(16,), solver="lbfgs", max_iter=2000,
        ...                            random_state=0).fit(X, y)
        >>> reg.score(X, y) > 0.99
        True
        """
        return super().score(X, y, sample_weight=sample_weight)


    def _predict_from_output(self, output):
        """Predictions from the network's output activations."""
        return output.ravel() if output.shape[1] == 1 else output

    @available_if(lambda est: est._check_solver())
    @_fit_context(prefer_skip_nested_validation=True)
    @docstring(parameters=PARAMETERS_X_Y_WEIGHT)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one epoch over the given data.

        ${parameters}

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)
