"""CIFAR-100: 50,000 training and 10,000 test colour images, 32x32, 100 fine or 20 coarse
classes."""

import os

import numpy as np

from .._file_utils import get_file
from ._common import load_batch

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def load_data(label_mode="fine"):
    """Loads CIFAR-100 with "fine" (100) or "coarse" (20) labels.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images (n, 32, 32, 3), labels (n, 1).
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f'`label_mode` must be one of `"fine"`, `"coarse"`. Received: '
                         f"label_mode={label_mode}.")
    path = get_file(fname="cifar-100-python-target", origin=ORIGIN, extract=True,
                    file_hash=FILE_HASH)
    path = os.path.join(path, "cifar-100-python")
    out = []
    for name in ("train", "test"):
        x, y = load_batch(os.path.join(path, name), label_key=f"{label_mode}_labels")
        out.append((x.transpose(0, 2, 3, 1), np.reshape(y, (len(y), 1))))
    return tuple(out)
