"""What the optimizer modules share: their default names, warnings that point at the user's
line, and Keras's arithmetic on Python constants (cast as TensorFlow casts them)."""

import collections
import os
import sys
import warnings

import numpy as np

from ... import as_dtype
from .. import backend

__all__ = ["auto_name", "constant_slots", "is_number", "keras_cast", "scalar_pow", "warn"]

_NAME_UIDS = collections.Counter()


def auto_name(cls_name):
    # Keras's `auto_name`: snake_case of the class name, then "_1", "_2", ... for later ones.
    name = backend.to_snake_case(cls_name)
    uid = _NAME_UIDS[name]
    _NAME_UIDS[name] += 1
    return f"{name}_{uid}" if uid else name


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def warn(message, category=UserWarning):
    # Point the warning at the first caller outside tapegrad: the user's line is named, and a
    # DeprecationWarning raised from `__main__` is shown by Python's default filters.
    level, frame = 2, sys._getframe(1)
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def keras_cast(value, t):
    """A Python float cast to NumPy type `t` as Keras's `ops.cast` does it: TensorFlow first
    makes the float a float32 tensor, so a float64 variable sees float32-rounded constants."""
    return t(np.float32(value))


def constant_slots(value):
    """An initializer of slots filled with `value`, cast as Keras's `Constant` casts it (as
    `ops.cast`: float32 first)."""
    def initializer(shape, dtype):
        return np.full(shape, keras_cast(value, as_dtype(dtype).as_numpy_dtype))

    return initializer


def is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def scalar_pow(base, exponent):
    """`base ** exponent` for NumPy scalars, in base's type, as TensorFlow's scalar pow gives
    it: in float32 the float64 power rounded once, not NumPy's float32 powf."""
    return type(base)(float(base) ** float(exponent))
