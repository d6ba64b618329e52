"""Transposed convolutions: Conv1DTranspose, Conv2DTranspose, Conv3DTranspose (Keras 3's
arguments, kernel `(*window, filters, channels)` and configs)."""

import tapegrad as tf

from ...ops import convolution as conv_ops
from ..arguments import check_padding, check_tuple
from .base_conv import BaseConv

__all__ = ["Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"]


class BaseConvTranspose(BaseConv):
    """The gradient of a convolution with respect to its input, as a layer (upsampling by the
    strides). Arguments as `BaseConv`'s (no groups, no causal padding), and:

    Args:
        output_padding: an int or one per spatial axis, each below its stride: extra positions
            at the end of each axis. None (default): the output is `input * strides` ("same")
            or `(input - 1) * strides + max(window, strides)` ("valid").
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid",
                 output_padding=None, data_format=None, dilation_rate=1, activation=None,
                 use_bias=True, **kwargs):
        check_padding(type(self).__name__, padding)
        super().__init__(rank, filters, kernel_size, strides, padding, data_format,
                         dilation_rate, 1, activation, use_bias, **kwargs)
        if output_padding is not None:
            output_padding = check_tuple(type(self).__name__, "output_padding", output_padding,
                                         rank, allow_zero=True)
            for i, (extra, stride) in enumerate(zip(output_padding, self.strides)):
                if extra >= stride:
                    raise ValueError(
                        f"{type(self).__name__}: `output_padding` must be strictly less than "
                        f"`strides` for all dimensions. At dimension {i}, `output_padding` is "
                        f"{extra} but `strides` is {stride}. Received: output_padding="
                        f"{output_padding}, strides={self.strides}"
                    )
        self.output_padding = output_padding

    def build(self, input_shape):
        channels = self.input_channels(input_shape)
        self.kernel = self.add("kernel", self.kernel_size + (self.filters, channels))
        self.bias = self.add("bias", (self.filters,)) if self.use_bias else None
        self.built = True

    def compute_output_shape(self, input_shape):
        return conv_ops.transpose_output_shape(
            tuple(input_shape), self.kernel_size, self.filters, self.strides, self.padding,
            self.output_padding, self.data_format, self.dilation_rate)

    def call(self, inputs):
        shape = self.compute_output_shape(tuple(inputs.shape))
        outputs = tf.nn.conv_transpose(inputs, self.kernel, shape, self.strides,
                                       self._tf_padding, self.data_format, self.dilation_rate)
        return self.finish(outputs)

    def geometry_config(self):
        return {
            "filters": self.filters, "kernel_size": self.kernel_size, "strides": self.strides,
            "padding": self.padding, "output_padding": self.output_padding,
            "data_format": self.data_format, "dilation_rate": self.dilation_rate,
        }


class Conv1DTranspose(BaseConvTranspose):
    """Transposed 1-D convolution of `(batch, steps, channels)`. See `BaseConvTranspose`."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True, **kwargs):
        super().__init__(1, filters, kernel_size, strides, padding, output_padding, data_format,
                         dilation_rate, activation, use_bias, **kwargs)


class Conv2DTranspose(BaseConvTranspose):
    """Transposed 2-D convolution of `(batch, height, width, channels)`, as a GAN's generator
    upsamples. See `BaseConvTranspose`.

        >>> layer = keras.layers.Conv2DTranspose(64, 5, strides=2, padding="same")
        >>> layer(np.zeros((1, 7, 7, 128), "float32")).shape
        (1, 14, 14, 64)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1), activation=None,
                 use_bias=True, **kwargs):
        super().__init__(2, filters, kernel_size, strides, padding, output_padding, data_format,
                         dilation_rate, activation, use_bias, **kwargs)


class Conv3DTranspose(BaseConvTranspose):
    """Transposed 3-D convolution. See `BaseConvTranspose`."""

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1, 1),
                 activation=None, use_bias=True, **kwargs):
        super().__init__(3, filters, kernel_size, strides, padding, output_padding, data_format,
                         dilation_rate, activation, use_bias, **kwargs)
