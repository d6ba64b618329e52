"""Creation and metadata at `tapegrad.*`: zeros, ones, fill, eye, range, linspace, one_hot, shape.
"""

import numpy as np

from .._core import dtypes as _dt
from .._core.bind import bind as _bind
from .._core.primitive import composite as _composite
from .._core.tensor import MAX_RANK, Tensor, rank_error
from .._core.tensor import convert_to_tensor as _tensor
from .._core.tensor import is_tensor as _is_tensor
from ..ops import reductions as _r
from ..ops import shape as _s
from .arguments import invalid as _invalid
from .arguments import shape_arg as _shape_arg
from .arguments import static as _static
from .array_ops import cast, expand_dims

__all__ = [
    "zeros", "ones", "zeros_like", "ones_like", "fill", "eye", "range", "linspace", "one_hot",
    "shape", "size", "rank",
]


def _new_axis(op, axis, ndim):
    """`axis` for a new axis in a rank-`ndim` result's input, in [-ndim - 1, ndim]."""
    if not -ndim - 1 <= axis <= ndim:
        raise _invalid(op, f"axis {axis} is out of range for a new axis of an input of rank "
                           f"{ndim}; it must lie in [{-ndim - 1}, {ndim}].")
    return axis % (ndim + 1)


def _count(op, name, value):
    """A non-negative integer argument (a size or a count), as TensorFlow checks it."""
    v = _static(value)
    if isinstance(v, (tuple, list)):
        raise _invalid(op, f"{name} must be a scalar, got {list(v)}")
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"{op}: {name} must be a non-negative integer, got {value!r}")
    if v < 0:
        raise _invalid(op, f"{name} must be non-negative, got {int(v)}")
    return int(v)


# -- creation -----------------------------------------------------------------------------------

def _np_dtype(dtype):
    return _dt.as_dtype(dtype)._np


def zeros(shape, dtype=_dt.float32, name=None):
    """A tensor of zeros of the given shape and dtype (float32 by default)."""
    shape = _shape_arg("zeros", shape, float_error=TypeError)  # TF converts it to int32 first
    return Tensor(np.zeros(shape, dtype=_np_dtype(dtype)))


def ones(shape, dtype=_dt.float32, name=None):
    """A tensor of ones of the given shape and dtype (float32 by default)."""
    shape = _shape_arg("ones", shape, float_error=TypeError)  # TF converts it to int32 first
    return Tensor(np.ones(shape, dtype=_np_dtype(dtype)))


def zeros_like(input, dtype=None, name=None):  # noqa: A002 - TensorFlow's name
    """Zeros with the shape (and by default the dtype) of `input`."""
    return Tensor(np.zeros(*_shape_and_dtype(input, dtype)))


def ones_like(input, dtype=None, name=None):  # noqa: A002 - TensorFlow's name
    """Ones with the shape (and by default the dtype) of `input`."""
    return Tensor(np.ones(*_shape_and_dtype(input, dtype)))


def _shape_and_dtype(input, dtype):  # noqa: A002 - as the public functions
    # from the shape only, not np.*_like of the value: a traced function's program is made per
    # shape, so the result is a constant of it (np.zeros_like would carry the traced mark)
    value = np.asarray(_value(input))
    return np.shape(value), value.dtype if dtype is None else _np_dtype(dtype)


def fill(dims, value, name=None):
    """A tensor of shape `dims` filled with the scalar `value` (its dtype); differentiable in
    `value`, whose gradient is the sum of the output's."""
    v = _tensor(value)
    if v.ndim:
        raise _invalid("fill", f"value must be a scalar, got shape {v.shape}")
    return _bind(_r.broadcast_to, v, shape=_shape_arg("fill", dims))


def eye(num_rows, num_columns=None, batch_shape=None, dtype=_dt.float32, name=None):
    """An identity matrix (ones on the diagonal), optionally repeated over `batch_shape`."""
    rows = _count("eye", "num_rows", num_rows)
    columns = rows if num_columns is None else _count("eye", "num_columns", num_columns)
    m = np.eye(rows, columns, dtype=_np_dtype(dtype))
    if batch_shape is not None:
        m = np.broadcast_to(m, _shape_arg("eye", batch_shape) + m.shape).copy()
    return Tensor(m)


