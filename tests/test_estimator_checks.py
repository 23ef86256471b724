"""scikit-learn's estimator checks over every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skprune import (
    MagnitudePruner,
    OBDPruner,
    OBSPruner,
    PrunableMLPClassifier,
    PrunableMLPRegressor,
    UnitRemovalPruner,
)

ESTIMATORS = [
    PrunableMLPClassifier(),
    PrunableMLPRegressor(),
    MagnitudePruner(),
    OBDPruner(),
    OBDPruner(PrunableMLPRegressor()),
    OBSPruner(),
    OBSPruner(PrunableMLPRegressor(), method="layerwise"),
    UnitRemovalPruner(),
    UnitRemovalPruner(PrunableMLPRegressor(), criterion="error"),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
