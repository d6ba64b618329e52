"""`keras.ops`' convolutions and pools (`conv`, `conv_transpose`, `depthwise_conv`,
`separable_conv`, `max_pool`, `average_pool`), with Keras 3's arguments, on `tf.nn`'s ops, as
Keras's TensorFlow backend computes them."""

import tapegrad as tf

from .. import backend
from ._common import as_tensor, op

__all__ = [
    "average_pool", "conv", "conv_transpose", "depthwise_conv", "max_pool", "separable_conv",
]


def _tuple(value, n, name):
    if isinstance(value, int):
        return (value,) * n
    value = tuple(value)
    if len(value) == 1:
        return value * n
    if len(value) != n:
        raise ValueError(
            f"The `{name}` argument must be an int or a tuple of {n} integers for inputs with "
            f"{n} spatial axes. Received {name}={value}"
        )
    return value


def padding_arg(padding, kernel, dilation_rate, data_format, n):
    """Keras's padding as tf.nn's: "same"/"valid" upper-cased, "causal" as explicit left
    padding of the (dilated) window, in data-format order."""
    mode = padding.lower() if isinstance(padding, str) else padding
    if mode == "causal":
        left = [(0, 0)] * 2 + [((k - 1) * d, 0) for k, d in zip(kernel, dilation_rate)]
        return left if data_format == "channels_first" else [left[0]] + left[2:] + [left[1]]
    if mode not in ("same", "valid"):
        raise ValueError(
            "The `padding` argument must be one of 'valid', 'same' (or 'causal' for a 1-D "
            f"convolution). Received: padding={padding}"
        )
    return mode.upper()


def _spatial(inputs):
    n = inputs.ndim - 2
    if n not in (1, 2, 3):
        raise ValueError(
            "Inputs to a convolution or pooling op must be of rank 3, 4 or 5 (batch, spatial "
            f"axes, channels). Received input shape: {tuple(inputs.shape)}"
        )
    return n


