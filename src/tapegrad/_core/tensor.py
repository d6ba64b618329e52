"""The immutable `Tensor`, shapes, and conversion of Python and NumPy values into tensors.

A Tensor wraps one NumPy array (or NumPy scalar). Its slot `_tid` serves the differentiation
engine: a unique id given when a tape or accumulator first has to know the tensor (0 until
then). Which tapes track a tensor is each tape's own business (its set of tracked ids), never
the tensor's. Operators (`+`, `@`, `[]`, ...) are installed where their ops are defined
(`tapegrad/ops/`), so this module names no math function.
"""

import operator

import numpy as np

from . import dtypes as _dt
from .errors import UnimplementedError
from .state import state

__all__ = ["Tensor", "TensorShape", "convert_to_tensor", "is_tensor", "constant"]


def _dimension(d):
    """One dimension as TensorFlow accepts it: an integer >= 0 (or an index type), or None."""
    if d is None or (type(d) is int and d >= 0):
        return d
    try:
        d = operator.index(d)
    except TypeError:
        raise TypeError(
            f"TensorShape: a dimension must be an integer or None, got {d!r} of type "
            f"{type(d).__name__}; give a list of dimensions, e.g. [2, None, 3]."
        ) from None
    if d < 0:
        raise ValueError(f"TensorShape: dimension {d} must be >= 0 (None for an unknown one).")
    return d


class TensorShape(tuple):
    """A tensor's shape: a tuple of ints (None for an unknown dimension), as `tf.TensorShape`."""

    def __new__(cls, dims=()):
        if dims is None or isinstance(dims, _UnknownRank):
            return _UNKNOWN_RANK
        if isinstance(dims, (int, np.integer)):
            dims = (dims,)
        try:
            dims = iter(dims)
        except TypeError:
            raise TypeError(
                f"TensorShape: cannot make a shape from {dims!r} of type {type(dims).__name__}; "
                "give a list of dimensions (integers >= 0 or None), e.g. [2, None, 3]."
            ) from None
        return super().__new__(cls, [_dimension(d) for d in dims])

    @property
    def rank(self):
        return len(self)

    ndims = rank

    def as_list(self):
        return list(self)

    def num_elements(self):
        if None in self:
            return None
        return int(np.prod(self, dtype=np.int64))

    def is_fully_defined(self):
        return None not in self

    def is_compatible_with(self, other):
        other = TensorShape(other)
        if other.rank is None:
            return True
        return len(self) == len(other) and all(
            a is None or b is None or a == b for a, b in zip(self, other)
        )

    def __getitem__(self, key):
        item = tuple.__getitem__(self, key)
        return TensorShape(item) if isinstance(key, slice) else item

    def __repr__(self):
        return f"TensorShape({list(self)})"

    def __str__(self):
        if len(self) == 1:
            return f"({'None' if self[0] is None else self[0]},)"
        return "(" + ", ".join("None" if d is None else str(d) for d in self) + ")"


class _UnknownRank(TensorShape):
    """The shape of unknown rank, `TensorShape(None)` (specs of tf.data generators)."""

    def __new__(cls):
        return tuple.__new__(cls, ())

    rank = ndims = property(lambda self: None)

    def __len__(self):
        raise ValueError("Cannot take the length of shape with unknown rank.")

    def __iter__(self):
        raise ValueError("Cannot iterate over a shape with unknown rank.")

    def __bool__(self):
        return False

    def as_list(self):
        raise ValueError("as_list() is not defined on an unknown TensorShape.")

    def num_elements(self):
        return None

    def is_fully_defined(self):
        return False

    def is_compatible_with(self, other):
        return True

    def __eq__(self, other):
        return isinstance(other, _UnknownRank)

    def __ne__(self, other):
        return not isinstance(other, _UnknownRank)

    __hash__ = tuple.__hash__

    def __repr__(self):
        return "TensorShape(None)"

    def __str__(self):
        return "<unknown>"


_UNKNOWN_RANK = _UnknownRank()


def _numpy_text(value, is_repr):
    if value.ndim == 0:
        return str(value[()] if isinstance(value, np.ndarray) else value)
    text = repr(value) if is_repr else str(value)
    return "\n" + text if "\n" in text else text


