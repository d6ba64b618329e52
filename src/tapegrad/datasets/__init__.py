"""Small real data sets shipped inside tapegrad (no network access needed).

``fetch_california_housing`` returns the same arrays, names and target units as
scikit-learn's loader of the same name, from a compressed copy of the 1990
census table stored in the package.
"""

from ._california import Bunch, fetch_california_housing

__all__ = ["Bunch", "fetch_california_housing"]
