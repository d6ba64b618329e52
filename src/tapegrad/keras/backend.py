"""`keras.backend`: the float type, epsilon, layer names and the random stream Keras draws from."""

import re
import weakref

import tapegrad as tf

__all__ = [
    "clear_session",
    "epsilon",
    "floatx",
    "result_type",
    "set_epsilon",
    "set_floatx",
    "unique_name",
]

_FLOATX = "float32"
_EPSILON = 1e-7
_NAMES = {}


def floatx():
    """The default float dtype of layers, weights and metrics: "float32" unless changed."""
    return _FLOATX


def set_floatx(value):
    """Sets the default float dtype ("float16", "float32" or "float64")."""
    global _FLOATX
    if value not in ("float16", "float32", "float64"):
        raise ValueError(f"set_floatx: unknown float type {value!r}; use float16, 32 or 64")
    _FLOATX = value


def epsilon():
    """The fuzz factor used to keep logarithms and divisions finite (1e-7)."""
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = float(value)


def to_snake_case(name):
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


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


# Last: keras/promotion.py reads floatx() from this module.
from .promotion import result_type  # noqa: E402
