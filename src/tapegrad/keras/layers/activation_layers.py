"""Activation layers: LeakyReLU, PReLU, ELU, ReLU and Softmax (with a mask)."""

import tapegrad as tf

from .. import activations, constraints, initializers, regularizers
from .layer import Layer

__all__ = ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax"]


class _Elementwise(Layer):
    """An activation layer: output shape = input shape, masks passed on."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class LeakyReLU(_Elementwise):
    """`x` for `x >= 0`, `negative_slope * x` otherwise.

    Args:
        negative_slope: the slope below 0 (default 0.3; the old name `alpha` is accepted).
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(
                "The negative_slope value of a Leaky ReLU layer cannot be None or negative "
                f"value. Expected a float. Received: negative_slope={negative_slope}"
            )
        self.negative_slope = negative_slope

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class PReLU(_Elementwise):
    """Leaky ReLU with a learned slope per element: `x` for `x >= 0`, `alpha * x` otherwise.

    Args:
        alpha_initializer: how the slopes start (zeros).
        alpha_regularizer, alpha_constraint: as for any weight.
        shared_axes: axes (counted with the batch as 0) along which one slope is shared, e.g.
            [1, 2] for one slope per channel of an image.
    """

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif not isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [shared_axes]
        else:
            self.shared_axes = list(shared_axes)

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for i in self.shared_axes or ():
            shape[i - 1] = 1
        if None in shape:
            raise ValueError(
                f"PReLU '{self.name}': every axis of the input but the batch must be known or "
                f"shared, got input shape {tuple(input_shape)}; pass shared_axes for the "
                "unknown ones."
            )
        self.alpha = self.add_weight(
            shape=shape, name="alpha", initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer, constraint=self.alpha_constraint,
        )
        self.built = True

    def call(self, inputs):
        return tf.nn.relu(inputs) - self.alpha * tf.nn.relu(-inputs)

    def get_config(self):
        return {
            **super().get_config(),
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        }


class ELU(_Elementwise):
    """`x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise.

    Args:
        alpha: the scale of the negative part (default 1.0).
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class ReLU(_Elementwise):
    """`max(x, 0)`, with Keras's optional cap, threshold and negative slope:
    `max_value` if `x >= max_value`, `x` if `threshold <= x < max_value`,
    `negative_slope * (x - threshold)` otherwise.

    Args:
        max_value: the cap (None: none).
        negative_slope: the slope below the threshold (0).
        threshold: where the slope changes (0).
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(
                f"max_value of a ReLU layer cannot be a negative value. Received: "
                f"max_value={max_value}"
            )
        for name, value in (("negative_slope", negative_slope), ("threshold", threshold)):
            if value is None or value < 0.0:
                raise ValueError(
                    f"{name} of a ReLU layer cannot be None or a negative value. Received: "
                    f"{name}={value}"
                )
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)

    def get_config(self):
        return {
            **super().get_config(),
            "max_value": self.max_value,
            "negative_slope": self.negative_slope,
            "threshold": self.threshold,
        }


def large_negative_number(dtype):
    """What masked logits are set to before a softmax (Keras's): -1e9, -3e4 for float16."""
    return -3e4 if tf.as_dtype(dtype) == tf.float16 else -1e9


class Softmax(_Elementwise):
    """The softmax along `axis` (an int or a list of axes); entries where a `mask` (broadcast
    to the input) is False get probability 0.

    Args:
        axis: the axis or axes normalized (default -1).
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, mask=None):
        if mask is not None:
            if len(mask.shape) > len(inputs.shape) or any(
                m not in (1, i) for m, i in zip(tuple(mask.shape)[::-1],
                                                tuple(inputs.shape)[::-1])
            ):
                raise ValueError(
                    "The `mask` must be broadcastable to `inputs`: each mask dimension must be "
                    "1 or match the corresponding input dimension, and it must not have more "
                    f"dimensions. Received: inputs.shape={tuple(inputs.shape)}, "
                    f"mask.shape={tuple(mask.shape)}"
                )
            if mask.dtype != tf.bool:
                mask = tf.greater(mask, tf.cast(0.5, mask.dtype))
            fill = tf.cast(large_negative_number(inputs.dtype), inputs.dtype)
            inputs = tf.where(mask, inputs, fill)
        if isinstance(self.axis, (list, tuple)) and len(self.axis) > 1:
            outputs = tf.exp(inputs - tf.reduce_logsumexp(inputs, axis=list(self.axis),
                                                          keepdims=True))
        else:
            axis = self.axis[0] if isinstance(self.axis, (list, tuple)) else self.axis
            outputs = activations.softmax(inputs, axis=axis)
        if mask is not None:
            outputs = tf.where(mask, outputs, tf.zeros_like(outputs))
        return outputs

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
