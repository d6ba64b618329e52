"""Boston housing prices: 506 samples of 13 features, the median home value (k$) as target."""

import numpy as np

from .._file_utils import get_file
from . import _common

FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Loads the data, shuffled with NumPy's RandomState(seed), the last `test_split` held out.

    Returns:
        `(x_train, y_train), (x_test, y_test)` as float64 arrays.
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"Invalid `test_split` argument: {test_split}. It must be between 0 "
                         "and 1 (exclusive of 1).")
    path = get_file(path, origin=f"{_common.ORIGIN_FOLDER}boston_housing.npz",
                    file_hash=FILE_HASH)
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