class ArrayLike:
    """shape, dtype, ndim and device of an object that holds its value in `_value`."""

    __slots__ = ()

    @property
    def shape(self):
        return TensorShape(self._value.shape)

    @property
    def dtype(self):
        return _dt.from_numpy(self._value.dtype)

    @property
    def ndim(self):
        return self._value.ndim

    @property
    def device(self):
        return "/job:localhost/replica:0/task:0/device:CPU:0"

    def get_shape(self):
        return self.shape


class Tensor(ArrayLike):
    """An immutable multidimensional array, as TensorFlow's eager tensor.

    Create tensors with `tapegrad.constant` or `tapegrad.convert_to_tensor`; ops return them.
    """

    # `_keras_mask`: the mask Keras layers attach to their outputs (unset, so reading it raises
    # AttributeError, as on TensorFlow's eager tensors).
    __slots__ = ("_value", "_tid", "_keras_mask", "__weakref__")
    __array_priority__ = 100

    def __init__(self, value):
        self._value = value
        self._tid = 0

    def __reduce__(self):
        # A copy (pickle, copy.deepcopy) is a new tensor of the same value: the engine's id
        # belongs to the original (a tape may be watching it).
        return (type(self), (self._value,))

    # -- inspection -------------------------------------------------------------------------
    def numpy(self):
        """Returns the value as a NumPy array (a NumPy scalar for rank 0), never a view to write."""
        value = self._value
        for interpreter in state.interpreters:
            interpreter.read_value(self)
        if isinstance(value, np.ndarray):
            if value.ndim == 0:
                return value[()]
            out = value.view()
            out.flags.writeable = False
            return out
        return value

    def __array__(self, dtype=None, copy=None):
        for interpreter in state.interpreters:
            interpreter.read_value(self)
        value = np.asarray(self._value)
        if dtype is not None and value.dtype != dtype:
            return value.astype(dtype)
        return value.copy() if copy else value

    def __float__(self):
        for interpreter in state.interpreters:
            interpreter.read_value(self)
        return float(self._value)

    def __int__(self):
        for interpreter in state.interpreters:
            interpreter.read_value(self)
        return int(self._value)

    def __index__(self):
        if self.dtype.is_integer and self._value.ndim == 0:
            return int(self._value)
        raise TypeError(
            f"Only integer scalar tensors can be used as an index, got dtype {self.dtype.name} "
            f"and shape {self.shape}"
        )

    def __format__(self, spec):
        symbolic = None if spec else _symbolic(self)  # a number format needs the value
        if symbolic is not None:
            return symbolic
        for interpreter in state.interpreters:
            interpreter.read_value(self)
        if self._value.ndim == 0:
            return format(self._value[()] if isinstance(self._value, np.ndarray) else self._value,
                          spec)
        return format(str(self), spec)

    def __complex__(self):
        return complex(self._value)

    def __bool__(self):
        if self._value.size != 1:
            raise ValueError(
                f"The truth value of a tensor of shape {self.shape} is ambiguous; use "
                "tf.reduce_any or tf.reduce_all to reduce it to a scalar first."
            )
        return bool(self._value)

    def __len__(self):
        if self._value.ndim == 0:
            raise TypeError("len() of a scalar tensor (shape ()) is undefined")
        return self._value.shape[0]

    def __iter__(self):
        if self._value.ndim == 0:
            raise TypeError("Cannot iterate over a scalar tensor (shape ())")
        return (self[i] for i in range(self._value.shape[0]))

    def __setitem__(self, key, value):
        raise TypeError(
            "'tapegrad.Tensor' object does not support item assignment: tensors are immutable. "
            "Use a tf.Variable and its assign(), assign_add() or assign_sub() methods, or build "
            "a new tensor (e.g. with tf.where or tf.concat)."
        )

    __hash__ = object.__hash__

    def __str__(self):
        symbolic = _symbolic(self)
        if symbolic is not None:
            return symbolic
        return (
            f"tapegrad.Tensor({_numpy_text(self._value, False)}, shape={self.shape}, "
            f"dtype={self.dtype.name})"
        )

    def __repr__(self):
        symbolic = _symbolic(self, "<tapegrad.Tensor '{}' shape={} dtype={}>")
        if symbolic is not None:
            return symbolic
        return (
            f"<tapegrad.Tensor: shape={self.shape}, dtype={self.dtype.name}, "
            f"numpy={_numpy_text(self._value, True)}>"
        )


