"""`tf.slice`, a block of a tensor given by its start and size along every axis, and `tf.roll`,
which joins two such blocks."""

import builtins

import numpy as np

from .._core.bind import bind as _bind
from .._core.errors import InvalidArgumentError
from .._core.primitive import composite as _composite
from .._core.tensor import convert_to_tensor as _tensor
from .._core.tensor import is_tensor as _is_tensor
from ..ops import shape as _s
from .arguments import static as _static

__all__ = ["roll", "slice"]


def _vector(name, value):
    """`begin` or `size` as Python ints: a 1-D list or int32/int64 tensor of length `rank`."""
    arr = np.asarray(value)
    if arr.size == 0:
        arr = arr.astype(np.int32)  # [] for a scalar's begin and size
    if arr.dtype.kind not in "iu" or isinstance(value, bool):
        raise InvalidArgumentError(
            f"slice: {name} must be integers (int32 or int64), got {value!r}"
            f"{' of dtype ' + value.dtype.name if _is_tensor(value) else ''}.",
            op="slice",
        )
    return arr


@_composite
def slice(input_, begin, size, name=None):  # noqa: A001 - TensorFlow's name
    """The block of `input_` that starts at `begin[i]` and spans `size[i]` elements along axis
    i (`size[i] = -1`: to the end), as `tf.slice`. The gradient scatters back into zeros.

    Args:
        input_: the tensor.
        begin: the start along each axis: a list or int32/int64 vector, one entry per axis.
        size: the extent along each axis, -1 for everything after `begin`.
        name: ignored; accepted for TensorFlow compatibility.

    Raises:
        InvalidArgumentError: if `begin` or `size` is not one integer per axis, or the block
            does not lie inside the tensor.

    Example:
        >>> t = tapegrad.constant([[1, 2, 3], [4, 5, 6]])
        >>> tapegrad.slice(t, [1, 0], [1, -1]).numpy().tolist()
        [[4, 5, 6]]
    """
    x = _tensor(input_)
    shape = x._value.shape
    starts, sizes = _vector("begin", begin), _vector("size", size)
    if starts.shape != (len(shape),) or sizes.shape != (len(shape),):
        raise InvalidArgumentError(
            f"slice: Expected begin and size arguments to be 1-D tensors of size {len(shape)} "
            f"(the rank of the input, of shape {list(shape)}), but got shapes "
            f"{list(starts.shape)} and {list(sizes.shape)} instead.",
            op="slice",
        )
    key = []
    for i, (dim, b, s) in enumerate(zip(shape, starts.tolist(), sizes.tolist())):
        if not 0 <= b <= dim:
            raise InvalidArgumentError(
                f"slice: Expected begin[{i}] in [0, {dim}], but got {b} (input shape "
                f"{list(shape)}).",
                op="slice",
            )
        if s == -1:
            s = dim - b
        if not 0 <= s <= dim - b:
            raise InvalidArgumentError(
                f"slice: Expected size[{i}] in [0, {dim - b}], but got {s} (begin[{i}] = {b} in "
                f"an axis of {dim}; -1 takes everything to the end).",
                op="slice",
            )
        key.append(builtins.slice(b, b + s))
    return _bind(_s.getitem, x, key=tuple(key))


def _shifts(name, value):
    arr = np.asarray(_static(value))
    if arr.dtype.kind not in "iu" or isinstance(value, bool):
        raise InvalidArgumentError(f"roll: {name} must be int32 or int64, got {value!r}.",
                                   op="roll")
    if arr.ndim > 1:
        raise InvalidArgumentError(f"roll: {name} must be a scalar or a 1-D vector, got shape "
                                   f"{list(arr.shape)}.", op="roll")
    return [int(v) for v in arr.reshape(-1)]


@_composite
def roll(input, shift, axis, name=None):  # noqa: A002 - TensorFlow's name
    """Rolls the elements of a tensor along `axis` by `shift` places; those that pass the end
    come back at the start. Shifts of one axis named twice add up.

    Its gradient rolls back by -shift (it is two slices joined: linear).

    Args:
        input: a tensor of rank >= 1.
        shift: an int or a 1-D list of ints (negative shifts roll towards the start).
        axis: an int or a 1-D list of ints, one per shift.

    Raises:
        InvalidArgumentError: for a scalar input, an axis out of range, non-integer shifts or
            axes, or shift and axis of different sizes.

    Example:
        >>> tapegrad.roll([0, 1, 2, 3, 4], shift=2, axis=0).numpy().tolist()
        [3, 4, 0, 1, 2]
    """
    x = _tensor(input)
    shape = x._value.shape
    if not shape:
        raise InvalidArgumentError("roll: input must be 1-D or higher, got a scalar (shape []).",
                                   op="roll")
    shifts, axes = _shifts("shift", shift), _shifts("axis", axis)
    if len(shifts) != len(axes):
        raise InvalidArgumentError(f"roll: shift and axis must have the same size, got shift "
                                   f"{shifts} and axis {axes}.", op="roll")
    total = [0] * len(shape)
    for s, a in zip(shifts, axes):
        if not -len(shape) <= a < len(shape):
            raise InvalidArgumentError(f"roll: axis {a} is out of range for an input of shape "
                                       f"{list(shape)}.", op="roll")
        total[a % len(shape)] += s
    for a, s in enumerate(total):
        if shape[a] == 0 or s % shape[a] == 0:
            continue
        cut = shape[a] - s % shape[a]
        head = (builtins.slice(None),) * a
        x = _bind(_s.concat, _bind(_s.getitem, x, key=head + (builtins.slice(cut, None),)),
                  _bind(_s.getitem, x, key=head + (builtins.slice(0, cut),)), axis=a)
    return x
