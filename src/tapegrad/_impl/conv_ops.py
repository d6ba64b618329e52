"""Convolutions at `tf.nn.*`: conv1d/2d/3d, convolution, their transposes, depthwise and
separable convolutions, with TensorFlow's strides, padding ("SAME", "VALID", explicit),
dilations and data formats.

Each binds the channels-last primitives of `ops/convolution.py` (a channels-first input is
transposed around them, as Keras does on CPU); their derivatives of every order are the
primitives' rules.
"""

import numpy as np

from .._core.bind import bind as _bind
from .._core.primitive import composite as _composite
from .._core.tensor import convert_to_tensor as _tensor
from ..ops import convolution as _c
from ..ops import shape as _s
from ..ops._windows import out_shape as _out_shape
from . import window_args as _w
from .arguments import static as _static

__all__ = [
    "convolution", "conv1d", "conv2d", "conv3d", "conv_transpose", "conv1d_transpose",
    "conv2d_transpose", "conv3d_transpose", "depthwise_conv2d", "separable_conv2d",
]


def _arguments(op, input, filters, strides, data_format, dilations, n):  # noqa: A002
    """The input and filters as tensors of one dtype, the number of spatial axes, whether the
    channels come first, and the strides and dilations per spatial axis."""
    x, w = _tensor(input), _tensor(filters)
    if x.dtype != w.dtype:
        raise _w.invalid(op, f"the input ({x.dtype.name}) and the filters ({w.dtype.name}) must "
                             "have the same dtype; cast one of them.")
    n = _w.spatial_rank(op, x, n)
    _w.check_rank(op, "the filters", w, n + 2)
    first = _w.channels_first(op, data_format, n)
    return (x, w, n, first, _w.ints(op, "strides", strides, n, first),
            _w.ints(op, "dilations", dilations, n, first))


def _conv(op, input, filters, strides, padding, data_format, dilations, n=None,  # noqa: A002
          explicit=True):
    x, w, n, first, strides, dilations = _arguments(op, input, filters, strides, data_format,
                                                    dilations, n)
    x = _w.to_channels_last(x, first)
    channels, depth, out = x.shape[-1], w.shape[-2], w.shape[-1]
    if depth == 0 or channels % depth:
        raise _w.invalid(op, f"input depth must be evenly divisible by filter depth: {channels} "
                             f"vs {depth} (input shape {x.shape}, filter shape {w.shape}).")
    groups = channels // depth
    if out % groups:
        raise _w.invalid(op, f"output depth must be evenly divisible by number of groups: {out} "
                             f"vs {groups}.")
    kernel, spatial = tuple(w.shape[:-2]), tuple(x.shape[1:-1])
    pads = _w.resolve_padding(op, padding, spatial, kernel, strides, dilations, first, explicit)
    _w.check_output(op, spatial, kernel, strides, dilations, pads)
    y = _bind(_c.convolution, x, w, strides=strides, dilations=dilations, pads=pads,
              groups=groups)
    return _w.from_channels_last(y, first)


def convolution(input, filters, strides=None, padding="VALID", data_format=None,  # noqa: A002
                dilations=None, name=None):
    """N-D convolution (1 to 3 spatial axes), as `tf.nn.convolution`.

    Args:
        input: `(batch, *spatial, channels)`, or `(batch, channels, *spatial)` for a
            channels-first `data_format`.
        filters: `(*window, in_channels, out_channels)`; `in_channels` may divide the input's
            channels (a grouped convolution).
        strides, dilations: ints or lists, one per spatial axis (default 1).
        padding: "VALID", "SAME" or explicit (before, after) pairs for every axis.
        data_format: None (channels last), "NWC"/"NCW", "NHWC"/"NCHW" or "NDHWC"/"NCDHW".

    Returns:
        The output, `(batch, *out_spatial, out_channels)` in the input's data format.

    Raises:
        InvalidArgumentError: for ranks, channels, strides or padding that do not fit, and for
            strides > 1 with dilations > 1 (as `tf.nn.convolution`).
    """
    x = _tensor(input)
    n = _w.spatial_rank("convolution", x)
    first = _w.channels_first("convolution", data_format, n)
    s = _w.ints("convolution", "strides", strides, n, first)
    d = _w.ints("convolution", "dilations", dilations, n, first)
    if max(s) > 1 and max(d) > 1:
        raise _w.invalid("convolution", f"strides > 1 not supported in conjunction with "
                                        f"dilations > 1. Received: strides={list(s)} and "
                                        f"dilations={list(d)}")
    return _conv("convolution", x, filters, s, padding, data_format, d)


def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None,  # noqa: A002
           name=None):
    """1-D convolution of `(batch, width, channels)` (or "NCW") with `(width, in, out)` filters.

    See `convolution` for the arguments; `padding` is "SAME" or "VALID", as in TensorFlow.
    """
    return _conv("conv1d", input, filters, stride, padding, data_format, dilations, 1,
                 explicit=False)


def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None,  # noqa: A002
           name=None):
    """2-D convolution of `(batch, height, width, channels)` (or "NCHW") with
    `(height, width, in, out)` filters. See `convolution` for the arguments."""
    return _conv("conv2d", input, filters, strides, padding, data_format, dilations, 2)


def conv3d(input, filters, strides, padding, data_format="NDHWC", dilations=None,  # noqa: A002
           name=None):
    """3-D convolution of `(batch, depth, height, width, channels)` (or "NCDHW") with
    `(depth, height, width, in, out)` filters; `padding` is "SAME" or "VALID", as in
    TensorFlow. See `convolution` for the other arguments."""
    return _conv("conv3d", input, filters, strides, padding, data_format, dilations, 3,
                 explicit=False)


