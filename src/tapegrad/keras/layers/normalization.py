"""BatchNormalization."""

import tapegrad as tf

from .. import constraints, initializers, regularizers
from .arguments import check_float, check_integer
from .layer import Layer

__all__ = ["BatchNormalization"]


class BatchNormalization(Layer):
    """Normalizes each feature by the batch's mean and variance in training and by moving
    averages of them at inference, then scales by `gamma` and shifts by `beta`.

        training:  y = gamma * (x - mean_b) / sqrt(var_b + epsilon) + beta
                   moving = moving * momentum + stat_b * (1 - momentum)
        inference: y = gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) + beta

    The batch variance is the biased one, for the output and the moving average alike (Keras 3).

    Args:
        axis: the feature axis (default -1).
        momentum: of the moving averages (0.99).
        epsilon: added to the variance (1e-3).
        center, scale: whether to learn beta and gamma.
        beta_initializer, gamma_initializer, moving_mean_initializer,
        moving_variance_initializer: zeros, ones, zeros, ones by default.
        beta_regularizer, gamma_regularizer: penalties on beta and gamma.
        beta_constraint, gamma_constraint: constraints that optimizers apply to them.
        synchronized, renorm, renorm_clipping, renorm_momentum: Keras's; only their defaults
            are supported.
    """

    def __init__(
        self,
        axis=-1,
        momentum=0.99,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        moving_mean_initializer="zeros",
        moving_variance_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        synchronized=False,
        renorm=False,
        renorm_clipping=None,
        renorm_momentum=0.99,
        **kwargs,
    ):
        if renorm:
            raise NotImplementedError("BatchNormalization: `renorm` is not supported by tapegrad.")
        axis = check_integer("BatchNormalization", "axis", axis)
        momentum = check_float("BatchNormalization", "momentum", momentum, 0.0, 1.0)
        epsilon = check_float("BatchNormalization", "epsilon", epsilon, 0.0)
        super().__init__(**kwargs)
        self.axis = axis
        self.momentum = momentum
        self.epsilon = epsilon
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.synchronized = bool(synchronized)
        self.supports_masking = True

    def build(self, input_shape):
        rank = len(input_shape)
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"BatchNormalization '{self.name}': axis {self.axis} is out of range for an input "
                f"of shape {tuple(input_shape)} (rank {rank})"
            )
        axis = self.axis % rank
        if input_shape[axis] is None:
            raise ValueError(
                f"BatchNormalization '{self.name}': axis {self.axis} of the input shape "
                f"{tuple(input_shape)} must be known: it is the feature axis."
            )
        dim = input_shape[axis]
        self._reduce = tuple(i for i in range(rank) if i != axis)
        self._features = (rank, axis, dim)
        # The shape the per-feature weights take to broadcast against the input; None when the
        # feature axis is the last, where they broadcast as they are.
        self._bshape = (
            None if axis == rank - 1 else tuple(dim if i == axis else 1 for i in range(rank))
        )
        self.gamma = (
            self.add_weight(
                shape=(dim,),
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                autocast=False,  # float32 under mixed precision: see call
                name="gamma",
            )
            if self.scale
            else None
        )
        self.beta = (
            self.add_weight(
                shape=(dim,),
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                autocast=False,
                name="beta",
            )
            if self.center
            else None
        )
        self.moving_mean = self.add_weight(
            shape=(dim,),
            initializer=self.moving_mean_initializer,
            trainable=False,
            autocast=False,
            name="moving_mean",
        )
        self.moving_variance = self.add_weight(
            shape=(dim,),
            initializer=self.moving_variance_initializer,
            trainable=False,
            autocast=False,
            name="moving_variance",
        )
        self.built = True

    def _broadcast(self, v, dtype):
        if v.dtype != dtype:
            v = tf.cast(v, dtype)
        return v if self._bshape is None else tf.reshape(v, self._bshape)

    def call(self, inputs, training=None):
        rank, axis, dim = self._features
        shape = tuple(inputs.shape)
        if len(shape) != rank or shape[axis] != dim:
            raise ValueError(
                f"Input 0 of layer '{self.name}' (BatchNormalization) is incompatible with the "
                f"layer: expected ndim={rank} and axis {self.axis} of input shape to have value "
                f"{dim}, but received input with shape {shape}"
            )
        input_dtype = inputs.dtype
        if input_dtype == tf.float16:
            # As Keras: 16-bit statistics overflow, so a mixed precision BN computes in float32.
            inputs = tf.cast(inputs, "float32")
        dtype = inputs.dtype
        if training and self.trainable:
            mean = tf.reduce_mean(inputs, axis=self._reduce, keepdims=True)
            centered = tf.subtract(inputs, mean)
            variance = tf.reduce_mean(tf.square(centered), axis=self._reduce, keepdims=True)
            m = self.momentum
            # The moving averages are updated in NumPy: they are state, not part of the graph.
            mean_v = mean.numpy().reshape(-1)
            var_v = variance.numpy().reshape(-1)
            self.moving_mean.assign(self.moving_mean.numpy() * m + mean_v * (1.0 - m))
            self.moving_variance.assign(self.moving_variance.numpy() * m + var_v * (1.0 - m))
        else:
            mean = self._broadcast(self.moving_mean, dtype)
            variance = self._broadcast(self.moving_variance, dtype)
            centered = tf.subtract(inputs, mean)
        inv = tf.divide(1.0, tf.sqrt(tf.add(variance, self.epsilon)))
        if self.gamma is not None:
            inv = tf.multiply(inv, self._broadcast(self.gamma, dtype))
        out = tf.multiply(centered, inv)
        if self.beta is not None:
            out = tf.add(out, self._broadcast(self.beta, dtype))
        return out if out.dtype == input_dtype else tf.cast(out, input_dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
            "synchronized": self.synchronized,
            "renorm": False,
            "renorm_clipping": None,
            "renorm_momentum": 0.99,
        }
