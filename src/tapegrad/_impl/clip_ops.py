"""Clipping and norms: clip_by_value, clip_by_norm (at `tf.`), norm (`tf.` and `tf.linalg.`)
and l2_normalize (`tf.math.` and `tf.nn.`), all composites, as TensorFlow's clip_ops.py.

Re-exported by `tapegrad.math`; kept apart only to keep math.py a readable size.
"""

import numpy as _np

from .._core.bind import bind as _bind
from .._core.errors import InvalidArgumentError as _Invalid
from .._core.indexed_slices import IndexedSlices as _IndexedSlices
from .._core.primitive import composite as _composite
from .._core.tensor import convert_to_tensor as _tensor
from ..ops import elementwise as _e
from ..ops import reductions as _r
from ..ops import shape as _s
from .arguments import axes as _axes
from .arguments import static as _static

__all__ = ["clip_by_value", "clip_by_norm", "clip_by_global_norm", "global_norm", "norm",
           "l2_normalize"]

def _same_shape(op, x, result, what):
    if result._value.shape != x._value.shape:
        raise _Invalid(
            f"{op}: {what} would broadcast t of shape {list(x.shape)} to shape "
            f"{list(result.shape)}; the clip values must broadcast to t's shape.",
            op=op,
        )
    return result


@_composite
def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """Clips t to [clip_value_min, clip_value_max] elementwise.

    As TensorFlow (minimum, then maximum), the gradient at a bound goes to t, and the clip
    values receive the gradient of the elements clipped to them.

    Raises:
        InvalidArgumentError: if the clip values would broadcast t to a larger shape.
    """
    x = _tensor(t)
    upper = _same_shape("clip_by_value", x, _bind(_e.minimum, x, clip_value_max),
                        "clip_value_max")
    return _same_shape("clip_by_value", x, _bind(_e.maximum, upper, clip_value_min),
                       "clip_value_min")


@_composite
def clip_by_norm(t, clip_norm, axes=None, name=None):
    """Rescales t so that its L2 norm over `axes` is at most `clip_norm`.

    As TensorFlow: t * clip_norm / maximum(norm, clip_norm), with a zero t left unchanged; an
    IndexedSlices has its values clipped and stays IndexedSlices.
    """
    if isinstance(t, _IndexedSlices):
        return _IndexedSlices(clip_by_norm(t.values, clip_norm, axes), t.indices, t.dense_shape)
    x = _tensor(t)
    axes = _axes("clip_by_norm", axes, x._value.ndim)
    l2sum = _bind(_r.reduce_sum, _bind(_e.multiply, x, x), axis=axes, keepdims=True)
    positive = _bind(_e.greater, l2sum, 0.0)
    safe = _bind(_e.where, positive, l2sum, 1.0)
    l2norm = _bind(_e.where, positive, _bind(_e.sqrt, safe), l2sum)
    scaled = _same_shape("clip_by_norm", x, _bind(_e.multiply, x, clip_norm), "clip_norm")
    return _bind(_e.divide, scaled, _bind(_e.maximum, l2norm, clip_norm))


def _values(t):
    """The tensor whose norm counts: an IndexedSlices' values (as TensorFlow: a repeated row's
    values count separately), or the tensor."""
    return t.values if isinstance(t, _IndexedSlices) else _tensor(t)


@_composite
def global_norm(t_list, name=None):
    """sqrt(sum of the squares of every element of every tensor in `t_list`); None entries
    are skipped and an IndexedSlices counts its values.

    Raises:
        TypeError: if `t_list` is a single tensor rather than a list.
    """
    if not isinstance(t_list, (list, tuple)):
        raise TypeError(f"global_norm: t_list must be a list or tuple of tensors, got "
                        f"{type(t_list).__name__}")
    squares = [_bind(_r.reduce_sum, _bind(_e.multiply, v, v), axis=None, keepdims=False)
               for v in (_values(t) for t in t_list if t is not None)]
    if not squares:
        return _tensor(0.0)
    total = squares[0]
    for sq in squares[1:]:
        total = _bind(_e.add, total, sq)
    return _bind(_e.sqrt, total)


