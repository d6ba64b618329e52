"""Scatters: `tf.scatter_nd`, `tf.tensor_scatter_nd_*`, and the updates of parts of a Variable
(`v[0, 1].assign(...)`, `v.scatter_nd_update(...)`, `v.scatter_add(tf.IndexedSlices(...))`).

A Variable's partial update computes the new whole value with these ops and assigns it, so that
tapes and traced functions see it as any other assignment.
"""

import builtins
import weakref

import numpy as np

from .._core.bind import bind as _bind
from .._core.errors import InvalidArgumentError
from .._core.indexed_slices import IndexedSlices
from .._core.primitive import composite as _composite
from .._core.tensor import Tensor
from .._core.tensor import convert_to_tensor as _tensor
from .._core.variable import Variable as _Variable
from ..ops import elementwise as _e
from ..ops import shape as _s
from .array_ops import _index_part, _int_indices, _invalid, _tensors
from .array_ops import getitem as _getitem

__all__ = [
    "scatter_nd",
    "tensor_scatter_nd_add",
    "tensor_scatter_nd_max",
    "tensor_scatter_nd_min",
    "tensor_scatter_nd_sub",
    "tensor_scatter_nd_update",
]


def _scatter_key(op, indices, shape, updates_shape):
    """The NumPy key of `indices` (index tuples in its last axis) into a tensor of `shape`,
    after TensorFlow's checks of the indices and of the updates' shape."""
    idx = _int_indices(op, indices)
    if idx.ndim < 1 or idx.shape[-1] > len(shape):
        raise _invalid(op, f"indices of shape {list(idx.shape)} need a last axis of at most "
                           f"{len(shape)} (the rank of the shape {list(shape)}) index components.")
    k = idx.shape[-1]
    if tuple(updates_shape) != idx.shape[:-1] + tuple(shape[k:]):
        raise _invalid(op, "Outer dimensions of indices and update must match. Indices shape: "
                           f"{list(idx.shape)}, updates shape: {list(updates_shape)}; updates "
                           f"must have shape {list(idx.shape[:-1] + tuple(shape[k:]))}.")
    rows = idx.reshape(-1, k)
    bad = ((rows < 0) | (rows >= np.asarray(shape[:k], dtype=np.int64))).any(axis=1)
    if bad.any():
        i = int(np.argmax(bad))
        raise _invalid(op, f"indices[{i}] = {rows[i].tolist()} does not index into shape "
                           f"{list(shape)}.")
    return tuple(idx[..., j] for j in builtins.range(k))


@_composite
def scatter_nd(indices, updates, shape, name=None):
    """Zeros of `shape` with `updates` added at `indices`; repeated indices add up.

    Args:
        indices: integers of shape `[..., k]`: index tuples into the first `k` axes.
        updates: a tensor of shape `indices.shape[:-1] + shape[k:]`.
        shape: the result's shape.

    Raises:
        InvalidArgumentError: if an index lies outside `shape` or `updates` has another shape.
    """
    u = _tensor(updates)
    shape = tuple(int(d) for d in np.asarray(shape).reshape(-1))
    key = _scatter_key("scatter_nd", indices, shape, u._value.shape)
    return _bind(_s.getitem_grad, u, shape=shape, key=key)


def _operands(op, tensor, indices, updates):
    x, u = _tensors([tensor, updates])
    return x, u, _scatter_key(op, indices, x._value.shape, u._value.shape)


def tensor_scatter_nd_update(tensor, indices, updates, name=None):
    """`tensor` with the entries (or slices) at `indices` replaced by `updates`.

    As TensorFlow, the replaced entries send no gradient to `tensor`; a repeated index takes one
    of its updates (the last here), and each update gets the gradient at its position.

    Raises:
        InvalidArgumentError: if an index lies outside `tensor`, or `updates` has a shape other
            than `indices.shape[:-1] + tensor.shape[k:]`.
    """
    x, u, key = _operands("tensor_scatter_nd_update", tensor, indices, updates)
    return _bind(_s.tensor_scatter_update, x, u, key=key)


@_composite
def tensor_scatter_nd_add(tensor, indices, updates, name=None):
    """`tensor` with `updates` added at `indices` (repeated indices add up)."""
    x, u, key = _operands("tensor_scatter_nd_add", tensor, indices, updates)
    return _bind(_e.add, x, _bind(_s.getitem_grad, u, shape=x._value.shape, key=key))


@_composite
def tensor_scatter_nd_sub(tensor, indices, updates, name=None):
    """`tensor` with `updates` subtracted at `indices` (repeated indices add up)."""
    x, u, key = _operands("tensor_scatter_nd_sub", tensor, indices, updates)
    return _bind(_e.subtract, x, _bind(_s.getitem_grad, u, shape=x._value.shape, key=key))


def tensor_scatter_nd_max(tensor, indices, updates, name=None):
    """`tensor` with each entry at `indices` the maximum of itself and its updates. Equal
    values share the gradient equally, as in TensorFlow."""
    x, u, key = _operands("tensor_scatter_nd_max", tensor, indices, updates)
    return _bind(_s.tensor_scatter_max, x, u, key=key)


def tensor_scatter_nd_min(tensor, indices, updates, name=None):
    """`tensor` with each entry at `indices` the minimum of itself and its updates. Equal
    values share the gradient equally, as in TensorFlow."""
    x, u, key = _operands("tensor_scatter_nd_min", tensor, indices, updates)
    return _bind(_s.tensor_scatter_min, x, u, key=key)


# -- updating parts of a Variable ---------------------------------------------------------------

