"""`keras.ops.nn`: activations, normalization, attention, one-hot encodings and the
cross-entropies, as Keras 3 defines them, composed of tapegrad ops (differentiable to any
order); convolutions and pools from `convolution.py`."""

import math

import numpy as np

import tapegrad as tf

from .. import backend
from .. import losses as _losses
from ..backend import standardize_dtype
from ..promotion import result_type
from ._common import as_tensor, axes_of, float_input, op
from ._reductions import sort
from .convolution import (
    average_pool,
    conv,
    conv_transpose,
    depthwise_conv,
    max_pool,
    separable_conv,
)

__all__ = [
    "average_pool",
    "batch_normalization",
    "binary_crossentropy",
    "categorical_crossentropy",
    "celu",
    "conv",
    "conv_transpose",
    "depthwise_conv",
    "dot_product_attention",
    "elu",
    "gelu",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "layer_normalization",
    "leaky_relu",
    "log_sigmoid",
    "log_softmax",
    "max_pool",
    "moments",
    "multi_hot",
    "normalize",
    "one_hot",
    "psnr",
    "relu",
    "relu6",
    "rms_normalization",
    "selu",
    "separable_conv",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_categorical_crossentropy",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh_shrink",
    "threshold",
]


@op
def relu(x):
    """max(x, 0)."""
    return tf.nn.relu(float_input(x))


@op
def relu6(x):
    """min(max(x, 0), 6)."""
    return tf.nn.relu6(float_input(x))


@op
def sigmoid(x):
    """1 / (1 + exp(-x))."""
    return tf.sigmoid(float_input(x))


@op
def sparse_sigmoid(x):
    """0 below -1, 1 above 1, (x + 1) / 2 between."""
    x = float_input(x)
    return tf.clip_by_value(tf.multiply(tf.add(x, 1.0), 0.5), 0.0, 1.0)


@op
def softplus(x):
    """log(1 + exp(x)), without overflow."""
    return tf.nn.softplus(float_input(x))


@op
def softsign(x):
    """x / (1 + |x|)."""
    return tf.nn.softsign(float_input(x))


@op
def silu(x):
    """x * sigmoid(x) (swish)."""
    x = float_input(x)
    return tf.multiply(x, tf.sigmoid(x))


swish = silu