def _transpose(op, input, filters, output_shape, strides, padding, data_format,  # noqa: A002
               dilations, n=None):
    y, w, n, first, strides, dilations = _arguments(op, input, filters, strides, data_format,
                                                    dilations, n)
    value = _static(output_shape)
    shape = (int(value),) if isinstance(value, (int, np.integer)) else tuple(
        int(v) for v in value)
    if len(shape) == n:  # the spatial axes only
        shape = (y.shape[0],) + shape + (w.shape[-2],)
    elif len(shape) == n + 2:
        if first:
            shape = (shape[0],) + shape[2:] + (shape[1],)
    else:
        raise _w.invalid(op, f"output_shape must list {n + 2} dimensions (batch, spatial axes, "
                             f"channels in data-format order), got {list(shape)}.")
    y = _w.to_channels_last(y, first)
    if w.shape[-1] != y.shape[-1]:
        raise _w.invalid(op, f"the filters' last dimension ({w.shape[-1]}) must equal the "
                             f"input's channels ({y.shape[-1]}); filters are (*window, "
                             "out_channels, in_channels).")
    if shape[-1] != w.shape[-2] or shape[0] != y.shape[0]:
        raise _w.invalid(op, f"output_shape {list(shape)} (channels last) must have the input's "
                             f"batch {y.shape[0]} and the filters' output channels "
                             f"{w.shape[-2]}.")
    kernel, spatial = tuple(w.shape[:-2]), shape[1:-1]
    pads = _w.resolve_padding(op, padding, spatial, kernel, strides, dilations, first)
    _w.check_output(op, spatial, kernel, strides, dilations, pads)
    expected = _out_shape(spatial, kernel, strides, dilations, pads)
    if expected != tuple(y.shape[1:-1]):
        raise _w.invalid(op, f"output_shape {list(shape)} does not fit the input: a "
                             f"convolution of that shape with these strides and padding has "
                             f"spatial shape {list(expected)}, but the input has "
                             f"{list(y.shape[1:-1])}.")
    x = _bind(_c.conv_transpose, y, w, input_shape=shape, strides=strides, dilations=dilations,
              pads=pads, groups=1)
    return _w.from_channels_last(x, first)


def conv_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                   data_format=None, dilations=None, name=None):
    """The transpose (gradient) of `convolution`, as `tf.nn.conv_transpose`.

    Args:
        input: `(batch, *spatial, in_channels)` (or channels first).
        filters: `(*window, out_channels, in_channels)`.
        output_shape: the full output shape, in data-format order; it must be a shape whose
            convolution with these strides and padding gives the input's spatial shape.
        strides, padding, data_format, dilations: as in `convolution`.

    Returns:
        A tensor of `output_shape`.
    """
    return _transpose("conv_transpose", input, filters, output_shape, strides, padding,
                      data_format, dilations)


def conv1d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NWC", dilations=None, name=None):
    """The transpose of `conv1d`; see `conv_transpose`."""
    return _transpose("conv1d_transpose", input, filters, output_shape, strides, padding,
                      data_format, dilations, 1)


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NHWC", dilations=None, name=None):
    """The transpose of `conv2d`; see `conv_transpose`."""
    return _transpose("conv2d_transpose", input, filters, output_shape, strides, padding,
                      data_format, dilations, 2)


def conv3d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NDHWC", dilations=None, name=None):
    """The transpose of `conv3d`; see `conv_transpose`."""
    return _transpose("conv3d_transpose", input, filters, output_shape, strides, padding,
                      data_format, dilations, 3)


def depthwise_conv2d(input, filter, strides, padding, data_format=None,  # noqa: A002
                     dilations=None, name=None):
    """Each input channel convolved with its own `channel_multiplier` filters, as
    `tf.nn.depthwise_conv2d`.

    Args:
        input: `(batch, height, width, channels)` (or "NCHW").
        filter: `(height, width, channels, channel_multiplier)`.
        strides: 4 ints (1 in the batch and channel axes), 2 or 1.
        padding, data_format, dilations: as in `conv2d`.

    Returns:
        `(batch, out_height, out_width, channels * channel_multiplier)`, output channel
        `c * channel_multiplier + m` from input channel `c` and filter `m`.
    """
    op = "depthwise_conv2d"
    x, w, _, first, _, _ = _arguments(op, input, filter, strides, data_format, dilations, 2)
    channels = x.shape[1] if first else x.shape[-1]
    if w.shape[2] != channels:
        raise _w.invalid(op, f"the filter's third dimension ({w.shape[2]}) must equal the "
                             f"input's channels ({channels}); the filter is (height, width, "
                             "channels, channel_multiplier).")
    grouped = _bind(_s.reshape, w, shape=w.shape[:2] + (1, w.shape[2] * w.shape[3]))
    return _conv(op, x, grouped, strides, padding, data_format, dilations, 2)


@_composite
def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,  # noqa: A002
                     data_format=None, dilations=None, name=None):
    """A depthwise convolution followed by a 1x1 convolution mixing the channels, as
    `tf.nn.separable_conv2d`.

    Args:
        input: `(batch, height, width, channels)` (or "NCHW").
        depthwise_filter: `(height, width, channels, channel_multiplier)`.
        pointwise_filter: `(1, 1, channels * channel_multiplier, out_channels)`.
        strides, padding, data_format, dilations: those of the depthwise step.
    """
    p = _tensor(pointwise_filter)
    if p.ndim != 4 or p.shape[:2] != (1, 1):
        raise _w.invalid("separable_conv2d", f"the pointwise filter must be of shape (1, 1, "
                                             f"in, out), got {p.shape}.")
    depthwise = depthwise_conv2d(input, depthwise_filter, strides, padding, data_format,
                                 dilations)
    return _conv("separable_conv2d", depthwise, p, 1, "VALID", data_format, None, 2)
