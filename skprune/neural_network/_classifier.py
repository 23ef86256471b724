"""PrunableMLPClassifier."""

import warnings

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted

from .._meta import PARAMETERS_X, PARAMETERS_X_Y_WEIGHT, docstring, fill_doc
from ._base import _BasePrunableMLP, restored_on_failure
from ._docs import COMMON_ATTRIBUTES_DOC, COMMON_PARAMETERS_DOC


class PrunableMLPClassifier(ClassifierMixin, _BasePrunableMLP):
    __doc__ = fill_doc(
        """Multi-layer perceptron classifier whose connections can be pruned.

    A drop-in replacement for :class:`sklearn.neural_network.MLPClassifier`:
    the same parameters, defaults, fitted attributes and weight initialisation,
    plus ``loss`` and the pruning state (``masks_``, ``sparsity_``). Training
    keeps every connection whose mask is False at exactly zero, with every
    solver, and works in float32 when the input is float32.

    Parameters
    ----------${parameters}
    loss : {'log_loss', 'squared_error'}, default='log_loss'
        'log_loss' is the cross-entropy of softmax (multiclass) or logistic
        (binary, multilabel) outputs. 'squared_error' is half the squared error
        between logistic outputs and one-hot targets, the set-up of the
        classical pruning papers (LeCun et al. 1990, Hassibi & Stork 1993); with
        ``solver='sgd', batch_size=1, activation='logistic'`` it is online
        back-propagation.

    Attributes
    ----------
    classes_ : ndarray or list of ndarray
        Class labels.
${attributes}
    See Also
    --------
    PrunableMLPRegressor : The regressor.
    sklearn.neural_network.MLPClassifier : The scikit-learn model it mirrors.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skprune import PrunableMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = PrunableMLPClassifier(hidden_layer_sizes=(16,), solver="lbfgs",
    ...                             random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.95
    True
    >>> clf.masks_[0][:, :8] = False   # prune half of the first layer's weights
    >>> clf = clf.set_params(warm_start=True).fit(X, y)
    >>> round(clf.sparsity_, 3)        # 32 of the 112 weights
    0.286
    >>> bool((clf.coefs_[0][:, :8] == 0).all())
    True
    """,
        parameters=COMMON_PARAMETERS_DOC,
        attributes=COMMON_ATTRIBUTES_DOC,
    )

    _parameter_constraints: dict = {
        **_BasePrunableMLP._parameter_constraints,
        "loss": [StrOptions({"log_loss", "squared_error"})],
    }

    def __init__(
        self,
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
        loss="log_loss",
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

        # A new fit defines the classes; warm starts must keep them; partial_fit
        # (whose first call set them from ``classes``) accepts subsets.
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            binarizer = LabelBinarizer().fit(y)
            self._label_binarizer = binarizer
            self.classes_ = binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same "
                        "classes as in the previous call to fit. Previously "
                        f"got {self.classes_}, `y` has {classes}"
                    )
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError(
                    "`y` has classes not in `self.classes_`. "
                    f"`self.classes_` has {self.classes_}. 'y' has {classes}."
                )
        return X, self._encode_targets(y, bool)

    def _set_output_activation(self):
        multiclass = self._label_binarizer.y_type_ == "multiclass"
        if multiclass and self.loss == "log_loss":
            self.out_activation_ = "softmax"
        else:
            self.out_activation_ = "logistic"

    def _decode_targets(self, Y):
        return self._label_binarizer.inverse_transform(Y)

    def _encode_targets(self, y, dtype):
        """Targets as the network sees them: one column per output unit, in ``dtype``."""
        binarizer = self._label_binarizer
        if binarizer.y_type_ != "multiclass" or np.ndim(y) != 1:
            return binarizer.transform(y).reshape(len(y), -1).astype(dtype, copy=False)
        # one-hot rows written directly in dtype: LabelBinarizer.transform
        # would build them as int64 first (eight bytes a number)
        Y = np.zeros((len(y), binarizer.classes_.size), dtype=dtype)
        Y[np.arange(len(y)), np.searchsorted(binarizer.classes_, y)] = 1
        return Y

    @docstring(parameters=PARAMETERS_X)
    def predict(self, X):
        """Predict class labels.

        ${parameters}

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The predicted classes.
        """
        check_is_fitted(self)
        return self._predict(X)

    _score_function = staticmethod(accuracy_score)

    @docstring(parameters=PARAMETERS_X_Y_WEIGHT)
    def score(self, X, y, sample_weight=None):
        """Mean accuracy of ``predict(X)`` against ``y``.

        ${parameters}

        Returns
        -------
        score : float
            ``sklearn.metrics.accuracy_score(y, self.predict(X), sample_weight=sample_weight)``.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from skprune import PrunableMLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = PrunableMLPClassifier((8,), solver="lbfgs", max_iter=500,
        ...                             random_state=0).fit(X, y)
        >>> round(clf.score(X, y), 2)
        0.99
        """
        return super().score(X, y, sample_weight=sample_weight)


    def _predict_from_output(self, output):
        """Class labels from the network's output activations."""
        if self.n_outputs_ == 1:
            output = output.ravel()
        elif self._label_binarizer.y_type_ == "multiclass":
            # what inverse_transform does for one-hot outputs, without its checks
            return self._label_binarizer.classes_.take(np.argmax(output, axis=1))
        return self._label_binarizer.inverse_transform(output)

    @available_if(lambda est: est._check_solver())
    @_fit_context(prefer_skip_nested_validation=True)
    @docstring(parameters=PARAMETERS_X_Y_WEIGHT)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with one epoch over the given data.

        ${parameters}
        classes : array of shape (n_classes,), default=None
            All the classes; required on the first call.

        Returns
        -------
        self : object
            The updated estimator.

        Examples
        --------
        Training over chunks of rows, as over a file too large for memory
        (a memory-mapped array works the same way):

        >>> import numpy as np
        >>> from sklearn.datasets import load_digits
        >>> from skprune import PrunableMLPClassifier
        >>> X, y = load_digits(return_X_y=True)
        >>> clf = PrunableMLPClassifier((32,), learning_rate_init=0.01, random_state=0)
        >>> for epoch in range(5):
        ...     for start in range(0, len(X), 500):
        ...         rows = slice(start, start + 500)
        ...         clf = clf.partial_fit(X[rows] / 16, y[rows], classes=np.arange(10))
        >>> clf.score(X / 16, y) > 0.9
        True
        """
        first_call = not hasattr(self, "classes_")
        if first_call and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        if not first_call and classes is not None:
            if not np.array_equal(np.unique(classes), self.classes_):
                raise ValueError(
                    "`classes=%r` is not the same as on last call "
                    "to partial_fit, was: %r" % (classes, self.classes_)
                )
        if not first_call:
            return self._fit(X, y, sample_weight=sample_weight, incremental=True)
        with restored_on_failure(self):
            self.classes_ = np.unique(classes)
            target = type_of_target(y)
            self._label_binarizer = LabelBinarizer().fit(
                y if target.startswith("multilabel") else classes
            )
            return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    @docstring(parameters=PARAMETERS_X)
    def predict_proba(self, X):
        """Probability estimates.

        ${parameters}

        Returns
        -------
        y_prob : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_``. With
            ``loss='squared_error'`` and more than two classes, the logistic
            outputs are normalised to sum to one.
        """
        check_is_fitted(self)
        y_pred = self._forward(X)
        if self.n_outputs_ == 1:
            y_pred = y_pred.ravel()
            return np.vstack([1 - y_pred, y_pred]).T
        if self.out_activation_ == "logistic" and self._label_binarizer.y_type_ == "multiclass":
            total = y_pred.sum(axis=1, keepdims=True)
            np.divide(y_pred, total, out=y_pred, where=total > 0)
            y_pred[total[:, 0] == 0] = 1.0 / y_pred.shape[1]
        return y_pred

    @docstring(parameters=PARAMETERS_X)
    def predict_log_proba(self, X):
        """Logarithm of the probability estimates.

        ${parameters}

        Returns
        -------
        log_y_prob : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``.
        """
        y_prob = self.predict_proba(X)
        return np.log(y_prob, out=y_prob)

    def to_sklearn(self):
        """Export to a fitted :class:`~sklearn.neural_network.MLPClassifier`.

        Pruned weights are stored as zeros and ``predict`` is identical. A
        ``loss='squared_error'`` network keeps its logistic outputs, so its
        exported ``predict_proba`` returns those outputs unnormalised.

        Returns
        -------
        mlp : MLPClassifier
        """
        if self.loss == "squared_error" and getattr(self, "n_outputs_", 1) > 1:
            warnings.warn(
                "A loss='squared_error' classifier exports with logistic outputs: "
                "predict is identical, predict_proba returns the outputs "
                "unnormalised.",
                UserWarning,
                stacklevel=2,
            )
        return super().to_sklearn()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
