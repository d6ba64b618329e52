"""`keras.ops.math`-style functions at `keras.ops`: segment reductions, top-k, logsumexp, erf,
rsqrt, logdet and pairwise distances (Keras 3's names)."""

import numpy as np

import tapegrad as tf

from ._common import as_tensor, float_input, op
from ._elementwise import rsqrt
from ._reductions import in_top_k, logsumexp, top_k

__all__ = [
    "cdist",
    "erf",
    "erfc",
    "in_top_k",
    "logdet",
    "logsumexp",
    "rsqrt",
    "segment_max",
    "segment_min",
    "segment_prod",
    "segment_sum",
    "top_k",
]


def _segments(data, segment_ids, num_segments):
    data = as_tensor(data)
    ids = np.asarray(as_tensor(segment_ids).numpy(), np.int64).reshape(-1)
    if ids.size != data.shape[0]:
        raise ValueError(
            f"segment ops: segment_ids has {ids.size} entries but data has {data.shape[0]} rows"
        )
    n = int(ids.max(initial=-1)) + 1 if num_segments is None else int(num_segments)
    member = np.arange(n)[:, None] == ids[None, :]  # (segments, rows); negative ids: none
    return data, member, n


def _reduce(data, member, fill, reduce):
    shape = [*member.shape, *[1] * (data.ndim - 1)]
    mask = member.reshape(shape)
    filled = tf.where(mask, tf.expand_dims(data, 0), tf.cast(fill, data.dtype))
    return reduce(filled, axis=1)


@op
def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """The sum of the rows of `data` in each segment (empty segments give 0)."""
    data, member, _ = _segments(data, segment_ids, num_segments)
    flat = tf.reshape(data, [data.shape[0], -1])
    out = tf.matmul(tf.constant(member.astype(data.dtype.name)), flat)
    return tf.reshape(out, [member.shape[0], *data.shape[1:]])


@op
def segment_max(data, segment_ids, num_segments=None, sorted=False):
    """The largest row value of each segment (empty segments give the dtype's lowest)."""
    data, member, _ = _segments(data, segment_ids, num_segments)
    low = -np.inf if data.dtype.is_floating else np.iinfo(data.dtype.as_numpy_dtype).min
    return _reduce(data, member, low, tf.reduce_max)


@op
def segment_min(data, segment_ids, num_segments=None, sorted=False):
    """The smallest row value of each segment (empty segments give the dtype's highest)."""
    data, member, _ = _segments(data, segment_ids, num_segments)
    high = np.inf if data.dtype.is_floating else np.iinfo(data.dtype.as_numpy_dtype).max
    return _reduce(data, member, high, tf.reduce_min)


@op
def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """The product of the rows of each segment (empty segments give 1)."""
    data, member, _ = _segments(data, segment_ids, num_segments)
    return _reduce(data, member, 1, tf.reduce_prod)


@op
def erf(x):
    """The error function."""
    return tf.math.erf(float_input(x))


@op
def erfc(x):
    """1 - erf(x)."""
    return tf.subtract(1.0, tf.math.erf(float_input(x)))


@op
def logdet(x):
    """log(det(x)) of symmetric positive definite matrices."""
    return tf.linalg.logdet(float_input(x))


@op
def cdist(x, y):
    """The Euclidean distances between the rows of x and of y (the last axis)."""
    x, y = float_input(x), float_input(y)
    diff = tf.subtract(tf.expand_dims(x, -2), tf.expand_dims(y, -3))
    return tf.sqrt(tf.reduce_sum(tf.square(diff), axis=-1))
