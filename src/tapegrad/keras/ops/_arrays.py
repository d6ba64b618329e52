"""`keras.ops` array creation, shape manipulation, joining, splitting and indexing, with NumPy's
names and argument conventions as Keras 3 gives them."""

import builtins
import itertools

import numpy as np

import tapegrad as tf

from .. import backend
from ..backend import standardize_dtype
from ..promotion import result_type
from ._common import as_tensor, cast_to, dtype_of, op
from ._reductions import take_along

# -- creation --------------------------------------------------------------------------------


def _dtype(dtype):
    return backend.floatx() if dtype is None else standardize_dtype(dtype)


def _shape(shape):
    return [int(shape)] if isinstance(shape, (int, np.integer)) else [int(d) for d in shape]


def zeros(shape, dtype=None):
    """A tensor of zeros (floatx by default)."""
    return tf.zeros(_shape(shape), dtype=_dtype(dtype))


def ones(shape, dtype=None):
    """A tensor of ones (floatx by default)."""
    return tf.ones(_shape(shape), dtype=_dtype(dtype))


def empty(shape, dtype=None):
    """A tensor of the shape (zeros: tensors are never uninitialized)."""
    return zeros(shape, dtype)


def full(shape, fill_value, dtype=None):
    """A tensor of the shape filled with `fill_value`."""
    return tf.broadcast_to(as_tensor(fill_value, _dtype(dtype)), _shape(shape))


@op
def zeros_like(x, dtype=None):
    """Zeros of x's shape (and dtype unless given)."""
    x = as_tensor(x)
    return tf.zeros(x.shape, dtype=dtype and standardize_dtype(dtype) or x.dtype)


@op
def ones_like(x, dtype=None):
    """Ones of x's shape (and dtype unless given)."""
    x = as_tensor(x)
    return tf.ones(x.shape, dtype=dtype and standardize_dtype(dtype) or x.dtype)


empty_like = zeros_like


@op
def full_like(x, fill_value, dtype=None):
    """`fill_value` in x's shape (and dtype unless given)."""
    x = as_tensor(x)
    dtype = dtype and standardize_dtype(dtype) or x.dtype.name
    return tf.broadcast_to(as_tensor(fill_value, dtype), x.shape)


def eye(N, M=None, k=0, dtype=None):
    """The N x M matrix with ones on diagonal `k`."""
    return tf.constant(np.eye(N, M, k, dtype=_dtype(dtype)))


