"""Sorting at `tapegrad.*`: sort, argsort, math.top_k, unique, unique_with_counts.

The order is found in NumPy (it has no derivative), from a read of the input that tf.function
hears (np.asarray: the order depends on the values, so a traced function runs these eagerly
instead of replaying the order of its first input); the sorted values are a gather of the input
at that order, so their derivatives of every order come from the getitem primitive: the
cotangent of each sorted position flows back to the element that landed there, as TensorFlow's
TopKV2 gradient does. Ties keep the lower index first in both directions, as TensorFlow's sort
(a top_k underneath) does.
"""

import collections

import numpy as np

from .._core import dtypes as _dt
from .._core.bind import bind as _bind
from .._core.primitive import composite as _composite
from .._core.tensor import Tensor
from .._core.tensor import convert_to_tensor as _tensor
from ..ops import shape as _s
from .arguments import static as _static
from .array_ops import _axis, _batch_aranges, _invalid

__all__ = ["sort", "argsort", "top_k", "unique", "unique_with_counts"]

TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])
Unique = collections.namedtuple("Unique", ["y", "idx"])
UniqueWithCounts = collections.namedtuple("UniqueWithCounts", ["y", "idx", "count"])

_DIRECTIONS = ("ASCENDING", "DESCENDING")


def _order_last(value, descending):
    """The stable order of `value` along its last axis; among equal values the lower index comes
    first in both directions (a descending order is the reverse of the ascending order of the
    reversed array, mapped back; negating would overflow the smallest integer)."""
    if value.dtype == bool:
        value = value.view(np.uint8)
    if not descending:
        return np.argsort(value, axis=-1, kind="stable")
    n = value.shape[-1]
    return n - 1 - np.argsort(value[..., ::-1], axis=-1, kind="stable")[..., ::-1]


def _take_last(x, order):
    """x gathered along its last axis at `order` (same leading shape), through getitem."""
    return _bind(_s.getitem, x, key=_batch_aranges(order.shape[:-1], order.ndim) + (order,))


def _moved_last(op, x, axis):
    """(x with `axis` moved last, the permutation that moves it back or None)."""
    if x._value.ndim == 0:
        raise _invalid(op, "expected a tensor of rank 1 or more, got a scalar (shape []).")
    axis = _axis(op, axis, x)
    last = x._value.ndim - 1
    if axis == last:
        return x, None
    perm = tuple(i for i in range(x._value.ndim) if i != axis) + (axis,)
    back = tuple(int(i) for i in np.argsort(perm))
    return _bind(_s.transpose, x, perm=perm), back


def _direction(op, direction):
    if direction not in _DIRECTIONS:
        raise ValueError(f"{op}: argument `direction` should be one of ASCENDING, DESCENDING. "
                         f"Received: direction={direction}")
    return direction == "DESCENDING"


@_composite
def sort(values, axis=-1, direction="ASCENDING", name=None):
    """The values of a tensor sorted along `axis` (differentiable: a gather at the order).

    Raises:
        ValueError: if `direction` is not "ASCENDING" or "DESCENDING".
        InvalidArgumentError: for a scalar or an axis out of range.
    """
    descending = _direction("sort", direction)
    x = _tensor(values)
    moved, back = _moved_last("sort", x, axis)
    out = _take_last(moved, _order_last(np.asarray(moved), descending))
    return out if back is None else _bind(_s.transpose, out, perm=back)


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """The int32 indices that sort a tensor along `axis` (equal values: lower index first).

    Raises:
        ValueError: if `direction` is not "ASCENDING" or "DESCENDING".
        InvalidArgumentError: for a scalar or an axis out of range.
    """
    descending = _direction("argsort", direction)
    x = _tensor(values)
    if x._value.ndim == 0:
        raise _invalid("argsort", "expected a tensor of rank 1 or more, got a scalar (shape []).")
    value = np.moveaxis(np.asarray(x), _axis("argsort", axis, x), -1)
    order = _order_last(value, descending)
    return Tensor(np.moveaxis(order, -1, _axis("argsort", axis, x)).astype(np.int32))


@_composite
def top_k(input, k=1, sorted=True, index_type=_dt.int32, name=None):
    """The `k` largest entries along the last axis and their indices, as TopKV2(values, indices).

    Equal values come lower index first. The values are differentiable (a gather). With
    sorted=False TensorFlow leaves the order unspecified; here it is the sorted order.

    Raises:
        InvalidArgumentError: for a scalar input, a negative k, or k larger than the last axis.
    """
    x = _tensor(input)
    k = _static(k)
    if isinstance(k, (bool, float)) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"top_k: k must be an integer, got {k!r}")
    k = int(k)
    if x._value.ndim == 0:
        raise _invalid("top_k", "input must be >= 1-D, got shape []")
    if k < 0:
        raise _invalid("top_k", f"Need k >= 0, got {k}")
    if k > x._value.shape[-1]:
        raise _invalid("top_k", f"input must have at least k columns. Had "
                                f"{x._value.shape[-1]}, needed {k} (input shape {x.shape}).")
    order = _order_last(np.asarray(x), descending=True)[..., :k]
    index_dtype = _dt.as_dtype(index_type)
    if index_dtype not in (_dt.int32, _dt.int64, _dt.int16):
        raise TypeError(f"top_k: index_type must be int16, int32 or int64, got "
                        f"{index_dtype.name}")
    return TopKV2(_take_last(x, order), Tensor(order.astype(index_dtype._np)))


def _unique(op, x, out_idx):
    x = _tensor(x)
    if x._value.ndim != 1:
        raise _invalid(op, f"unique expects a 1D vector, got shape {x.shape}.")
    idx_dtype = _dt.as_dtype(out_idx)
    if idx_dtype not in (_dt.int32, _dt.int64):
        raise TypeError(f"{op}: out_idx must be int32 or int64, got {idx_dtype.name}")
    value = np.asarray(x)
    # np.unique sorts; TensorFlow keeps the order of first occurrence
    _, first, inverse, counts = np.unique(value, return_index=True, return_inverse=True,
                                          return_counts=True)
    by_first = np.argsort(first, kind="stable")
    rank = np.empty_like(by_first)
    rank[by_first] = np.arange(by_first.size)
    y = Tensor(value[first[by_first]])
    return y, Tensor(rank[inverse.reshape(-1)].astype(idx_dtype._np)), Tensor(
        counts[by_first].astype(idx_dtype._np))


def unique(x, out_idx=_dt.int32, name=None):
    """The distinct values of a 1-D tensor in order of first occurrence, and for each element
    the index of its value among them: Unique(y, idx).

    Raises:
        InvalidArgumentError: if `x` is not 1-D.
    """
    y, idx, _ = _unique("unique", x, out_idx)
    return Unique(y, idx)


def unique_with_counts(x, out_idx=_dt.int32, name=None):
    """As `unique`, with how often each distinct value occurs: UniqueWithCounts(y, idx, count).

    Raises:
        InvalidArgumentError: if `x` is not 1-D.
    """
    return UniqueWithCounts(*_unique("unique_with_counts", x, out_idx))
