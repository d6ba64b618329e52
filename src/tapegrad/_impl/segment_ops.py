"""Segment reductions at `tf.math`: segment_sum / mean / max / min / prod and
unsorted_segment_sum / mean / max / min / prod, differentiable in `data` with TensorFlow's gradients (ops/segments.py)."""

import numpy as np

from .._core import dtypes as _dt
from .._core.bind import bind as _bind
from .._core.primitive import composite as _composite
from .._core.tensor import Tensor
from .._core.tensor import convert_to_tensor as _tensor
from ..ops import elementwise as _e
from ..ops import segments as _g
from ..ops import shape as _s
from .arguments import static as _static
from .arguments import value_shaped as _value_shaped
from .array_ops import _invalid

__all__ = [
    "segment_max", "segment_mean", "segment_min", "segment_prod", "segment_sum",
    "unsorted_segment_max", "unsorted_segment_mean", "unsorted_segment_min",
    "unsorted_segment_prod", "unsorted_segment_sum",
]


def _operands(op, data, segment_ids, sorted_ids):
    """(data, ids) after TensorFlow's checks of their dtypes and shapes."""
    x = _tensor(data)
    ids = _tensor(segment_ids)
    if x.dtype == _dt.bool or x.dtype == _dt.string:
        raise _invalid(op, f"data must be numeric, got dtype {x.dtype.name}")
    if ids.dtype not in (_dt.int32, _dt.int64):
        raise _invalid(op, f"segment_ids must be int32 or int64, got dtype {ids.dtype.name}")
    shape, id_shape = x._value.shape, ids._value.shape
    if sorted_ids:
        if not shape:
            raise _invalid(op, "data must be at least rank 1, got a scalar (shape []).")
        if len(id_shape) != 1:
            raise _invalid(op, f"segment_ids should be a vector, got shape {list(id_shape)}.")
        if id_shape[0] != shape[0]:
            raise _invalid(op, f"segment_ids (shape {list(id_shape)}) should be the same size "
                               f"as dimension 0 of data (shape {list(shape)}).")
        _value_shaped(op)  # its number of segments is the last id's
    elif shape[:len(id_shape)] != id_shape:
        raise _invalid(op, f"data.shape = {list(shape)} does not start with segment_ids.shape "
                           f"= {list(id_shape)}.")
    return x, ids


def _num_segments(op, num_segments):
    value = np.asarray(_static(num_segments))
    if value.ndim != 0:
        raise _invalid(op, f"num_segments should be a scalar, not shape {list(value.shape)}.")
    if value.dtype.kind not in "iu":
        raise _invalid(op, f"num_segments must be an int32 or int64 scalar, got {value!r}.")
    if value < 0:
        raise _invalid(op, f"num_segments == {int(value)} must not be negative.")
    return int(value)


def segment_sum(data, segment_ids, name=None):
    """Sums the slices of `data` along axis 0 that share a segment id.

    Args:
        data: a numeric tensor of rank >= 1.
        segment_ids: sorted int32/int64 ids, one per row of `data` (ids may be skipped: an
            empty segment is 0).

    Returns:
        A tensor of shape `[segment_ids[-1] + 1] + data.shape[1:]`.

    Raises:
        InvalidArgumentError: for unsorted or negative ids, or ids of another length.
    """
    x, ids = _operands("segment_sum", data, segment_ids, True)
    return _bind(_g.segment_sum, x, ids)


def _mean(op, total, x, ids, count):
    """total / count per segment (0 for an empty segment); an integer mean truncates, as
    TensorFlow's kernel divides."""
    count = _bind(_e.maximum, count, 1)
    if x._value.ndim > ids._value.ndim:  # -1: a traced call's segment count may differ
        count = _bind(_s.reshape, count, shape=(-1,) + (1,) * (x._value.ndim - ids._value.ndim))
    if x.dtype.is_integer:
        exact = _bind(_e.cast, total, dtype=np.float64) / _bind(_e.cast, count, dtype=np.float64)
        return exact if op == "unsorted" else _bind(_e.cast, exact, dtype=x.dtype._np)
    return _bind(_e.divide, total, _bind(_e.cast, count, dtype=x.dtype._np))


def _ones(ids):
    return Tensor(np.ones(ids._value.shape, np.int32))