@op
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (1 to 3 spatial axes) with a `(*window, in / groups, out)` kernel.

    Args:
        inputs: `(batch, *spatial, channels)` (or channels first).
        kernel: the filters.
        strides, dilation_rate: an int or one per spatial axis.
        padding: "valid", "same" or "causal" (1-D: pad the start only).
        data_format: "channels_last" or "channels_first" (default: the backend's).
    """
    inputs, kernel = as_tensor(inputs), as_tensor(kernel)
    n = _spatial(inputs)
    fmt = backend.standardize_data_format(data_format)
    dilation_rate = _tuple(dilation_rate, n, "dilation_rate")
    pad = padding_arg(padding, kernel.shape[:-2], dilation_rate, fmt, n)
    return tf.nn.convolution(inputs, kernel, _tuple(strides, n, "strides"), pad, fmt,
                             dilation_rate)


def transpose_output_shape(input_shape, kernel_size, filters, strides, padding, output_padding,
                           data_format, dilation_rate):
    """Keras's output shape of a transposed convolution (`output_padding` None: TensorFlow's
    smallest shape whose convolution gives the input)."""
    first = data_format == "channels_first"
    spatial = input_shape[2:] if first else input_shape[1:-1]
    out = []
    for i, size in enumerate(spatial):
        if size is None:
            out.append(None)
            continue
        k = (kernel_size[i] - 1) * dilation_rate[i] + 1
        extra = None if output_padding is None else output_padding[i]
        if padding.lower() == "valid":
            extra = max(k, strides[i]) - k if extra is None else extra
            out.append((size - 1) * strides[i] + k + extra)
        elif extra is None:
            out.append(size * strides[i])
        else:
            out.append((size - 1) * strides[i] + k % 2 + extra)
    if first:
        return (input_shape[0], filters, *out)
    return (input_shape[0], *out, filters)


@op
def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    """The transpose of `conv`, with a `(*window, out, in)` kernel, as Keras computes it.

    Args:
        output_padding: extra rows and columns added at the end of each spatial axis (each
            below its stride); None for the smallest output that convolves back to the input.
        The other arguments as in `conv`.
    """
    inputs, kernel = as_tensor(inputs), as_tensor(kernel)
    n = _spatial(inputs)
    fmt = backend.standardize_data_format(data_format)
    strides = _tuple(strides, n, "strides")
    dilation_rate = _tuple(dilation_rate, n, "dilation_rate")
    extra = None if output_padding is None else _tuple(output_padding, n, "output_padding")
    mode = padding_arg(padding, kernel.shape[:-2], dilation_rate, fmt, n)
    shape = transpose_output_shape(tuple(inputs.shape), kernel.shape[:-2], kernel.shape[-2],
                                   strides, mode, extra, fmt, dilation_rate)
    return tf.nn.conv_transpose(inputs, kernel, shape, strides, mode, fmt, dilation_rate)


def _depthwise(inputs, kernel, strides, padding, fmt, dilation_rate, n):
    # A grouped convolution, one group per input channel: tf.nn.depthwise_conv2d's layout
    # (output channel c * multiplier + m), in any number of spatial axes.
    channels = kernel.shape[-2]
    grouped = tf.reshape(kernel, kernel.shape[:-2] + (1, channels * kernel.shape[-1]))
    pad = padding_arg(padding, kernel.shape[:-2], dilation_rate, fmt, n)
    return tf.nn.convolution(inputs, grouped, strides, pad, fmt, dilation_rate)


@op
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """Each channel convolved with its own `multiplier` filters: a `(*window, channels,
    multiplier)` kernel; output channel `c * multiplier + m`."""
    inputs, kernel = as_tensor(inputs), as_tensor(kernel)
    n = _spatial(inputs)
    fmt = backend.standardize_data_format(data_format)
    channels = inputs.shape[1] if fmt == "channels_first" else inputs.shape[-1]
    if kernel.ndim != n + 2 or kernel.shape[-2] != channels:
        raise ValueError(
            f"The depthwise kernel must be of shape (*window, {channels}, multiplier) for inputs "
            f"with {channels} channels. Received kernel shape {tuple(kernel.shape)} and input "
            f"shape {tuple(inputs.shape)}."
        )
    return _depthwise(inputs, kernel, _tuple(strides, n, "strides"), padding, fmt,
                      _tuple(dilation_rate, n, "dilation_rate"), n)


@op
def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1):
    """`depthwise_conv` followed by a pointwise (window 1) `conv` mixing the channels."""
    depthwise = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format,
                               dilation_rate)
    return conv(depthwise, pointwise_kernel, 1, "valid", data_format)


def _pool(kind, inputs, pool_size, strides, padding, data_format):
    inputs = as_tensor(inputs)
    n = _spatial(inputs)
    fmt = backend.standardize_data_format(data_format)
    pool_size = _tuple(pool_size, n, "pool_size")
    strides = pool_size if strides is None else _tuple(strides, n, "strides")
    if not isinstance(padding, str) or padding.lower() not in ("same", "valid"):
        raise ValueError(
            f"The `padding` argument must be one of 'valid', 'same'. Received: padding={padding}"
        )
    fn = tf.nn.max_pool if kind == "max" else tf.nn.avg_pool
    tf_format = ("NC" + "DHW"[3 - n:]) if fmt == "channels_first" else None
    return fn(inputs, pool_size, strides, padding.upper(), tf_format)


@op
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """The maximum of each window (1 to 3 spatial axes); `strides` defaults to `pool_size`."""
    return _pool("max", inputs, pool_size, strides, padding, data_format)


@op
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """The mean of each window (1 to 3 spatial axes; "same" windows at the border average the
    inputs they cover); `strides` defaults to `pool_size`."""
    return _pool("avg", inputs, pool_size, strides, padding, data_format)
