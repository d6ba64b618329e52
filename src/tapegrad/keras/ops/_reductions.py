"""`keras.ops` reductions, scans, sorting and order statistics, with Keras 3's dtype rules:
`sum` / `prod` of bools and small integers give int32, `mean` / `var` / `std` of integers give
floatx, `argmax` / `argsort` give int32. Sorting and order statistics gather the values at the
sorted positions, so their gradients reach the elements they select."""

import numpy as np

import tapegrad as tf

from ..promotion import result_type
from ._common import as_tensor, axes_of, float_input, op

_WIDEN = {"bool": "int32", "int8": "int32", "int16": "int32", "uint8": "uint32", "uint16": "uint32"}


def _widened(x):
    x = as_tensor(x)
    dtype = _WIDEN.get(x.dtype.name)
    return x if dtype is None else tf.cast(x, dtype)


@op
def sum(x, axis=None, keepdims=False):
    """The sum over `axis` (all axes when None)."""
    return tf.reduce_sum(_widened(x), axis=axes_of(axis), keepdims=keepdims)


@op
def prod(x, axis=None, keepdims=False, dtype=None):
    """The product over `axis`."""
    x = _widened(x) if dtype is None else as_tensor(x, dtype)
    return tf.reduce_prod(x, axis=axes_of(axis), keepdims=keepdims)


@op
def mean(x, axis=None, keepdims=False):
    """The arithmetic mean over `axis` (integers average as floatx)."""
    return tf.reduce_mean(float_input(x), axis=axes_of(axis), keepdims=keepdims)


@op
def var(x, axis=None, keepdims=False):
    """The (population) variance over `axis`."""
    return tf.math.reduce_variance(float_input(x), axis=axes_of(axis), keepdims=keepdims)


@op
def std(x, axis=None, keepdims=False):
    """The (population) standard deviation over `axis`."""
    return tf.math.reduce_std(float_input(x), axis=axes_of(axis), keepdims=keepdims)


def _extreme(reduce, combine, x, axis, keepdims, initial):
    x = as_tensor(x)
    if x.dtype.name == "bool":
        out = (tf.reduce_any if reduce is tf.reduce_max else tf.reduce_all)(
            x, axis=axes_of(axis), keepdims=keepdims
        )
        if initial is not None:
            out = tf.cast(combine(tf.cast(out, "int32"), int(initial)), "bool")
        return out
    if not int(np.prod(x.shape)):
        raise ValueError("Cannot compute the max or min of an empty tensor.")
    out = reduce(x, axis=axes_of(axis), keepdims=keepdims)
    return out if initial is None else combine(out, tf.cast(initial, out.dtype))


@op
def max(x, axis=None, keepdims=False, initial=None):
    """The largest value over `axis`, at least `initial` if given."""
    return _extreme(tf.reduce_max, tf.maximum, x, axis, keepdims, initial)


@op
def min(x, axis=None, keepdims=False, initial=None):
    """The smallest value over `axis`, at most `initial` if given."""
    return _extreme(tf.reduce_min, tf.minimum, x, axis, keepdims, initial)


amax = max
amin = min


@op
def ptp(x, axis=None, keepdims=False):
    """max - min over `axis`."""
    return tf.subtract(max(x, axis, keepdims), min(x, axis, keepdims))


@op
def all(x, axis=None, keepdims=False):
    """Whether every value over `axis` is true (non-zero)."""
    return tf.reduce_all(as_tensor(x, "bool"), axis=axes_of(axis), keepdims=keepdims)


@op
def any(x, axis=None, keepdims=False):
    """Whether some value over `axis` is true (non-zero)."""
    return tf.reduce_any(as_tensor(x, "bool"), axis=axes_of(axis), keepdims=keepdims)


@op
def count_nonzero(x, axis=None):
    """The number of non-zero values over `axis` (int32)."""
    nonzero = tf.cast(tf.not_equal(as_tensor(x), 0), "int32")
    return tf.reduce_sum(nonzero, axis=axes_of(axis))


def _arg(np_fn, x, axis, keepdims):
    value = as_tensor(x).numpy()
    out = np_fn(value.reshape(-1) if axis is None else value, axis=0 if axis is None else axis)
    if keepdims:
        out = np.reshape(out, [1] * value.ndim) if axis is None else np.expand_dims(out, axis)
    return tf.constant(np.asarray(out, np.int32))


@op
def argmax(x, axis=None, keepdims=False):
    """The index of the largest value along `axis` (of the flattened tensor when None)."""
    return _arg(np.argmax, x, axis, keepdims)


@op
def argmin(x, axis=None, keepdims=False):
    """The index of the smallest value along `axis` (of the flattened tensor when None)."""
    return _arg(np.argmin, x, axis, keepdims)


