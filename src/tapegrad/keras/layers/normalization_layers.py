"""LayerNormalization, GroupNormalization and UnitNormalization (Keras 3's)."""

import tapegrad as tf

from .. import constraints, initializers, regularizers
from .layer import Layer

__all__ = ["GroupNormalization", "LayerNormalization", "UnitNormalization"]


def _axes_in_range(layer, axes, input_shape):
    for axis in axes:
        if axis >= len(input_shape) or axis < -len(input_shape):
            raise ValueError(
                f"Axis {axis} is out of bounds for input shape {tuple(input_shape)}. Received: "
                f"axis={layer.axis}"
            )


class _Affine(Layer):
    """A normalization with Keras's gamma/beta arguments."""

    def __init__(self, epsilon, center, scale, beta_initializer, gamma_initializer,
                 beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint,
                 **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def _affine_weights(self, shape):
        self.gamma = self.add_weight(
            name="gamma", shape=shape, initializer=self.gamma_initializer,
            regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
        ) if self.scale else None
        self.beta = self.add_weight(
            name="beta", shape=shape, initializer=self.beta_initializer,
            regularizer=self.beta_regularizer, constraint=self.beta_constraint,
        ) if self.center else None

    def compute_output_shape(self, input_shape):
        axes = [self.axis] if isinstance(self.axis, int) else self.axis
        _axes_in_range(self, axes, input_shape)
        return tuple(input_shape)

    def _affine_config(self):
        return {
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        }


class LayerNormalization(_Affine):
    """Normalizes each sample over `axis` to zero mean and unit variance, then scales by
    `gamma` and shifts by `beta` (Ba et al., 2016):

        y = gamma * (x - mean) / sqrt(var + epsilon) + beta     (mean, var over `axis`)

    Args:
        axis: the axis or list of axes normalized (default -1); gamma and beta have their
            shape.
        epsilon: added to the variance (1e-3).
        center, scale: whether to learn beta and gamma.
        beta_initializer, gamma_initializer: zeros and ones by default.
        beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: as for any
            weight.
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        self.rms_scaling = bool(kwargs.pop("rms_scaling", False))
        super().__init__(epsilon, center, scale, beta_initializer, gamma_initializer,
                         beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint,
                         **kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(
                "Expected an int or a list/tuple of ints for the argument 'axis', but "
                f"received: {axis!r}"
            )
        self.autocast = False

    def build(self, input_shape):
        axes = [self.axis] if isinstance(self.axis, int) else self.axis
        _axes_in_range(self, axes, input_shape)
        shape = tuple(input_shape[a] for a in sorted(axes))
        # As Keras: after building, `axis` is the sorted list of axes (and says so in the config).
        self.axis = sorted(axes)
        self._axes = self.axis
        self._affine_weights(shape)
        if self.rms_scaling and self.beta is not None:
            self.beta = None
        self.built = True

    def call(self, inputs):
        from ..ops import nn as ops_nn

        out = ops_nn.layer_normalization(inputs, self.gamma, self.beta, self._axes,
                                         self.epsilon, rms_scaling=self.rms_scaling)
        return tf.cast(out, self._dtype)

    def get_config(self):
        config = {**super().get_config(), "axis": self.axis, **self._affine_config()}
        config["rms_scaling"] = self.rms_scaling
        return config


class GroupNormalization(_Affine):
    """Normalizes groups of channels of each sample (Wu & He, 2018): the channels along `axis`
    are split into `groups`, each normalized over its channels and all other axes but the
    batch, then scaled and shifted per channel. `groups=-1` is instance normalization.

    Args:
        groups: the number of groups (32); it must divide the channels.
        axis: the channel axis (-1).
        epsilon, center, scale, the initializers, regularizers and constraints: as
            LayerNormalization's.
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        if isinstance(groups, bool) or not isinstance(groups, int) or (
                groups <= 0 and groups != -1):
            raise ValueError(
                "Received an invalid value for argument `groups`, expected a positive integer "
                f"(or `-1` for instance normalization). Received: groups={groups}"
            )
        super().__init__(epsilon, center, scale, beta_initializer, gamma_initializer,
                         beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint,
                         **kwargs)
        self.groups = groups
        self.axis = axis
        self.autocast = False

    def build(self, input_shape):
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(
                f"Axis {self.axis} of input tensor should have a defined dimension but the "
                f"layer received an input with shape {tuple(input_shape)}."
            )
        if self.groups == -1:
            self.groups = dim
        if dim < self.groups:
            raise ValueError(
                f"Number of groups ({self.groups}) cannot be more than the number of channels "
                f"({dim})."
            )
        if dim % self.groups != 0:
            raise ValueError(
                f"Number of groups ({self.groups}) must be a multiple of the number of "
                f"channels ({dim})."
            )
        self._affine_weights((dim,))
        self.built = True

    def call(self, inputs):
        shape = tuple(inputs.shape)
        rank = len(shape)
        axis = self.axis % rank
        grouped = list(shape)
        grouped[axis] = shape[axis] // self.groups
        grouped.insert(axis, self.groups)
        x = tf.reshape(inputs, grouped)
        if not x.dtype.is_floating:
            x = tf.cast(x, tf.float32)
        reduce = [i for i in range(1, rank + 1) if i != axis]
        mean, variance = tf.nn.moments(x, axes=reduce, keepdims=True)
        inv = tf.math.rsqrt(variance + self.epsilon)
        broadcast = [1] * (rank + 1)
        broadcast[axis], broadcast[axis + 1] = self.groups, shape[axis] // self.groups
        if self.gamma is not None:
            inv = inv * tf.cast(tf.reshape(self.gamma, broadcast), x.dtype)
        res = -mean * inv
        if self.beta is not None:
            res = res + tf.cast(tf.reshape(self.beta, broadcast), x.dtype)
        return tf.cast(tf.reshape(x * inv + res, shape), self._dtype)

    def get_config(self):
        return {**super().get_config(), "groups": self.groups, "axis": self.axis,
                **self._affine_config()}


class UnitNormalization(Layer):
    """Scales each sample to unit L2 norm over `axis`: `x * min(rsqrt(sum(x**2)), 1e12)`
    (Keras's `ops.normalize`).

    Args:
        axis: the axis or axes normalized (default -1).
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(
                "Invalid value for `axis` argument: expected an int or a list/tuple of ints. "
                f"Received: axis={axis}"
            )
        self.supports_masking = True

    def call(self, inputs):
        from ..ops import nn as ops_nn

        return ops_nn.normalize(inputs, axis=self.axis, order=2, epsilon=1e-12)

    def compute_output_shape(self, input_shape):
        axes = [self.axis] if isinstance(self.axis, int) else self.axis
        _axes_in_range(self, axes, input_shape)
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
