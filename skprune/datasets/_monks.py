"""The MONK's problems (Thrun et al. 1991)."""

import itertools
from pathlib import Path

import numpy as np
from sklearn.datasets import get_data_home
from sklearn.utils import Bunch, check_random_state

# Values of the six attributes a1..a6.
ATTRIBUTE_VALUES = ((1, 2, 3), (1, 2, 3), (1, 2), (1, 2, 3), (1, 2, 3, 4), (1, 2))
ATTRIBUTE_NAMES = tuple(f"a{i}" for i in range(1, 7))

_DESCR = """MONK's problems (Thrun et al. 1991)
==================================

Three binary problems over six discrete attributes (432 possible inputs):

- MONK-1: (a1 == a2) or (a5 == 1)
- MONK-2: exactly two of the six attributes take their first value
- MONK-3: (a5 == 3 and a4 == 1) or (a5 != 4 and a2 != 3); its training set
  has 5% of its labels flipped

The training sets are the original UCI files (class, a1..a6, id); the test
set of each problem is the full 432-input space labelled by its rule.
With ``one_hot=True`` every attribute is one-hot encoded (17 inputs), the
encoding of the pruning literature (Hassibi & Stork 1993).
"""


def monks_rule(problem, A):
    """Labels of the rule of MONK-``problem`` for attribute rows ``A`` (n, 6)."""
    A = np.asarray(A)
    a1, a2, a3, a4, a5, a6 = A.T
    if problem == 1:
        return ((a1 == a2) | (a5 == 1)).astype(int)
    if problem == 2:
        return ((A == 1).sum(axis=1) == 2).astype(int)
    if problem == 3:
        return (((a5 == 3) & (a4 == 1)) | ((a5 != 4) & (a2 != 3))).astype(int)
    raise ValueError(f"problem must be 1, 2 or 3, got {problem!r}.")


def _one_hot(A):
    columns = [(A[:, [i]] == np.array(values)[None, :]) for i, values in enumerate(ATTRIBUTE_VALUES)]
    return np.hstack(columns).astype(np.float64)


def _feature_names(one_hot):
    if not one_hot:
        return list(ATTRIBUTE_NAMES)
    return [f"{name}={v}" for name, values in zip(ATTRIBUTE_NAMES, ATTRIBUTE_VALUES) for v in values]


def _find_file(problem, data_home):
    home = Path(get_data_home() if data_home is None else data_home).expanduser()
    name = f"monks-{problem}.train"
    for candidate in (home / name, home / "monks" / name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"{name} was not found in {home} (nor in {home / 'monks'}). Put the original "
        "UCI file there (its lines read: class a1 a2 a3 a4 a5 a6 id), or pass "
        "data_home=<the folder that holds it>."
    )


def _read_uci(path):
    rows = [line.split() for line in Path(path).read_text().splitlines() if line.strip()]
    table = np.array([[int(v) for v in row[:7]] for row in rows])
    if table.shape[1] != 7:
        raise ValueError(f"{path} is not in the UCI MONK's format (class a1..a6 id).")
    return table[:, 1:], table[:, 0]


def _result(A, y, one_hot, return_X_y):
    X = _one_hot(A) if one_hot else A.astype(np.int64)
    if return_X_y:
        return X, y
    return Bunch(
        data=X, target=y, feature_names=_feature_names(one_hot),
        target_names=np.array([0, 1]), attributes=A, DESCR=_DESCR,
    )


def load_monks(problem, *, subset="train", data_home=None, return_X_y=False, one_hot=True):
    """Load one of the MONK's problems.

    Parameters
    ----------
    problem : {1, 2, 3}
    subset : {"train", "test"}, default="train"
        "train" reads the original UCI file ``monks-{problem}.train``; "test"
        is the full 432-input space labelled by the problem's rule (no noise,
        no file needed).
    data_home : str or path, default=None
        Folder holding the file (directly or in a ``monks`` sub-folder); None
        means scikit-learn's :func:`~sklearn.datasets.get_data_home`.
    return_X_y : bool, default=False
        Return ``(X, y)`` instead of a Bunch.
    one_hot : bool, default=True
        One-hot encode the attributes (17 features) instead of the six raw
        values.

    Returns
    -------
    data : Bunch
        ``data``, ``target``, ``feature_names``, ``target_names``,
        ``attributes`` (the raw a1..a6 values) and ``DESCR``.
    (X, y) : tuple, if ``return_X_y``

    Examples
    --------
    >>> from skprune.datasets import load_monks
    >>> X, y = load_monks(1, subset="test", return_X_y=True)
    >>> X.shape, int(y.sum())
    ((432, 17), 216)
    """
    if problem not in (1, 2, 3):
        raise ValueError(f"problem must be 1, 2 or 3, got {problem!r}.")
    if subset == "test":
        A = np.array(list(itertools.product(*ATTRIBUTE_VALUES)))
        y = monks_rule(problem, A)
    elif subset == "train":
        A, y = _read_uci(_find_file(problem, data_home))
    else:
        raise ValueError(f"subset must be 'train' or 'test', got {subset!r}.")
    return _result(A, y, one_hot, return_X_y)


def make_monks(problem, n_samples=124, *, noise=0.0, one_hot=True, random_state=None):
    """Generate a MONK's problem: random attributes labelled by the rule.

    Parameters
    ----------
    problem : {1, 2, 3}
    n_samples : int, default=124
    noise : float in [0, 1], default=0.0
        Fraction of labels flipped (MONK-3's training set has 0.05).
    one_hot : bool, default=True
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    X : ndarray of shape (n_samples, 17) or (n_samples, 6)
    y : ndarray of shape (n_samples,)

    Examples
    --------
    >>> from skprune.datasets import make_monks
    >>> X, y = make_monks(3, 100, noise=0.05, random_state=0)
    >>> X.shape
    (100, 17)
    """
    if problem not in (1, 2, 3):
        raise ValueError(f"problem must be 1, 2 or 3, got {problem!r}.")
    if not 0.0 <= noise <= 1.0:
        raise ValueError(f"noise must be in [0, 1], got {noise!r}.")
    rng = check_random_state(random_state)
    A = np.column_stack([rng.choice(values, size=n_samples) for values in ATTRIBUTE_VALUES])
    y = monks_rule(problem, A)
    flip = rng.permutation(n_samples)[: int(round(noise * n_samples))]
    y[flip] = 1 - y[flip]
    return _result(A, y, one_hot, return_X_y=True)
