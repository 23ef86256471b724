"""MONK's problems."""

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skprune.datasets import load_monks, make_monks
from skprune.datasets._monks import monks_rule

MONKS_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "monks"
needs_files = pytest.mark.skipif(
    not (MONKS_DIR / "monks-1.train").is_file(),
    reason="the UCI MONK's files are not beside the repository (../shared/data/monks)",
)


@needs_files
@pytest.mark.parametrize(
    "problem, n_rows, n_positive, n_noisy", [(1, 124, 62, 0), (2, 169, 64, 0), (3, 122, 60, 6)]
)
def test_training_sets(problem, n_rows, n_positive, n_noisy):
    bunch = load_monks(problem, data_home=MONKS_DIR)
    assert bunch.data.shape == (n_rows, 17)
    assert int(bunch.target.sum()) == n_positive
    assert int((monks_rule(problem, bunch.attributes) != bunch.target).sum()) == n_noisy
    assert bunch.feature_names[:4] == ["a1=1", "a1=2", "a1=3", "a2=1"]
    # one-hot: exactly one value per attribute
    assert_array_equal(bunch.data.sum(axis=1), np.full(n_rows, 6.0))
    X, y = load_monks(problem, data_home=MONKS_DIR.parent, return_X_y=True, one_hot=False)
    assert X.shape == (n_rows, 6) and X.min() == 1 and X.max() == 4
    assert_array_equal(y, bunch.target)


@pytest.mark.parametrize("problem, n_positive", [(1, 216), (2, 142), (3, 228)])
def test_test_sets_are_the_whole_space_labelled_by_the_rule(problem, n_positive):
    X, y = load_monks(problem, subset="test", return_X_y=True, data_home="/nonexistent")
    assert X.shape == (432, 17)
    assert len({tuple(row) for row in X}) == 432
    assert int(y.sum()) == n_positive


def test_missing_file_names_the_expected_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="monks-2.train"):
        load_monks(2, data_home=tmp_path)


def test_bad_arguments():
    with pytest.raises(ValueError, match="problem"):
        load_monks(4, subset="test")
    with pytest.raises(ValueError, match="subset"):
        load_monks(1, subset="validation")
    with pytest.raises(ValueError, match="noise"):
        make_monks(1, 10, noise=1.5)


@pytest.mark.parametrize("problem", [1, 2, 3])
def test_make_monks_follows_the_rule_and_flips_the_noise(problem):
    X, y = make_monks(problem, 400, one_hot=False, random_state=0)
    assert_array_equal(y, monks_rule(problem, X))
    X2, y2 = make_monks(problem, 400, one_hot=False, noise=0.05, random_state=0)
    assert_array_equal(X2, X)
    assert int((y2 != y).sum()) == 20
    X3, _ = make_monks(problem, 400, random_state=0)
    assert X3.shape == (400, 17)
