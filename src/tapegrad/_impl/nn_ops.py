"""`tapegrad.nn`: neural-network activations, losses and helpers under TensorFlow's names."""

import math as _pymath
import numbers as _numbers

import numpy as _np

from .._core.bind import bind as _bind
from .._core.errors import InvalidArgumentError as _Invalid
from .._core.primitive import composite as _composite
from .._core.tensor import Tensor as _Tensor
from .._core.tensor import convert_to_tensor as _tensor
from ..ops import activations as _n
from ..ops import elementwise as _e
from ..ops import reductions as _r
from ..ops import shape as _s
from .arguments import axes as _axes
from .array_ops import concat as _concat
from .array_ops import gather as _gather
from .clip_ops import clip_by_norm as _clip_by_norm
from .math_ops import (
    reduce_mean,
    rsqrt,
    squared_difference,
)
from .random_ops import generator as _generator
from .random_ops import sampled as _sampled

__all__ = [
    "relu", "relu6", "elu", "selu", "leaky_relu", "gelu", "sigmoid_cross_entropy_with_logits",
    "softmax_cross_entropy_with_logits", "sparse_softmax_cross_entropy_with_logits", "l2_loss",
    "dropout", "moments", "embedding_lookup", "bias_add", "batch_normalization",
]

# -- activations --------------------------------------------------------------------------------

def relu(features, name=None):
    """Returns max(features, 0); the gradient at 0 is 0, as in TensorFlow."""
    return _bind(_e.relu, features)


def relu6(features, name=None):
    """Returns min(max(features, 0), 6); the gradient is 0 at both 0 and 6, as in TensorFlow."""
    return _bind(_n.relu6, features)


def elu(features, name=None):
    """Returns features where positive, exp(features) - 1 elsewhere (gradient 1 at 0)."""
    return _bind(_n.elu, features)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


@_composite
def selu(features, name=None):
    """Returns scale * (features if features >= 0 else alpha * (exp(features) - 1)).

    alpha = 1.6732632..., scale = 1.0507009... (Klambauer et al., 2017); the gradient at 0 is
    scale, as in TensorFlow.
    """
    x = _tensor(features)
    negative = _bind(_e.multiply, _bind(_n.elu, x), _SELU_ALPHA)
    return _bind(_e.multiply, _bind(_e.where, _bind(_e.less, x, 0.0), negative, x), _SELU_SCALE)


def leaky_relu(features, alpha=0.2, name=None):
    """Returns features where positive, alpha * features elsewhere (gradient alpha at 0)."""
    return _bind(_n.leaky_relu, features, alpha=float(alpha))


_SQRT_HALF = _pymath.sqrt(0.5)
_SQRT_2_OVER_PI = _pymath.sqrt(2.0 / _pymath.pi)


@_composite
def gelu(features, approximate=False, name=None):
    """The Gaussian error linear unit, x * P(X <= x) for X ~ N(0, 1).

    Exactly 0.5 * x * (1 + erf(x / sqrt(2))) by default; with `approximate`, the tanh form
    0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x ** 3))).
    """
    x = _tensor(features)
    if approximate:
        cube = _bind(_e.multiply, _bind(_e.multiply, x, x), x)
        inner = _bind(_e.add, x, _bind(_e.multiply, cube, 0.044715))
        cdf = _bind(_e.tanh, _bind(_e.multiply, inner, _SQRT_2_OVER_PI))
    else:
        cdf = _bind(_e.erf, _bind(_e.multiply, x, _SQRT_HALF))
    return _bind(_e.multiply, _bind(_e.multiply, x, 0.5), _bind(_e.add, cdf, 1.0))


# -- losses -------------------------------------------------------------------------------------

def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """The logistic loss of `logits` against `labels` (probabilities), elementwise.

    Computed as max(x, 0) - x * z + log(1 + exp(-|x|)), exact for any |x|.

    Raises:
        ValueError: if labels and logits are missing or their shapes differ.
    """
    if labels is None or logits is None:
        raise ValueError("sigmoid_cross_entropy_with_logits: both labels and logits are needed")
    x = _tensor(logits)
    z = _tensor(labels, dtype_hint=x.dtype)
    _same_shape("sigmoid_cross_entropy_with_logits", z, x)
    return _bind(_n.sigmoid_cross_entropy_with_logits, z, x)


def _same_shape(op, labels, logits):
    if labels._value.shape != logits._value.shape:
        raise _Invalid(
            f"{op}: logits and labels must have the same shape, got {list(logits.shape)} and "
            f"{list(labels.shape)}",
            op=op,
        )


