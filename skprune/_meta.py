"""Glue shared by the meta-estimators: delegation, tags, seeding, doc templates."""

import copy
import re

import numpy as np
from sklearn.utils import check_random_state, get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


def fill_doc(template, **parts):
    """``template`` with every ``${name}`` replaced by ``parts[name]``.

    A part's continuation lines are indented as the placeholder is, so one
    part serves doc strings at any depth. Raises ``KeyError`` if the
    template names a part that is not given and ``ValueError`` if a part is
    given that the template does not use, so a doc string cannot silently
    lose a section when its template changes.

    Examples
    --------
    >>> fill_doc("Fit ${what}.", what="the network")
    'Fit the network.'
    """
    used = set(_PLACEHOLDER.findall(template))
    missing = used - set(parts)
    if missing:
        raise KeyError(f"No text given for the placeholders {sorted(missing)}.")
    unused = set(parts) - used
    if unused:
        raise ValueError(f"The template has no placeholders {sorted(unused)}.")

    def substitute(match):
        line_start = template.rfind("\n", 0, match.start()) + 1
        indent = template[line_start:match.start()]
        indent = indent if indent.isspace() else ""
        return parts[match.group(1)].replace("\n", "\n" + indent)

    return _PLACEHOLDER.sub(substitute, template)


def docstring(**parts):
    """Decorator: fill the ``${name}`` placeholders of a function's doc string."""

    def decorate(function):
        if function.__doc__ is not None:  # None under ``python -OO``
            function.__doc__ = fill_doc(function.__doc__, **parts)
        return function

    return decorate


# Doc string parts shared by many methods (placeholders of :func:`docstring`).
PARAMETERS_X = """Parameters
----------
X : {array-like, sparse matrix} of shape (n_samples, n_features)
    The input samples."""

PARAMETERS_X_Y = """Parameters
----------
X : {array-like, sparse matrix} of shape (n_samples, n_features)
    The input samples.
y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    The target values."""

PARAMETERS_X_Y_WEIGHT = """Parameters
----------
X : {array-like, sparse matrix} of shape (n_samples, n_features)
    The input samples.
y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    The target values.
sample_weight : array-like of shape (n_samples,), default=None
    Sample weights."""


def inherit_tags(tags, inner):
    """A meta-estimator's tags: classifier or regressor, sparse input, as ``inner``."""
    inner_tags = get_tags(inner)
    tags.estimator_type = inner_tags.estimator_type
    tags.classifier_tags = copy.deepcopy(inner_tags.classifier_tags)
    tags.regressor_tags = copy.deepcopy(inner_tags.regressor_tags)
    tags.input_tags.sparse = inner_tags.input_tags.sparse
    return tags


def seed_unseeded(estimator, random_state):
    """Give ``estimator`` an integer ``random_state`` drawn from ``random_state``.

    Only when the estimator has none of its own and ``random_state`` is not
    None; the estimator is changed in place and returned.
    """
    if estimator.get_params().get("random_state", 0) is None and random_state is not None:
        seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
        estimator.set_params(random_state=seed)
    return estimator


def _delegate_has(attr):
    """Whether the fitted delegate (or, unfitted, the template) has ``attr``."""

    def check(self):
        if hasattr(self, self._delegate_attribute):
            return hasattr(getattr(self, self._delegate_attribute), attr)
        return self._will_delegate() and hasattr(self._template(), attr)

    return check


class DelegatingMixin:
    """``predict``, ``predict_proba``, ``predict_log_proba`` and ``score`` of a delegate.

    The fitted delegate is the attribute named by ``_delegate_attribute``; before
    fitting, the methods exist where ``_template()`` has them (and
    ``_will_delegate()`` is true), as :func:`~sklearn.utils.metaestimators.available_if`
    expects.
    """

    _delegate_attribute = "estimator_"

    def _will_delegate(self):
        return True

    def _delegate(self):
        check_is_fitted(self, self._delegate_attribute)
        return getattr(self, self._delegate_attribute)

    @available_if(_delegate_has("predict"))
    @docstring(parameters=PARAMETERS_X)
    def predict(self, X):
        """Predict with the fitted delegate (the pruned network).

        ${parameters}

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predicted class labels or values.
        """
        return self._delegate().predict(X)

    @available_if(_delegate_has("predict_proba"))
    @docstring(parameters=PARAMETERS_X)
    def predict_proba(self, X):
        """Class probabilities of the fitted delegate.

        ${parameters}

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_``.
        """
        return self._delegate().predict_proba(X)

    @available_if(_delegate_has("predict_log_proba"))
    @docstring(parameters=PARAMETERS_X)
    def predict_log_proba(self, X):
        """Log class probabilities of the fitted delegate.

        ${parameters}

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Logarithm of :meth:`predict_proba`.
        """
        return self._delegate().predict_log_proba(X)

    @available_if(_delegate_has("score"))
    @docstring(parameters=PARAMETERS_X_Y_WEIGHT)
    def score(self, X, y, sample_weight=None):
        """Score of the fitted delegate: accuracy for classifiers, R^2 for regressors.

        ${parameters}

        Returns
        -------
        score : float
        """
        return self._delegate().score(X, y, sample_weight=sample_weight)

    def __sklearn_tags__(self):
        return inherit_tags(super().__sklearn_tags__(), self._template())
