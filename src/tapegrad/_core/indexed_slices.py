"""`IndexedSlices`: rows of a tensor given by their indices (`tf.IndexedSlices`).

It is what the gradient of a row gather (`tf.gather` on axis 0, an `Embedding` lookup) is with
respect to its table: only the looked-up rows, so that an optimizer's update of a large table
touches only those rows. Any op that receives one reads it as a dense tensor (`_read`, as a
Variable is read), through a recorded op, so tapes see the conversion and higher derivatives
flow through it.
"""

import numpy as np

from .bind import bind
from .primitive import PRIMITIVES
from .tensor import Tensor, TensorShape, convert_to_tensor

__all__ = ["IndexedSlices", "add_sparse"]


class IndexedSlices:
    """A sparse set of rows: `dense[indices[i]] += values[i]`; repeated indices add up.

    Args:
        values: a Tensor of shape `[n] + dense_shape[1:]`.
        indices: `n` integer row indices (int32 or int64).
        dense_shape: the shape of the dense tensor the rows belong to (optional, as in
            TensorFlow; converting to a dense tensor needs it).

    Example:
        >>> s = tapegrad.IndexedSlices(tapegrad.constant([[1.0, 2.0]]), [2], [3, 2])
        >>> tapegrad.convert_to_tensor(s).numpy().tolist()
        [[0.0, 0.0], [0.0, 0.0], [1.0, 2.0]]
    """

    __slots__ = ("_dense_shape", "_indices", "_values")

    def __init__(self, values, indices, dense_shape=None):
        values = convert_to_tensor(values)
        indices = convert_to_tensor(indices)
        if indices.dtype.name not in ("int32", "int64"):
            raise TypeError(
                f"IndexedSlices: indices must be int32 or int64, got {indices.dtype.name}"
            )
        if dense_shape is not None and not isinstance(dense_shape, Tensor):
            dense_shape = Tensor(np.asarray(dense_shape, dtype=indices._value.dtype))
        self._values, self._indices, self._dense_shape = values, indices, dense_shape

    @property
    def values(self):
        """The rows: a Tensor of shape `[n] + dense_shape[1:]`."""
        return self._values

    @property
    def indices(self):
        """The row index of each row of `values`."""
        return self._indices

    @property
    def dense_shape(self):
        """The dense tensor's shape as an integer Tensor, or None."""
        return self._dense_shape

    @property
    def dtype(self):
        return self._values.dtype

    @property
    def shape(self):
        """The dense shape as a TensorShape (unknown rows when `dense_shape` is None)."""
        if self._dense_shape is None:
            return TensorShape((None,) + tuple(self._values._value.shape[1:]))
        return TensorShape(tuple(int(d) for d in self._dense_shape._value))

    @property
    def name(self):
        return "IndexedSlices"

    @property
    def device(self):
        return self._values.device

    def _shape(self):
        if self._dense_shape is None:
            raise ValueError(
                "IndexedSlices without dense_shape cannot be converted to a dense tensor; give "
                "dense_shape when making it."
            )
        return tuple(int(d) for d in self._dense_shape._value)

    def _read(self):
        """The dense tensor, through a recorded scatter-add, so tapes differentiate it."""
        return bind(PRIMITIVES["getitem_grad"], self._values, shape=self._shape(),
                    key=(self._indices._value,))

    def numpy(self):
        return self._read().numpy()

    def __array__(self, dtype=None, copy=None):
        value = self._read()._value
        return np.asarray(value) if dtype is None else np.asarray(value, dtype=dtype)

    def __neg__(self):
        return IndexedSlices(-self._values, self._indices, self._dense_shape)

    def __repr__(self):
        return (f"IndexedSlices(indices={self._indices!r}, values={self._values!r}, "
                f"dense_shape={self._dense_shape!r})")


def add_sparse(prev, g):
    """The sum of two cotangents: one IndexedSlices when both are (rows concatenated, as
    TensorFlow aggregates them), otherwise a dense add."""
    if type(prev) is IndexedSlices and type(g) is IndexedSlices:
        idx = np.concatenate([prev._indices._value, g._indices._value])
        values = bind(PRIMITIVES["concat"], prev._values, g._values, axis=0)
        return IndexedSlices(values, Tensor(idx), prev._dense_shape)
    return bind(PRIMITIVES["add"], prev, g)
