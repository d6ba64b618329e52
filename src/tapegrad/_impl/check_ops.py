"""`tf.debugging`'s assertions: `Assert`, `assert_equal`, `assert_less`, `assert_rank`,
`assert_shapes`, `assert_all_finite`, and `tf.ensure_shape` and `Tensor.set_shape`, with
TensorFlow's error classes and messages (`check_numerics` is in `debugging_ops.py`).

A check on values is an effect (`_core/trace.effect`): eagerly it runs at once; inside a traced
`tf.function` it is an instruction that runs at every call (not at tracing), as TensorFlow's
assert ops do. Checks on static shapes (`assert_rank`, `assert_shapes`) run when called, as
TensorFlow's do when the shapes are known.
"""

import numpy as np

from .._core.errors import InvalidArgumentError
from .._core.tensor import Tensor, TensorShape, convert_to_tensor
from .._core.trace import effect
from .array_ops import identity

__all__ = [
    "Assert", "assert_all_finite", "assert_equal", "assert_less", "assert_rank",
    "assert_shapes", "ensure_shape",
]


def _array(t):
    return np.asarray(t._value).view(np.ndarray)


def _summary(item, summarize):
    """An item of an assertion's data as TensorFlow's eager assertions print it."""
    if isinstance(item, Tensor):
        value = _array(item)
        if value.ndim == 0:
            return str(value)
        flat = [str(v) for v in value.reshape(-1)[:summarize]]
        return ", ".join(flat + (["..."] if len(flat) < value.size else []))
    return str(item)


@effect
def _assert(condition, data, summarize):
    if np.all(_array(condition)):
        return
    shown = [repr(d.encode()) if isinstance(d, str) else _summary(d, summarize) for d in data]
    raise InvalidArgumentError(
        f"Expected '{condition!r}' to be true. Summarized data: {chr(10).join(shown)}")


def Assert(condition, data, summarize=None, name=None):
    """Raises `InvalidArgumentError` with `data` in its message if `condition` is false.

    Args:
        condition: a scalar bool tensor (or Python bool).
        data: a list of tensors and strings, shown in the message.
        summarize: how many elements of each tensor to show (3 by default).
        name: accepted for TensorFlow compatibility.

    Raises:
        InvalidArgumentError: if `condition` is false (inside a `tf.function`, when the
            program runs).
    """
    condition = convert_to_tensor(condition)
    data = [d if isinstance(d, str) else convert_to_tensor(d) for d in data]
    _assert(condition, data, 3 if summarize is None else summarize)


@effect
def _assert_binary(x, y, sym, message, summarize):
    xv, yv = _array(x), _array(y)
    try:
        held = np.equal(xv, yv) if sym == "==" else np.less(xv, yv)
    except ValueError:
        held = None
    if held is None or np.broadcast(xv, yv).shape != np.broadcast_shapes(xv.shape, yv.shape):
        raise InvalidArgumentError(f"assert: x {sym} y: incompatible shapes: "
                                   f"{list(xv.shape)} vs. {list(yv.shape)}")
    if np.all(held):
        return
    data = [f"Condition x {sym} y did not hold."]
    if xv.shape == yv.shape and xv.ndim:
        where = np.argwhere(~held)
        n = min(summarize, len(where))
        data += [f"Indices of first {n} different values:", str(where[:n]),
                 "Corresponding x values:", str(xv[~held].reshape(-1)[:n]),
                 "Corresponding y values:", str(yv[~held].reshape(-1)[:n])]
    nx, ny = min(xv.size, summarize), min(yv.size, summarize)
    data += [f"First {nx} elements of x:", str(xv.reshape(-1)[:nx]),
             f"First {ny} elements of y:", str(yv.reshape(-1)[:ny])]
    if message is not None:
        data.insert(0, str(message))
    raise InvalidArgumentError("\n".join(data))


def _binary(x, y, sym, message, summarize):
    x = convert_to_tensor(x)
    y = convert_to_tensor(y, dtype_hint=x.dtype)
    if x.dtype != y.dtype:
        raise TypeError(f"tf.debugging.assert_{'equal' if sym == '==' else 'less'}: x and y "
                        f"must have the same dtype, got {x.dtype.name} and {y.dtype.name}")
    summarize = 3 if summarize is None else summarize if summarize >= 0 else 10**9
    _assert_binary(x, y, sym, message, summarize)


def assert_equal(x, y, message=None, summarize=None, name=None):
    """Raises `InvalidArgumentError` unless `x == y` everywhere (TensorFlow's message: the
    indices and values that differ, then the first elements of each).

    Args:
        x: a tensor.
        y: a tensor of the same dtype, broadcastable with `x`.
        message: prefixed to the error message.
        summarize: how many values to show (3 by default; negative: all).
        name: accepted for TensorFlow compatibility.

    Raises:
        InvalidArgumentError: if some element differs (inside a `tf.function`, when the
            program runs).
    """
    _binary(x, y, "==", message, summarize)


