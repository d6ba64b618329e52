"""Core layers: Dense, Activation, Dropout, Flatten, Reshape, Lambda."""

import numpy as np

import tapegrad as tf

from .. import activations, backend, initializers, regularizers
from .base import Layer

__all__ = ["Activation", "Dense", "Dropout", "Flatten", "Lambda", "Reshape"]


class Dense(Layer):
    """A fully connected layer: `activation(inputs @ kernel + bias)`.

    Args:
        units: the output size.
        activation: a name ("relu", ...), a callable, or None (linear).
        use_bias: whether to add a bias.
        kernel_initializer, bias_initializer: how the weights start ("glorot_uniform" and
            "zeros").
        kernel_regularizer, bias_regularizer: penalties added to `losses`.
        activity_regularizer: a penalty on the output.
        kernel_constraint, bias_constraint: accepted and stored.
        **kwargs: Layer's (name, input_shape, trainable, dtype, ...).
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint
        self._linear = self.activation is activations.linear

    def build(self, input_shape):
        last = input_shape[-1]
        if last is None:
            raise ValueError(
                f"Dense '{self.name}': the last input dimension must be known, got "
                f"input shape {tuple(input_shape)}"
            )
        self.kernel = self.add_weight(
            shape=(last, self.units),
            initializer=self.kernel_initializer,
            name="kernel",
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.units,),
                initializer=self.bias_initializer,
                name="bias",
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.built = True

    def call(self, inputs):
        x = tf.matmul(inputs, self.kernel)
        if self.use_bias:
            x = tf.add(x, self.bias)
        if self._linear:
            return x
        return self.activation(x)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "use_bias": self.use_bias,
            "activation": activations.serialize(self.activation),
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
        }


class Activation(Layer):
    """Applies an activation function (a name or a callable)."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Dropout(Layer):
    """Zeroes a fraction `rate` of the inputs during training and scales the rest by
    1 / (1 - rate); the identity at inference.

    Args:
        rate: the fraction dropped, in [0, 1).
        noise_shape: the shape of the keep mask (broadcast to the input), e.g. (batch, 1, d).
        seed: an integer for a private random stream.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"Dropout: rate must be in [0, 1), got {rate}")
        self.rate = float(rate)
        self.noise_shape = noise_shape
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        inputs = tf.convert_to_tensor(inputs)
        shape = tuple(inputs.shape)
        if self.noise_shape is not None:
            shape = tuple(s if n is None else n for s, n in zip(shape, self.noise_shape))
        rng = self._rng or backend.rng()
        keep = rng.random(shape) >= self.rate
        scale = (keep / (1.0 - self.rate)).astype(inputs.dtype.as_numpy_dtype)
        return tf.multiply(inputs, scale)

    def get_config(self):
        return {
            **super().get_config(),
            "rate": self.rate,
            "noise_shape": self.noise_shape,
            "seed": self.seed,
        }


class Flatten(Layer):
    """Reshapes each sample to one dimension: (batch, ...) -> (batch, prod(...))."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)

    def call(self, inputs):
        shape = tuple(inputs.shape)
        return tf.reshape(inputs, (shape[0], int(np.prod(shape[1:], dtype=np.int64))))


class Reshape(Layer):
    """Reshapes each sample to `target_shape` (one entry may be -1)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def call(self, inputs):
        return tf.reshape(inputs, (inputs.shape[0],) + self.target_shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Lambda(Layer):
    """Wraps a function of the inputs as a layer."""

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.function = function
        self.arguments = arguments or {}

    def call(self, inputs):
        return self.function(inputs, **self.arguments)
