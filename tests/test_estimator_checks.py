"""scikit-learn's estimator checks over every public estimator (found, not listed)."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skprune import OBSPruner, PrunableMLPRegressor, UnitRemovalPruner

from _estimators import check_instances

# Options whose code paths the defaults do not reach.
VARIANTS = [
    OBSPruner(PrunableMLPRegressor(), method="layerwise"),
    UnitRemovalPruner(PrunableMLPRegressor(), criterion="error"),
]


# The checks feed bad input on purpose: PrunerCV, as GridSearchCV, warns that
# folds failed (FitFailedWarning, "Scoring failed"), and scikit-learn says which
# checks do not apply (SkipTestWarning), casts NaN in its own array check, and
# (1.6) hands a 5-fold search classes of 4 samples.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.FitFailedWarning")
@pytest.mark.filterwarnings("ignore:Scoring failed:UserWarning")
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")
@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:The least populated class in y:UserWarning")  # 1.6: 5 folds, 4-member classes
@parametrize_with_checks(check_instances() + VARIANTS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
