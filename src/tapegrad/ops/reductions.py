"""Reductions, and the broadcast / sum-to-shape pair the engine uses to undo broadcasting."""

import numpy as np

from .._core.primitive import LINEAR, NONE, defprimitive
from .._core.tensor import Tensor
from ._util import batch_shape, from_end
from ._util import plain as _plain
from .elementwise import divide, exp, floating_only, where
from .shape import reshape, transpose


def _normalize_axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if type(axis) is int:  # the common case, without np.ndim's ~2 us (every reduction's VJP)
        return (axis % ndim if ndim else 0,)
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return tuple(sorted(int(a) % ndim if ndim else 0 for a in axes))


def _kept_shape(x_shape, axis):
    """`x_shape` with the reduced axes kept as size 1: the keepdims=True result's shape."""
    kept = list(x_shape)
    for a in _normalize_axes(axis, len(x_shape)):
        kept[a] = 1
    return tuple(kept)


def _expand_back(g, out, x_shape, axis, keepdims):
    """Broadcasts a (batched) cotangent of a reduction back to the reduced input's shape."""
    batch = batch_shape(g, out)
    if not keepdims and g._value.ndim:  # a scalar (a full reduction) broadcasts as it is
        g = reshape(g, shape=batch + _kept_shape(x_shape, axis))
    return broadcast_to(g, shape=batch + tuple(x_shape))


