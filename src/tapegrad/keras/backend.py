"""`keras.backend`: the float type, epsilon, layer names and the random stream Keras draws from."""

import functools
import re
import weakref

import tapegrad as tf

from ._settings import epsilon, floatx, set_epsilon, set_floatx
from .promotion import result_type

__all__ = [
    "clear_session",
    "epsilon",
    "floatx",
    "result_type",
    "set_epsilon",
    "set_floatx",
    "unique_name",
]

_NAMES = {}


@functools.lru_cache(maxsize=1024)  # a few class names, converted at every construction
def to_snake_case(name):
    """A class name in snake case, as Keras 3 names layers, metrics, losses and optimizers
    (its `utils.naming.to_snake_case`): "BatchNormalization" -> "batch_normalization",
    "Conv2D" -> "conv2d", "RMSprop" -> "rm_sprop"."""
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(prefix):
    """`prefix` the first time, then `prefix_1`, `prefix_2`, ... (as Keras names layers)."""
    count = _NAMES.get(prefix, 0)
    _NAMES[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def clear_session():
    """Resets the layer-name counters, so that new layers are named "dense", "dense_1", ..."""
    _NAMES.clear()


def rng():
    """The NumPy generator behind initializers, dropout and shuffling: tapegrad.random's, so
    `keras.utils.set_random_seed` (or `tf.random.set_seed`) makes them repeatable."""
    return tf.random.generator()


# Keras's `_keras_logits`: the softmax and sigmoid activations remember the logits each output
# came from, and the cross-entropies compute from those logits instead of the clipped
# probabilities (exact where the probabilities saturate, and a gradient that does not vanish
# there). tapegrad's tensors have no attribute dictionary, so the record is kept here, keyed by
# the output's id and dropped when the output is freed.
_LOGITS = {}


def remember_logits(output, logits):
    """Records that `output` was computed by softmax or sigmoid from `logits`; returns `output`."""
    key = id(output)

    def forget(ref):
        if _LOGITS.get(key, (None,))[0] is ref:
            del _LOGITS[key]

    _LOGITS[key] = (weakref.ref(output, forget), logits)
    return output


def logits_of(output):
    """The logits `output` was computed from by softmax or sigmoid, or None."""
    entry = _LOGITS.get(id(output))
    if entry is not None and entry[0]() is output:
        return entry[1]
    return None


def backend():
    """The name of the backend Keras programs see: "tensorflow" (tapegrad stands in for it)."""
    return "tensorflow"


def get_uid(prefix=""):
    """1 the first time for a prefix, then 2, 3, ... (the counter behind layer names)."""
    name = unique_name(prefix)
    return 1 if name == prefix else int(name.rsplit("_", 1)[1]) + 1


_IMAGE_DATA_FORMAT = ["channels_last"]


def image_data_format():
    """ "channels_last" unless changed by `set_image_data_format`."""
    return _IMAGE_DATA_FORMAT[0]


def set_image_data_format(data_format):
    """Sets the default image layout: "channels_last" or "channels_first"."""
    if data_format is None:  # None means the current format elsewhere, not here
        raise ValueError("The `data_format` argument must be one of {'channels_first', "
                         "'channels_last'}. Received: data_format=None")
    _IMAGE_DATA_FORMAT[0] = standardize_data_format(data_format)


def standardize_data_format(data_format):
    """`data_format`, or `image_data_format()` for None, as Keras 3's.

    Raises:
        ValueError: for a value other than "channels_first" and "channels_last".
    """
    fmt = data_format or image_data_format()
    if fmt not in ("channels_first", "channels_last"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format}"
        )
    return fmt


def is_float_dtype(dtype):
    """Whether `dtype` is a floating type."""
    return "float" in standardize_dtype(dtype)


def is_int_dtype(dtype):
    """Whether `dtype` is an integer type."""
    return standardize_dtype(dtype).startswith(("int", "uint"))


def standardize_dtype(dtype):
    """A dtype's name as Keras writes it ("float32"): None is `floatx()`, Python's int is
    int64 and float float32 (Keras's TensorFlow backend), anything else by `tf.as_dtype`."""
    if dtype is None:
        return floatx()
    if isinstance(dtype, type) and dtype in _PYTHON_DTYPES:
        return _PYTHON_DTYPES[dtype]
    if isinstance(dtype, str) and dtype in ("float", "int"):  # (NumPy's dtypes equal "float")
        return "float32" if dtype == "float" else "int64"
    return tf.as_dtype(dtype).name


_PYTHON_DTYPES = {bool: "bool", int: "int64", float: "float32", complex: "complex128"}

