"""`tf.slice`: a block of a tensor given by its start and size along every axis."""

import builtins

import numpy as np

from .._core.bind import bind as _bind
from .._core.errors import InvalidArgumentError
from .._core.primitive import composite as _composite
from .._core.tensor import convert_to_tensor as _tensor
from .._core.tensor import is_tensor as _is_tensor
from ..ops import shape as _s

__all__ = ["slice"]


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
