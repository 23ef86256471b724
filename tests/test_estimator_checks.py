"""scikit-learn's estimator checks over every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skprune.model_selection import PrunerCV
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
    PrunerCV(),
    PrunerCV(OBDPruner(PrunableMLPRegressor(), retrain_iter=2), sparsities=[0.3, 0.6], cv=3),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
