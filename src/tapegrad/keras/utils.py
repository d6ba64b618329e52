"""`keras.utils`: seeding, the progress bar, one-hot labels, the data utilities (`PyDataset`,
`get_file`, `split_dataset`, `image_dataset_from_directory`,
`timeseries_dataset_from_array`, ...) and the image files'
(`load_img`, `save_img`, `array_to_img`, `img_to_array`, through Pillow)."""

import random

import numpy as np

import tapegrad as tf

from . import backend
from ._data_utils import (
    PyDataset,
    Sequence,
    pack_x_y_sample_weight,
    pad_sequences,
    split_dataset,
    unpack_x_y_sample_weight,
)
from ._directory_datasets import (
    audio_dataset_from_directory,
    image_dataset_from_directory,
    text_dataset_from_directory,
)
from ._file_utils import get_file
from ._image_utils import array_to_img, img_to_array, load_img, save_img
from ._progbar import Progbar
from ._timeseries import timeseries_dataset_from_array
from .ops import normalize as _ops_normalize

# Keras 3 also exports the registry of custom objects here.
from .saving.object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from .saving.serialization_lib import deserialize_keras_object, serialize_keras_object

__all__ = [
    "audio_dataset_from_directory",
    "CustomObjectScope", "Progbar", "PyDataset", "Sequence", "array_to_img", "clear_session",
    "custom_object_scope", "deserialize_keras_object", "get_custom_objects", "get_file",
    "get_registered_name", "get_registered_object", "image_dataset_from_directory",
    "img_to_array", "load_img", "pad_sequences", "register_keras_serializable", "save_img",
    "serialize_keras_object", "set_random_seed", "split_dataset", "text_dataset_from_directory",
    "normalize", "timeseries_dataset_from_array", "to_categorical", "pack_x_y_sample_weight",
    "unpack_x_y_sample_weight",
]


def set_random_seed(seed):
    """Seeds everything tapegrad and Keras draw from: Python's `random`, NumPy's global
    generator and `tapegrad.random` (behind initializers, dropout and shuffling)."""
    if not isinstance(seed, (int, np.integer)):
        raise ValueError(f"set_random_seed: expected an integer seed, got {seed!r}")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)
    tf.random.set_seed(seed)


def clear_session():
    """Resets Keras's layer-name counters."""
    backend.clear_session()


def normalize(x, axis=-1, order=2):
    """`x` divided by its `order`-norm along `axis` (Keras 3's): a NumPy array for a NumPy
    array (a zero norm divides by 1; the norm keeps at least one axis, as Keras's), else a
    tensor through `keras.ops.normalize` (the norm at least epsilon)."""
    if isinstance(x, np.ndarray):
        norm = np.atleast_1d(np.linalg.norm(x, order, axis))
        norm[norm == 0] = 1
        return x / np.expand_dims(norm, axis or -1)
    return _ops_normalize(x, axis=axis, order=order)


def to_categorical(x, num_classes=None):
    """One-hot encodes integer labels, as Keras 3: shape (n,) (or (n, 1)) -> (n, num_classes).

    A NumPy array or list gives a float64 array (Keras 3's dtype); a tensor gives a float32
    tensor (`tf.one_hot`). `num_classes` defaults to the largest label plus one.
    """
    if tf.is_tensor(x):
        if x.ndim > 1 and x.shape[-1] == 1:
            x = tf.squeeze(x, axis=-1)
        depth = int(tf.reduce_max(x)) + 1 if num_classes is None else int(num_classes)
        return tf.one_hot(x, depth)
    x = np.array(x, dtype=np.int64)
    if x.ndim > 1 and x.shape[-1] == 1:
        x = x[..., 0]
    num_classes = int(x.max()) + 1 if not num_classes else int(num_classes)
    if x.size and (x.min() < 0 or x.max() >= num_classes):
        raise ValueError(f"to_categorical: labels must be in [0, {num_classes}), got values "
                         f"from {x.min()} to {x.max()}")
    return (x[..., None] == np.arange(num_classes)).astype(np.float64)


def __getattr__(name):
    # plot_model and model_to_dot (keras/_plot.py) load on first use.
    if name in ("plot_model", "model_to_dot"):
        from . import _plot

        return getattr(_plot, name)
    raise AttributeError(f"module 'keras.utils' has no attribute {name!r}")
