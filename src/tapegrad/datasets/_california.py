"""California housing data set, loaded from the copy shipped in the package.

The result matches ``sklearn.datasets.fetch_california_housing``: the same eight
features in the same order, computed with the same float64 operations from the
same census values, and the target in units of $100,000.
"""

from __future__ import annotations

import os

import numpy as np

__all__ = ["Bunch", "fetch_california_housing"]

_DATA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "cal_housing.npz")

FEATURE_NAMES = [
    "MedInc",
    "HouseAge",
    "AveRooms",
    "AveBedrms",
    "Population",
    "AveOccup",
    "Latitude",
    "Longitude",
]
TARGET_NAMES = ["MedHouseVal"]

# The census table's columns, in the order of its CSV and of the packaged file's arrays
# (tools/build_california.py writes one integer array and one `__decimals` scale per column).
CSV_COLUMNS = (
    "longitude",
    "latitude",
    "housing_median_age",
    "total_rooms",
    "total_bedrooms",
    "population",
    "households",
    "median_income",
    "median_house_value",
)

DESCR = """\
.. _california_housing_dataset:

California Housing dataset
--------------------------

**Data Set Characteristics:**

:Number of Instances: 20640

:Number of Attributes: 8 numeric, predictive attributes and the target

:Attribute Information:
    - MedInc        median income in block group (tens of thousands of dollars)
    - HouseAge      median house age in block group (years)
    - AveRooms      average number of rooms per household
    - AveBedrms     average number of bedrooms per household
    - Population    block group population
    - AveOccup      average number of household members
    - Latitude      block group latitude
    - Longitude     block group longitude

:Missing Attribute Values: None

:Target: MedHouseVal, the median house value of the block group in units of
    $100,000 (from 0.14999 to 5.00001; values are capped at 5.00001).

The data come from the 1990 U.S. census, one row per census block group (the
smallest area for which the Census Bureau publishes sample data, typically
600 to 3,000 people). The table was published by R. Kelley Pace and Ronald
Barry and is distributed by the StatLib repository and by Luis Torgo's
regression data sets page. The averages per household (AveRooms, AveBedrms,
AveOccup) are the block group's totals divided by its number of households,
so they can be very large for block groups with few households and many
empty dwellings, such as holiday resorts.

tapegrad ships a compressed copy of the table inside the package; loading it
needs neither network access nor any library besides NumPy (pandas only for
``as_frame=True``). The arrays are identical to those of scikit-learn's
``fetch_california_housing``.

.. topic:: References

    - Pace, R. Kelley and Ronald Barry, Sparse Spatial Autoregressions,
      Statistics and Probability Letters, 33 (1997) 291-297
"""


class Bunch(dict):
    """A dict whose keys can also be read and written as attributes.

    Like ``sklearn.utils.Bunch``: ``b["data"]`` and ``b.data`` are the same.
    """

    def __init__(self, **kwargs):
        super().__init__(kwargs)

    def __setattr__(self, key, value):
        self[key] = value

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __delattr__(self, key):
        try:
            del self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __dir__(self):
        return list(self.keys()) + list(super().__dir__())


def load_table(path: str = _DATA_FILE) -> np.ndarray:
    """The census table as float64, columns as CSV_COLUMNS (tools/build_california.py checks
    its own output with this function)."""
    if not os.path.exists(path):
        raise OSError(
            f"tapegrad's California housing data file is missing ({path}); "
            "reinstall tapegrad or rebuild it with tools/build_california.py"
        )
    with np.load(path) as z:
        table = np.empty((len(z[CSV_COLUMNS[0]]), len(CSV_COLUMNS)), dtype=np.float64)
        for j, name in enumerate(CSV_COLUMNS):
            ints = z[name]
            decimals = int(z[name + "__decimals"])
            # exact: correctly rounded division gives the double nearest the decimal
            np.divide(ints, 10.0**decimals, out=table[:, j], dtype=np.float64)
    return table


def fetch_california_housing(
    *,
    data_home=None,
    download_if_missing=True,
    return_X_y=False,
    as_frame=False,
    n_retries=3,
    delay=1.0,
):
    """Load the California housing dataset (regression).

    ==============   ==============
    Samples total             20640
    Dimensionality                8
    Features                   real
    Target           real 0.15 - 5.
    ==============   ==============

    A drop-in replacement for ``sklearn.datasets.fetch_california_housing``
    that reads the copy shipped inside tapegrad instead of downloading.

    Parameters
    ----------
    data_home, download_if_missing, n_retries, delay :
        Accepted for compatibility with scikit-learn and ignored: the data are
        part of the package, so nothing is downloaded or cached.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame, ``target`` a Series named
        ``MedHouseVal`` and ``frame`` a DataFrame holding both (needs pandas).

    Returns
    -------
    Bunch with
        data : ndarray of shape (20640, 8), float64
            MedInc, HouseAge, AveRooms, AveBedrms, Population, AveOccup,
            Latitude, Longitude.
        target : ndarray of shape (20640,), float64
            Median house value in units of $100,000.
        feature_names : list of 8 str
        target_names : ["MedHouseVal"]
        frame : DataFrame or None
            Only set when ``as_frame=True``.
        DESCR : str
    (data, target) when ``return_X_y`` is True.
    """
    if as_frame:
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError(
                "fetch_california_housing with as_frame=True requires pandas: "
                "pip install pandas"
            ) from exc

    raw = load_table()
    # scikit-learn's column order: value, income, age, rooms, bedrooms,
    # population, households, latitude, longitude
    cal_housing = raw[:, [8, 7, 2, 3, 4, 5, 6, 1, 0]]
    target, data = cal_housing[:, 0], cal_housing[:, 1:]

    # the same float64 operations as scikit-learn
    data[:, 2] /= data[:, 5]  # AveRooms = total rooms / households
    data[:, 3] /= data[:, 5]  # AveBedrms = total bedrooms / households
    data[:, 5] = data[:, 4] / data[:, 5]  # AveOccup = population / households
    target = target / 100000.0  # in units of 100,000

    data = np.ascontiguousarray(data)
    feature_names = list(FEATURE_NAMES)
    target_names = list(TARGET_NAMES)

    X, y, frame = data, target, None
    if as_frame:
        data_df = pd.DataFrame(data, columns=feature_names, copy=False)
        target_df = pd.DataFrame(target, columns=target_names)
        frame = pd.concat([data_df, target_df], axis=1)
        X = frame[feature_names]
        y = frame[target_names].iloc[:, 0]

    if return_X_y:
        return X, y

    return Bunch(
        data=X,
        target=y,
        frame=frame,
        target_names=target_names,
        feature_names=feature_names,
        DESCR=DESCR,
    )
