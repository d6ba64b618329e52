"""`keras.activations`: activation functions by Keras's names, and `get` / `serialize`."""

import tapegrad as tf

from . import backend

__all__ = [
    "deserialize",
    "elu",
    "exponential",
    "gelu",
    "get",
    "hard_sigmoid",
    "leaky_relu",
    "linear",
    "log_softmax",
    "mish",
    "relu",
    "relu6",
    "selu",
    "serialize",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "softsign",
    "swish",
    "tanh",
]


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """max(x, 0), with Keras's optional negative slope, cap and threshold."""
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return tf.nn.relu(x)
    x = tf.convert_to_tensor(x)
    shifted = tf.subtract(x, threshold) if threshold else x
    out = tf.where(x > threshold, x, tf.multiply(shifted, negative_slope))
    if max_value is not None:
        out = tf.minimum(out, max_value)
    return out


def sigmoid(x):
    """1 / (1 + exp(-x)). As in Keras, the binary cross-entropy of the result is computed from
    `x` (see `keras.losses.binary_crossentropy`)."""
    return backend.remember_logits(tf.sigmoid(x), x)


def tanh(x):
    """The hyperbolic tangent."""
    return tf.tanh(x)


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along `axis`. As in Keras, the categorical cross-entropies of the
    result are computed from `x` (see `keras.losses.categorical_crossentropy`)."""
    return backend.remember_logits(tf.nn.softmax(x, axis=axis), x)


def log_softmax(x, axis=-1):
    """log(softmax(x)), computed stably."""
    return tf.nn.log_softmax(x, axis=axis)


def linear(x):
    """The identity."""
    return x


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""
    if alpha == 1.0:
        return tf.nn.elu(x)
    x = tf.convert_to_tensor(x)
    return tf.where(x > 0, x, tf.multiply(tf.math.expm1(tf.minimum(x, 0.0)), alpha))


def selu(x):
    """scale * elu(x, alpha) with the self-normalizing constants."""
    return tf.nn.selu(x)


def softplus(x):
    """log(1 + exp(x)), without overflow."""
    return tf.nn.softplus(x)


def softsign(x):
    """x / (1 + |x|)."""
    return tf.nn.softsign(x)


def silu(x):
    """x * sigmoid(x) (also called swish)."""
    return tf.multiply(x, tf.sigmoid(x))


swish = silu


def gelu(x, approximate=False):
    """x * Phi(x), Phi the standard normal CDF (its tanh approximation if `approximate`)."""
    return tf.nn.gelu(x, approximate=approximate)


def exponential(x):
    """exp(x)."""
    return tf.exp(x)


def leaky_relu(x, negative_slope=0.2):
    """x for x > 0, negative_slope * x otherwise."""
    return tf.nn.leaky_relu(x, alpha=negative_slope)


def relu6(x):
    """min(max(x, 0), 6)."""
    return tf.nn.relu6(x)


def hard_sigmoid(x):
    """relu6(x + 3) / 6, Keras 3's piecewise-linear sigmoid."""
    return tf.divide(relu6(tf.add(x, 3.0)), 6.0)


def mish(x):
    """x * tanh(softplus(x))."""
    return tf.multiply(x, tf.tanh(softplus(x)))


_BY_NAME = {
    f.__name__: f
    for f in (
        relu,
        sigmoid,
        tanh,
        softmax,
        log_softmax,
        linear,
        elu,
        selu,
        softplus,
        softsign,
        silu,
        gelu,
        exponential,
        leaky_relu,
        relu6,
        hard_sigmoid,
        mish,
    )
}
_BY_NAME["swish"] = silu


def get(identifier):
    """Returns the activation function for a name, a config dict, a callable, or None (linear).

    Raises:
        ValueError: for an unknown name.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, dict):
        identifier = deserialize(identifier)
    if callable(identifier):
        return identifier
    if isinstance(identifier, str):
        fn = _BY_NAME.get(identifier)
        if fn is None:
            raise ValueError(
                f"Unknown activation {identifier!r}; known: {', '.join(sorted(_BY_NAME))}"
            )
        return fn
    raise ValueError(f"Could not interpret activation identifier: {identifier!r}")


def serialize(activation):
    """A built-in activation's name ("relu"), as Keras saves it; a function of the user's as
    Keras's config of it (its registered name), an activation object as its config dict."""
    from .saving import serialize_keras_object

    if _BY_NAME.get(getattr(activation, "__name__", None)) is activation:
        return activation.__name__
    return serialize_keras_object(activation)


def deserialize(config, custom_objects=None):
    """An activation from `serialize`'s output."""
    from .saving import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects, module_objects=_BY_NAME)