def _symbolic(t, form='Tensor("{}", shape={}, dtype={})'):
    """How `t` prints while a trace computes it (TensorFlow's graph tensor), else None: it
    shows no value, so printing inside a traced function does not read one."""
    for interpreter in state.interpreters:
        found = interpreter.symbolic(t)
        if found is not None:
            name, shape = found
            if shape is None:  # of unknown rank: TensorFlow shows no shape
                return form.replace(", shape={}", "").replace(" shape={}", "").format(
                    name, t.dtype.name)
            return form.format(name, TensorShape(shape), t.dtype.name)
    return None


MAX_RANK = 64  # NumPy's limit on an array's dimensions (TensorFlow's is 254)


def rank_error(op, rank):
    """The error for a tensor of rank above NumPy's limit, which tapegrad cannot hold."""
    return UnimplementedError(
        f"{op + ': ' if op else ''}a tensor of rank {rank} is not supported: tapegrad holds "
        f"tensors as NumPy arrays, which have at most {MAX_RANK} dimensions (TensorFlow allows "
        "254). Merge some axes with tf.reshape.", op=op)


def converted(op, value, dtype=None):
    """`to_array(value, dtype)`, with `op` named in its errors."""
    try:
        return to_array(value, dtype)
    except (TypeError, ValueError, NotImplementedError) as err:
        raise type(err)(f"{op}: {err}") from None


def _python_dtype(arr):
    """The dtype TensorFlow gives a Python value (as an array): float -> float32, int -> int32."""
    kind = arr.dtype.kind
    if kind == "f":
        return np.float32
    if kind in "iu":
        return np.int32 if arr.size == 0 or (
            np.iinfo(np.int32).min <= arr.min() and arr.max() <= np.iinfo(np.int32).max
        ) else np.int64
    if kind == "c":
        return np.complex128
    return np.bool_


def _is_sequence(x):
    return isinstance(x, (list, tuple, np.ndarray))


def _leaves(value):
    if _is_sequence(value):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def _ragged(value, where="value"):
    """Where a nested list stops being rectangular, in words, or None if it is rectangular."""
    if not _is_sequence(value) or not len(value):
        return None
    first = value[0]

    def size(x):
        return f"has length {len(x)}" if _is_sequence(x) else "is a scalar"

    for i, item in enumerate(value):
        if _is_sequence(item) != _is_sequence(first) or (
                _is_sequence(item) and len(item) != len(first)):
            return f"{where}[{i}] {size(item)} but {where}[0] {size(first)}"
    for i, item in enumerate(value):
        found = _ragged(item, f"{where}[{i}]")
        if found:
            return found
    return None


def _depth(value):
    depth = 0
    while _is_sequence(value) and len(value):
        value, depth = value[0], depth + 1
    return depth


def _python_array(value, dtype):
    """np.asarray(value) for a Python value, with TensorFlow's refusals as clear errors."""
    try:
        arr = np.asarray(value)
    except ValueError:  # a ragged nested list, or more than 64 levels
        where = _ragged(value)
        if where is None and _depth(value) > MAX_RANK:
            raise rank_error(None, _depth(value)) from None
        raise ValueError(
            "Cannot convert a non-rectangular (ragged) nested list to a tensor: "
            f"{where or 'its elements have different shapes'}. Give "
            "every row the same length (pad the short ones), or keep the rows as separate "
            "tensors."
        ) from None
    kind = arr.dtype.kind
    if kind in "iubfc":
        if kind == "u" and arr.size and arr.max() > np.iinfo(np.int64).max:
            raise ValueError(f"Cannot convert {value!r} to a tensor: an integer is out of the "
                             "int64 range")
        return arr
    leaves = list(_leaves(value))
    if leaves and all(isinstance(v, (str, bytes)) for v in leaves):
        return string_array(value, dtype)
    if leaves and all(isinstance(v, (bool, int, float, complex, np.generic)) for v in leaves):
        raise ValueError(f"Cannot convert {value!r} to a tensor: an integer is out of the int64 "
                         "range")
    if _is_sequence(value):
        odd = next((v for v in leaves if not isinstance(v, (bool, int, float, complex,
                                                              np.generic))), None)
        raise ValueError(f"Cannot convert {value!r} to a tensor: it mixes numbers with "
                         f"{type(odd).__name__} {odd!r}; give numbers only.")
    raise ValueError(f"Cannot convert {value!r} to a tensor: a value of type "
                     f"{type(value).__name__} is not a number, a (nested) list of numbers or an "
                     "array.")