def identity(n, dtype=None):
    """The n x n identity matrix."""
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    """Ones at and below diagonal `k`."""
    return tf.constant(np.tri(N, M, k, dtype=_dtype(dtype)))


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in [start, stop) (int32 for integer bounds, else floatx)."""
    if dtype is None:
        types = [dtype_of(v) for v in (start, stop, step) if v is not None]
        dtype = result_type(*types)
    values = np.arange(start, stop, 1 if step is None else step)
    return tf.constant(values.astype(standardize_dtype(dtype)))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """`num` evenly spaced values from start to stop (differentiable in start and stop)."""
    if num < 0:
        raise ValueError(f"`num` must be a non-negative integer. Received: num={num}")
    dtype = (
        standardize_dtype(dtype) if dtype else result_type(dtype_of(start), dtype_of(stop), float)
    )
    compute = dtype if "float" in dtype else backend.floatx()
    start, stop = cast_to(start, compute), cast_to(stop, compute)
    fractions = np.arange(num) / builtins.max(num - 1 if endpoint else num, 1)
    shape = [-1 if i == axis % (start.ndim + 1) else 1 for i in range(start.ndim + 1)]
    frac = tf.reshape(tf.constant(fractions.astype(compute)), shape)
    step = tf.subtract(stop, start)
    out = tf.add(tf.expand_dims(start, axis), tf.multiply(frac, tf.expand_dims(step, axis)))
    if "int" in dtype:
        out = tf.cast(tf.floor(out), dtype)
    if retstep:
        return out, tf.divide(step, float(builtins.max(num - 1 if endpoint else num, 1)))
    return out


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """base ** linspace(start, stop, num)."""
    exponents = linspace(start, stop, num, endpoint=endpoint, axis=axis)
    out = tf.pow(tf.cast(base, exponents.dtype), exponents)
    return out if dtype is None else tf.cast(out, standardize_dtype(dtype))


@op
def meshgrid(*x, indexing="xy"):
    """Coordinate grids from 1-D coordinate vectors ("xy" or "ij" indexing)."""
    vectors = [tf.reshape(as_tensor(v), [-1]) for v in x]
    n = len(vectors)
    sizes = [int(v.shape[0]) for v in vectors]
    if indexing == "xy" and n > 1:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    out = []
    for i, v in enumerate(vectors):
        shape = [1] * n
        axis = {0: 1, 1: 0}.get(i, i) if indexing == "xy" and n > 1 else i
        shape[axis] = -1
        out.append(tf.broadcast_to(tf.reshape(v, shape), sizes))
    return out


@op
def tril(x, k=0):
    """x with the values above diagonal `k` set to zero (over the last two axes)."""
    x = as_tensor(x)
    mask = np.tri(x.shape[-2], x.shape[-1], k, dtype=bool)
    return tf.where(mask, x, tf.zeros_like(x))


@op
def triu(x, k=0):
    """x with the values below diagonal `k` set to zero (over the last two axes)."""
    x = as_tensor(x)
    mask = ~np.tri(x.shape[-2], x.shape[-1], k - 1, dtype=bool)
    return tf.where(mask, x, tf.zeros_like(x))


@op
def diag(x, k=0):
    """The diagonal `k` of a matrix, or the matrix with a vector on diagonal `k`."""
    x = as_tensor(x)
    if x.ndim == 1:
        n = x.shape[0] + builtins.abs(k)
        rows = np.arange(x.shape[0]) + builtins.max(-k, 0)
        cols = np.arange(x.shape[0]) + builtins.max(k, 0)
        onehot = np.zeros((x.shape[0], n * n), dtype=x.dtype.as_numpy_dtype)
        onehot[np.arange(x.shape[0]), rows * n + cols] = 1
        return tf.reshape(tf.matmul(tf.expand_dims(x, 0), tf.constant(onehot)), [n, n])
    return diagonal(x, offset=k)


@op
def diagflat(x, k=0):
    """The matrix with flattened x on diagonal `k`."""
    return diag(tf.reshape(as_tensor(x), [-1]), k)


@op
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal `offset` of the matrices spanned by axis1 and axis2, as a last axis."""
    x = as_tensor(x)
    rows = np.arange(x.shape[axis1])
    cols = rows + offset
    keep = (cols >= 0) & (cols < x.shape[axis2])
    rows, cols = rows[keep], cols[keep]
    moved = moveaxis(x, [axis1, axis2], [-2, -1])
    flat = tf.reshape(moved, [*moved.shape[:-2], -1])
    return tf.gather(flat, rows * x.shape[axis2] + cols, axis=-1)


@op
def trace(x, offset=0, axis1=0, axis2=1):
    """The sum of diagonal `offset`."""
    out = diagonal(x, offset, axis1, axis2)
    return tf.reduce_sum(out if out.dtype.name != "bool" else tf.cast(out, "int32"), axis=-1)


# -- shape -----------------------------------------------------------------------------------


@op
def reshape(x, newshape):
    """x with a new shape (one dimension may be -1)."""
    return tf.reshape(as_tensor(x), _shape(newshape))


@op
def ravel(x):
    """x flattened to one dimension."""
    return tf.reshape(as_tensor(x), [-1])


@op
def transpose(x, axes=None):
    """x with its axes permuted (reversed when None)."""
    return tf.transpose(as_tensor(x), None if axes is None else list(axes))


