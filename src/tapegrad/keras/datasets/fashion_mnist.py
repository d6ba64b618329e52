"""Fashion-MNIST: 60,000 training and 10,000 test images of clothes, 28x28 uint8, 10 classes
(0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag,
9 Ankle boot)."""

import gzip
import os

import numpy as np

from .._file_utils import get_file
from . import _common

FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")


def load_data():
    """Loads Fashion-MNIST from its four gzipped IDX files (downloaded once).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images (n, 28, 28), uint8 labels.
    """
    paths = [get_file(name, origin=_common.ORIGIN_FOLDER + name,
                      cache_subdir=os.path.join("datasets", "fashion-mnist")) for name in FILES]
    out = []
    for labels_path, images_path in (paths[:2], paths[2:]):
        with gzip.open(labels_path, "rb") as f:
            y = np.frombuffer(f.read(), np.uint8, offset=8)
        with gzip.open(images_path, "rb") as f:
            x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(len(y), 28, 28)
        out.append((x, y))
    return tuple(out)
