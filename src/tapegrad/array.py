"""Shape and creation ops at `tapegrad.*`: reshape, transpose, cast, identity, zeros, ..."""

import numpy as np

from ._checks import shape_arg as _shape_arg
from ._checks import static as _static
from ._core import dtypes as _dt
from ._core.errors import InvalidArgumentError
from ._core.registry import bind as _bind
from ._core.tensor import Tensor
from ._core.tensor import convert_to_tensor as _tensor
from .ops import elementwise as _e
from .ops import reductions as _r
from .ops import shape as _s

__all__ = [
    "reshape", "transpose", "matrix_transpose", "cast", "identity", "where", "broadcast_to",
    "zeros", "ones", "zeros_like", "ones_like", "getitem",
]


def reshape(tensor, shape, name=None):
    """Returns `tensor` with a new shape (one dimension may be -1) and the same elements.

    Raises:
        InvalidArgumentError: if the element counts differ.
    """
    x = _tensor(tensor)
    shape = _shape_arg("reshape", shape)
    size = x._value.size
    known = int(np.prod([d for d in shape if d != -1], dtype=np.int64))
    if shape.count(-1) > 1 or (-1 not in shape and known != size) or (
        -1 in shape and (known == 0 or size % known)
    ):
        raise InvalidArgumentError(
            f"reshape: cannot reshape a tensor with {size} elements (shape {x.shape}) to shape "
            f"{list(shape)}; the element counts must match (at most one dimension may be -1).",
            op="reshape",
        )
    return _bind(_s.reshape, x, shape=shape)


def transpose(a, perm=None, conjugate=False, name=None):
    """Permutes the axes of `a` (reverses them when `perm` is None)."""
    x = _tensor(a)
    if perm is not None:
        perm = tuple(int(p) for p in _static(perm))
        if sorted(p % max(x.ndim, 1) for p in perm) != list(range(x.ndim)):
            raise InvalidArgumentError(
                f"transpose: perm {list(perm)} is not a permutation of the {x.ndim} axes of a "
                f"tensor of shape {x.shape}.",
                op="transpose",
            )
    return _bind(_s.transpose, x, perm=perm)


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Swaps the last two axes of `a` (rank >= 2)."""
    x = _tensor(a)
    if x.ndim < 2:
        raise InvalidArgumentError(
            f"matrix_transpose: needs rank >= 2, got shape {x.shape}", op="matrix_transpose"
        )
    n = x.ndim
    return _bind(_s.transpose, x, perm=tuple(range(n - 2)) + (n - 1, n - 2))


def cast(x, dtype, name=None):
    """Casts `x` to `dtype`. The gradient is cast back; integer or bool ends give None."""
    x = _tensor(x)
    target = _dt.as_dtype(dtype)
    if x.dtype == target:
        return x
    return _bind(_e.cast, x, dtype=target._np)


def identity(input, name=None):  # noqa: A002 - TensorFlow's name
    """Returns a tensor with the same value; the gradient passes through unchanged."""
    return _bind(_e.identity, input)


def where(condition, x=None, y=None, name=None):
    """Chooses elementwise from `x` where `condition` holds, else from `y` (broadcasting).

    The untaken branch receives a zero gradient, as in TensorFlow. If that branch evaluates to
    inf or NaN the product 0 * inf still gives NaN in TensorFlow and here; keep both branches
    finite, e.g. `tf.where(x > 0, tf.sqrt(tf.where(x > 0, x, 1.0)), 0.0)`.
    With only `condition`, returns the indices of its true elements as an int64 matrix.
    """
    cond = _tensor(condition)
    if x is None and y is None:
        return Tensor(np.argwhere(np.asarray(cond._value, dtype=bool)).astype(np.int64))
    if x is None or y is None:
        raise ValueError("where: give both x and y, or neither")
    if cond.dtype != _dt.bool:
        raise InvalidArgumentError(
            f"where: condition must be a bool tensor, got dtype {cond.dtype.name}",
            op="where",
        )
    return _bind(_e.where, cond, x, y)


def broadcast_to(input, shape, name=None):  # noqa: A002 - TensorFlow's name
    """Broadcasts `input` to `shape` (NumPy's rules); the gradient is summed back."""
    return _bind(_r.broadcast_to, input, shape=_shape_arg("broadcast_to", shape))


def zeros(shape, dtype=_dt.float32, name=None):
    """A tensor of zeros of the given shape and dtype (float32 by default)."""
    return Tensor(np.zeros(_shape_arg("zeros", shape), dtype=_dt.as_dtype(dtype)._np))


def ones(shape, dtype=_dt.float32, name=None):
    """A tensor of ones of the given shape and dtype (float32 by default)."""
    return Tensor(np.ones(_shape_arg("ones", shape), dtype=_dt.as_dtype(dtype)._np))


def zeros_like(input, dtype=None, name=None):  # noqa: A002 - TensorFlow's name
    """Zeros with the shape (and by default the dtype) of `input`."""
    x = _tensor(input)
    return Tensor(np.zeros_like(x._value, dtype=None if dtype is None else _dt.as_dtype(dtype)._np))


def ones_like(input, dtype=None, name=None):  # noqa: A002 - TensorFlow's name
    """Ones with the shape (and by default the dtype) of `input`."""
    x = _tensor(input)
    return Tensor(np.ones_like(x._value, dtype=None if dtype is None else _dt.as_dtype(dtype)._np))


def _index_part(k):
    if isinstance(k, Tensor) or hasattr(k, "_read"):
        k = np.asarray(k)
        return k.item() if k.ndim == 0 and k.dtype.kind in "iu" else k
    if isinstance(k, list):
        return np.asarray(k)
    return k


def getitem(tensor, key):
    """`tensor[key]` with ints, slices (with steps), Ellipsis, None / tf.newaxis, and index or
    boolean tensors, as NumPy does; the gradient scatters back (repeated indices add up)."""
    x = _tensor(tensor)
    key = tuple(_index_part(k) for k in (key if isinstance(key, tuple) else (key,)))
    try:
        x._value[key]
    except IndexError as err:
        raise InvalidArgumentError(
            f"getitem: index {key!r} is invalid for a tensor of shape {x.shape}: {err}",
            op="getitem",
        ) from None
    return _bind(_s.getitem, x, key=key)
