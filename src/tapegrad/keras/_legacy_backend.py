"""The tf.keras 2 functions of `keras.backend` (`K.square`, `K.mean`, `K.variable`, ...) that
custom losses, metrics and layers written for TensorFlow 2 still call. TensorFlow 2.21 serves
them at `tf.keras.backend` (Keras 3's `keras.src.legacy.backend`); these follow those
definitions, on tapegrad's ops. `keras.backend` loads this module on first use of one of them.
"""

import builtins
import math as _math

import numpy as np

import tapegrad as tf

from . import backend, keras_tensor
from . import random as _random

# -- values, variables, shapes ---------------------------------------------------------------


def variable(value, dtype=None, name=None, constraint=None):
    """A Variable of `value` (floatx by default)."""
    return tf.Variable(value, dtype=dtype or backend.floatx(), name=name)


def constant(value, dtype=None, shape=None, name=None):
    """A constant tensor (floatx by default), broadcast to `shape` if given."""
    out = tf.constant(value, dtype=dtype or backend.floatx())
    return out if shape is None else tf.broadcast_to(out, shape)


def zeros(shape, dtype=None, name=None):
    """A Variable of zeros (floatx by default), as tf.keras's K.zeros."""
    return variable(tf.zeros(shape, dtype=dtype or backend.floatx()), dtype, name)


def ones(shape, dtype=None, name=None):
    """A Variable of ones (floatx by default)."""
    return variable(tf.ones(shape, dtype=dtype or backend.floatx()), dtype, name)


def eye(size, dtype=None, name=None):
    """A Variable holding the identity matrix."""
    return variable(tf.eye(size, dtype=dtype or backend.floatx()), dtype, name)


def zeros_like(x, dtype=None, name=None):
    return tf.zeros_like(x, dtype=dtype)


def ones_like(x, dtype=None, name=None):
    return tf.ones_like(x, dtype=dtype)


def cast(x, dtype):
    return tf.cast(x, dtype)


def cast_to_floatx(x):
    """A tensor cast to floatx, or a NumPy array for NumPy input."""
    if isinstance(x, (tf.Tensor, tf.Variable)):
        return tf.cast(x, backend.floatx())
    return np.asarray(x, dtype=backend.floatx())


def get_value(x):
    """The value as a NumPy array."""
    return x.numpy() if hasattr(x, "numpy") else x


eval = get_value


def batch_get_value(tensors):
    return [get_value(t) for t in tensors]


def set_value(x, value):
    """Assigns a NumPy value to a Variable."""
    x.assign(np.asarray(value, dtype=x.dtype.as_numpy_dtype))


def batch_set_value(tuples):
    for x, value in tuples:
        set_value(x, value)


def update(x, new_x):
    return x.assign(new_x)


def update_add(x, increment):
    return x.assign_add(increment)


def update_sub(x, decrement):
    return x.assign_sub(decrement)


def shape(x):
    """The shape as an int32 tensor."""
    return tf.shape(x)


def int_shape(x):
    """The shape as a tuple of ints (None where unknown)."""
    return tuple(x.shape)


def ndim(x):
    return len(x.shape)


def dtype(x):
    return tf.as_dtype(x.dtype).name


def count_params(x):
    return _math.prod(int(d) for d in x.shape)


def is_keras_tensor(x):
    """Whether `x` is a symbolic tensor of the functional API."""
    return keras_tensor.is_keras_tensor(x)


def is_tensor(x):
    return isinstance(x, (tf.Tensor, tf.Variable))


def is_sparse(x):
    return False


def to_dense(x):
    return x


def learning_phase():
    """0: tapegrad has no global learning phase (layers take `training=`)."""
    return 0


def set_learning_phase(value):
    if value not in (0, 1):
        raise ValueError("Expected learning phase to be 0 or 1.")


def name_scope(name):
    return tf.name_scope(name)


# -- math ----------------------------------------------------------------------------------


def _bool_as_float(x):
    x = tf.convert_to_tensor(x)
    return tf.cast(x, backend.floatx()) if x.dtype == tf.bool else x


def sum(x, axis=None, keepdims=False):
    return tf.reduce_sum(x, axis, keepdims)


def prod(x, axis=None, keepdims=False):
    return tf.reduce_prod(x, axis, keepdims)


def mean(x, axis=None, keepdims=False):
    return tf.reduce_mean(_bool_as_float(x), axis, keepdims)