def _axis_arg(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _int_dtype(x):
    # NumPy would widen int32 sums and products to int64; TensorFlow keeps the input's dtype.
    return x.dtype if x.dtype.kind in "iu" else None


def _sum(x, axis=None, keepdims=False):
    # np.add.reduce is what ndarray.sum calls, through a Python function of NumPy's
    return np.add.reduce(x, axis=_axis_arg(axis), dtype=_int_dtype(x), keepdims=keepdims)



reduce_sum = defprimitive(
    "reduce_sum", _sum,
    vjp=lambda g, out, x, axis=None, keepdims=False: _expand_back(
        g, out, x._value.shape, axis, keepdims),
    jvp=LINEAR, saves=(),
)


def _mean(x, axis=None, keepdims=False):
    total = _sum(x, axis, keepdims)
    count = x.size // max(total.size, 1) if x.size else 0
    if x.dtype.kind in "iu":  # an integer mean stays an integer, rounded toward zero as in TF
        if not count:
            return total
        quotient = total // count
        if x.dtype.kind == "i":  # floor division rounds a negative remainder down: undo that
            quotient = quotient + ((total < 0) & (total % count != 0))
        return np.asarray(quotient).astype(x.dtype)
    if not count:  # an empty input: NaN, silently (divide's forward is quiet)
        return divide.forward(total, x.dtype.type(count))
    return total / x.dtype.type(count)


def _mean_specialized(specs, axis=None, keepdims=False):
    """The mean of all of a float array: `_mean`'s sum and division, its case found once."""
    dtype = specs[0][1]
    if axis is not None or keepdims or dtype.kind != "f":
        return None
    t = dtype.type

    def mean(x):
        n = x.size
        return np.add.reduce(x, axis=None) / t(n) if n else _mean(x)

    return mean


# A primitive, not reduce_sum / n, for speed: one call instead of two in every loss.
reduce_mean = defprimitive(
    "reduce_mean", _mean,
    vjp=lambda g, out, x, axis=None, keepdims=False: _expand_back(
        g / float(x._value.size // max(out._value.size, 1)), out, x._value.shape, axis, keepdims),
    jvp=LINEAR, saves=(), specialize=_mean_specialized,
)


def _broadcast_vjp(g, out, x, shape):
    return sum_to_shape(g, shape=batch_shape(g, out) + x._value.shape,
                        nbatch=len(batch_shape(g, out)))


def _broadcast_to(x, shape):
    a = np.asarray(x)
    if a.size == 1 and a.ndim <= len(shape):
        # one value everywhere (a loss's cotangent): a 0-stride view, 5x cheaper to make than
        # np.broadcast_to's
        return np.ndarray(shape, a.dtype, buffer=np.ascontiguousarray(a), strides=(0,) * len(shape))
    return np.broadcast_to(x, shape)


broadcast_to = defprimitive(
    "broadcast_to", _broadcast_to, vjp=_broadcast_vjp, jvp=LINEAR,
    saves=(),
)


def _sum_to_shape(x, shape, nbatch=0):
    """Sums x (batch axes, then a broadcast of `shape`'s core) down to `shape`."""
    lead = x.ndim - len(shape)
    ones = tuple(
        i + lead for i in range(nbatch, len(shape)) if shape[i] == 1 and x.shape[i + lead] != 1
    )
    if lead and not ones and not nbatch:  # only leading axes (a bias's gradient): no reshape
        return np.add.reduce(x, axis=tuple(range(lead)))
    axes = tuple(range(nbatch, nbatch + lead)) + ones
    if axes:
        x = np.add.reduce(x, axis=axes, keepdims=True)
    return x.reshape(shape)


def _sum_to_shape_vjp(g, out, x, shape, nbatch=0):
    # g: (extra batch) + shape. Insert the axes that the sum removed, then broadcast.
    extra = batch_shape(g, out)
    core = x._value.shape[nbatch:]
    lead = len(core) - (len(shape) - nbatch)
    keep = extra + shape[:nbatch] + (1,) * lead + shape[nbatch:]
    return broadcast_to(reshape(g, shape=keep), shape=extra + x._value.shape)


def _sum_to_shape_specialized(specs, shape, nbatch=0):
    """A bias's gradient, `_sum_to_shape`'s sum over the leading axes only, when the sizes
    that decide its case (those of x at the 1s of `shape`) are 1, as they were when traced."""
    xshape = specs[0][0]
    lead = len(xshape) - len(shape)
    deciding = tuple(i + lead for i in range(len(shape)) if shape[i] == 1)
    if nbatch or not lead or any(xshape[k] != 1 for k in deciding):
        return None
    axes = tuple(range(lead))
    if not deciding:
        return lambda x: np.add.reduce(x, axis=axes)

    def summed(x):
        if all(x.shape[k] == 1 for k in deciding):
            return np.add.reduce(x, axis=axes)
        return _sum_to_shape(x, shape, nbatch)

    return summed


sum_to_shape = defprimitive(
    "sum_to_shape", _sum_to_shape, vjp=_sum_to_shape_vjp, jvp=LINEAR, saves=(),
    specialize=_sum_to_shape_specialized,
)


# -- more reductions ------------------------------------------------------------------------------



def _kept(out, x_shape, axis, keepdims):
    """`out` (a raw array) with the reduced axes restored as size 1."""
    return out if keepdims else np.reshape(out, _kept_shape(x_shape, axis))


def _tie_weights(x, out, axis, keepdims):
    """1/k at each of the k elements equal to the extreme, 0 elsewhere: a constant."""
    v = x._value
    hit = v == _kept(out._value, v.shape, axis, keepdims)
    count = np.sum(hit, axis=_normalize_axes(axis, v.ndim), keepdims=True)
    return Tensor((hit / count).astype(v.dtype))


def _extreme_vjp(g, out, x, axis=None, keepdims=False):
    # As TensorFlow's _MinOrMaxGrad: a tie splits the gradient evenly among the tied elements,
    # and the weights multiply (not select) the cotangent, so an inf cotangent gives NaN at
    # the other elements, and a NaN extreme (no element equals it) gives NaN everywhere.
    weights = _tie_weights(x, out, axis, keepdims)
    return _expand_back(g, out, x._value.shape, axis, keepdims) * weights


def _extreme_jvp(t, out, x, axis=None, keepdims=False):
    return reduce_sum(t * _tie_weights(x, out, axis, keepdims), axis=axis, keepdims=keepdims)


def _max(x, axis=None, keepdims=False):
    return x.max(axis=_axis_arg(axis), keepdims=keepdims)


def _min(x, axis=None, keepdims=False):
    return x.min(axis=_axis_arg(axis), keepdims=keepdims)


reduce_max = defprimitive(
    "reduce_max", _max, vjp=_extreme_vjp, jvp=_extreme_jvp,
)

reduce_min = defprimitive(
    "reduce_min", _min, vjp=_extreme_vjp, jvp=_extreme_jvp,
)


def _prod(x, axis=None, keepdims=False):
    return np.prod(x, axis=_axis_arg(axis), keepdims=keepdims, dtype=_int_dtype(x))


def _prod_of_others(x, axis):
    """For each element, the product of the others in its reduction group.

    Computed from exclusive cumulative products in both directions (as TensorFlow), so a zero
    in x gives the right answer instead of out / 0.
    """
    n = x._value.ndim
    axes = _normalize_axes(axis, n)
    perm = tuple(i for i in range(n) if i not in axes) + axes
    moved = transpose(x, perm=perm)
    lead = moved._value.shape[: n - len(axes)]
    flat = reshape(moved, shape=lead + (-1,))
    others = cumprod(flat, axis=-1, exclusive=True) * cumprod(
        flat, axis=-1, exclusive=True, reverse=True)
    back = reshape(others, shape=moved._value.shape)
    return transpose(back, perm=tuple(np.argsort(perm).tolist()))


reduce_prod = defprimitive(
    "reduce_prod", _prod,
    vjp=lambda g, out, x, axis=None, keepdims=False: _expand_back(
        g, out, x._value.shape, axis, keepdims) * _prod_of_others(x, axis),
    jvp=lambda t, out, x, axis=None, keepdims=False: reduce_sum(
        t * _prod_of_others(x, axis), axis=axis, keepdims=keepdims),
)


def _logsumexp(x, axis=None, keepdims=False):
    axis = _axis_arg(axis)
    top = np.max(x, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0).astype(x.dtype)  # all -inf gives -inf, not NaN
    out = np.log(np.sum(np.exp(x - top), axis=axis, keepdims=True)) + top
    if keepdims:
        return out
    return np.reshape(out, ()) if axis is None else np.squeeze(out, axis)


def _softmax_weights(x, out, axis, keepdims):
    return exp(x - reshape(out, shape=_kept(out._value, x._value.shape, axis, keepdims).shape))


reduce_logsumexp = defprimitive(
    "reduce_logsumexp", floating_only(_logsumexp),
    vjp=lambda g, out, x, axis=None, keepdims=False: _expand_back(
        g, out, x._value.shape, axis, keepdims) * _softmax_weights(x, out, axis, keepdims),
    jvp=lambda t, out, x, axis=None, keepdims=False: reduce_sum(
        t * _softmax_weights(x, out, axis, keepdims), axis=axis, keepdims=keepdims),
)

_LOGICAL_REDUCE = dict(vjp=NONE, differentiable=False)
reduce_all = defprimitive(
    "reduce_all", lambda x, axis=None, keepdims=False: np.all(
        x, axis=_axis_arg(axis), keepdims=keepdims), **_LOGICAL_REDUCE)
reduce_any = defprimitive(
    "reduce_any", lambda x, axis=None, keepdims=False: np.any(
        x, axis=_axis_arg(axis), keepdims=keepdims), **_LOGICAL_REDUCE)


def _arg_extreme(find, beyond, fill, bound):
    """TensorFlow's ArgMax / ArgMin: the first index of the extreme, NaN never being one.

    TensorFlow's kernel scans from (index 0, the dtype's lowest value) for argmax (highest for
    argmin) and moves only to a strictly greater (smaller) value, so NaNs are skipped, and an
    extreme that does not pass that bound (all NaN, all -inf) gives index 0.
    """

    def forward(x, axis=0, output_type=np.int64):
        if x.dtype.kind != "f":
            return find(x, axis=axis).astype(output_type)
        nan = np.isnan(x)
        if _plain(nan).any():  # (_util.plain)
            x = np.where(nan, x.dtype.type(fill), x)
        index = find(x, axis=axis)
        top = np.take_along_axis(x, np.expand_dims(index, axis), axis).squeeze(axis)
        limit = bound(np.finfo(x.dtype))
        return np.where(beyond(top, limit), index, 0).astype(output_type)

    return forward


argmax = defprimitive(
    "argmax", _arg_extreme(np.argmax, np.greater, -np.inf, lambda info: info.min),
    vjp=NONE, differentiable=False,
)
argmin = defprimitive(
    "argmin", _arg_extreme(np.argmin, np.less, np.inf, lambda info: info.max),
    vjp=NONE, differentiable=False,
)




# -- cumulative sums and products --------------------------------------------------------------

def _shift(out, axis, fill):
    """Shifts `out` one step along `axis`, filling the first slot: the exclusive scan."""
    pad = [(0, 0)] * out.ndim
    pad[axis] = (1, 0)
    keep = [slice(None)] * out.ndim
    keep[axis] = slice(0, -1)
    return np.pad(out[tuple(keep)], pad, constant_values=fill)


def _scan(ufunc, fill):
    def forward(x, axis=0, exclusive=False, reverse=False):
        if reverse:
            x = np.flip(x, axis)
        out = ufunc.accumulate(x, axis=axis, dtype=x.dtype)
        if exclusive:
            out = _shift(out, axis, fill)
        return np.flip(out, axis) if reverse else out

    return forward



cumsum = defprimitive(
    "cumsum", _scan(np.add, 0),
    vjp=lambda g, out, x, axis=0, exclusive=False, reverse=False: cumsum(
        g, axis=from_end(axis, x._value.ndim), exclusive=exclusive, reverse=not reverse),
    jvp=LINEAR,
)


def _div_no_nan(a, b):
    """a / b, and 0 where b is 0 (TensorFlow's div_no_nan), differentiable in a and b."""
    zero = b._value == 0
    return where(Tensor(zero), 0.0, divide(a, where(Tensor(zero), 1.0, b)))


def _cumprod_vjp(g, out, x, axis=0, exclusive=False, reverse=False):
    # TensorFlow's rule: a reversed cumsum of out * g, divided by x; 0 where x is 0.
    ax = from_end(axis, x._value.ndim)
    total = cumsum(out * g, axis=ax, exclusive=exclusive, reverse=not reverse)
    return _div_no_nan(total, x)


def _cumprod_jvp(t, out, x, axis=0, exclusive=False, reverse=False):
    return out * cumsum(_div_no_nan(t, x), axis=axis, exclusive=exclusive, reverse=reverse)


cumprod = defprimitive(
    "cumprod", _scan(np.multiply, 1), vjp=_cumprod_vjp, jvp=_cumprod_jvp,
)