# TensorFlow's order for inferring range's dtype: the highest of the arguments' dtypes wins.
_RANGE_DTYPES = (_dt.int32, _dt.int64, _dt.float16, _dt.float32, _dt.float64)


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001 - TensorFlow's
    """The numbers start, start + delta, ... below `limit` (`range(n)` counts from 0).

    As TensorFlow, the dtype is the highest of the arguments' dtypes (int32 < int64 < float16 <
    float32 < float64), a Python int counting as int32 and a Python float as float32; `dtype`
    overrides it.

    Raises:
        InvalidArgumentError: if delta is zero or points away from limit (start > limit with
            delta > 0, or start < limit with delta < 0).
    """
    if limit is None:
        start, limit = 0, start
    if dtype is None:
        dtype = max((_tensor(v).dtype for v in (start, limit, delta)), key=_RANGE_DTYPES.index)
    bounds = [_static(v) for v in (start, limit, delta)]
    target = _dt.as_dtype(dtype)
    if target.is_integer and any(float(b) != int(b) for b in bounds):
        raise TypeError(f"range: start, limit and delta must be whole numbers for dtype "
                        f"{target.name}, got {bounds}; pass a float dtype or round them")
    if bounds[2] == 0:
        raise _invalid("range", "delta must not be zero")
    if (bounds[0] > bounds[1]) if bounds[2] > 0 else (bounds[0] < bounds[1]):
        relation = "<=" if bounds[2] > 0 else ">="
        raise _invalid("range", f"requires start {relation} limit when delta is "
                                f"{'positive' if bounds[2] > 0 else 'negative'}, got start "
                                f"{bounds[0]}, limit {bounds[1]}, delta {bounds[2]}.")
    return Tensor(np.arange(*bounds, dtype=_np_dtype(dtype)))


@_composite
def linspace(start, stop, num, name=None, axis=0):
    """`num` evenly spaced values from `start` to `stop`, both included, along a new `axis`.

    As TensorFlow: float32 for Python floats, float64 for Python ints; the ends are exact and
    the values are differentiable in `start` and `stop`.
    """
    hint = _dt.float64 if all(isinstance(v, int) for v in (start, stop)) else None
    lo = _tensor(start, dtype_hint=hint)
    hi = _tensor(stop, dtype_hint=lo.dtype)
    if lo.dtype.is_integer:
        lo, hi = cast(lo, _dt.float64), cast(hi, _dt.float64)
    num = _count("linspace", "num", num)
    ends = np.broadcast_shapes(lo._value.shape, hi._value.shape)
    axis = _new_axis("linspace", int(axis), len(ends))
    # broadcast first: the new axis counts in the broadcast shape, not in each end's own
    lo = expand_dims(_bind(_r.broadcast_to, lo, shape=ends), axis)
    hi = expand_dims(_bind(_r.broadcast_to, hi, shape=ends), axis)
    if num <= 1:
        return lo if num == 1 else _bind(_s.getitem, lo, key=(Ellipsis, slice(0, 0)))
    shape = [1] * (len(ends) + 1)
    shape[axis] = num - 2
    steps = Tensor(np.arange(1, num - 1, dtype=lo._value.dtype).reshape(shape))
    middle = lo + steps * ((hi - lo) / float(num - 1))
    return _bind(_s.concat, lo, middle, hi, axis=axis)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """One-hot vectors of length `depth` along a new `axis` (last by default).

    Indices outside [0, depth) give all-off rows, as in TensorFlow. Not differentiable.

    Raises:
        InvalidArgumentError: for non-integer indices, a negative depth, or an axis other than
            -1 or one in [0, rank(indices)].
        TypeError: for a depth that is not an integer.
    """
    idx = np.asarray(indices)
    if idx.dtype.kind not in "iu":
        raise _invalid("one_hot", f"indices must be integers, got dtype {idx.dtype}")
    depth = _count("one_hot", "depth", depth)
    if dtype is None:
        given = next((v for v in (on_value, off_value) if v is not None), None)
        dtype = _dt.float32 if given is None else _tensor(given).dtype
    np_dtype = _np_dtype(dtype)
    on = 1 if on_value is None else _static(on_value)
    off = 0 if off_value is None else _static(off_value)
    axis = -1 if axis is None else int(_static(axis))
    if axis != -1 and not 0 <= axis <= idx.ndim:
        raise _invalid("one_hot", f"axis must be -1 or in [0, {idx.ndim + 1}) for indices of "
                                  f"rank {idx.ndim}, got {axis}")
    if idx.ndim + 1 > MAX_RANK:
        raise rank_error("one_hot", idx.ndim + 1)
    hot = idx[..., None] == np.arange(depth)
    if axis != -1:
        hot = np.moveaxis(hot, -1, axis)
    return Tensor(np.where(hot, np.asarray(on, np_dtype), np.asarray(off, np_dtype)))


# -- metadata -----------------------------------------------------------------------------------

def shape(input, out_type=_dt.int32, name=None):  # noqa: A002 - TensorFlow's name
    """The shape of `input` as a 1-D integer tensor (int32 by default)."""
    return _bind(_s.shape, input, out_type=_dt.as_dtype(out_type)._np)


def size(input, out_type=_dt.int32, name=None):  # noqa: A002 - TensorFlow's name
    """The number of elements of `input` as a scalar integer tensor (int32 by default)."""
    return _bind(_s.size, input, out_type=_dt.as_dtype(out_type)._np)


def rank(input, name=None):  # noqa: A002 - TensorFlow's name
    """The number of axes of `input` as a scalar int32 tensor."""
    return Tensor(np.array(np.ndim(_value(input)), dtype=np.int32))


def _value(x):
    return x._value if _is_tensor(x) else _tensor(x)._value