@op
def cumsum(x, axis=None, dtype=None):
    """The running sum along `axis` (of the flattened tensor when None)."""
    x = as_tensor(x, dtype)
    if x.dtype.name == "bool":
        x = tf.cast(x, "int32")
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    return tf.cumsum(x, axis=axis)


@op
def cumprod(x, axis=None, dtype=None):
    """The running product along `axis` (of the flattened tensor when None)."""
    x = as_tensor(x, dtype)
    if x.dtype.name == "bool":
        x = tf.cast(x, "int32")
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    return tf.math.cumprod(x, axis=axis)


# -- gathering at NumPy-computed positions ---------------------------------------------------


def take_along(x, indices, axis):
    """`x` gathered along `axis` at `indices` (a NumPy integer array broadcast against x on
    the other axes), as numpy.take_along_axis; the gradient flows to the gathered elements."""
    x = as_tensor(x)
    indices = np.asarray(indices, np.int64)
    axis = axis % x.ndim
    x_shape, i_shape = list(x.shape), list(indices.shape)
    x_shape[axis] = i_shape[axis] = 1
    shape = list(np.broadcast_shapes(tuple(x_shape), tuple(i_shape)))
    x_full, i_full = list(shape), list(shape)
    x_full[axis], i_full[axis] = x.shape[axis], indices.shape[axis]
    if tuple(x.shape) != tuple(x_full):
        x = tf.broadcast_to(x, x_full)
    indices = np.broadcast_to(indices, i_full)
    indices = np.where(indices < 0, indices + x_full[axis], indices)
    grid = list(np.indices(i_full, sparse=True))
    grid[axis] = indices
    flat = np.ravel_multi_index(np.broadcast_arrays(*grid), x_full)
    return tf.reshape(tf.gather(tf.reshape(x, [-1]), flat.reshape(-1)), i_full)


def _order(x, axis, descending=False):
    value = as_tensor(x).numpy()
    if value.dtype == bool:
        value = value.astype(np.int8)
    if descending:
        value = -value.astype(np.float64) if value.dtype.kind == "u" else -value
    return np.argsort(value, axis=axis, kind="stable")


@op
def argsort(x, axis=-1):
    """The indices that sort `x` along `axis` (int32)."""
    x = as_tensor(x)
    if x.ndim == 0:
        return tf.constant([0], "int32")
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    return tf.constant(_order(x, axis).astype(np.int32))


@op
def sort(x, axis=-1):
    """`x` sorted along `axis` (ascending)."""
    x = as_tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    if x.ndim == 0:
        return x
    return take_along(x, _order(x, axis), axis)


@op
def top_k(x, k, sorted=True):
    """The `k` largest values along the last axis and their indices (int32), the lower index
    first among equal values."""
    x = as_tensor(x)
    indices = _order(x, -1, descending=True)[..., :k]
    return take_along(x, indices, -1), tf.constant(indices.astype(np.int32))


@op
def in_top_k(targets, predictions, k):
    """Whether each target class is among the `k` highest predictions of its row."""
    from .._metrics.wrappers import _in_top_k

    predictions = as_tensor(predictions).numpy()
    return tf.constant(_in_top_k(np.asarray(as_tensor(targets).numpy()), predictions, k))


@op
def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over `axis`, without overflow."""
    return tf.reduce_logsumexp(float_input(x), axis=axes_of(axis), keepdims=keepdims)


def _moved_last(x, axis):
    """x with the reduced axes moved last and flattened into one, and the kept shape."""
    axes = list(range(x.ndim)) if axis is None else [a % x.ndim for a in np.atleast_1d(axis)]
    keep = [a for a in range(x.ndim) if a not in axes]
    x = tf.transpose(x, keep + axes) if keep + axes != list(range(x.ndim)) else x
    kept_shape = [x.shape[i] for i in range(len(keep))]
    return tf.reshape(x, [*kept_shape, -1]), axes


@op
def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The `q`-th quantiles (q in [0, 1], a number or a 1-D list) over `axis`, as NumPy's
    `method`: "linear", "lower", "higher", "midpoint" or "nearest"."""
    methods = ("linear", "lower", "higher", "midpoint", "nearest")
    if method not in methods:
        raise ValueError(f"Invalid value for argument `method`: {method!r}; one of {methods}")
    x = float_input(x)
    q_values = np.asarray(as_tensor(q).numpy(), np.float64)
    if np.any((q_values < 0) | (q_values > 1)):
        raise ValueError(f"quantile: q must be in [0, 1], got {q_values.tolist()}")
    ndim = x.ndim
    flat, axes = _moved_last(x, axis)
    n = flat.shape[-1]
    ordered = sort(flat, axis=-1)
    pos = q_values.reshape(-1) * (n - 1)
    lo, hi = np.floor(pos).astype(np.int64), np.ceil(pos).astype(np.int64)
    if method == "lower":
        hi = lo
    elif method == "higher":
        lo = hi
    elif method == "nearest":
        lo = hi = np.round(pos).astype(np.int64)  # half to even, as NumPy
    first = tf.gather(ordered, lo, axis=-1)
    second = tf.gather(ordered, hi, axis=-1)
    if method == "midpoint":
        frac = np.where(hi > lo, 0.5, 0.0)
    elif method == "linear":
        frac = pos - lo
    else:
        frac = np.zeros_like(pos)
    out = tf.add(first, tf.multiply(tf.subtract(second, first), frac.astype(x.dtype.name)))
    if keepdims:
        shape = [1 if a in axes else x.shape[a] for a in range(ndim)]
        out = tf.reshape(
            tf.transpose(out, [out.ndim - 1, *range(out.ndim - 1)]), [len(pos), *shape]
        )
    else:
        out = tf.transpose(out, [out.ndim - 1, *range(out.ndim - 1)])
    return out[0] if q_values.ndim == 0 else out


