"""The primitives behind `tf.TensorArray`: its elements are the rows of one buffer tensor,
read and written at indices that are tensors (not parameters), so that a traced loop reads and
writes at each iteration's index. Gather and scatter_add are each other's transposes; scatter
(a write) passes the gradient of the rows it did not write to the buffer and gathers the rest
for the value."""

import numpy as np

from .._core.errors import OutOfRangeError
from .._core.primitive import LINEAR, NONE, defprimitive
from .._core.tensor import Tensor
from ._util import plain as _plain


# The indices as plain arrays: these range checks are the forwards' own (_util.plain).
def _rows(indices):
    return _plain(np.asarray(indices)).reshape(-1).astype(np.intp)


def _gather(buffer, indices):
    idx = _plain(np.asarray(indices))
    n = buffer.shape[0]
    bad = idx[(idx < 0) | (idx >= n)]
    if bad.size:
        raise OutOfRangeError(f"Tried to read from index {int(bad[0])} but array size is: {n}")
    return buffer[idx.astype(np.intp)]


def _scatter(buffer, indices, value, dynamic_size=False, add=False):
    """`buffer` with its rows at `indices` set to (with `add`: increased by) `value`'s rows;
    with `dynamic_size` it grows by zero rows to reach an index past its end. A buffer whose
    rows have another shape than the value's belongs to a TensorArray of unknown element shape
    before its first write: it is zeros of the value's row shape."""
    idx = _rows(indices)
    rows = np.reshape(value, (idx.size,) + np.shape(value)[np.ndim(indices):])
    n = buffer.shape[0]
    if buffer.shape[1:] != rows.shape[1:]:
        buffer = np.zeros((n,) + rows.shape[1:], buffer.dtype)
    if idx.size and idx.min() < 0:
        raise OutOfRangeError(f"Tried to write to index {int(idx.min())}: indices must be >= 0")
    need = int(idx.max()) + 1 if idx.size else 0
    if need > n:
        if not dynamic_size:
            raise OutOfRangeError(f"Tried to write to index {need - 1} but array is not "
                                  f"resizeable and size is: {n}")
        buffer = np.concatenate([buffer, np.zeros((need - n,) + buffer.shape[1:], buffer.dtype)])
    else:
        buffer = buffer.copy()
    if add:
        np.add.at(buffer, idx, rows)
    else:
        buffer[idx] = rows
    return buffer


def _gather_vjp(g, out, buffer, indices):
    zeros = Tensor(np.zeros(buffer._value.shape, g._value.dtype))
    return tensor_array_scatter_add(zeros, indices, g)


tensor_array_gather = defprimitive(
    "tensor_array_gather", _gather, vjp=(_gather_vjp, NONE), jvp=LINEAR,
    dtype_args=(0,), batchable=False, saves=(1,),
)


def _unwritten(g, out, buffer, indices, value, dynamic_size=False):
    """g on the buffer's rows, zero where the write landed; None for a buffer of unknown
    element shape (its zeros carry no gradient)."""
    if buffer._value.shape[1:] != g._value.shape[1:]:
        return None
    mask = np.ones(g._value.shape[:1] + (1,) * (g._value.ndim - 1), g._value.dtype)
    mask[_rows(indices._value)] = 0
    return (g * Tensor(mask))[: buffer._value.shape[0]]


def _written(g, out, buffer, indices, value, dynamic_size=False):
    return tensor_array_gather(g, indices)


tensor_array_scatter = defprimitive(
    "tensor_array_scatter", _scatter, vjp=(_unwritten, NONE, _written), jvp=LINEAR,
    dtype_args=(0, 2), batchable=False, saves=(1,),
)


def _scatter_add(base, indices, updates):
    return _scatter(base, indices, updates, dynamic_size=False, add=True)


tensor_array_scatter_add = defprimitive(
    "tensor_array_scatter_add", _scatter_add,
    vjp=(lambda g, out, base, indices, updates: g, NONE,
         lambda g, out, base, indices, updates: tensor_array_gather(g, indices)),
    jvp=LINEAR, dtype_args=(0, 2), batchable=False, saves=(1,),
)
