"""Convolution layers: Conv1D, Conv2D, Conv3D (Keras 3's arguments, weights and configs)."""

import tapegrad as tf

from ... import activations, constraints, initializers, regularizers
from ...ops import convolution as conv_ops
from ..arguments import check_data_format, check_integer, check_padding, check_rank, check_tuple
from ..layer import Layer

__all__ = ["BaseConv", "Conv1D", "Conv2D", "Conv3D", "channel_axis", "conv_output_shape"]


def channel_axis(data_format):
    return 1 if data_format == "channels_first" else -1


def conv_output_shape(input_shape, filters, kernel_size, strides, padding, data_format,
                      dilation_rate):
    """Keras's output shape of a convolution (None stays None)."""
    first = data_format == "channels_first"
    spatial = input_shape[2:] if first else input_shape[1:-1]
    out = []
    for size, k, s, d in zip(spatial, kernel_size, strides, dilation_rate):
        if size is None:
            out.append(None)
        elif padding == "valid":
            out.append((size - (k - 1) * d - 1) // s + 1)
        else:  # "same" and "causal" keep ceil(size / stride) positions
            out.append((size - 1) // s + 1)
    if first:
        return (input_shape[0], filters, *out)
    return (input_shape[0], *out, filters)


class BaseConv(Layer):
    """What every convolution layer shares: the window's geometry, the activation, and each
    weight's initializer, regularizer and constraint (`<weight>_initializer`, ...).

    Args:
        rank: the number of spatial axes (1, 2 or 3).
        filters: the number of output channels.
        kernel_size: an int or one int per spatial axis.
        strides: an int or one per spatial axis (default 1).
        padding: "valid", "same" (or "causal" for Conv1D: pad the start only).
        data_format: "channels_last" (default: `keras.config.image_data_format()`) or
            "channels_first".
        dilation_rate: an int or one per spatial axis; strides and dilation cannot both
            exceed 1.
        groups: split the input channels into this many groups, each convolved with
            `filters / groups` filters.
        activation: a name or callable applied to the output (None: linear).
        use_bias: whether to add a bias per output channel.
        kernel_initializer, bias_initializer: "glorot_uniform" and "zeros" by default.
        kernel_regularizer, bias_regularizer, activity_regularizer: penalties added to
            `losses`.
        kernel_constraint, bias_constraint: projections applied after each update.
    """

    # The weights whose options the layer takes, in Keras's config order.
    weight_kinds = ("kernel", "bias")

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 activity_regularizer=None, lora_rank=None, lora_alpha=None, **kwargs):
        owner = type(self).__name__
        if lora_rank:
            raise NotImplementedError(f"{owner}: LoRA (`lora_rank`) is not supported by "
                                      "tapegrad.")
        options = {key: kwargs.pop(key) for key in list(kwargs) if key.rsplit("_", 1)[-1] in (
            "initializer", "regularizer", "constraint") and key.rsplit("_", 1)[0] in
            self.weight_kinds}
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        for kind in self.weight_kinds:
            default = "zeros" if kind == "bias" else "glorot_uniform"
            setattr(self, f"{kind}_initializer",
                    initializers.get(options.get(f"{kind}_initializer", default)))
            setattr(self, f"{kind}_regularizer",
                    regularizers.get(options.get(f"{kind}_regularizer")))
            setattr(self, f"{kind}_constraint", constraints.get(options.get(f"{kind}_constraint")))
        self.rank = rank
        self.filters = None if filters is None else check_integer(owner, "filters", filters,
                                                                  minimum=1)
        self.groups = check_integer(owner, "groups", groups, minimum=1)
        self.kernel_size = check_tuple(owner, "kernel_size", kernel_size, rank)
        self.strides = check_tuple(owner, "strides", strides, rank)
        self.dilation_rate = check_tuple(owner, "dilation_rate", dilation_rate, rank)
        self.padding = check_padding(owner, padding, allow_causal=rank == 1)
        self.data_format = check_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self._tf_padding = conv_ops.padding_arg(self.padding, self.kernel_size,
                                                self.dilation_rate, self.data_format, rank)
        if self.filters is not None and self.filters % self.groups:
            raise ValueError(
                f"{owner}: the number of filters must be evenly divisible by the number of "
                f"groups. Received: groups={self.groups}, filters={self.filters}."
            )
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{owner}: `strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )

    def input_channels(self, input_shape):
        """The channels of an input of `input_shape`, checked (rank and known size)."""
        check_rank(self, input_shape, self.rank + 2)
        channels = input_shape[channel_axis(self.data_format)]
        if channels is None:
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}): the channel dimension of the "
                f"inputs should be defined. Received input shape {tuple(input_shape)}."
            )
        return int(channels)

    def add(self, kind, shape, name=None):
        """The weight `kind` ("kernel", "bias", "depthwise", ...) with its options."""
        return self.add_weight(
            shape=shape, initializer=getattr(self, f"{kind}_initializer"), name=name or kind,
            regularizer=getattr(self, f"{kind}_regularizer"),
            constraint=getattr(self, f"{kind}_constraint"),
        )

    def build(self, input_shape):
        channels = self.input_channels(input_shape)
        if channels % self.groups:
            raise ValueError(
                f"{type(self).__name__}: the number of input channels must be evenly divisible "
                f"by the number of groups. Received groups={self.groups}, but the input has "
                f"{channels} channels (full input shape is {tuple(input_shape)})."
            )
        self.kernel = self.add("kernel", self.kernel_size + (channels // self.groups,
                                                             self.filters))
        self.bias = self.add("bias", (self.filters,)) if self.use_bias else None
        self.built = True

    def finish(self, outputs):
        """The bias added along the channels, then the activation."""
        if self.bias is not None:
            bias = self.bias
            if self.data_format == "channels_first":
                bias = tf.reshape(bias, (1, -1) + (1,) * self.rank)
            outputs = tf.add(outputs, bias)
        return self.activation(outputs)

    def call(self, inputs):
        outputs = tf.nn.convolution(inputs, self.kernel, self.strides, self._tf_padding,
                                    self.data_format, self.dilation_rate)
        return self.finish(outputs)

    def compute_output_shape(self, input_shape):
        return conv_output_shape(tuple(input_shape), self.filters, self.kernel_size,
                                 self.strides, self.padding, self.data_format,
                                 self.dilation_rate)

    def geometry_config(self):
        return {
            "filters": self.filters, "kernel_size": self.kernel_size, "strides": self.strides,
            "padding": self.padding, "data_format": self.data_format,
            "dilation_rate": self.dilation_rate, "groups": self.groups,
        }

    def get_config(self):
        kinds = self.weight_kinds
        return {
            **super().get_config(),
            **self.geometry_config(),
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            **{f"{k}_initializer": initializers.serialize(getattr(self, f"{k}_initializer"))
               for k in kinds},
            **{f"{k}_regularizer": regularizers.serialize(getattr(self, f"{k}_regularizer"))
               for k in kinds},
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            **{f"{k}_constraint": constraints.serialize(getattr(self, f"{k}_constraint"))
               for k in kinds},
        }


class Conv1D(BaseConv):
    """1-D convolution over `(batch, steps, channels)`: kernel `(kernel_size, channels /
    groups, filters)`. `padding="causal"` pads the start only, so that output step t sees
    input steps up to t. See `BaseConv` for the arguments."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True, **kwargs):
        super().__init__(1, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         groups, activation, use_bias, **kwargs)


class Conv2D(BaseConv):
    """2-D convolution over `(batch, height, width, channels)`: kernel `(kh, kw, channels /
    groups, filters)`. See `BaseConv` for the arguments.

        >>> layer = keras.layers.Conv2D(32, 3, activation="relu")
        >>> layer(np.zeros((1, 28, 28, 1), "float32")).shape
        (1, 26, 26, 32)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True, **kwargs):
        super().__init__(2, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         groups, activation, use_bias, **kwargs)


class Conv3D(BaseConv):
    """3-D convolution over `(batch, depth, height, width, channels)`. See `BaseConv`."""

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1, 1), groups=1, activation=None,
                 use_bias=True, **kwargs):
        super().__init__(3, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         groups, activation, use_bias, **kwargs)