def _converted_itself(value, dtype):
    """A value that converts itself, as TensorFlow converts it: by TensorFlow's `__tf_tensor__`
    protocol (a Keras symbolic tensor raises there), or by NumPy's `__array__` (a pandas
    DataFrame or Series), keeping the NumPy dtype as an array does (float64 stays float64)."""
    cls = type(value)
    protocol = getattr(cls, "__tf_tensor__", None)
    if protocol is not None:
        return np.asarray(protocol(value, None if dtype is None else _dt.from_numpy(dtype), None))
    if hasattr(cls, "__array__"):
        arr = np.asarray(value)
        if arr.dtype == object and arr.size:
            odd = next((v for v in arr.flat if not isinstance(v, (str, bytes))), None)
            if odd is not None:
                raise ValueError(
                    f"Failed to convert a NumPy array to a Tensor (Unsupported object type "
                    f"{type(odd).__name__}): the {cls.__name__} holds values of different kinds "
                    "(columns of floats and bools, say), which make an array of Python objects. "
                    "Convert them to one numeric dtype first, e.g. with .astype('float32')."
                )
        return arr
    return value


# str -> UTF-8 bytes, elementwise over an object array (np.str_ and np.bytes_ are str and bytes)
_ENCODE = np.frompyfunc(lambda s: s.encode("utf-8") if isinstance(s, str) else s, 1, 1)


def string_array(value, dtype=None):
    """A `tf.string` value as TensorFlow holds it: an object array of bytes (str is UTF-8)."""
    if dtype is not None and np.dtype(dtype) != object:
        raise TypeError(
            f"Cannot convert {value!r} to a tensor of dtype {np.dtype(dtype)}: it holds strings. "
            "Parse numbers with tf.strings.to_number."
        )
    # Python values go through an object array: an 'S' array would drop trailing NUL bytes
    arr = value if isinstance(value, (np.ndarray, np.generic)) else np.array(value, dtype=object)
    if arr.dtype.kind not in "USO":
        raise TypeError(f"Cannot convert {value!r} to a tensor of dtype string: it holds "
                        f"{arr.dtype} values. Format numbers with tf.strings.as_string.")
    out = arr.astype(object) if arr.dtype.kind == "S" else np.asarray(_ENCODE(arr), dtype=object)
    if arr.dtype.kind == "O":
        bad = next((v for v in out.flat if not isinstance(v, bytes)), None)
        if bad is not None:
            raise TypeError(
                f"Cannot convert {value!r} to a tensor: the object {bad!r} is not a string, "
                "number or array"
            )
    return out