class VariableSlice(Tensor):
    """`variable[key]`: the sliced value, as a Tensor, that can also update that part of the
    variable (`v[0, 1].assign(5.0)`, `v[:, 0].assign_add(...)`).

    TensorFlow's slice has `assign`; `assign_add` and `assign_sub` are tapegrad's shorthands
    for `assign(slice + delta)` and `assign(slice - delta)`.

    It is the very tensor the read made (its class changed), so that tapes and tracers that
    hold it know it; the variable and key it came from are kept beside it (`_SOURCES`).
    """

    __slots__ = ()

    def _source(self):
        """(the variable, the key as NumPy reads it)."""
        entry = _SOURCES.get(id(self))
        if entry is None or entry[0]() is not self:
            raise ValueError("this sliced tensor no longer knows its variable; slice it again")
        key = entry[2]
        if type(key) is not tuple:
            key = tuple(key) if type(key) is list else (key,)
        return entry[1], tuple(_index_part(k) for k in key)

    def assign(self, value, use_locking=None, name=None, read_value=True):
        """Sets the sliced part of the variable to `value` (broadcast to the slice's shape).

        Returns:
            The variable (None when `read_value` is False).

        Raises:
            InvalidArgumentError: if `value` does not broadcast to the slice's shape.
        """
        v, key = self._source()
        new = _tensor(value, dtype_hint=v.dtype)
        if new.dtype != v.dtype:
            raise InvalidArgumentError(
                f"Variable slice assign: value has dtype {new.dtype.name} but variable "
                f"'{v.name}' has dtype {v.dtype.name}; cast it with tf.cast.", op="assign")
        try:
            fits = np.broadcast_shapes(new._value.shape, self._value.shape) == self._value.shape
        except ValueError:
            fits = False
        if not fits:
            raise InvalidArgumentError(
                f"Variable slice assign: sliced l-value shape {list(self._value.shape)} does not "
                f"match r-value shape {list(new._value.shape)} (variable '{v.name}' of shape "
                f"{list(v.shape)}).", op="assign")
        v.assign(_bind(_s.tensor_scatter_update, v, new, key=key))
        return v if read_value else None

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        """Adds `delta` to the sliced part of the variable; returns the variable."""
        return self.assign(_bind(_e.add, self, _tensor(delta, dtype_hint=self.dtype)),
                           read_value=read_value)

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        """Subtracts `delta` from the sliced part of the variable; returns the variable."""
        return self.assign(_bind(_e.subtract, self, _tensor(delta, dtype_hint=self.dtype)),
                           read_value=read_value)


def _variable_getitem(variable, key):
    out = _getitem(variable, key)
    if len(_SOURCES) > 4096:  # forget the slices no longer alive
        for k in [k for k, entry in _SOURCES.items() if entry[0]() is None]:
            del _SOURCES[k]
    out.__class__ = VariableSlice
    _SOURCES[id(out)] = (weakref.ref(out), variable, key)  # the key is read by assign only
    return out


# id(slice) -> (a weak reference to it, its variable, its key); an id is reused only after its
# tensor is gone, which the weak reference tells.
_SOURCES = {}


def _sparse_delta(op, sparse_delta):
    if not isinstance(sparse_delta, IndexedSlices):
        raise TypeError(f"Variable.{op}: Argument `sparse_delta` must be a `tf.IndexedSlices`. "
                        f"Received arg: {sparse_delta!r}")
    return sparse_delta.indices._value[:, None], sparse_delta.values


def _sparse_method(op, scatter):
    def method(self, sparse_delta, use_locking=False, name=None):
        indices, values = _sparse_delta(op, sparse_delta)
        return self.assign(scatter(self, indices, values))

    method.__name__ = op
    method.__doc__ = (f"`{op}` of the rows `sparse_delta.indices` (a tf.IndexedSlices) with "
                      "`sparse_delta.values`; returns the variable.")
    return method


def _nd_method(op, scatter):
    def method(self, indices, updates, name=None):
        return self.assign(scatter(self, indices, updates))

    method.__name__ = op
    method.__doc__ = (f"`{scatter.__name__}` of this variable at `indices` with `updates`, "
                      "assigned to it; returns the variable.")
    return method


def _batch_scatter_update(self, sparse_delta, use_locking=True, name=None):
    """Sets `v[b..., indices[b..., j]] = values[b..., j]` for every batch position `b...`
    (the leading axes of `sparse_delta.indices`); returns the variable."""
    if not isinstance(sparse_delta, IndexedSlices):
        _sparse_delta("batch_scatter_update", sparse_delta)
    idx = sparse_delta.indices._value
    grid = np.meshgrid(*(np.arange(d) for d in idx.shape), indexing="ij")
    nd = np.stack(list(grid[:-1]) + [idx], axis=-1)
    return self.assign(tensor_scatter_nd_update(self, nd, sparse_delta.values))


_Variable.__getitem__ = _variable_getitem
for _op, _fn in (("scatter_update", tensor_scatter_nd_update),
                 ("scatter_add", tensor_scatter_nd_add), ("scatter_sub", tensor_scatter_nd_sub),
                 ("scatter_max", tensor_scatter_nd_max), ("scatter_min", tensor_scatter_nd_min)):
    setattr(_Variable, _op, _sparse_method(_op, _fn))
for _op, _fn in (("scatter_nd_update", tensor_scatter_nd_update),
                 ("scatter_nd_add", tensor_scatter_nd_add),
                 ("scatter_nd_sub", tensor_scatter_nd_sub),
                 ("scatter_nd_max", tensor_scatter_nd_max),
                 ("scatter_nd_min", tensor_scatter_nd_min)):
    setattr(_Variable, _op, _nd_method(_op, _fn))
_Variable.batch_scatter_update = _batch_scatter_update
