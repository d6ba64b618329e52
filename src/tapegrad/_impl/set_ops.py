"""`tf.sets`: union, intersection and difference of the sets in the last dimension of two
tensors (dense or SparseTensor), and the size of each set. Results are SparseTensors whose
rows hold each set's elements in ascending order, as TensorFlow's."""

import numpy as np

from .._core.errors import InvalidArgumentError
from .._core.tensor import Tensor
from .._core.tensor import convert_to_tensor as _tensor
from .sparse_ops import SparseTensor

__all__ = ["difference", "intersection", "size", "union"]

_KINDS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "object")


def _rows(op, x, name):
    """(batch shape, one Python set per batch position, dtype) of dense or sparse `x`."""
    if isinstance(x, SparseTensor):
        values, shape = x.values._value, tuple(int(d) for d in x._shape)
        idx = x._indices
    else:
        t = _tensor(x)
        values, shape = t._value, t._value.shape
    if values.dtype.name not in _KINDS:
        raise TypeError(f"tf.sets.{op}: '{name}' has invalid dtype {values.dtype.name}; sets "
                        "hold int8, int16, int32, int64, uint8, uint16 or string values")
    if len(shape) < 2:
        raise InvalidArgumentError(f"tf.sets.{op}: '{name}' has shape {list(shape)} of rank "
                                   f"{len(shape)} < 2; the sets are the last dimension of a "
                                   "batch", op=op)
    batch = shape[:-1]
    n = int(np.prod(batch))
    sets = [set() for _ in range(n)]
    if isinstance(x, SparseTensor):
        rows = np.ravel_multi_index(tuple(idx[:, :-1].T), batch) if len(idx) else []
        for r, v in zip(rows, values.tolist()):
            sets[int(r)].add(v)
    else:
        for r, row in enumerate(values.reshape(n, shape[-1]).tolist()):
            sets[r].update(row)
    return batch, sets, values.dtype


def _result(batch, sets, dtype):
    width = max((len(s) for s in sets), default=0)
    indices, values = [], []
    for r, s in enumerate(sets):
        prefix = np.unravel_index(r, batch)
        for j, v in enumerate(sorted(s)):
            indices.append(tuple(int(p) for p in prefix) + (j,))
            values.append(v)
    idx = np.asarray(indices, np.int64).reshape(-1, len(batch) + 1)
    return SparseTensor(idx, Tensor(np.asarray(values, dtype=dtype)),
                        np.asarray(batch + (width,), np.int64))


def _set_operation(op, a, b, combine):
    batch_a, sets_a, dtype_a = _rows(op, a, "a")
    batch_b, sets_b, dtype_b = _rows(op, b, "b")
    if dtype_a != dtype_b:
        raise InvalidArgumentError(f"tf.sets.{op}: a has dtype {dtype_a.name} and b "
                                   f"{dtype_b.name}; they must match", op=op)
    if tuple(batch_a) != tuple(batch_b):
        raise InvalidArgumentError(f"tf.sets.{op}: mismatched batch shapes {list(batch_a)} vs "
                                   f"{list(batch_b)}; a and b may differ in the last dimension "
                                   "only", op=op)
    return _result(tuple(batch_a), [combine(x, y) for x, y in zip(sets_a, sets_b)], dtype_a)


def union(a, b, validate_indices=True):
    """The union of the sets in the last dimension of `a` and `b`, as a SparseTensor.

    Raises:
        TypeError: for a dtype other than integers and strings.
        InvalidArgumentError: for rank < 2 or batch shapes that differ.
    """
    return _set_operation("union", a, b, set.union)


def intersection(a, b, validate_indices=True):
    """The intersection of the sets in the last dimension of `a` and `b`, as a SparseTensor."""
    return _set_operation("intersection", a, b, set.intersection)


def difference(a, b, aminusb=True, validate_indices=True):
    """`a - b` (or `b - a` when not `aminusb`) of the sets in the last dimension, as a
    SparseTensor."""
    return _set_operation("difference", a, b,
                          set.difference if aminusb else lambda x, y: y - x)


def size(a, validate_indices=True):
    """The number of distinct values in each set of the SparseTensor `a` (int32, shape
    `a.dense_shape[:-1]`).

    Raises:
        TypeError: if `a` is not a SparseTensor (as TensorFlow's).
    """
    if not isinstance(a, SparseTensor):
        raise TypeError(f"tf.sets.size: expected a SparseTensor, got {type(a).__name__}; use "
                        "tf.sparse.from_dense for a dense tensor")
    batch, sets, _ = _rows("size", a, "a")
    return Tensor(np.asarray([len(s) for s in sets], np.int32).reshape(batch))
