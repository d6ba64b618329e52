"""Convolution primitives: `convolution`, its input-side adjoint `conv_transpose` and its
filter-side adjoint `conv_backprop_filter`.

Primitives for speed: each is one BLAS product over strided windows (`_windows.py`). The three
are the partial maps of one trilinear form <conv(x, w), y>, so the reverse rules of each are
the other two and their derivatives close to every order. All three are linear in each tensor
argument (MULTILINEAR). Layout is channels last, `(batch, *spatial, channels)`, with filters
`(*kernel, channels_in / groups, channels_out)`; the public functions in
`_impl/conv_ops.py` resolve TensorFlow's padding and data formats into the static parameters
`strides`, `dilations`, `pads` and `groups`.
"""

from .._core.primitive import MULTILINEAR, defprimitive
from . import _windows


def _conv_vjp_x(g, out, x, w, **geometry):
    return conv_transpose(g, w, input_shape=x._value.shape, **geometry)


def _conv_vjp_w(g, out, x, w, **geometry):
    return conv_backprop_filter(x, g, filter_shape=w._value.shape, **geometry)


convolution = defprimitive(
    "convolution", _windows.conv, vjp=(_conv_vjp_x, _conv_vjp_w), jvp=MULTILINEAR,
    batchable=False, saves=(0, 1),
)


def _transpose_vjp_y(g, out, y, w, input_shape, **geometry):
    return convolution(g, w, **geometry)


def _transpose_vjp_w(g, out, y, w, input_shape, **geometry):
    return conv_backprop_filter(g, y, filter_shape=w._value.shape, **geometry)


conv_transpose = defprimitive(
    "conv_transpose", _windows.conv_transpose, vjp=(_transpose_vjp_y, _transpose_vjp_w),
    jvp=MULTILINEAR, batchable=False, saves=(0, 1),
)


def _filter_vjp_x(g, out, x, y, filter_shape, **geometry):
    return conv_transpose(y, g, input_shape=x._value.shape, **geometry)


def _filter_vjp_y(g, out, x, y, filter_shape, **geometry):
    return convolution(x, g, **geometry)


conv_backprop_filter = defprimitive(
    "conv_backprop_filter", _windows.conv_backprop_filter, vjp=(_filter_vjp_x, _filter_vjp_y),
    jvp=MULTILINEAR, batchable=False, saves=(0, 1),
)