def var(x, axis=None, keepdims=False):
    return tf.math.reduce_variance(_bool_as_float(x), axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return tf.math.reduce_std(_bool_as_float(x), axis=axis, keepdims=keepdims)


def max(x, axis=None, keepdims=False):
    return tf.reduce_max(x, axis, keepdims)


def min(x, axis=None, keepdims=False):
    return tf.reduce_min(x, axis, keepdims)


def any(x, axis=None, keepdims=False):
    return tf.reduce_any(tf.cast(x, "bool"), axis, keepdims)


def all(x, axis=None, keepdims=False):
    return tf.reduce_all(tf.cast(x, "bool"), axis, keepdims)


def argmax(x, axis=-1):
    return tf.argmax(x, axis)


def argmin(x, axis=-1):
    return tf.argmin(x, axis)


def cumsum(x, axis=0):
    return tf.cumsum(x, axis=axis)


def cumprod(x, axis=0):
    return tf.math.cumprod(x, axis=axis)


def square(x):
    return tf.square(x)


def abs(x):
    return tf.abs(x)


def sqrt(x):
    """sqrt(x) with negative values clipped to 0 first, as tf.keras."""
    return tf.sqrt(tf.maximum(x, tf.zeros_like(tf.convert_to_tensor(x))))


def exp(x):
    return tf.exp(x)


def log(x):
    return tf.math.log(x)


def pow(x, a):
    return tf.pow(x, a)


def round(x):
    return tf.round(x)


def sign(x):
    return tf.sign(x)


def sin(x):
    return tf.sin(x)


def cos(x):
    return tf.cos(x)


def tanh(x):
    return tf.tanh(x)


def sigmoid(x):
    return tf.sigmoid(x)


def softplus(x):
    return tf.nn.softplus(x)


def softsign(x):
    return tf.nn.softsign(x)


def clip(x, min_value, max_value):
    """x clipped to [min_value, max_value] (None: unbounded)."""
    if isinstance(min_value, (int, float)) and isinstance(max_value, (int, float)):
        max_value = builtins.max(min_value, max_value)
    min_value = -np.inf if min_value is None else min_value
    max_value = np.inf if max_value is None else max_value
    return tf.clip_by_value(x, min_value, max_value)


def maximum(x, y):
    return tf.maximum(x, y)


def minimum(x, y):
    return tf.minimum(x, y)


def equal(x, y):
    return tf.equal(x, y)


def not_equal(x, y):
    return tf.not_equal(x, y)


def greater(x, y):
    return tf.greater(x, y)


def greater_equal(x, y):
    return tf.greater_equal(x, y)


def less(x, y):
    return tf.less(x, y)


def less_equal(x, y):
    return tf.less_equal(x, y)


def dot(x, y):
    """The matrix product, for N-D operands over the last axis of x and the second-to-last
    of y (as tf.keras's K.dot)."""
    x, y = tf.convert_to_tensor(x), tf.convert_to_tensor(y)
    if x.ndim > 2 or y.ndim > 2:
        return tf.tensordot(x, y, [[x.ndim - 1], [y.ndim - 2 if y.ndim > 1 else 0]])
    return tf.matmul(x, y)


def batch_dot(x, y, axes=None):
    """The product of x and y per sample (the first axis), over `axes`."""
    from .ops import linalg

    x, y = tf.convert_to_tensor(x), tf.convert_to_tensor(y)
    if x.ndim < 2 or y.ndim < 2:
        raise ValueError(
            f"Cannot do batch_dot on inputs with rank < 2. Received inputs with shapes "
            f"{tuple(x.shape)} and {tuple(y.shape)}."
        )
    if isinstance(axes, int):
        axes = [axes, axes]
    if axes is None:
        axes = [x.ndim - 1, y.ndim - 1 if y.ndim == 2 else y.ndim - 2]
    a, b = (ax % t.ndim for ax, t in zip(axes, (x, y)))
    letters = "bcdefghijklmnopqrstuvwxyz"
    xs = ["a"] + [letters[i] for i in range(x.ndim - 1)]
    ys = ["a"] + [letters[x.ndim - 1 + i] for i in range(y.ndim - 1)]
    ys[b] = xs[a]
    out = [c for c in xs if c != xs[a]] + [c for c in ys[1:] if c != xs[a]]
    result = linalg.einsum(f"{''.join(xs)},{''.join(ys)}->{''.join(out)}", x, y)
    return tf.expand_dims(result, 1) if result.ndim == 1 else result


def transpose(x):
    return tf.transpose(x)


def permute_dimensions(x, pattern):
    return tf.transpose(x, perm=list(pattern))


def reshape(x, shape):
    return tf.reshape(x, shape)


def flatten(x):
    return tf.reshape(x, [-1])


def batch_flatten(x):
    """Each sample flattened: shape (batch, -1)."""
    x = tf.convert_to_tensor(x)
    return tf.reshape(x, [x.shape[0], -1])


def expand_dims(x, axis=-1):
    return tf.expand_dims(x, axis)


def squeeze(x, axis):
    return tf.squeeze(x, [axis])


def concatenate(tensors, axis=-1):
    return tf.concat(list(tensors), axis)


def stack(x, axis=0):
    return tf.stack(x, axis=axis)


def tile(x, n):
    return tf.tile(x, [n] if isinstance(n, int) else n)


def repeat_elements(x, rep, axis):
    """Each slice along `axis` repeated `rep` times (as numpy.repeat)."""
    from .ops import repeat

    return repeat(x, rep, axis=axis)


def reverse(x, axes):
    return tf.reverse(x, [axes] if isinstance(axes, int) else axes)


def gather(reference, indices):
    return tf.gather(reference, indices)


def one_hot(indices, num_classes):
    return tf.one_hot(indices, depth=num_classes, axis=-1)


def l2_normalize(x, axis=None):
    return tf.math.l2_normalize(x, axis=axis)


def stop_gradient(variables):
    if isinstance(variables, (list, tuple)):
        return [tf.stop_gradient(v) for v in variables]
    return tf.stop_gradient(variables)


def switch(condition, then_expression, else_expression):
    """then_expression where condition holds, else else_expression (either may be a
    callable)."""
    then_value = then_expression() if callable(then_expression) else then_expression
    else_value = else_expression() if callable(else_expression) else else_expression
    condition = tf.cast(condition, "bool")
    if not len(condition.shape):
        return then_value if bool(condition) else else_value
    return tf.where(condition, then_value, else_value)


def map_fn(fn, elems, name=None, dtype=None):
    from .ops import map as ops_map

    return ops_map(fn, elems)


def bias_add(x, bias, data_format=None):
    """x + bias over the channels axis (the last, or the second for channels_first)."""
    data_format = data_format or backend.image_data_format()
    bias = tf.convert_to_tensor(bias)
    if data_format == "channels_first" and bias.ndim == 1:
        x = tf.convert_to_tensor(x)
        return tf.add(x, tf.reshape(bias, [1, -1] + [1] * (x.ndim - 2)))
    return tf.add(x, bias)


# -- activations and losses ------------------------------------------------------------------


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """max(x, threshold) with slope `alpha` below it and at most `max_value`."""
    x = tf.convert_to_tensor(x)
    above = tf.where(
        tf.greater(x, threshold) if threshold else tf.greater(x, 0), x, tf.zeros_like(x)
    )
    if max_value is not None:
        above = tf.clip_by_value(above, 0.0, max_value)
    if alpha:
        above = tf.add(above, tf.multiply(tf.minimum(tf.subtract(x, threshold), 0.0), alpha))
    return above


def elu(x, alpha=1.0):
    out = tf.nn.elu(x)
    return out if alpha == 1 else tf.where(tf.greater(x, 0), out, tf.multiply(out, alpha))


def softmax(x, axis=-1):
    return tf.nn.softmax(x, axis=axis)


def hard_sigmoid(x):
    """clip(0.2 x + 0.5, 0, 1) (tf.keras 2's slope)."""
    return tf.clip_by_value(tf.add(tf.multiply(x, 0.2), 0.5), 0.0, 1.0)


def binary_crossentropy(target, output, from_logits=False):
    """The elementwise binary cross-entropy (probabilities clipped to [eps, 1 - eps])."""
    if from_logits:
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    eps = backend.epsilon()
    output = tf.clip_by_value(output, eps, 1.0 - eps)
    bce = tf.add(
        tf.multiply(target, tf.math.log(tf.add(output, eps))),
        tf.multiply(tf.subtract(1.0, target), tf.math.log(tf.add(tf.subtract(1.0, output), eps))),
    )
    return tf.negative(bce)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    from . import losses

    return losses.categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    from . import losses

    return losses.sparse_categorical_crossentropy(
        target, output, from_logits=from_logits, axis=axis
    )


def in_top_k(predictions, targets, k):
    from .ops import in_top_k as ops_in_top_k

    return ops_in_top_k(targets, predictions, k)


# -- random ------------------------------------------------------------------------------------


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return _random.normal(shape, mean, stddev, dtype=dtype, seed=seed)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return _random.uniform(shape, minval, maxval, dtype=dtype, seed=seed)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return _random.truncated_normal(shape, mean, stddev, dtype=dtype, seed=seed)


def random_bernoulli(shape, p=0.0, dtype=None, seed=None):
    draws = _random.uniform(shape, dtype=dtype, seed=seed)
    return tf.cast(tf.less_equal(draws, p), draws.dtype)


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None):
    return variable(random_normal(shape, mean, scale, dtype, seed), dtype, name)


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None):
    return variable(random_uniform(shape, low, high, dtype, seed), dtype, name)


def dropout(x, level, noise_shape=None, seed=None):
    return _random.dropout(x, level, noise_shape=noise_shape, seed=seed)


# The names `keras.backend` serves from here.
NAMES = frozenset(
    name
    for name, value in dict(globals()).items()
    if not name.startswith("_") and getattr(value, "__module__", None) == __name__
)
