"""`tf.math.divide_no_nan`, `multiply_no_nan`, `xdivy`, `xlogy` and `xlog1py`: 0 where one
operand is 0, whatever the other (their primitives and TensorFlow's gradients: `ops/guarded.py`)."""

import numpy as np

from .._core.bind import bind as _bind
from .._core.tensor import convert_to_tensor as _tensor
from .._core.tensor import is_tensor as _is_tensor
from ..ops import guarded as _g
from .array_ops import cast

__all__ = ["divide_no_nan", "multiply_no_nan", "xdivy", "xlog1py", "xlogy"]

# TensorFlow's _TRUEDIV_TABLE: integers divide as floats (small ones as float32).
_TRUEDIV = {
    "uint8": np.float32, "int8": np.float32, "uint16": np.float32, "int16": np.float32,
    "uint32": np.float64, "int32": np.float64, "uint64": np.float64, "int64": np.float64,
}


def _same_dtype(op, x, y):
    """x and y as tensors of one dtype, converted as TensorFlow's wrapper converts them (a
    Python number takes the tensor's dtype).

    Raises:
        TypeError: for tensors of two dtypes.
    """
    if not _is_tensor(x) and _is_tensor(y):
        y = _tensor(y)
        x = _tensor(x, dtype_hint=y.dtype)
    else:
        x = _tensor(x)
        y = _tensor(y, dtype_hint=x.dtype)
    if x.dtype != y.dtype:
        raise TypeError(f"tf.math.{op}: `x` and `y` must have the same dtype, got "
                        f"{x.dtype.name} != {y.dtype.name}; cast one of them with tf.cast.")
    return x, y


def divide_no_nan(x, y, name=None):
    """x / y elementwise, and 0 where y is 0 (even where x is NaN or infinite). Integers divide
    as floats, as `tf.math.divide`.

    Its gradients are TensorFlow's: divide_no_nan(g, y) for x and
    g * divide_no_nan(divide_no_nan(-x, y), y) for y, so 0 where y is 0.

    Raises:
        TypeError: for x and y of two dtypes, or of a dtype that does not divide (bool).

    Example:
        >>> tapegrad.math.divide_no_nan([3.0, 1.0], [2.0, 0.0]).numpy().tolist()
        [1.5, 0.0]
    """
    x, y = _same_dtype("divide_no_nan", x, y)
    if x.dtype.is_bool:
        raise TypeError(f"tf.math.divide_no_nan: invalid dtype {x.dtype.name}; expected an "
                        "integer or floating dtype.")
    target = _TRUEDIV.get(x.dtype.name)
    if target is not None:
        x, y = cast(x, target), cast(y, target)
    return _bind(_g.divide_no_nan, x, y)


def multiply_no_nan(x, y, name=None):
    """x * y elementwise, and 0 where y is 0 (even where x is NaN or infinite; not where x is
    0 and y is not finite). Its gradient for y is x * g, also where y is 0, as TensorFlow's.

    Raises:
        TypeError: for x and y of two dtypes.
        InvalidArgumentError: for integer inputs (TensorFlow's kernel takes floats only).
    """
    x, y = _same_dtype("multiply_no_nan", x, y)
    return _bind(_g.multiply_no_nan, x, y)


def xdivy(x, y, name=None):
    """x / y elementwise, and 0 where x is 0 (even where y is 0).

    Raises:
        InvalidArgumentError: for integer inputs or inputs of two dtypes.
    """
    return _bind(_g.xdivy, x, y)


def xlogy(x, y, name=None):
    """x * log(y) elementwise, and 0 where x is 0 (even where y is 0 or NaN).

    Raises:
        InvalidArgumentError: for integer inputs or inputs of two dtypes.
    """
    return _bind(_g.xlogy, x, y)


def xlog1py(x, y, name=None):
    """x * log1p(y) elementwise, and 0 where x is 0 (even where y is -1).

    Raises:
        InvalidArgumentError: for integer inputs or inputs of two dtypes.
    """
    return _bind(_g.xlog1py, x, y)
