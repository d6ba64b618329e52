"""Argument normalization shared by the public ops: axes and shapes, with clear errors."""

import numpy as np

from .._core.errors import InvalidArgumentError
from .._core.state import impure
from .._core.tensor import MAX_RANK, is_tensor, rank_error


def invalid(op, message):
    """An InvalidArgumentError whose message starts with the op's name."""
    return InvalidArgumentError(f"{op}: {message}", op=op)


def static(value):
    """A Python value for a static argument given as a Tensor, Variable, array or number."""
    if is_tensor(value):
        value = np.asarray(value)
    if isinstance(value, np.ndarray):
        return value.item() if value.ndim == 0 else tuple(value.tolist())
    if isinstance(value, np.integer):
        return int(value)
    return value


def axes(op, axis, ndim):
    """Validates `axis` (None, an int or a sequence of ints) for a rank-`ndim` input.

    Raises:
        TypeError: for a Python float (TensorFlow converts a scalar axis to int32 first).
        InvalidArgumentError: for an axis out of range, repeated, or not an integer.
    """
    if axis is None:
        return None
    bound = max(ndim, 1)
    if type(axis) is int and -bound <= axis < bound:  # the common case, on every reduction
        return axis
    if type(axis) is float:
        raise TypeError(f"{op}: axis must be an integer or a list of integers, got {axis!r}")
    if type(axis) is not tuple and type(axis) is not list:
        axis = static(axis)
        if axis is None:
            return None
    single = isinstance(axis, (int, np.integer))
    try:
        items = np.asarray(axis)
    except ValueError:  # ragged
        items = np.asarray(None)
    if items.dtype.kind not in "iub" and items.size:
        raise InvalidArgumentError(
            f"{op}: axis must be integers (int32 or int64), got {axis!r}", op=op)
    items = tuple(int(a) for a in items.reshape(-1))
    for a in items:
        if not -bound <= a < bound:
            raise InvalidArgumentError(
                f"{op}: axis {a!r} is out of range for an input of rank {ndim}; it must lie in "
                f"[{-bound}, {bound}).",
                op=op,
            )
    if len({a % bound for a in items}) != len(items):
        raise InvalidArgumentError(
            f"{op}: axis {list(items)} names an axis more than once (input of rank {ndim})",
            op=op)
    return items[0] if single else items


_MAX_ELEMENTS = 2**63 - 1


def shape_arg(op, shape, inferred=False, float_error=InvalidArgumentError):
    """A shape given as a list, tuple, TensorShape or 1-D integer tensor, as a tuple of ints.

    Args:
        op: the operation's name, for the errors.
        shape: the shape.
        inferred: whether one dimension may be -1 (reshape).
        float_error: the error class for float dimensions: TensorFlow raises TypeError where it
            converts the shape to int32 first (zeros, ones), InvalidArgumentError where the op
            itself refuses it (reshape, fill, random ops, broadcast_to, tile).

    Raises:
        ValueError: for None (a shape with unknown dimensions).
        TypeError: for strings and other non-numbers.
        InvalidArgumentError: for negative dimensions, a shape that is not a vector, or more
            elements than an int64 can count.
    """
    if type(shape) is tuple:  # the common case (every reshape), as it is: 0.7 -> 0.12 us
        for d in shape:
            if type(d) is not int or d < 0:
                break
        else:
            return shape
    dims = _shape_values(op, shape, inferred, float_error)
    if len(dims) > MAX_RANK:
        raise rank_error(op, len(dims))
    if inferred:
        if dims.count(-1) > 1:
            raise InvalidArgumentError(
                f"{op}: only one dimension may be -1 (inferred), got shape {list(dims)}", op=op)
        bad = [d for d in dims if d < -1]
        what = "non-negative or -1 (inferred)"
    else:
        bad = [d for d in dims if d < 0]
        what = "non-negative"
    if bad:
        raise InvalidArgumentError(
            f"{op}: dimension {bad[0]} in shape {list(dims)} must be {what}", op=op)
    count = 1
    for d in dims:
        count *= max(d, 1)
    if count > _MAX_ELEMENTS:
        raise InvalidArgumentError(
            f"{op}: shape {list(dims)} would have more than 2**63 - 1 elements", op=op)
    return dims


def _shape_values(op, shape, inferred, float_error):
    """The dimensions of `shape` as Python ints, refusing what TensorFlow refuses."""
    if shape is None or (isinstance(shape, (list, tuple)) and any(d is None for d in shape)):
        hint = ", or -1 for the one dimension to infer" if inferred else ""
        raise ValueError(
            f"{op}: shape {shape!r} is not fully known: give every dimension as a non-negative "
            f"integer{hint}")
    python = not (is_tensor(shape) or isinstance(shape, (np.ndarray, np.generic)))
    try:
        arr = np.asarray(shape)
    except ValueError:  # a ragged nested list
        arr = np.asarray(None)
    if python and arr.size == 0:
        arr = arr.astype(np.int64)  # [] is a scalar's shape; NumPy would make it float64
    if arr.dtype.kind not in "iubf":
        raise TypeError(f"{op}: shape must be a list of integers, got {shape!r}")
    if arr.ndim > 1:
        raise InvalidArgumentError(
            f"{op}: shape must be a vector (1-D) of integers, got a value of shape "
            f"{list(arr.shape)}: {arr.tolist()}", op=op)
    if arr.dtype.kind == "f" and (python or is_tensor(shape) or not np.all(arr == np.round(arr))):
        # NumPy float arrays of whole numbers pass, as TensorFlow converts them
        raise float_error(
            f"{op}: shape must be integers (int32 or int64), got float values {arr.tolist()}; "
            "use integers, e.g. [int(d) for d in shape]")
    return tuple(int(d) for d in arr.reshape(-1))


def value_shaped(op):
    """Tells the active interpreters that `op` makes a tensor whose shape depends on values: a
    traced program could not replay what reads that shape (tf.ones_like, a for loop, ...), so a
    traced function runs eagerly (with the same results)."""
    impure(f"{op} makes a tensor whose shape depends on values")