@op
def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), without overflow."""
    return tf.negative(tf.nn.softplus(tf.negative(float_input(x))))


@op
def leaky_relu(x, negative_slope=0.2):
    """x for x > 0, negative_slope * x otherwise."""
    return tf.nn.leaky_relu(float_input(x), alpha=negative_slope)


@op
def hard_sigmoid(x):
    """relu6(x + 3) / 6."""
    return tf.divide(tf.nn.relu6(tf.add(float_input(x), 3.0)), 6.0)


@op
def hard_silu(x):
    """x * hard_sigmoid(x)."""
    x = float_input(x)
    return tf.multiply(x, hard_sigmoid(x))


hard_swish = hard_silu


@op
def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""
    x = float_input(x)
    out = tf.nn.elu(x)
    return out if alpha == 1 else tf.where(tf.greater(x, 0), out, tf.multiply(out, alpha))


@op
def selu(x):
    """The scaled ELU of Klambauer et al."""
    return tf.nn.selu(float_input(x))


@op
def gelu(x, approximate=True):
    """The Gaussian error linear unit, by default its tanh approximation (as Keras's op)."""
    x = float_input(x)
    if approximate:
        inner = tf.multiply(tf.add(x, tf.multiply(tf.pow(x, 3), 0.044715)), math.sqrt(2 / math.pi))
        return tf.multiply(tf.multiply(x, 0.5), tf.add(tf.tanh(inner), 1.0))
    return tf.multiply(tf.multiply(x, 0.5), tf.add(tf.math.erf(tf.divide(x, math.sqrt(2.0))), 1))


@op
def celu(x, alpha=1.0):
    """max(x, 0) + alpha * (exp(min(x, 0) / alpha) - 1)."""
    x = float_input(x)
    negative = tf.math.expm1(tf.divide(tf.minimum(x, 0.0), alpha))
    return tf.add(tf.maximum(x, 0.0), tf.multiply(negative, alpha))


@op
def glu(x, axis=-1):
    """a * sigmoid(b), for x split in halves a and b along `axis`."""
    x = float_input(x)
    if x.shape[axis] % 2:
        raise ValueError(
            f"axis size must be divisible by 2. Received: x.shape={tuple(x.shape)} with axis={axis}"
        )
    a, b = tf.split(x, 2, axis=axis)
    return tf.multiply(a, tf.sigmoid(b))


@op
def tanh_shrink(x):
    """x - tanh(x)."""
    x = float_input(x)
    return tf.subtract(x, tf.tanh(x))


@op
def hard_tanh(x):
    """x clipped to [-1, 1]."""
    return tf.clip_by_value(float_input(x), -1.0, 1.0)


@op
def hard_shrink(x, threshold=0.5):
    """x where |x| > threshold, else 0."""
    x = float_input(x)
    return tf.where(tf.greater(tf.abs(x), threshold), x, tf.zeros_like(x))


@op
def soft_shrink(x, threshold=0.5):
    """x - threshold above it, x + threshold below -threshold, 0 between."""
    x = float_input(x)
    return tf.where(
        tf.greater(x, threshold),
        tf.subtract(x, threshold),
        tf.where(tf.less(x, -threshold), tf.add(x, threshold), tf.zeros_like(x)),
    )


@op
def threshold(x, threshold, default_value):
    """x where x > threshold, else default_value."""
    x = as_tensor(x)
    return tf.where(tf.greater(x, threshold), x, tf.cast(default_value, x.dtype))


@op
def sparse_plus(x):
    """0 below -1, (x + 1) ** 2 / 4 between -1 and 1, x above."""
    x = float_input(x)
    middle = tf.multiply(tf.square(tf.add(x, 1.0)), 0.25)
    return tf.where(tf.less_equal(x, -1.0), tf.zeros_like(x), tf.where(tf.less(x, 1.0), middle, x))


@op
def squareplus(x, b=4):
    """(x + sqrt(x ** 2 + b)) / 2."""
    x = float_input(x)
    return tf.divide(tf.add(x, tf.sqrt(tf.add(tf.square(x), float(b)))), 2.0)


@op
def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along `axis` (over all elements when None)."""
    x = float_input(x)
    if axis is None:
        return tf.reshape(tf.nn.softmax(tf.reshape(x, [-1])), x.shape)
    if isinstance(axis, (tuple, list)):
        return tf.exp(tf.subtract(x, tf.reduce_logsumexp(x, axis=list(axis), keepdims=True)))
    return tf.nn.softmax(x, axis=axis)


@op
def log_softmax(x, axis=-1):
    """log(softmax(x)) along `axis`, without overflow."""
    x = float_input(x)
    if axis is None or isinstance(axis, (tuple, list)):
        axes = None if axis is None else list(axis)
        return tf.subtract(x, tf.reduce_logsumexp(x, axis=axes, keepdims=True))
    return tf.nn.log_softmax(x, axis=axis)


@op
def sparsemax(x, axis=-1):
    """The Euclidean projection of x onto the probability simplex (Martins & Astudillo)."""
    x = float_input(x)
    ordered = tf.reverse(sort(x, axis=axis), [axis % x.ndim])
    cumulative = tf.cumsum(ordered, axis=axis)
    shape = [1] * x.ndim
    shape[axis] = -1
    r = tf.reshape(tf.constant(np.arange(1, x.shape[axis] + 1, dtype=x.dtype.name)), shape)
    support = tf.greater(tf.subtract(ordered, tf.divide(tf.subtract(cumulative, 1.0), r)), 0)
    k = tf.reduce_sum(tf.cast(support, x.dtype), axis=axis, keepdims=True)
    total = tf.reduce_sum(
        tf.where(support, cumulative, tf.zeros_like(cumulative)), axis=axis, keepdims=True
    )
    tau = tf.divide(tf.subtract(total, 1.0), k)
    return tf.maximum(tf.subtract(x, tau), 0.0)


# -- encodings -------------------------------------------------------------------------------


@op
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """Integer labels as one-hot vectors along a new axis (floatx by default; a negative label
    gives all zeros)."""
    labels = np.asarray(as_tensor(x).numpy(), np.int64)
    out = (labels[..., None] == np.arange(num_classes)).astype(standardize_dtype(dtype))
    if axis != -1:
        out = np.moveaxis(out, -1, axis)
    return tf.constant(out)


@op
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Integer labels as multi-hot vectors: one row per sample (a 2-D input) or one vector."""
    num_classes = kwargs.pop("num_tokens", num_classes)
    encoded = one_hot(inputs, num_classes, axis=axis, dtype=dtype).numpy()
    reduce_axis = 1 if np.ndim(as_tensor(inputs).numpy()) > 1 else 0
    return tf.constant(encoded.max(axis=reduce_axis))


# -- cross-entropies -------------------------------------------------------------------------


@op
def binary_crossentropy(target, output, from_logits=False):
    """The elementwise binary cross-entropy of probabilities (or logits)."""
    target, output = as_tensor(target), float_input(output)
    value = _losses.binary_crossentropy(
        tf.expand_dims(tf.cast(target, output.dtype), -1),
        tf.expand_dims(output, -1),
        from_logits=from_logits,
    )
    return value  # the mean over the added axis of size 1: the values themselves


@op
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-sum(target * log(output)) along `axis`, for one-hot targets."""
    return _losses.categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


@op
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-log(output[target]) along `axis`, for integer targets."""
    return _losses.sparse_categorical_crossentropy(
        target, output, from_logits=from_logits, axis=axis
    )


# -- normalization and attention -------------------------------------------------------------


@op
def moments(x, axes, keepdims=False, synchronized=False):
    """The mean and variance of x over `axes` (float16 computed in float32, as Keras)."""
    x = float_input(x)
    original = x.dtype.name
    if original == "float16":
        x = tf.cast(x, "float32")
    mean, variance = tf.nn.moments(x, axes=list(np.atleast_1d(axes)), keepdims=keepdims)
    if original == "float16":
        mean, variance = tf.cast(mean, original), tf.cast(variance, original)
    return mean, variance


@op
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """(x - mean) / sqrt(variance + epsilon) * scale + offset, the statistics given for
    `axis`."""
    x = float_input(x)

    def shaped(v):
        if v is None:
            return None
        v = as_tensor(v, x.dtype.name)
        if axis in (-1, x.ndim - 1):
            return v
        shape = [1] * x.ndim
        shape[axis] = -1
        return tf.reshape(v, shape)

    inv = tf.math.rsqrt(tf.add(shaped(variance), epsilon))
    if scale is not None:
        inv = tf.multiply(inv, shaped(scale))
    out = tf.multiply(tf.subtract(x, shaped(mean)), inv)
    return out if offset is None else tf.add(out, shaped(offset))


@op
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """x normalized over `axis` to zero mean and unit variance, then scaled by gamma and
    shifted by beta (`rms_scaling=True`: divided by the root mean square only)."""
    rms_scaling = kwargs.pop("rms_scaling", False)
    epsilon = backend.epsilon() if epsilon is None else epsilon
    original = as_tensor(x).dtype.name
    x = as_tensor(x, result_type(original, "float32"))
    axes = sorted([axis] if isinstance(axis, int) else list(axis))
    shape = [1] * x.ndim
    for a in axes:
        shape[a] = x.shape[a]

    def broadcast(v):
        if v is None:
            return None
        v = as_tensor(v, x.dtype.name)
        return tf.reshape(v, shape) if v.ndim != x.ndim and axes != [x.ndim - 1] else v

    if rms_scaling:
        variance = tf.math.reduce_variance(x, axis=axes, keepdims=True)
        out = tf.multiply(x, tf.math.rsqrt(tf.add(variance, epsilon)))
        if gamma is not None:
            out = tf.multiply(out, broadcast(gamma))
    else:
        mean, variance = tf.nn.moments(x, axes=axes, keepdims=True)
        inv = tf.math.rsqrt(tf.add(variance, epsilon))
        if gamma is not None:
            inv = tf.multiply(inv, broadcast(gamma))
        shift = tf.multiply(tf.negative(mean), inv)
        if beta is not None:
            shift = tf.add(shift, broadcast(beta))
        out = tf.add(tf.multiply(x, inv), shift)
    return tf.cast(out, original) if out.dtype.name != original else out


@op
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """x / sqrt(mean(x ** 2) + epsilon) over `axis`, times `scale`."""
    epsilon = backend.epsilon() if epsilon is None else epsilon
    original = as_tensor(x).dtype.name
    x = as_tensor(x, result_type(original, "float32"))
    axes = axes_of(sorted(axis) if isinstance(axis, (tuple, list)) else axis)
    rrms = tf.math.rsqrt(tf.add(tf.reduce_mean(tf.square(x), axis=axes, keepdims=True), epsilon))
    out = tf.multiply(x, rrms)
    if scale is not None:
        out = tf.multiply(out, as_tensor(scale, x.dtype.name))
    return tf.cast(out, original) if out.dtype.name != original else out


@op
def normalize(x, axis=-1, order=2, epsilon=None):
    """x divided by its `order`-norm along `axis` (L2: x * min(rsqrt(sum x^2), 1/epsilon))."""
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"Argument `order` must be an int >= 1. Received: order={order}")
    x = float_input(x)
    if x.ndim == 0:
        x = tf.expand_dims(x, 0)
    epsilon = backend.epsilon() if epsilon is None else epsilon
    if order == 2:
        inv = tf.math.rsqrt(tf.reduce_sum(tf.square(x), axis=axis, keepdims=True))
        return tf.multiply(x, tf.minimum(inv, 1.0 / epsilon))
    norm = tf.pow(tf.reduce_sum(tf.pow(tf.abs(x), order), axis=axis, keepdims=True), 1.0 / order)
    return tf.divide(x, tf.maximum(norm, epsilon))


