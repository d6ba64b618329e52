"""`tf.TensorArray`: a list of same-shaped tensors, written and read at tensor indices.

Its elements are the rows of one buffer tensor (`ops/tensor_array.py`); each write returns a
new TensorArray holding a new buffer, so gradients flow through writes and reads like through
any op, eagerly and in traced functions. In a traced `tf.while_loop` the buffer is the loop
variable (`_loop_tensor`), whose first axis may grow at each iteration (`dynamic_size`).
"""

import numpy as np

from .._core import dtypes as _dt
from .._core.bind import bind as _bind
from .._core.control import tracer as _tracer
from .._core.errors import InvalidArgumentError
from .._core.tensor import Tensor, TensorShape, convert_to_tensor
from ..ops import shape as _s
from ..ops import tensor_array as _ta
from .array_ops import reshape

__all__ = ["TensorArray"]


def _unknown():
    return TensorShape(None)


class TensorArray:
    """A list of tensors of one dtype and (with `infer_shape`) one shape, as `tf.TensorArray`.

    Use the TensorArray each method returns (`ta = ta.write(i, x)`): writes make new ones.

    Args:
        dtype: the elements' dtype.
        size: the number of elements (an int or a scalar int tensor).
        dynamic_size: whether writes past the end grow the array.
        clear_after_read: eagerly, whether an element may be read once only (True by
            default, as TensorFlow's eager TensorArray).
        tensor_array_name, handle, flow, colocate_with_first_write_call, name: accepted for
            TensorFlow compatibility.
        infer_shape: whether the first write fixes the elements' shape (elements of
            different shapes are not supported).
        element_shape: the elements' shape, if known.

    Example:
        >>> ta = tapegrad.TensorArray(tapegrad.float32, size=0, dynamic_size=True)
        >>> for i in range(3):
        ...     ta = ta.write(i, float(i) * 2.0)
        >>> ta.stack().numpy()
        array([0., 2., 4.], dtype=float32)
    """

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None):
        self._dtype = _dt.as_dtype(dtype)
        if size is None:
            raise ValueError("Size must be provided if handle is not provided")
        n = int(size)  # a traced size is read: the function then runs eagerly
        if n < 0:
            raise ValueError(f"tf.TensorArray: size must be >= 0, got {n}")
        self._dynamic_size = bool(dynamic_size)
        self._clear_after_read = True if clear_after_read is None else bool(clear_after_read)
        self._element_shape = (_unknown() if element_shape is None
                               else TensorShape(element_shape))
        shape = (n,) + (tuple(self._element_shape) if self._element_shape.is_fully_defined()
                        else ())
        self._buffer = Tensor(np.zeros(shape, self._dtype._np))
        self._cleared = set()

    def _derived(self, buffer, element_shape=None):
        out = object.__new__(TensorArray)
        out._dtype = self._dtype
        out._dynamic_size = self._dynamic_size
        out._clear_after_read = self._clear_after_read
        out._element_shape = self._element_shape if element_shape is None else element_shape
        out._buffer = buffer
        out._cleared = set(self._cleared)
        return out

    # -- a loop variable: the buffer (control_flow_ops.while_loop) ------------------------
    def _loop_tensor(self):
        return self._buffer

    def _from_loop_tensor(self, buffer):
        shape = self._element_shape
        if not shape.is_fully_defined() and buffer._value.ndim > 1:
            shape = TensorShape(buffer._value.shape[1:])
        return self._derived(buffer, shape)

    # -- properties ---------------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    @property
    def dynamic_size(self):
        return self._dynamic_size

    @property
    def element_shape(self):
        return self._element_shape

    @property
    def flow(self):
        return self._buffer

    @property
    def handle(self):
        return self._buffer

    def size(self, name=None):
        """The number of elements, as a scalar int32 tensor."""
        return _bind(_s.shape, self._buffer, out_type=np.int32)[0]

    # -- writing ------------------------------------------------------------------------------
    def _value(self, value, what, rows=None):
        t = convert_to_tensor(value, dtype_hint=self._dtype)
        if t.dtype != self._dtype:
            raise InvalidArgumentError(f"TensorArray dtype is {self._dtype.name} but Op is "
                                       f"trying to write dtype {t.dtype.name}")
        shape = TensorShape(t.shape[1:] if rows else t.shape)
        if not self._element_shape.is_compatible_with(shape):
            raise ValueError(f"Incompatible shape for value ({tuple(shape)}), expected "
                             f"({tuple(self._element_shape)})")
        return t, shape

    def _write_rows(self, indices, t, shape):
        buffer = _bind(_ta.tensor_array_scatter, self._buffer, indices, t,
                       dynamic_size=self._dynamic_size)
        out = self._derived(buffer, shape)
        if not isinstance(indices, Tensor):
            out._cleared.difference_update(np.asarray(indices).reshape(-1).tolist())
        return out

    def write(self, index, value, name=None):
        """A TensorArray with element `index` set to `value`.

        Raises:
            InvalidArgumentError: if `value`'s dtype is not the array's.
            ValueError: if its shape is not the elements' shape.
            OutOfRangeError: for an index past the end of an array without dynamic_size.
        """
        t, shape = self._value(value, "write")
        index = index if isinstance(index, Tensor) else convert_to_tensor(index, "int32")
        return self._write_rows(index, t, shape)

    def scatter(self, indices, value, name=None):
        """A TensorArray with elements `indices[k]` set to `value[k]`."""
        t, shape = self._value(value, "scatter", rows=True)
        indices = convert_to_tensor(indices, dtype_hint="int32")
        return self._write_rows(indices, t, shape)

    def unstack(self, value, name=None):
        """A TensorArray whose element k is `value[k]`.

        Raises:
            ValueError: if `value` has more rows than an array of static size holds.
        """
        t, shape = self._value(value, "unstack", rows=True)
        n = t._value.shape[0]
        size = self._buffer._value.shape[0]
        if n > size and not self._dynamic_size:
            raise ValueError(f"Cannot unstack {n} tensors into a TensorArray of static size "
                             f"{size} ")
        return self._write_rows(Tensor(np.arange(n, dtype=np.int32)), t, shape)

    # -- reading ------------------------------------------------------------------------------
    def read(self, index, name=None):
        """Element `index` (zeros if it was never written).

        Raises:
            OutOfRangeError: for an index outside the array.
            InvalidArgumentError: eagerly, when reading an element a second time with
                clear_after_read.
        """
        index = index if isinstance(index, Tensor) else convert_to_tensor(index, "int32")
        self._note_read(index)
        return _bind(_ta.tensor_array_gather, self._buffer, index)

    def _note_read(self, index):
        if not self._clear_after_read or _tracer() is not None:
            return
        k = int(np.asarray(index._value))
        if k in self._cleared:
            raise InvalidArgumentError(
                f"Could not read index {k} twice because it was cleared after a previous read "
                "(perhaps try setting clear_after_read = false?)")
        self._cleared.add(k)

    def gather(self, indices, name=None):
        """The elements at `indices`, stacked."""
        return _bind(_ta.tensor_array_gather, self._buffer,
                     convert_to_tensor(indices, dtype_hint="int32"))

    def stack(self, name=None):
        """All elements stacked along a new first axis."""
        return self._buffer

    def concat(self, name=None):
        """All elements concatenated along their first axis.

        Raises:
            InvalidArgumentError: if the elements are scalars.
        """
        if self._buffer._value.ndim < 2:
            raise InvalidArgumentError("Concat saw a scalar shape at index 0 but requires at "
                                       "least vectors")
        return reshape(self._buffer, [-1, *self._buffer._value.shape[2:]])

    def identity(self):
        return self._derived(self._buffer)

    def close(self, name=None):
        return None

    def mark_used(self):
        return None

    def __repr__(self):
        return (f"<tapegrad.TensorArray dtype={self._dtype.name} "
                f"size={self._buffer._value.shape[0]} element_shape={self._element_shape}>")