@op
def expand_dims(x, axis):
    """x with new axes of size 1 at `axis` (an int or a tuple)."""
    x = as_tensor(x)
    axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    ndim = x.ndim + len(axes)
    for a in sorted(a % ndim for a in axes):
        x = tf.expand_dims(x, a)
    return x


@op
def squeeze(x, axis=None):
    """x without the axes of size 1 (or only those in `axis`)."""
    x = as_tensor(x)
    if axis is None:
        return tf.squeeze(x)
    axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    return tf.squeeze(x, [a % x.ndim for a in axes])


@op
def swapaxes(x, axis1, axis2):
    """x with two axes exchanged."""
    x = as_tensor(x)
    perm = list(range(x.ndim))
    perm[axis1], perm[axis2] = perm[axis2], perm[axis1]
    return tf.transpose(x, perm)


@op
def moveaxis(x, source, destination):
    """x with axes moved from `source` to `destination` positions."""
    x = as_tensor(x)
    src = [s % x.ndim for s in np.atleast_1d(source)]
    dst = [d % x.ndim for d in np.atleast_1d(destination)]
    order = [a for a in range(x.ndim) if a not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return tf.transpose(x, order)


@op
def broadcast_to(x, shape):
    """x broadcast to `shape`."""
    return tf.broadcast_to(as_tensor(x), _shape(shape))


@op
def flip(x, axis=None):
    """x with the order of elements along `axis` (all axes when None) reversed."""
    x = as_tensor(x)
    axes = list(range(x.ndim)) if axis is None else [a % x.ndim for a in np.atleast_1d(axis)]
    return tf.reverse(x, axes)


@op
def fliplr(x):
    """x reversed along axis 1."""
    return flip(x, 1)


@op
def flipud(x):
    """x reversed along axis 0."""
    return flip(x, 0)


@op
def rot90(array, k=1, axes=(0, 1)):
    """The array rotated by 90 degrees k times in the plane of `axes`."""
    x = as_tensor(array)
    k %= 4
    a, b = axes
    if k == 1:
        return swapaxes(flip(x, b), a, b)
    if k == 2:
        return flip(x, [a, b])
    if k == 3:
        return flip(swapaxes(x, a, b), b)
    return x


@op
def roll(x, shift, axis=None):
    """x with elements shifted by `shift` along `axis` (the flattened array when None)."""
    x = as_tensor(x)
    if axis is None:
        return tf.reshape(roll(tf.reshape(x, [-1]), shift, 0), x.shape)
    for s, a in zip(np.atleast_1d(shift), np.atleast_1d(axis)):
        n = x.shape[a]
        x = tf.gather(x, (np.arange(n) - int(s)) % n, axis=int(a))
    return x


@op
def tile(x, repeats):
    """x repeated `repeats` times along each axis (NumPy's rule for differing ranks)."""
    x = as_tensor(x)
    reps = list(np.atleast_1d(repeats))
    while x.ndim < len(reps):
        x = tf.expand_dims(x, 0)
    reps = [1] * (x.ndim - len(reps)) + reps
    return tf.tile(x, reps)


@op
def repeat(x, repeats, axis=None):
    """Each element repeated `repeats` times along `axis` (the flattened array when None)."""
    x = as_tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    counts = np.broadcast_to(np.asarray(repeats, np.int64), (x.shape[axis],))
    return tf.gather(x, np.repeat(np.arange(x.shape[axis]), counts), axis=axis)


# -- joining and splitting -------------------------------------------------------------------


def _common(xs):
    dtype = result_type(*(dtype_of(x) for x in xs))
    return [cast_to(x, dtype) for x in xs]


@op
def concatenate(xs, axis=0):
    """The tensors joined along an existing axis (None: flattened first)."""
    xs = _common(xs)
    if axis is None:
        xs, axis = [tf.reshape(x, [-1]) for x in xs], 0
    return tf.concat(xs, axis=axis)


@op
def append(x1, x2, axis=None):
    """x2 appended to x1 along `axis` (both flattened when None)."""
    return concatenate([x1, x2], axis=axis)


@op
def stack(x, axis=0):
    """The tensors joined along a new axis."""
    return tf.stack(_common(x), axis=axis)


@op
def hstack(xs):
    """Joined along axis 1 (axis 0 for 1-D tensors)."""
    xs = _common(xs)
    return tf.concat(xs, axis=0 if xs[0].ndim == 1 else 1)


@op
def vstack(xs):
    """Joined along axis 0 (1-D tensors too, into one longer vector, as Keras's TensorFlow
    backend does; NumPy would stack them as rows)."""
    return tf.concat(_common(xs), 0)


@op
def dstack(xs):
    """Joined along axis 2."""
    out = []
    for x in _common(xs):
        if x.ndim == 1:
            x = tf.reshape(x, [1, -1, 1])
        elif x.ndim == 2:
            x = tf.expand_dims(x, -1)
        out.append(x)
    return tf.concat(out, axis=2)


@op
def split(x, indices_or_sections, axis=0):
    """x split into equal sections, or at the given indices, along `axis`."""
    x = as_tensor(x)
    n = x.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        if n % indices_or_sections:
            raise ValueError(
                f"split: an axis of size {n} does not divide into {indices_or_sections} equal "
                "sections; give split points instead, or use array_split."
            )
        return tf.split(x, int(indices_or_sections), axis=axis)
    bounds = [0, *[int(i) for i in indices_or_sections], n]
    return [
        tf.gather(x, np.arange(a, builtins.max(a, b)), axis=axis)
        for a, b in itertools.pairwise(bounds)
    ]


@op
def array_split(x, indices_or_sections, axis=0):
    """As `split`, but sections may differ in size by one."""
    x = as_tensor(x)
    if isinstance(indices_or_sections, (int, np.integer)):
        n, k = x.shape[axis], int(indices_or_sections)
        sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
        return split(x, np.cumsum(sizes)[:-1].tolist(), axis=axis)
    return split(x, indices_or_sections, axis=axis)


@op
def hsplit(x, indices_or_sections):
    """split along axis 1 (axis 0 for 1-D)."""
    x = as_tensor(x)
    return split(x, indices_or_sections, axis=0 if x.ndim == 1 else 1)


@op
def vsplit(x, indices_or_sections):
    """split along axis 0."""
    return split(x, indices_or_sections, axis=0)


@op
def pad(x, pad_width, mode="constant", constant_values=None):
    """x padded by `pad_width` ((before, after) per axis, or one pair for all): "constant",
    "reflect" or "symmetric"."""
    x = as_tensor(x)
    widths = np.asarray(pad_width, np.int64)
    widths = np.broadcast_to(widths.reshape(-1, 2) if widths.size > 1 else widths, (x.ndim, 2))
    if mode != "constant" and constant_values is not None:
        raise ValueError(
            "Argument `constant_values` can only be provided when `mode == 'constant'`."
        )
    return tf.pad(x, widths.tolist(), mode=mode.upper(), constant_values=constant_values or 0)


# -- indexing --------------------------------------------------------------------------------


@op
def take(x, indices, axis=None):
    """The elements at `indices` along `axis` (of the flattened tensor when None); negative
    indices count from the end."""
    x = as_tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    idx = np.asarray(as_tensor(indices).numpy(), np.int64)
    idx = np.where(idx < 0, idx + x.shape[axis], idx)
    return tf.gather(x, idx, axis=axis)


@op
def take_along_axis(x, indices, axis=None):
    """numpy.take_along_axis: `x` gathered along `axis` at `indices`."""
    x = as_tensor(x)
    idx = as_tensor(indices).numpy()
    if axis is None:
        return take_along(tf.reshape(x, [-1]), idx, 0)
    return take_along(x, idx, axis)


@op
def where(condition, x1=None, x2=None):
    """x1 where `condition` holds, else x2; with one argument, the indices of its true
    elements (as `nonzero`)."""
    condition = as_tensor(condition, "bool")
    if x1 is None and x2 is None:
        return nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError(
            "`x1` and `x2` either both should be `None` or both should have non-None value."
        )
    dtype = result_type(dtype_of(x1), dtype_of(x2))
    return tf.where(condition, cast_to(x1, dtype), cast_to(x2, dtype))


@op
def select(condlist, choicelist, default=0):
    """The value of the first true condition's choice, elementwise (`default` otherwise)."""
    out = as_tensor(default, dtype_of(choicelist[0]) if not isinstance(default, float) else None)
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        out = where(cond, choice, out)
    return out


@op
def nonzero(x):
    """A tuple of int32 index arrays, one per axis, of the non-zero elements."""
    return tuple(tf.constant(i.astype(np.int32)) for i in np.nonzero(as_tensor(x).numpy()))


def _int_result(np_fn, *args, dtype=np.int32, **kwargs):
    return tf.constant(np.asarray(np_fn(*args, **kwargs)).astype(dtype))


@op
def searchsorted(sorted_sequence, values, side="left"):
    """Where `values` would be inserted into the sorted 1-D sequence to keep it sorted."""
    seq, vals = as_tensor(sorted_sequence).numpy(), as_tensor(values).numpy()
    return _int_result(np.searchsorted, seq, vals, side=side)


@op
def digitize(x, bins):
    """The index of the bin each value falls in."""
    return _int_result(np.digitize, as_tensor(x).numpy(), as_tensor(bins).numpy())


@op
def bincount(x, weights=None, minlength=0, sparse=False):
    """The number of occurrences (or summed `weights`) of each non-negative integer."""
    values = as_tensor(x).numpy()
    w = None if weights is None else as_tensor(weights).numpy()
    if values.ndim == 2:  # one count per row, as Keras
        size = builtins.max(int(values.max(initial=-1)) + 1, minlength)
        rows = [np.bincount(r, None if w is None else w[i], size) for i, r in enumerate(values)]
        out = np.stack(rows)
    else:
        out = np.bincount(values, w, minlength)
    return tf.constant(out.astype(np.int32 if w is None else w.dtype))


@op
def unique(
    x,
    sorted=True,
    return_inverse=False,
    return_counts=False,
    axis=None,
    size=None,
    fill_value=None,
):
    """The distinct values of x (sorted), with the inverse indices and counts if asked."""
    values = as_tensor(x).numpy()
    out = np.unique(values, return_inverse=return_inverse, return_counts=return_counts, axis=axis)
    if not isinstance(out, tuple):
        return tf.constant(out)
    return tuple(tf.constant(o if i == 0 else o.astype(np.int32)) for i, o in enumerate(out))


@op
def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each element of x1 is in x2."""
    return tf.constant(
        np.isin(
            as_tensor(x1).numpy(), as_tensor(x2).numpy(), assume_unique=assume_unique, invert=invert
        )
    )


@op
def unravel_index(indices, shape):
    """Flat indices as a tuple of coordinate arrays for `shape`."""
    coords = np.unravel_index(as_tensor(indices).numpy(), tuple(shape))
    return tuple(tf.constant(c.astype(np.int32)) for c in coords)


@op
def diff(a, n=1, axis=-1, prepend=None, append=None):
    """The n-th discrete difference along `axis` (after adding `prepend` / `append`)."""
    x = as_tensor(a)
    axis %= x.ndim

    def edge(p):
        p = as_tensor(p, x.dtype.name)
        if p.ndim == 0:
            shape = list(x.shape)
            shape[axis] = 1
            p = tf.broadcast_to(p, shape)
        return p

    if prepend is not None or append is not None:
        parts = ([edge(prepend)] if prepend is not None else []) + [x]
        x = tf.concat(parts + ([edge(append)] if append is not None else []), axis=axis)
    for _ in range(n):
        size = x.shape[axis]
        x = tf.subtract(
            tf.gather(x, np.arange(1, size), axis=axis),
            tf.gather(x, np.arange(size - 1), axis=axis),
        )
    return x
