"""tapegrad.datasets.fetch_california_housing against scikit-learn's loader."""

import os
import pickle

import numpy as np
import pytest

from tapegrad.datasets import Bunch, fetch_california_housing

FEATURES = [
    "MedInc",
    "HouseAge",
    "AveRooms",
    "AveBedrms",
    "Population",
    "AveOccup",
    "Latitude",
    "Longitude",
]
# scikit-learn's documented first row
FIRST_ROW = [8.3252, 41.0, 6.984127, 1.023810, 322.0, 2.555556, 37.88, -122.23]
FIRST_TARGET = 4.526

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_CSV_CANDIDATES = [
    os.path.join(_ROOT, "..", "shared", "data", "cal_housing.csv"),
    os.path.join(_ROOT, "shared", "data", "cal_housing.csv"),
]


@pytest.fixture(scope="module")
def housing():
    return fetch_california_housing()


def test_shapes_and_dtypes(housing):
    assert housing.data.shape == (20640, 8)
    assert housing.target.shape == (20640,)
    assert housing.data.dtype == np.float64
    assert housing.target.dtype == np.float64
    assert np.all(np.isfinite(housing.data))
    assert np.all(np.isfinite(housing.target))


def test_names(housing):
    assert housing.feature_names == FEATURES
    assert housing.target_names == ["MedHouseVal"]


def test_first_row(housing):
    np.testing.assert_allclose(housing.data[0], FIRST_ROW, rtol=0, atol=1e-6)
    assert housing.target[0] == pytest.approx(FIRST_TARGET, abs=1e-12)


def test_formulas_and_ranges(housing):
    X, y = housing.data, housing.target
    # integers in the census table stay integers
    assert np.array_equal(X[:, 1], np.round(X[:, 1]))
    assert np.array_equal(X[:, 4], np.round(X[:, 4]))
    assert X[:, 1].min() == 1 and X[:, 1].max() == 52
    assert 32 < X[:, 6].min() and X[:, 6].max() < 42.1
    assert -124.4 < X[:, 7].min() and X[:, 7].max() < -114.3
    assert y.min() == pytest.approx(0.14999) and y.max() == pytest.approx(5.00001)
    # AveBedrms <= AveRooms, both positive
    assert np.all(X[:, 3] > 0) and np.all(X[:, 3] <= X[:, 2])
    # the means scikit-learn users see (to 4 decimals)
    np.testing.assert_allclose(
        X.mean(axis=0),
        [3.8707, 28.6395, 5.4290, 1.0967, 1425.4767, 3.0707, 35.6319, -119.5697],
        atol=1e-4,
    )
    assert y.mean() == pytest.approx(2.0686, abs=1e-4)


def test_bunch_attributes(housing):
    assert isinstance(housing, Bunch)
    assert isinstance(housing, dict)
    for key in ("data", "target", "feature_names", "target_names", "DESCR", "frame"):
        assert key in housing
        assert getattr(housing, key) is housing[key]
    assert housing.frame is None
    assert isinstance(housing.DESCR, str) and "California" in housing.DESCR
    assert "MedInc" in housing.DESCR
    with pytest.raises(AttributeError):
        housing.no_such_key
    b = Bunch(a=1)
    b.c = 3
    assert b["c"] == 3
    assert "a" in dir(b)
    b2 = pickle.loads(pickle.dumps(b))
    assert b2 == {"a": 1, "c": 3} and b2.a == 1


def test_return_X_y(housing):
    X, y = fetch_california_housing(return_X_y=True)
    assert isinstance(X, np.ndarray) and isinstance(y, np.ndarray)
    np.testing.assert_array_equal(X, housing.data)
    np.testing.assert_array_equal(y, housing.target)


def test_each_call_returns_fresh_arrays():
    a = fetch_california_housing()
    a.data[0, 0] = -1.0
    b = fetch_california_housing()
    assert b.data[0, 0] == pytest.approx(8.3252)


def test_compat_arguments_are_accepted():
    X, y = fetch_california_housing(
        data_home="/nonexistent/never/created", download_if_missing=False, return_X_y=True
    )
    assert X.shape == (20640, 8)
    assert not os.path.exists("/nonexistent/never/created")
    with pytest.raises(TypeError):
        fetch_california_housing(None)  # keyword-only, as in scikit-learn


def test_as_frame():
    try:
        import pandas as pd  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pip install pandas"):
            fetch_california_housing(as_frame=True)
        return
    h = fetch_california_housing(as_frame=True)
    assert list(h.data.columns) == FEATURES
    assert h.target.name == "MedHouseVal"
    assert list(h.frame.columns) == FEATURES + ["MedHouseVal"]
    assert h.frame.shape == (20640, 9)
    np.testing.assert_allclose(h.data.iloc[0].to_numpy(), FIRST_ROW, atol=1e-6)
    X, y = fetch_california_housing(as_frame=True, return_X_y=True)
    assert X.shape == (20640, 8) and y.shape == (20640,)


def test_identical_to_scikit_learn_procedure_on_the_csv(housing):
    """Bit-for-bit equal to scikit-learn's computation on the census table."""
    csv = next((p for p in _CSV_CANDIDATES if os.path.exists(p)), None)
    if csv is None:
        pytest.skip("shared/data/cal_housing.csv not available")
    raw = np.loadtxt(csv, delimiter=",", skiprows=1)
    cal = raw[:, [8, 7, 2, 3, 4, 5, 6, 1, 0]]
    target, data = cal[:, 0], cal[:, 1:]
    data[:, 2] /= data[:, 5]
    data[:, 3] /= data[:, 5]
    data[:, 5] = data[:, 4] / data[:, 5]
    target = target / 100000.0
    assert np.array_equal(housing.data.view(np.int64), data.view(np.int64))
    assert np.array_equal(housing.target.view(np.int64), target.view(np.int64))
