"""scikit-learn's estimator checks over every public estimator (found, not listed)."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skprune import OBSPruner, PrunableMLPRegressor, UnitRemovalPruner

from _estimators import check_instances

# Options whose code paths the defaults do not reach.
VARIANTS = [
    OBSPruner(PrunableMLPRegressor(), method="layerwise"),
    UnitRemovalPruner(PrunableMLPRegressor(), criterion="error"),
]


@parametrize_with_checks(check_instances() + VARIANTS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
