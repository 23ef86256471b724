"""Every public estimator, found rather than listed, in the forms the suites need.

A new estimator or pruner exported from a public module is picked up by
``check_estimator``, the fuzz, robustness and persistence suites without any
edit here: pruners are recognised as subclasses of ``BasePruner`` and their
variants come from the string options of their own parameters.
"""

import inspect

from sklearn.utils._param_validation import StrOptions

from skprune import PrunableMLPClassifier, PrunableMLPRegressor
from skprune._discovery import all_estimators
from skprune.pruning import BasePruner

ESTIMATORS = dict(all_estimators())
PRUNERS = {name: cls for name, cls in ESTIMATORS.items() if issubclass(cls, BasePruner)}
NETWORKS = (PrunableMLPClassifier, PrunableMLPRegressor)

# Option combinations that a one-option-at-a-time sweep would not reach:
# method="auto" resolves to "full" on small networks.
EXTRA_VARIANTS = {
    "OBSPruner": [
        {"method": "layerwise", "layerwise_solver": "exact"},
        {"method": "layerwise", "layerwise_solver": "blockwise"},
    ],
}


def _options(cls):
    """``{parameter: values}`` of the string options a pruner adds to BasePruner's."""
    own = {
        name: constraints
        for name, constraints in cls._parameter_constraints.items()
        if name not in BasePruner._parameter_constraints
    }
    options = {}
    for name, constraints in own.items():
        for constraint in constraints:
            if isinstance(constraint, StrOptions):
                options[name] = sorted(constraint.options)
    return options


def pruner_variants():
    """``{label: (class, params)}``: each pruner once per value of each of its options."""
    variants = {}
    for name, cls in PRUNERS.items():
        variants[name] = (cls, {})
        for param, values in _options(cls).items():
            for value in values:
                variants[f"{name}-{param}={value}"] = (cls, {param: value})
        for params in EXTRA_VARIANTS.get(name, []):
            label = "-".join(f"{k}={v}" for k, v in params.items())
            variants[f"{name}-{label}"] = (cls, params)
    return variants


def level_params(cls, level):
    """The parameters that ask pruner ``cls`` for ``level`` of its own sparsity.

    A feature selector has no ``sparsity``: it is asked to keep the rest.
    """
    if "sparsity" in inspect.signature(cls).parameters:
        return {"sparsity": level}
    return {"n_features_to_select": min(max(1.0 - level, 0.01), 0.99)}


def check_instances():
    """Instances for ``check_estimator``: every estimator with its defaults, and
    every meta-estimator around a regressor too."""
    instances = []
    # a pruner that prunes a trained network: two epochs train nothing from scratch
    first_pruner = next(cls for cls in PRUNERS.values()
                        if "sparsity" in inspect.signature(cls).parameters and not cls._prunes_at_init)
    for name, cls in ESTIMATORS.items():
        instances.append(cls())
        params = inspect.signature(cls).parameters
        if "estimator" in params:
            instances.append(cls(PrunableMLPRegressor()))
        elif "pruner" in params:
            pruner = first_pruner(PrunableMLPRegressor(), retrain_iter=2)
            instances.append(cls(pruner, sparsities=[0.3, 0.6], cv=3))
    return instances