def assert_less(x, y, message=None, summarize=None, name=None):
    """Raises `InvalidArgumentError` unless `x < y` everywhere (as `assert_equal`)."""
    _binary(x, y, "<", message, summarize)


def assert_rank(x, rank, message=None, name=None):
    """Raises `ValueError` unless `x` has rank `rank` (a static check, as TensorFlow's when
    the rank is known).

    Raises:
        ValueError: if the rank differs.
    """
    x = convert_to_tensor(x)
    rank = int(np.asarray(rank._value if isinstance(rank, Tensor) else rank))
    if x.shape.rank != rank:
        prefix = "" if message is None else f"{message}.  "
        raise ValueError(f"{prefix}Tensor {getattr(x, 'name', '')} must have rank {rank}.  "
                         f"Received rank {x.shape.rank}, shape {tuple(x.shape)}")


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    """Raises `ValueError` unless the tensors' shapes agree with their specifications.

    Args:
        shapes: a list of (tensor, shape) pairs (or a dict); a shape is a tuple of ints and
            names, a name standing for the same size wherever it appears; a leading "..."
            allows any leading dimensions; a string such as "NHWC" is a tuple of names.
        data, summarize, name: accepted for TensorFlow compatibility.
        message: prefixed to the error message.

    Raises:
        ValueError: if a rank or a dimension disagrees.
    """
    pairs = list(shapes.items()) if isinstance(shapes, dict) else list(shapes)
    sizes = {}  # a dimension's name -> (its size, the tensor that set it, its axis)
    prefix = "" if message is None else f"{message}.  "
    for x, spec in pairs:
        x = convert_to_tensor(x)
        spec = tuple(spec)  # "NHWC" is ("N", "H", "W", "C")
        shape = tuple(x.shape)
        described = f"shape={x.shape} dtype={x.dtype.name}"
        ellipsis = bool(spec) and spec[0] in ("...", Ellipsis)
        dims = spec[1:] if ellipsis else spec
        if len(shape) < len(dims) or not ellipsis and len(shape) != len(dims):
            raise ValueError(f"{prefix}Specified by tensor {described} dimension "
                             f"{len(dims)}.  Tensor {described} must have rank {len(dims)}.  "
                             f"Received rank {len(shape)}, shape {shape}")
        offset = len(shape) - len(dims)
        for axis, want in enumerate(dims):
            got = shape[offset + axis]
            if isinstance(want, str) and want not in ("...",):
                if want not in sizes:
                    sizes[want] = (got, described, offset + axis)
                    continue
                want_size, by, by_axis = sizes[want]
            else:
                want_size, by, by_axis = int(want), described, offset + axis
            if got is not None and want_size is not None and got != want_size:
                raise ValueError(f"{prefix}Specified by tensor {by} dimension {by_axis}.  "
                                 f"Tensor {described} dimension {offset + axis} must have size "
                                 f"{want_size}.  Received size {got}, shape {shape}")


def assert_all_finite(x, message, name=None):
    """`tf.debugging.check_numerics(x, message)`: returns `x`, raising `InvalidArgumentError`
    if it has a NaN or an infinity."""
    from .debugging_ops import check_numerics  # noqa: PLC0415 - loads tapegrad.debug: lazily

    return check_numerics(x, message)


def _shape_arg(op, shape):
    """`shape` as a TensorShape (None: any shape), with the op's name in a bad dimension's
    error."""
    try:
        return TensorShape(shape)
    except (TypeError, ValueError) as e:
        raise type(e)(f"{op}: bad shape {shape!r}: {e}") from None


def _show(shape):
    # TensorFlow's runtime spelling of a shape: [2,?,3].
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


@effect
def _ensure(x, shape):
    if not x.shape.is_compatible_with(shape):
        raise InvalidArgumentError(
            f"ensure_shape: Shape of tensor input {_show(x.shape)} is not compatible with "
            f"expected shape {_show(shape)}.")


def ensure_shape(x, shape, name=None):
    """Returns `x` unchanged after checking that its shape is compatible with `shape`.

    Args:
        x: a tensor.
        shape: a list, tuple or `TensorShape`; None for an unknown dimension, or None for any
            shape.
        name: accepted for TensorFlow compatibility.

    Raises:
        InvalidArgumentError: if the shapes are not compatible (inside a `tf.function`, when
            the program runs, so a relaxed trace checks every call's shape).
        ValueError: a negative dimension in `shape`.
    """
    shape = _shape_arg("ensure_shape", shape)
    x = convert_to_tensor(x)
    if shape.rank is not None:
        _ensure(x, tuple(shape))
    return identity(x)


def set_shape(self, shape):
    """`Tensor.set_shape`: checks that the tensor's shape is compatible with `shape` (an eager
    tensor's shape is always known, so nothing is refined).

    Raises:
        ValueError: if it is not, as TensorFlow's.
    """
    shape = _shape_arg("set_shape", shape)
    if not self.shape.is_compatible_with(shape):
        raise ValueError(f"Tensor's shape {tuple(self.shape)} is not compatible with supplied "
                         f"shape {tuple(shape)}.")


Tensor.set_shape = set_shape
