"""Dropout's variants: SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout, AlphaDropout.

All are the identity at inference and draw their noise only with `training=True`, from a
private stream when given a `seed`, else from `keras.utils.set_random_seed`'s.
"""

import math

import numpy as np

import tapegrad as tf

from .. import backend
from .arguments import check_data_format, check_rank
from .core import Dropout
from .layer import Layer

__all__ = [
    "AlphaDropout",
    "GaussianDropout",
    "GaussianNoise",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
]


class _Noise(Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)
        self.supports_masking = True

    def _stream(self):
        return self._rng or backend.rng()

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


def _rate(owner, rate):
    if not 0 <= rate <= 1:
        raise ValueError(
            f"{owner}: invalid value received for argument `rate`. Expected a float value "
            f"between 0 and 1. Received: rate={rate}"
        )
    return rate


class _SpatialDropout(Dropout):
    """Dropout of whole feature maps: one keep/drop draw per (sample, channel)."""

    rank = None

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        if self.rank > 1:
            self.data_format = check_data_format(data_format)

    def call(self, inputs, training=False):
        check_rank(self, inputs, self.rank + 2)
        shape = tuple(inputs.shape)
        if self.rank > 1 and self.data_format == "channels_first":
            noise = shape[:2] + (1,) * self.rank
        else:
            noise = (shape[0],) + (1,) * self.rank + (shape[-1],)
        self.noise_shape = noise
        try:
            return super().call(inputs, training=training)
        finally:
            self.noise_shape = None

    def get_config(self):
        config = {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype}
        if self.rank > 1:
            config["data_format"] = self.data_format
        return config


class SpatialDropout1D(_SpatialDropout):
    """Drops whole channels of a `(batch, steps, channels)` input (Tompson et al., 2014).

    Args:
        rate: the fraction of channels dropped; kept ones are scaled by 1 / (1 - rate).
        seed: an integer for a private random stream.
    """

    rank = 1

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)


class SpatialDropout2D(_SpatialDropout):
    """Drops whole feature maps of a 4-D input (`data_format` says where the channels are)."""

    rank = 2


class SpatialDropout3D(_SpatialDropout):
    """Drops whole feature maps of a 5-D input (`data_format` says where the channels are)."""

    rank = 3


class GaussianNoise(_Noise):
    """Adds zero-mean Gaussian noise of standard deviation `stddev` in training.

    Args:
        stddev: the noise's standard deviation, in [0, 1].
        seed: an integer for a private random stream.
    """

    def __init__(self, stddev, seed=None, **kwargs):
        if not 0 <= stddev <= 1:
            raise ValueError(
                "Invalid value received for argument `stddev`. Expected a float value between "
                f"0 and 1. Received: stddev={stddev}"
            )
        super().__init__(seed=seed, **kwargs)
        self.stddev = stddev

    def call(self, inputs, training=False):
        if training and self.stddev > 0:
            shape, stddev, dtype = tuple(inputs.shape), self.stddev, inputs.dtype.as_numpy_dtype
            return inputs + tf.tracing.draw(
                lambda: self._stream().normal(0.0, stddev, shape).astype(dtype))
        return inputs

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(_Noise):
    """Multiplies the inputs by Gaussian noise of mean 1 and standard deviation
    sqrt(rate / (1 - rate)) in training.

    Args:
        rate: the equivalent drop probability, in [0, 1].
        seed: an integer for a private random stream.
    """

    def __init__(self, rate, seed=None, **kwargs):
        rate = _rate("GaussianDropout", rate)
        super().__init__(seed=seed, **kwargs)
        self.rate = rate

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            stddev = math.sqrt(self.rate / (1.0 - self.rate))
            shape, dtype = tuple(inputs.shape), inputs.dtype.as_numpy_dtype
            return inputs * tf.tracing.draw(
                lambda: self._stream().normal(1.0, stddev, shape).astype(dtype))
        return inputs

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class AlphaDropout(_Noise):
    """Dropout that keeps the mean and variance of self-normalizing (SELU) activations: dropped
    units are set to SELU's negative saturation value, then all are scaled and shifted by
    `a` and `b` so that the moments stay (Klambauer et al., 2017).

    Args:
        rate: the drop probability, in [0, 1].
        noise_shape: the shape of the keep/drop draw (None entries take the input's size).
        seed: an integer for a private random stream.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        rate = _rate("AlphaDropout", rate)
        super().__init__(seed=seed, **kwargs)
        self.rate = rate
        self.noise_shape = noise_shape

    def call(self, inputs, training=False):
        if not (training and self.rate > 0):
            return inputs
        shape = tuple(inputs.shape)
        if self.noise_shape is not None:
            shape = tuple(s if n is None else n for s, n in zip(shape, self.noise_shape))
        alpha = 1.6732632423543772848170429916717
        scale = 1.0507009873554804934193349852946
        alpha_p = -alpha * scale
        dtype = inputs.dtype.as_numpy_dtype
        rate = self.rate
        kept = tf.tracing.draw(lambda: (self._stream().random(shape) >= rate).astype(dtype))
        a = ((1 - self.rate) * (1 + self.rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * self.rate
        x = inputs * kept + tf.cast((1 - kept) * alpha_p, dtype)
        return a * x + b

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed,
                "noise_shape": self.noise_shape}