def to_array(value, dtype=None):
    """Converts a non-tensor value to a NumPy array with TensorFlow's dtype rules.

    Python numbers and lists take float32 / int32; NumPy values keep their dtype; `dtype`, when
    given, is applied, refusing to turn a non-integral float into an integer. Strings become
    object arrays of bytes (`tf.string`).

    Raises:
        ValueError: for a ragged nested list, a value that is not a number or string (None, a
            dict, a list mixing numbers and other things) or an integer beyond int64.
        TypeError: for strings asked for as numbers (or numbers as strings), and for a
            non-integral float asked for as an integer.
        UnimplementedError: for nesting deeper than NumPy's 64 dimensions.
    """
    if not isinstance(value, (np.ndarray, np.generic, list, tuple, float, int)):
        value = _converted_itself(value, dtype)
    if isinstance(value, (np.ndarray, np.generic)):
        if value.dtype.kind in "USO":
            return string_array(value, dtype)
        # A copy, as TensorFlow: the tensor must not change when the caller's array does
        # (subok keeps tracing's marker class, see _core/trace.py).
        arr = np.array(value, subok=True)
        if dtype is None:
            return arr
        if arr.dtype.kind not in "iubfc":
            raise TypeError(f"Cannot convert an array of dtype {arr.dtype} to a tensor of dtype "
                            f"{np.dtype(dtype).name}")
    else:
        if isinstance(value, (str, bytes)):
            return string_array(value, dtype)
        arr = _python_array(value, dtype)
        if arr.dtype.kind == "O":  # strings, already a tf.string value
            return arr
    target = np.dtype(dtype) if dtype is not None else np.dtype(_python_dtype(arr))
    if arr.dtype != target:
        if target.kind in "iub" and arr.dtype.kind in "fc":
            if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr.real)):
                raise TypeError(
                    f"Cannot convert {value!r} to a tensor of dtype {target}: it is not a whole "
                    "number. Round it, or work in a float dtype (tf.cast the integer tensor)."
                )
        if target == object:
            raise TypeError(
                f"Cannot convert {value!r} to a tensor of dtype string: it holds numbers. "
                "Format numbers as strings with tf.strings.as_string."
            )
        arr = arr.astype(target)
    return arr


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None):
    """Converts a Python number, list, NumPy array, Tensor or Variable to a Tensor.

    Args:
        value: what to convert.
        dtype: the required dtype; a Tensor of another dtype raises ValueError.
        dtype_hint: the dtype to use for Python values when `dtype` is not given.
        name: ignored; accepted for TensorFlow compatibility.

    Returns:
        A Tensor.
    """
    if isinstance(value, Tensor):
        if dtype is not None and _dt.as_dtype(dtype) != value.dtype:
            raise ValueError(
                f"Tensor conversion requested dtype {_dt.as_dtype(dtype).name} for a Tensor with "
                f"dtype {value.dtype.name}; use tf.cast to change the dtype."
            )
        return value
    read = getattr(value, "_read", None)
    if read is not None:
        return convert_to_tensor(read(), dtype=dtype)
    if dtype is None and dtype_hint is not None and not isinstance(value, (np.ndarray, np.generic)):
        try:
            return Tensor(to_array(value, _dt.as_dtype(dtype_hint)._np))
        except (TypeError, ValueError):
            pass
    np_dtype = None if dtype is None else _dt.as_dtype(dtype)._np
    return Tensor(converted("convert_to_tensor", value, np_dtype))


def constant(value, dtype=None, shape=None, name="Const"):
    """Creates a constant tensor from a Python or NumPy value (TensorFlow's `tf.constant`).

    Args:
        value: a number, a (nested) list, or a NumPy array.
        dtype: the dtype to cast to; by default float32 for Python floats, int32 for ints.
        shape: if given, the value is reshaped (a scalar is broadcast) to this shape.
        name: ignored; accepted for TensorFlow compatibility.
    """
    if isinstance(value, Tensor) or hasattr(value, "_read"):
        value = convert_to_tensor(value).numpy()
    np_dtype = None if dtype is None else _dt.as_dtype(dtype)._np
    arr = converted("constant", value, np_dtype)
    if shape is not None:
        shape = tuple(shape)
        if arr.size == 1:
            arr = np.broadcast_to(arr.reshape(()), shape).copy()
        elif arr.size == int(np.prod(shape, dtype=np.int64)):
            arr = arr.reshape(shape)
        else:
            raise TypeError(
                f"constant: cannot reshape a value with {arr.size} elements to shape {shape}"
            )
    elif isinstance(value, np.ndarray) and arr is value:
        arr = arr.copy()
    if arr.ndim == 0 and arr.dtype != object:
        arr = arr[()]  # a NumPy scalar: arithmetic on scalars skips the ufunc machinery
    return Tensor(arr)


def is_tensor(x):
    """True for tapegrad Tensors and Variables, as `tf.is_tensor`."""
    return isinstance(x, Tensor) or hasattr(x, "_read")
