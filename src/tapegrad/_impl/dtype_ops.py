"""`tf.dtypes.saturate_cast`: a cast that clips to the target's range first (TensorFlow's
limits, nudged toward zero where the source dtype cannot hold the target's bound exactly)."""

import numpy as np

from .._core import dtypes as _dt
from .._core.tensor import convert_to_tensor as _tensor
from .array_ops import cast
from .clip_ops import clip_by_value

__all__ = ["saturate_cast"]


def _limits(source, target):
    """The clip bounds, in the source dtype, that cast into `target` without overflow (as
    TensorFlow's math_ops.saturate_cast computes them)."""
    np_dtype = source.as_numpy_dtype
    try:
        promoted = np.promote_types(np_dtype, target.as_numpy_dtype)
    except TypeError:
        promoted = float
    with np.errstate(over="ignore", invalid="ignore"):  # as TensorFlow computes them
        low = np_dtype(np.maximum(source.min, target.min))
        if np.array([low, target.min], dtype=promoted)[0] < np.array(
                [low, target.min], dtype=promoted)[1]:
            low = np.nextafter(low, np_dtype(0), dtype=np_dtype)
        high = np_dtype(np.minimum(float(source.max), float(target.max)))
        pair = np.array([high, target.max], dtype=promoted)
        if pair[0] > pair[1]:
            high = np.nextafter(high, np_dtype(0), dtype=np_dtype)
    return low, high


def saturate_cast(value, dtype, name=None):
    """`value` clipped to the range of `dtype`, then cast to it (NaN casts as `tf.cast` does).

    Args:
        value: a real tensor.
        dtype: the target dtype (not bool).

    Raises:
        TypeError: a bool or string source or target.

    Example:
        >>> tf.dtypes.saturate_cast([-300.0, 3.7, 300.0], tf.uint8)  # [0, 3, 255]
    """
    x = _tensor(value)
    target = _dt.as_dtype(dtype)
    for d in (x.dtype, target):
        if not (d.is_floating or d.is_integer):
            raise TypeError(f"saturate_cast: cannot find the minimum value of {d.name}: "
                            f"give a numeric value and dtype (got {x.dtype.name} -> "
                            f"{target.name})")
    low, high = _limits(x.dtype, target)
    return cast(clip_by_value(x, _tensor(low, x.dtype), _tensor(high, x.dtype)), target)
