"""Pooling layers: MaxPooling1D/2D/3D and AveragePooling1D/2D/3D (Keras 3's arguments and
configs), on `tf.nn.max_pool` / `avg_pool`."""

import tapegrad as tf

from .arguments import check_data_format, check_padding, check_rank, check_tuple
from .layer import Layer

__all__ = [
    "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "BasePooling", "MaxPooling1D",
    "MaxPooling2D", "MaxPooling3D",
]


class BasePooling(Layer):
    """The maximum or mean of each window over the spatial axes.

    Args:
        pool_size: an int or one per spatial axis.
        strides: an int or one per spatial axis; None (default) for `pool_size`.
        padding: "valid" or "same" (a "same" window at the border covers fewer inputs: a max
            ignores the padding, a mean divides by the inputs it covers, as Keras on
            TensorFlow).
        data_format: "channels_last" (default: the backend's image data format) or
            "channels_first".
    """

    def __init__(self, pool_size, strides, pool_dimensions, pool_mode="max", padding="valid",
                 data_format=None, **kwargs):
        owner = type(self).__name__
        super().__init__(**kwargs)
        self.pool_size = check_tuple(owner, "pool_size", pool_size, pool_dimensions)
        strides = pool_size if strides is None else strides
        self.strides = check_tuple(owner, "strides", strides, pool_dimensions)
        self.pool_mode = pool_mode
        self.padding = check_padding(owner, padding)
        self.data_format = check_data_format(data_format)
        self._rank = pool_dimensions
        self._tf_format = None if self.data_format == "channels_last" else (
            "NC" + "DHW"[3 - pool_dimensions:])

    def call(self, inputs):
        check_rank(self, inputs, self._rank + 2)
        pool = tf.nn.max_pool if self.pool_mode == "max" else tf.nn.avg_pool
        return pool(inputs, self.pool_size, self.strides, self.padding.upper(), self._tf_format)

    def compute_output_shape(self, input_shape):
        first = self.data_format == "channels_first"
        spatial = input_shape[2:] if first else input_shape[1:-1]
        out = []
        for size, k, s in zip(spatial, self.pool_size, self.strides):
            if size is None:
                out.append(None)
            elif self.padding == "valid":
                out.append((size - k) // s + 1)
            else:
                out.append((size - 1) // s + 1)
        if first:
            return (input_shape[0], input_shape[1], *out)
        return (input_shape[0], *out, input_shape[-1])

    def get_config(self):
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "padding": self.padding,
            "strides": self.strides,
            "data_format": self.data_format,
        }


class MaxPooling1D(BasePooling):
    """The maximum of each window of `(batch, steps, features)`. See `BasePooling`."""

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, 1, "max", padding, data_format, **kwargs)


class MaxPooling2D(BasePooling):
    """The maximum of each window of `(batch, height, width, channels)`; its gradient goes to
    each window's first maximum, as in TensorFlow. See `BasePooling`.

        >>> keras.layers.MaxPooling2D()(np.zeros((1, 26, 26, 32), "float32")).shape
        (1, 13, 13, 32)
    """

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, 2, "max", padding, data_format, **kwargs)


class MaxPooling3D(BasePooling):
    """The maximum of each window of `(batch, depth, height, width, channels)`."""

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, 3, "max", padding, data_format, **kwargs)


class AveragePooling1D(BasePooling):
    """The mean of each window of `(batch, steps, features)`. See `BasePooling`."""

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, 1, "average", padding, data_format, **kwargs)


class AveragePooling2D(BasePooling):
    """The mean of each window of `(batch, height, width, channels)`. See `BasePooling`."""

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, 2, "average", padding, data_format, **kwargs)


class AveragePooling3D(BasePooling):
    """The mean of each window of `(batch, depth, height, width, channels)`."""

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, 3, "average", padding, data_format, **kwargs)