@_composite
def segment_mean(data, segment_ids, name=None):
    """The mean of the slices of `data` along axis 0 that share a segment id (0 for an empty
    segment; integers truncate). Sorted ids, as `segment_sum`."""
    x, ids = _operands("segment_mean", data, segment_ids, True)
    count = _bind(_g.segment_sum, _ones(ids), ids)
    return _mean("sorted", _bind(_g.segment_sum, x, ids), x, ids, count)


def segment_max(data, segment_ids, name=None):
    """The maximum of the slices of `data` along axis 0 that share a segment id (0 for an
    empty segment). Tied maxima share the gradient evenly, as in TensorFlow. Sorted ids, as
    `segment_sum`."""
    x, ids = _operands("segment_max", data, segment_ids, True)
    return _bind(_g.segment_max, x, ids)


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """Sums the slices of `data` that share a segment id, ids in any order.

    Args:
        data: a numeric tensor whose shape starts with `segment_ids.shape`.
        segment_ids: int32/int64 ids; a negative id drops its slice.
        num_segments: the number of segments (a scalar).

    Returns:
        A tensor of shape `[num_segments] + data.shape[segment_ids.ndim:]`.

    Raises:
        InvalidArgumentError: for an id >= num_segments, a negative or non-scalar
            num_segments, or shapes that do not match.
    """
    op = "unsorted_segment_sum"
    x, ids = _operands(op, data, segment_ids, False)
    return _bind(_g.unsorted_segment_sum, x, ids, num_segments=_num_segments(op, num_segments))


@_composite
def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    """The mean of the slices of `data` that share a segment id (0 for an empty segment;
    integer data gives float64, as TensorFlow's). Ids as `unsorted_segment_sum`."""
    op = "unsorted_segment_mean"
    x, ids = _operands(op, data, segment_ids, False)
    num = _num_segments(op, num_segments)
    count = _bind(_g.unsorted_segment_sum, _ones(ids), ids, num_segments=num)
    total = _bind(_g.unsorted_segment_sum, x, ids, num_segments=num)
    return _mean("unsorted", total, x, ids, count)


def unsorted_segment_max(data, segment_ids, num_segments, name=None):
    """The maximum of the slices of `data` that share a segment id (the dtype's lowest value
    for an empty segment, as TensorFlow). Tied maxima share the gradient evenly. Ids as
    `unsorted_segment_sum`."""
    op = "unsorted_segment_max"
    x, ids = _operands(op, data, segment_ids, False)
    return _bind(_g.unsorted_segment_max, x, ids, num_segments=_num_segments(op, num_segments))


def segment_prod(data, segment_ids, name=None):
    """The product of the slices of `data` along axis 0 that share a segment id (1 for an empty
    segment). Sorted ids, as `segment_sum`. The gradient is TensorFlow's: the product over the
    element, or at a segment's only zero the product of the others; 0 in a segment with two
    zeros or more."""
    x, ids = _operands("segment_prod", data, segment_ids, True)
    return _bind(_g.segment_prod, x, ids)


def unsorted_segment_prod(data, segment_ids, num_segments, name=None):
    """The product of the slices of `data` that share a segment id (1 for an empty segment),
    ids in any order, a negative id dropping its slice; its gradient as `segment_prod`'s.

    Raises:
        InvalidArgumentError: for an id >= num_segments, a negative or non-scalar
            num_segments, or shapes that do not match.

    Example:
        >>> tapegrad.math.unsorted_segment_prod([2.0, 3.0, 4.0], [1, 0, 1], 3).numpy().tolist()
        [3.0, 8.0, 1.0]
    """
    op = "unsorted_segment_prod"
    x, ids = _operands(op, data, segment_ids, False)
    return _bind(_g.unsorted_segment_prod, x, ids, num_segments=_num_segments(op, num_segments))


def segment_min(data, segment_ids, name=None):
    """The minimum of the slices of `data` along axis 0 that share a segment id (0 for an
    empty segment). Tied minima share the gradient evenly, as in TensorFlow. Sorted ids, as
    `segment_sum`."""
    x, ids = _operands("segment_min", data, segment_ids, True)
    return _bind(_g.segment_min, x, ids)


def unsorted_segment_min(data, segment_ids, num_segments, name=None):
    """The minimum of the slices of `data` that share a segment id (the dtype's highest value
    for an empty segment, as TensorFlow). Tied minima share the gradient evenly. Ids as
    `unsorted_segment_sum`."""
    op = "unsorted_segment_min"
    x, ids = _operands(op, data, segment_ids, False)
    return _bind(_g.unsorted_segment_min, x, ids, num_segments=_num_segments(op, num_segments))
