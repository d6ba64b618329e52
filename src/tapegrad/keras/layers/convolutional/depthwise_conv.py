"""Depthwise and separable convolutions: DepthwiseConv1D/2D and SeparableConv1D/2D (Keras 3's
arguments, weights and configs)."""

import tapegrad as tf

from ..arguments import check_integer
from .base_conv import BaseConv, channel_axis, conv_output_shape

__all__ = ["DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D"]


class BaseDepthwiseConv(BaseConv):
    """Each input channel convolved with its own `depth_multiplier` filters; output channel
    `c * depth_multiplier + m`. Kernel `(*window, channels, depth_multiplier)`, named
    "kernel"; options `depthwise_initializer`, `depthwise_regularizer`,
    `depthwise_constraint` and the bias's. Other arguments as `BaseConv`'s."""

    weight_kinds = ("depthwise", "bias")

    def __init__(self, rank, depth_multiplier=1, kernel_size=3, strides=1, padding="valid",
                 data_format=None, dilation_rate=1, activation=None, use_bias=True, **kwargs):
        super().__init__(rank, None, kernel_size, strides, padding, data_format, dilation_rate,
                         1, activation, use_bias, **kwargs)
        self.depth_multiplier = check_integer(type(self).__name__, "depth_multiplier",
                                              depth_multiplier, minimum=1)

    def grouped(self, kernel):
        """A `(*window, channels, multiplier)` kernel as a grouped convolution's."""
        shape = tuple(kernel.shape)
        return tf.reshape(kernel, shape[:-2] + (1, shape[-2] * shape[-1]))

    def build(self, input_shape):
        channels = self.input_channels(input_shape)
        self.kernel = self.add("depthwise", self.kernel_size + (channels, self.depth_multiplier),
                               name="kernel")
        self.bias = self.add("bias", (channels * self.depth_multiplier,)) if (
            self.use_bias) else None
        self.built = True

    def call(self, inputs):
        outputs = tf.nn.convolution(inputs, self.grouped(self.kernel), self.strides,
                                    self._tf_padding, self.data_format, self.dilation_rate)
        return self.finish(outputs)

    def compute_output_shape(self, input_shape):
        channels = input_shape[channel_axis(self.data_format)]
        filters = None if channels is None else channels * self.depth_multiplier
        return conv_output_shape(tuple(input_shape), filters, self.kernel_size, self.strides,
                                 self.padding, self.data_format, self.dilation_rate)

    def geometry_config(self):
        config = super().geometry_config()
        del config["filters"], config["groups"]
        return {"depth_multiplier": self.depth_multiplier, **config}


class DepthwiseConv1D(BaseDepthwiseConv):
    """Depthwise 1-D convolution of `(batch, steps, channels)`. See `BaseDepthwiseConv`."""

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True, **kwargs):
        super().__init__(1, depth_multiplier, kernel_size, strides, padding, data_format,
                         dilation_rate, activation, use_bias, **kwargs)


class DepthwiseConv2D(BaseDepthwiseConv):
    """Depthwise 2-D convolution of `(batch, height, width, channels)`, as
    `tf.nn.depthwise_conv2d`. See `BaseDepthwiseConv`."""

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 **kwargs):
        super().__init__(2, depth_multiplier, kernel_size, strides, padding, data_format,
                         dilation_rate, activation, use_bias, **kwargs)


class BaseSeparableConv(BaseDepthwiseConv):
    """A depthwise convolution then a pointwise (window 1) convolution to `filters` channels.
    Weights "depthwise_kernel" `(*window, channels, depth_multiplier)`, "pointwise_kernel"
    `(1, ..., channels * depth_multiplier, filters)` and "bias" `(filters,)`, each with its
    initializer, regularizer and constraint options."""

    weight_kinds = ("depthwise", "pointwise", "bias")

    def __init__(self, rank, depth_multiplier, filters, kernel_size, strides=1, padding="valid",
                 data_format=None, dilation_rate=1, activation=None, use_bias=True, **kwargs):
        super().__init__(rank, depth_multiplier, kernel_size, strides, padding, data_format,
                         dilation_rate, activation, use_bias, **kwargs)
        self.filters = check_integer(type(self).__name__, "filters", filters, minimum=1)

    def build(self, input_shape):
        channels = self.input_channels(input_shape)
        self.depthwise_kernel = self.add(
            "depthwise", self.kernel_size + (channels, self.depth_multiplier),
            name="depthwise_kernel")
        self.pointwise_kernel = self.add(
            "pointwise", (1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            name="pointwise_kernel")
        self.bias = self.add("bias", (self.filters,)) if self.use_bias else None
        self.built = True

    def call(self, inputs):
        depthwise = tf.nn.convolution(inputs, self.grouped(self.depthwise_kernel), self.strides,
                                      self._tf_padding, self.data_format, self.dilation_rate)
        outputs = tf.nn.convolution(depthwise, self.pointwise_kernel, 1, "VALID",
                                    self.data_format)
        return self.finish(outputs)

    compute_output_shape = BaseConv.compute_output_shape  # `filters` channels

    def geometry_config(self):
        config = super().geometry_config()
        return {"depth_multiplier": config.pop("depth_multiplier"), "filters": self.filters,
                **config}


class SeparableConv1D(BaseSeparableConv):
    """Separable 1-D convolution. See `BaseSeparableConv`."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True, **kwargs):
        super().__init__(1, depth_multiplier, filters, kernel_size, strides, padding,
                         data_format, dilation_rate, activation, use_bias, **kwargs)


class SeparableConv2D(BaseSeparableConv):
    """Separable 2-D convolution, as `tf.nn.separable_conv2d`. See `BaseSeparableConv`."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 **kwargs):
        super().__init__(2, depth_multiplier, filters, kernel_size, strides, padding,
                         data_format, dilation_rate, activation, use_bias, **kwargs)
