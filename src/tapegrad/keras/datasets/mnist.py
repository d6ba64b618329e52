"""MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28 uint8."""

import numpy as np

from .._file_utils import get_file
from . import _common

FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz"):
    """Loads MNIST (downloaded once into the Keras cache).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images of shape (n, 28, 28) and uint8
        labels 0-9.
    """
    path = get_file(fname=path, origin=f"{_common.ORIGIN_FOLDER}mnist.npz",
                    file_hash=FILE_HASH)
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