@op
def percentile(x, q, axis=None, method="linear", keepdims=False):
    """The `q`-th percentiles (q in [0, 100]); see `quantile`."""
    q = np.asarray(as_tensor(q).numpy(), np.float64) / 100.0
    return quantile(x, q, axis=axis, method=method, keepdims=keepdims)


@op
def median(x, axis=None, keepdims=False):
    """The median over `axis`."""
    return quantile(x, 0.5, axis=axis, keepdims=keepdims)


@op
def average(x, axis=None, weights=None):
    """The mean over `axis`, weighted by `weights` (of x's shape, or 1-D along `axis`)."""
    if weights is None:
        return mean(x, axis=axis)
    w = as_tensor(weights)
    dtype = result_type(as_tensor(x).dtype.name, w.dtype.name, float)
    x, w = as_tensor(x, dtype), tf.cast(w, dtype)
    if axis is not None and w.ndim == 1 and x.ndim > 1:
        shape = [1] * x.ndim
        shape[axis] = -1
        w = tf.reshape(w, shape)
        w_sum = tf.reduce_sum(w)
    else:
        w_sum = tf.reduce_sum(tf.broadcast_to(w, x.shape), axis=axes_of(axis))
    return tf.divide(tf.reduce_sum(tf.multiply(x, w), axis=axes_of(axis)), w_sum)


def _nan_masked(x, fill):
    x = float_input(x)
    return tf.where(tf.math.is_nan(x), tf.fill(x.shape, tf.cast(fill, x.dtype)), x), x


@op
def nansum(x, axis=None, keepdims=False):
    """The sum over `axis`, NaNs counted as 0."""
    filled, _ = _nan_masked(x, 0.0)
    return tf.reduce_sum(filled, axis=axes_of(axis), keepdims=keepdims)


@op
def nanmean(x, axis=None, keepdims=False):
    """The mean over `axis` of the values that are not NaN."""
    filled, x = _nan_masked(x, 0.0)
    count = tf.reduce_sum(
        tf.cast(tf.logical_not(tf.math.is_nan(x)), x.dtype), axis=axes_of(axis), keepdims=keepdims
    )
    return tf.divide(tf.reduce_sum(filled, axis=axes_of(axis), keepdims=keepdims), count)


@op
def nanmax(x, axis=None, keepdims=False):
    """The largest value over `axis`, NaNs ignored."""
    filled, _ = _nan_masked(x, -np.inf)
    return tf.reduce_max(filled, axis=axes_of(axis), keepdims=keepdims)


@op
def nanmin(x, axis=None, keepdims=False):
    """The smallest value over `axis`, NaNs ignored."""
    filled, _ = _nan_masked(x, np.inf)
    return tf.reduce_min(filled, axis=axes_of(axis), keepdims=keepdims)


@op
def nanprod(x, axis=None, keepdims=False):
    """The product over `axis`, NaNs counted as 1."""
    filled, _ = _nan_masked(x, 1.0)
    return tf.reduce_prod(filled, axis=axes_of(axis), keepdims=keepdims)


@op
def nanvar(x, axis=None, keepdims=False):
    """The variance over `axis` of the values that are not NaN."""
    center = nanmean(x, axis=axis, keepdims=True)
    return nanmean(tf.square(tf.subtract(float_input(x), center)), axis=axis, keepdims=keepdims)


@op
def nanstd(x, axis=None, keepdims=False):
    """The standard deviation over `axis` of the values that are not NaN."""
    return tf.sqrt(nanvar(x, axis=axis, keepdims=keepdims))
