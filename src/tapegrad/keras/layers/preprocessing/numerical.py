"""Numerical preprocessing: Rescaling (`x * scale + offset`) and Normalization (adapted or
given mean and variance)."""

import math

import numpy as np

import tapegrad as tf

from ... import backend
from ..layer import Layer
from .adapt import batches_of

__all__ = ["Normalization", "Rescaling"]


class Rescaling(Layer):
    """`inputs * scale + offset`, in the layer's float type (e.g. `Rescaling(1 / 255)`).

    Args:
        scale: a number, or an array broadcast against the inputs (per channel).
        offset: a number or an array.
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True

    def call(self, inputs):
        dtype = self._dtype
        scale = tf.cast(self.scale, dtype)
        offset = tf.cast(self.offset, dtype)
        if scale.ndim > 0 and backend.image_data_format() == "channels_first":
            scale = tf.reshape(scale, tuple(scale.shape) + (1,) * (3 - scale.ndim))
        return tf.cast(inputs, dtype) * scale + offset

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        def plain(v):
            return np.asarray(v).tolist() if isinstance(v, (np.ndarray, tf.Tensor)) else v

        return {**super().get_config(), "scale": plain(self.scale), "offset": plain(self.offset)}


class Normalization(Layer):
    """Standardizes features: `(x - mean) / sqrt(variance)` (the square root floored at
    `keras.backend.epsilon()`), with `mean` and `variance` given or learned by `adapt(data)`.

    Args:
        axis: the axis (or axes) with a mean and variance each (default -1: per feature); None
            for one scalar mean and variance.
        mean, variance: given values (both or neither), broadcast over the kept axes.
        invert: compute `mean + x * sqrt(variance)` instead (undo a normalization).

    `adapt` accepts arrays, tensors, `tf.data` Datasets (batched; an unbatched one is batched
    by 128, as Keras), PyDatasets and iterables of batches; its statistics are kept as the
    non-trainable weights `mean`, `variance` and `count`.
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(axis)
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self.supports_masking = True
        self._build_input_shape = None
        self.mean = None
        self.variance = None
        if (mean is not None) != (variance is not None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    "When setting values directly, `mean` and `variance` must have the same "
                    f"shape. Received: mean shape {np.shape(mean)} and variance shape "
                    f"{np.shape(variance)}"
                )
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError(
                    "The rank of `mean` must be less than or equal to the number of axes "
                    f"({len(self.axis)}). Received: mean shape {np.shape(mean)} for axis "
                    f"{self.axis}"
                )

    def build(self, input_shape):
        if input_shape is None:
            return
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        self._build_input_shape = input_shape
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                f"All `axis` values must be in the range [-ndim, ndim). Received inputs with "
                f"ndim={ndim}, while axis={self.axis}"
            )
        keep = tuple(sorted(d % ndim for d in self.axis))
        for d in keep:
            if input_shape[d] is None:
                raise ValueError(
                    f"All `axis` values to be kept must have a known shape. Received "
                    f"axis={self.axis}, inputs.shape={input_shape}, with unknown axis at index "
                    f"{d}"
                )
        self._keep_axis = keep
        self._reduce_axis = tuple(d for d in range(ndim) if d not in keep)
        self._broadcast_shape = [input_shape[d] if d in keep else 1 for d in range(ndim)]
        self._mean_and_var_shape = tuple(input_shape[d] for d in keep)
        if self.input_mean is None:
            shape = self._mean_and_var_shape
            self.adapt_mean = self.add_weight(name="mean", shape=shape, initializer="zeros",
                                              trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=shape,
                                                  initializer="ones", trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int64",
                                         initializer="zeros", trainable=False)
            self.built = True
            self.finalize_state()
        else:
            mean = np.asarray(self.input_mean, np.float64)
            variance = np.asarray(self.input_variance, np.float64)
            if mean.ndim:
                expanded = [1] * ndim
                for i in range(1, mean.ndim + 1):
                    expanded[keep[-i]] = mean.shape[-i]
                mean, variance = mean.reshape(expanded), variance.reshape(expanded)
            dtype = self._np_dtype
            self.mean = tf.constant(
                np.broadcast_to(mean, self._broadcast_shape).astype(dtype))
            self.variance = tf.constant(
                np.broadcast_to(variance, self._broadcast_shape).astype(dtype))
            self.built = True

    def adapt(self, data):
        """Computes the mean and variance of `data` (see the class docstring).

        Raises:
            ValueError: for data whose kept axes do not match the layer's.
        """
        batches, input_shape = batches_of(data, rebatch_elements=128)
        if not self.built:
            self.build(input_shape)
        else:
            for d in self._keep_axis:
                if input_shape[d] != self._build_input_shape[d]:
                    raise ValueError(
                        f"The layer was built with input_shape={self._build_input_shape}, but "
                        f"adapt() is being called with data with an incompatible shape, "
                        f"data.shape={input_shape}"
                    )
        total_mean = np.zeros(self._mean_and_var_shape)
        total_var = np.zeros(self._mean_and_var_shape)
        total_count = 0
        for batch in batches:
            batch = np.asarray(batch, dtype=np.float64)
            for d in self._keep_axis:
                if batch.shape[d] != self._build_input_shape[d]:
                    raise ValueError(
                        f"adapt() yielded a batch with incompatible shape. Expected "
                        f"{self._build_input_shape}, got {batch.shape}."
                    )
            count = math.prod(batch.shape[d] for d in self._reduce_axis)
            if not count:
                continue
            mean = batch.mean(axis=self._reduce_axis)
            var = batch.var(axis=self._reduce_axis)
            total_count += count
            w = count / total_count
            new_mean = total_mean * (1.0 - w) + mean * w
            total_var = (total_var + (total_mean - new_mean) ** 2) * (1.0 - w) + (
                var + (mean - new_mean) ** 2
            ) * w
            total_mean = new_mean
        self.adapt_mean.assign(total_mean.astype(self._np_dtype))
        self.adapt_variance.assign(total_var.astype(self._np_dtype))
        self.count.assign(total_count)
        self.finalize_state()

    def finalize_state(self):
        if self.input_mean is not None or not self.built:
            return
        self.mean = tf.reshape(tf.convert_to_tensor(self.adapt_mean),
                                           self._broadcast_shape)
        self.variance = tf.reshape(tf.convert_to_tensor(self.adapt_variance),
                                               self._broadcast_shape)

    def call(self, inputs):
        if self.mean is None:
            raise ValueError("You must call `.build(input_shape)` on the layer before using it.")
        if self.input_mean is None:
            self.finalize_state()  # the statistics may have been set as weights since
        inputs = tf.cast(inputs, self._dtype)
        std = tf.maximum(tf.sqrt(self.variance), backend.epsilon())
        if self.invert:
            return self.mean + inputs * std
        return (inputs - self.mean) / std

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "invert": self.invert,
            "mean": np.array(self.input_mean).tolist(),
            "variance": np.array(self.input_variance).tolist(),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("mean", "variance"):
            if config.get(key) is None:
                config[key] = None
        return cls(**config)
