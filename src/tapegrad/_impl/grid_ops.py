"""`tf.repeat` and `tf.meshgrid`: composites of gather, reshape and broadcast_to, so their
derivatives of every order are those primitives' (a repeated element's gradient is the sum of
its copies')."""

import numpy as np

from .._core.errors import InvalidArgumentError
from .._core.primitive import composite as _composite
from .._core.tensor import convert_to_tensor as _tensor
from .._core.tensor import is_tensor as _is_tensor
from .arguments import value_shaped as _value_shaped
from .array_ops import broadcast_to, gather, reshape

__all__ = ["meshgrid", "repeat"]


def _repeats(repeats, size, axis):
    """`repeats` as a vector of counts, one per index along the axis (of `size`)."""
    if _is_tensor(repeats):
        # the result's length is the counts' sum: a traced program could not replay it
        _value_shaped("tf.repeat with repeats given as a tensor")
    counts = np.asarray(repeats)
    if counts.dtype.kind not in "iub":
        raise TypeError(f"repeat: `repeats` must be of type integer. Received repeats="
                        f"{repeats!r} of dtype {counts.dtype}")
    if counts.ndim > 1:
        raise ValueError(f"repeat: `repeats` must have rank at most 1, got shape "
                         f"{tuple(counts.shape)}")
    if counts.ndim == 0 or counts.size == 1:
        if int(counts.reshape(-1)[0]) < 0:
            raise InvalidArgumentError(
                f"repeat: `repeats` must be >= 0, got {int(counts.reshape(-1)[0])}")
        return np.full(size, int(counts.reshape(-1)[0]))
    if counts.size != size:
        raise ValueError(f"repeat: `repeats` has {counts.size} entries but axis {axis} of the "
                         f"input has {size} (Dimensions {size} and {counts.size} are not "
                         "compatible); give one count per index, or a single count")
    # TensorFlow counts a negative entry of a vector as 0 (it builds a sequence mask)
    return np.maximum(counts.astype(np.int64), 0)


@_composite
def repeat(input, repeats, axis=None, name=None):  # noqa: A002 - TensorFlow's name
    """Repeats each element of `input` along `axis` (of the flattened input when None).

    Args:
        input: a tensor.
        repeats: an int, or a vector of one count per index along `axis` (broadcast when it
            has one entry).
        axis: the axis; None flattens the input first.

    Returns:
        `input` with index `i` of `axis` repeated `repeats[i]` times.

    Raises:
        ValueError: `repeats` of rank > 1 or of the wrong length, `axis` out of range.
        InvalidArgumentError: a negative scalar `repeats`.
        TypeError: non-integer `repeats`.

    Example:
        >>> tf.repeat([[1, 2], [3, 4]], repeats=[1, 2], axis=0)  # [[1, 2], [3, 4], [3, 4]]
    """
    x = _tensor(input)
    if axis is None:
        x, axis = reshape(x, [-1]), 0
    rank = max(x.ndim, 1)
    if not isinstance(axis, (int, np.integer)) or not -rank <= axis < rank:
        raise ValueError(f"repeat: axis={axis} out of bounds: expected {-rank}<=axis<{rank} "
                         f"for an input of shape {x.shape}")
    if x.ndim == 0:
        x = reshape(x, [1])
    axis = int(axis) % x.ndim
    counts = _repeats(repeats, x.shape[axis], axis)
    return gather(x, np.repeat(np.arange(x.shape[axis], dtype=np.int32), counts), axis=axis)


@_composite
def meshgrid(*args, **kwargs):
    """N-D coordinate grids from N vectors, as NumPy's meshgrid.

    Args:
        *args: tensors (each flattened to a vector), all of one dtype.
        indexing: 'xy' (Cartesian, default: the first two axes swapped) or 'ij' (matrix).

    Returns:
        A list of N tensors, each of shape (len(args[1]), len(args[0]), len(args[2]), ...) for
        'xy' or (len(args[0]), len(args[1]), ...) for 'ij'.

    Raises:
        ValueError: `indexing` other than 'xy' or 'ij'.
        TypeError: another keyword argument.
        InvalidArgumentError: arguments of different dtypes.
    """
    indexing = kwargs.pop("indexing", "xy")
    kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"meshgrid: '{next(iter(kwargs))}' is an invalid keyword argument")
    if indexing not in ("xy", "ij"):
        raise ValueError("meshgrid: Argument `indexing` parameter must be either 'xy' or 'ij', "
                         f"got '{indexing}'")
    vectors = [reshape(_tensor(a), [-1]) for a in args]
    dtypes = {v.dtype for v in vectors}
    if len(dtypes) > 1:
        raise InvalidArgumentError(f"meshgrid: all arguments must have one dtype, got "
                                   f"{[v.dtype.name for v in vectors]}")
    n = len(vectors)
    shape = [v.shape[0] for v in vectors]
    axes = list(range(n))
    if indexing == "xy" and n > 1:
        shape[0], shape[1] = shape[1], shape[0]
        axes[0], axes[1] = 1, 0
    out = []
    for v, axis in zip(vectors, axes):
        spread = [1] * n
        spread[axis] = -1
        out.append(broadcast_to(reshape(v, spread), shape))
    return out
