"""Finding skprune's public estimators, so that tests need no hand-kept lists."""

import importlib
import inspect
import pkgutil

from sklearn.base import BaseEstimator


def all_estimators():
    """The public estimator classes of skprune, as sorted ``(name, class)`` pairs.

    Every class named in the ``__all__`` of a public module (no part of its
    dotted name starting with an underscore) that is a scikit-learn
    estimator and not an abstract base (``Base...``).

    Examples
    --------
    >>> from skprune._discovery import all_estimators
    >>> "OBSPruner" in dict(all_estimators())
    True
    """
    import skprune

    modules = [skprune]
    for info in pkgutil.walk_packages(skprune.__path__, "skprune."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            modules.append(importlib.import_module(info.name))
    found = {}
    for module in modules:
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if inspect.isclass(obj) and issubclass(obj, BaseEstimator) and not name.startswith("Base"):
                found[name] = obj
    return sorted(found.items())