def _class_axis(op, labels, logits, axis):
    if logits._value.ndim == 0:
        raise _Invalid(f"{op}: logits must have rank >= 1, got a scalar", op=op)
    _same_shape(op, labels, logits)
    return _axes(op, axis, logits._value.ndim)


@_composite
def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """-sum(labels * log_softmax(logits)) along the class `axis`.

    `labels` are probabilities (each row a distribution); gradients flow into both arguments,
    as in TensorFlow 2.

    Raises:
        InvalidArgumentError: if the shapes differ or `axis` is out of range.
    """
    x = _tensor(logits)
    z = _tensor(labels, dtype_hint=x.dtype)
    op = "softmax_cross_entropy_with_logits"
    axis = _class_axis(op, z, x, axis)
    log_p = _bind(_n.log_softmax, x, axis=axis)
    return _bind(_e.negative, _bind(_r.reduce_sum, _bind(_e.multiply, z, log_p), axis=axis))


@_composite
def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    """-log_softmax(logits)[label]: the cross-entropy of integer class labels.

    Args:
        labels: integer class indices in [0, num_classes), of shape logits.shape[:-1].
        logits: unnormalized log-probabilities, of shape [..., num_classes].

    Raises:
        InvalidArgumentError: if the ranks do not match or a label is out of range.
    """
    op = "sparse_softmax_cross_entropy_with_logits"
    x = _tensor(logits)
    # a tensor's own array, not a read: a traced function may pass its own labels
    y = labels._value if type(labels) is _Tensor else _np.asarray(labels)
    if x._value.ndim == 0 or y.shape != x._value.shape[:-1]:
        raise _Invalid(
            f"{op}: labels must have the shape of logits without its last axis; got labels of "
            f"shape {list(y.shape)} and logits of shape {list(x.shape)}",
            op=op,
        )
    if y.dtype.kind not in "iu":
        raise _Invalid(f"{op}: labels must be integers, got dtype {y.dtype}", op=op)
    # log_p picked at the labels (which take_labels checks are in range), not summed against a
    # one-hot: a -inf logit of another class would make 0 * -inf = NaN, where TensorFlow's
    # kernel gives the finite loss
    log_p = _bind(_n.log_softmax, x, axis=-1)
    picked = _bind(_s.take_labels, log_p, labels if type(labels) is _Tensor else y)
    return _bind(_e.negative, picked)


@_composite
def l2_loss(t, name=None):
    """sum(t ** 2) / 2."""
    return _bind(_e.multiply, _bind(_r.reduce_sum, _bind(_e.square, t)), 0.5)


# -- statistics and regularization --------------------------------------------------------------

