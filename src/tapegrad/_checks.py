"""Argument normalization shared by the public ops: axes and shapes, with clear errors."""

import numpy as np

from ._core.errors import InvalidArgumentError
from ._core.tensor import is_tensor


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
    """Validates `axis` (None, an int or a sequence of ints) for a rank-`ndim` input."""
    if axis is None:
        return None
    bound = max(ndim, 1)
    if type(axis) is int and -bound <= axis < bound:  # the common case, on every reduction
        return axis
    if type(axis) is not tuple and type(axis) is not list:
        axis = static(axis)
        if axis is None:
            return None
    single = isinstance(axis, (int, np.integer))
    items = (axis,) if single else tuple(axis)
    for a in items:
        if not isinstance(a, (int, np.integer)) or not -bound <= a < bound:
            raise InvalidArgumentError(
                f"{op}: axis {a!r} is out of range for an input of rank {ndim}; it must lie in "
                f"[{-bound}, {bound}).",
                op=op,
            )
    return int(items[0]) if single else tuple(map(int, items))


def shape_arg(op, shape):
    """A shape given as a list, tuple, TensorShape or 1-D integer tensor, as a tuple of ints."""
    if type(shape) is tuple:  # the common case (every reshape), as it is: 0.7 -> 0.12 us
        for d in shape:
            if type(d) is not int:
                break
        else:
            return shape
    shape = static(shape)
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    try:
        return tuple(-1 if d is None else int(d) for d in shape)
    except (TypeError, ValueError):
        raise TypeError(f"{op}: shape must be a list of integers, got {shape!r}") from None