@_composite
def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scales every tensor of `t_list` by clip_norm / max(global_norm, clip_norm), as
    TensorFlow: the scale is `clip_norm * min(1 / norm, 1 / clip_norm)`, NaN for a non-finite
    norm. IndexedSlices stay IndexedSlices (their values scaled); None entries stay None.

    Returns:
        (the list of clipped tensors, the global norm).

    Raises:
        TypeError: if `t_list` is a single tensor rather than a list.
    """
    if not isinstance(t_list, (list, tuple)):
        raise TypeError(f"clip_by_global_norm: t_list must be a list or tuple of tensors, got "
                        f"{type(t_list).__name__}")
    norm_ = global_norm(t_list) if use_norm is None else _tensor(use_norm)
    c = _tensor(clip_norm, dtype_hint=norm_.dtype)
    scale = _bind(_e.multiply, c, _bind(_e.minimum, _bind(_e.divide, 1.0, norm_),
                                        _bind(_e.divide, 1.0, c)))
    scale = _bind(_e.add, scale, _bind(_e.subtract, norm_, norm_))  # NaN for inf or NaN norms
    out = []
    for t in t_list:
        if t is None:
            out.append(None)
        elif isinstance(t, _IndexedSlices):
            out.append(_IndexedSlices(_bind(_e.multiply, t.values, scale), t.indices,
                                      t.dense_shape))
        else:
            out.append(_bind(_e.multiply, _tensor(t), scale))
    return out, norm_


_VECTOR_ORDS = ("euclidean", 1, 2, _np.inf)
_MATRIX_ORDS = ("euclidean", "fro", 1, _np.inf)


@_composite
def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):  # noqa: A002
    """The vector norm over `axis` (all elements when None) or the matrix norm over two axes.

    Args:
        tensor: the input.
        ord: "euclidean" (the default), "fro" (matrix only), 1, 2, np.inf, or any p > 0 for
            vectors; for matrices 1 (max column sum) and np.inf (max row sum).
        axis: None, an int, or a pair of ints for a matrix norm.
        keepdims: keep the reduced axes with size 1.

    The gradient of the Euclidean norm of a zero vector is NaN (0 / 0), as in TensorFlow. Where
    zeros can occur, differentiate `tf.sqrt(tf.reduce_sum(tf.square(x)) + eps)` instead, or
    mask with `tf.where` on both sides.

    Raises:
        ValueError: for an unsupported `ord` or `axis`.
    """
    x = _tensor(tensor)
    axis = _static(axis)
    matrix = isinstance(axis, (tuple, list)) and len(axis) == 2
    if matrix:
        axis = tuple(axis)
        if not all(isinstance(a, (int, _np.integer)) for a in axis) or \
                axis[0] % max(x.ndim, 1) == axis[1] % max(x.ndim, 1):
            raise ValueError(f"norm: 'axis' must be None, an integer, or a tuple of 2 unique "
                             f"integers, got {axis}")
        if ord not in _MATRIX_ORDS:
            extra = " (the spectral norm, ord=2, is not supported)" if ord == 2 else ""
            raise ValueError(
                f"norm: 'ord' must be a supported matrix norm in {list(_MATRIX_ORDS)}, got "
                f"{ord!r}{extra}")
    else:
        if not (axis is None or isinstance(axis, (int, _np.integer))):
            raise ValueError(f"norm: 'axis' must be None, an integer, or a tuple of 2 unique "
                             f"integers, got {axis!r}")
        if ord not in _VECTOR_ORDS and (isinstance(ord, str) or not ord > 0):
            raise ValueError(f"norm: 'ord' must be a supported vector norm, got {ord!r}")
        axis = None if axis is None else (axis,)
    axis = _axes("norm", axis, x._value.ndim)
    kept = dict(keepdims=True)
    # As TensorFlow, a vector's ord 2 is the Euclidean norm, not the p-norm through abs (whose
    # second derivative vanishes at exact zeros)
    if ord in ("euclidean", "fro", 2):
        result = _bind(_e.sqrt, _bind(_r.reduce_sum, _bind(_e.multiply, x, x), axis=axis, **kept))
    else:
        result = _bind(_e.abs, x)
        if ord == 1:
            result = _bind(_r.reduce_sum, result, axis=None if axis is None else axis[0], **kept)
            if matrix:
                result = _bind(_r.reduce_max, result, axis=axis[1], **kept)
        elif ord == _np.inf:
            if matrix:
                result = _bind(_r.reduce_sum, result, axis=axis[1], **kept)
            result = _bind(_r.reduce_max, result, axis=None if axis is None else axis[0], **kept)
        else:
            powered = _bind(_e.pow, result, float(ord))
            result = _bind(_e.pow, _bind(_r.reduce_sum, powered, axis=axis, **kept), 1.0 / ord)
    if keepdims:
        return result
    shape = tuple(d for i, d in enumerate(result._value.shape)
                  if axis is not None and i not in [a % x.ndim for a in axis])
    return _bind(_s.reshape, result, shape=shape)


@_composite
def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(sum(x ** 2, axis), epsilon)): unit L2 norm along `axis` (all when None).

    A zero x stays zero, with a finite gradient 1 / sqrt(epsilon), as in TensorFlow.
    """
    x = _tensor(x)
    axis = _axes("l2_normalize", dim if axis is None else axis, x._value.ndim)
    square_sum = _bind(_r.reduce_sum, _bind(_e.square, x), axis=axis, keepdims=True)
    inv = _bind(_e.reciprocal, _bind(_e.sqrt, _bind(_e.maximum, square_sum, float(epsilon))))
    return _bind(_e.multiply, x, inv)