@_composite
def moments(x, axes, shift=None, keepdims=False, name=None):
    """The mean and (biased) variance of x over `axes`.

    float16 inputs are reduced in float32 and the results cast back, as in TensorFlow. Unlike
    TensorFlow, which stops the gradient through the mean inside the variance, the variance here
    is differentiated exactly: first derivatives agree, second derivatives of the variance are
    the true ones. `shift` is accepted and ignored (as in TensorFlow 2).

    Returns:
        (mean, variance).
    """
    t = _tensor(x)
    half = t.dtype.name == "float16"
    if half:
        t = _bind(_e.cast, t, dtype=_np.float32)
    axes = _axes("moments", axes, t._value.ndim)
    mean = reduce_mean(t, axis=axes, keepdims=True)
    variance = reduce_mean(squared_difference(t, mean), axis=axes, keepdims=True)
    if not keepdims:
        reduced = [a % t._value.ndim for a in ((axes,) if isinstance(axes, int) else axes)]
        shape = tuple(d for i, d in enumerate(t._value.shape) if i not in reduced)
        mean = _bind(_s.reshape, mean, shape=shape)
        variance = _bind(_s.reshape, variance, shape=shape)
    if half:
        mean = _bind(_e.cast, mean, dtype=_np.float16)
        variance = _bind(_e.cast, variance, dtype=_np.float16)
    return mean, variance


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zeroes each element with probability `rate` and scales the rest by 1 / (1 - rate).

    Args:
        x: a floating-point tensor.
        rate: the drop probability, in [0, 1).
        noise_shape: the shape of the keep/drop mask, broadcast against x (default x's shape).
        seed: an operation seed, as TensorFlow: with `tf.random.set_seed`, the masks are
            repeatable from the seeding on.

    Raises:
        ValueError: if `rate` is outside [0, 1) or x is not floating-point.
    """
    t = _tensor(x)
    if not t.dtype.is_floating:
        raise ValueError(f"dropout: x has to be a floating point tensor, got {t.dtype.name}")
    number = isinstance(rate, _numbers.Real)
    rate = float(_np.asarray(rate))
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"dropout: rate must be a scalar in the range [0, 1), got {rate}")
    if number and rate == 0.0:  # as TensorFlow: x itself (so a gradient with respect to the
        return t  # result is one with respect to x); a rate given as a tensor multiplies
    shape = t._value.shape if noise_shape is None else tuple(
        int(d) for d in _np.asarray(noise_shape).reshape(-1))
    dtype = t._value.dtype

    def scale():  # drawn at each call, also of a traced function
        keep = _generator(seed).random(shape) >= rate
        return (keep / (1.0 - rate)).astype(dtype)

    return _bind(_e.multiply, t, _sampled(scale))


@_composite
def embedding_lookup(params, ids, max_norm=None, name=None):
    """Looks up the rows of `params` at `ids`: `tf.gather(params, ids)`, as TensorFlow 2's.

    Args:
        params: a tensor, or a list of tensors sharded along axis 0 ("div" strategy: each
            shard holds a contiguous run of ids, so the lookup is into their concatenation).
        ids: integer ids, any shape; the result has shape `ids.shape + params.shape[1:]`.
        max_norm: if given, each looked-up row whose L2 norm exceeds it is scaled down to it.

    Raises:
        InvalidArgumentError: if an id is outside [0, rows).
    """
    if isinstance(params, (list, tuple)):
        if not params:
            raise ValueError("embedding_lookup: `params` is an empty list; give at least one "
                             "tensor of embeddings.")
        params = params[0] if len(params) == 1 else _concat(list(params), axis=0)
    out = _gather(params, ids)
    if max_norm is not None:
        axes = tuple(range(len(getattr(ids, "shape", _np.shape(ids))), out.ndim))
        out = _clip_by_norm(out, max_norm, axes=list(axes))
    return out


# -- the layers' arithmetic ------------------------------------------------------------------


def bias_add(value, bias, data_format=None, name=None):
    """`value + bias` along the channel axis, TensorFlow's BiasAdd: the last axis, or the second
    with a `data_format` starting "NC"; `bias` is 1-D with one entry per channel, `value` has
    rank 2 or more, and both have one dtype (a Python list takes `value`'s).

    Raises:
        ValueError: for a `data_format` that is neither "N...C" nor "NC...".
        InvalidArgumentError: for ranks, sizes or dtypes as above.
    """
    if data_format is None or data_format.startswith("N") and data_format.endswith("C"):
        channels_first = False
    elif data_format.startswith("NC"):
        channels_first = True
    else:
        raise ValueError("bias_add: data_format must be of the form `N...C` or `NC...`, got "
                         f"{data_format!r}")
    v = _tensor(value)
    b = bias if isinstance(bias, _Tensor) else _tensor(bias, dtype=v.dtype)
    vshape, bshape = v._value.shape, b._value.shape
    if len(vshape) < 2:
        raise _Invalid(f"bias_add: the input must be at least 2-D, got shape {list(vshape)}",
                       op="BiasAdd")
    if len(bshape) != 1:
        raise _Invalid(f"bias_add: biases must be 1-D, got shape {list(bshape)}", op="BiasAdd")
    axis = 1 if channels_first else len(vshape) - 1
    if bshape[0] != vshape[axis]:
        raise _Invalid(
            f"bias_add: must provide as many biases as the {'second' if channels_first else 'last'}"
            f" dimension of the input: {bshape[0]} biases for shape {list(vshape)}",
            op="BiasAdd")
    if b._value.dtype != v._value.dtype:
        raise _Invalid(f"bias_add: the bias is {b.dtype.name} but the input is {v.dtype.name}; "
                       "cast one with tf.cast", op="BiasAdd")
    if channels_first and len(vshape) > 2:
        b = _bind(_s.reshape, b, shape=(bshape[0],) + (1,) * (len(vshape) - 2))
    return _bind(_e.add, v, b)


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """`(x - mean) / sqrt(variance + variance_epsilon) * scale + offset` in TensorFlow's order of
    operations (`x * inv + (offset - mean * inv)`, `inv` the scaled reciprocal square root), so
    the bits are TensorFlow's; `offset` and `scale` may be None."""
    x = _tensor(x)
    inv = rsqrt(_tensor(variance, dtype_hint=x.dtype) + variance_epsilon)
    if scale is not None:
        inv = inv * scale
    shift = -_tensor(mean, dtype_hint=x.dtype) * inv if offset is None else offset - mean * inv
    return x * _bind(_e.cast, inv, dtype=x._value.dtype) + _bind(
        _e.cast, _tensor(shift), dtype=x._value.dtype)