@op
def psnr(x1, x2, max_val):
    """The peak signal-to-noise ratio 20 log10(max_val) - 10 log10(mse), in decibels."""
    x1, x2 = float_input(x1), float_input(x2)
    if tuple(x1.shape) != tuple(x2.shape):
        raise ValueError(
            f"Input shapes {tuple(x1.shape)} and {tuple(x2.shape)} must match for PSNR calculation."
        )
    mse = tf.reduce_mean(tf.square(tf.subtract(x1, x2)))
    return tf.subtract(20.0 * math.log10(max_val), tf.multiply(tf.math.log(mse), 10 / math.log(10)))


@op
def dot_product_attention(
    query,
    key,
    value,
    bias=None,
    mask=None,
    scale=None,
    is_causal=False,
    flash_attention=None,
    attn_logits_soft_cap=None,
):
    """softmax(Q K^T * scale + bias, masked) V for inputs of shape (batch, length, heads,
    head_dim); grouped keys and values (fewer heads) are repeated, as Keras."""
    if flash_attention:
        raise ValueError("Flash attention is not supported by tapegrad.")
    q, k, v = as_tensor(query), as_tensor(key), as_tensor(value)
    if q.ndim != 4:
        raise ValueError(
            "`dot_product_attention` only supports 4D inputs. Received: "
            f"query.shape={tuple(q.shape)}, key.shape={tuple(k.shape)}, "
            f"value.shape={tuple(v.shape)}."
        )
    dtype = result_type(q.dtype.name, k.dtype.name, v.dtype.name)
    q, k, v = (as_tensor(t, dtype) for t in (q, k, v))
    heads, kv_heads = q.shape[2], k.shape[2]
    if heads > kv_heads > 1:
        index = np.repeat(np.arange(kv_heads), heads // kv_heads)
        k, v = tf.gather(k, index, axis=2), tf.gather(v, index, axis=2)
    scale = 1.0 / math.sqrt(k.shape[-1]) if scale is None else scale
    logits = tf.multiply(tf.einsum("BTNH,BSNH->BNTS", q, k), scale)
    if attn_logits_soft_cap is not None:
        logits = tf.multiply(tf.tanh(tf.divide(logits, attn_logits_soft_cap)), attn_logits_soft_cap)
    if bias is not None:
        logits = tf.add(logits, as_tensor(bias, dtype))
    keep = None if mask is None else as_tensor(mask, "bool")
    if is_causal:
        causal = np.tril(np.ones((logits.shape[2], logits.shape[3]), bool))[None, None]
        keep = causal if keep is None else tf.logical_and(keep, causal)
    if keep is not None:
        large = 65500.0 if logits.dtype.name == "float16" else 3.38953e38  # Keras's value
        logits = tf.where(keep, logits, tf.cast(-0.7 * large, logits.dtype))
    probabilities = tf.nn.softmax(logits, axis=-1)
    return tf.einsum("BNTS,BSNH->BTNH", probabilities, v)
