"""Pooling at `tf.nn.*`: max_pool / avg_pool (1-D to 3-D, and by rank), pool, and
local_response_normalization.

The pools bind the channels-last primitives of `ops/pooling.py` (a max-pool's gradient goes to
each window's first maximum, as TensorFlow's kernel routes ties; an average counts only the
input elements a "SAME" window covers, not the padding).
"""

from .._core.bind import bind as _bind
from .._core.primitive import composite as _composite
from .._core.tensor import convert_to_tensor as _tensor
from ..ops import elementwise as _e
from ..ops import pooling as _p
from ..ops import shape as _s
from . import window_args as _w

__all__ = [
    "max_pool", "max_pool1d", "max_pool2d", "max_pool3d", "avg_pool", "avg_pool1d",
    "avg_pool2d", "avg_pool3d", "pool", "local_response_normalization",
]

_DEFAULT_FORMATS = {1: "NWC", 2: "NHWC", 3: "NDHWC"}


def _pool(op, kind, input, ksize, strides, padding, data_format, n=None,  # noqa: A002
          dilations=None):
    x = _tensor(input)
    n = _w.spatial_rank(op, x, n)
    first = _w.channels_first(op, data_format, n)
    ksize = _w.ints(op, "ksize", ksize, n, first)
    strides = _w.ints(op, "strides", strides, n, first)
    dilations = _w.ints(op, "dilations", dilations, n, first)
    if kind == "AVG":
        if not x.dtype.is_floating:
            raise _w.invalid(op, f"average pooling needs a floating-point input, got "
                                 f"{x.dtype.name}; cast it first, e.g. tf.cast(x, tf.float32).")
    elif x.dtype.is_bool or x.dtype.is_complex or x.dtype.name == "string":
        raise _w.invalid(op, f"max pooling needs real numbers, got {x.dtype.name}.")
    x = _w.to_channels_last(x, first)
    spatial = tuple(x.shape[1:-1])
    pads = _w.resolve_padding(op, padding, spatial, ksize, strides, dilations, first,
                              explicit=kind == "MAX")
    _w.check_output(op, spatial, ksize, strides, dilations, pads)
    prim = _p.max_pool if kind == "MAX" else _p.avg_pool
    y = _bind(prim, x, ksize=ksize, strides=strides, dilations=dilations, pads=pads)
    return _w.from_channels_last(y, first)


def max_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """The maximum of each window over the spatial axes (1 to 3 of them, from the rank).

    Args:
        input: `(batch, *spatial, channels)` or channels first (by `data_format`).
        ksize, strides: an int or a list per spatial axis (or per axis, with 1 for batch and
            channels).
        padding: "VALID", "SAME" (padding never wins) or explicit (before, after) pairs.
        data_format: "NWC", "NHWC", "NDHWC" (default, channels last) or "NC...".

    Returns:
        The pooled tensor. Its gradient goes to each window's first maximum.
    """
    return _pool("max_pool", "MAX", input, ksize, strides, padding, data_format)


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    """`max_pool` of `(batch, width, channels)`."""
    return _pool("max_pool1d", "MAX", input, ksize, strides, padding, data_format, 1)


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """`max_pool` of `(batch, height, width, channels)`."""
    return _pool("max_pool2d", "MAX", input, ksize, strides, padding, data_format, 2)


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    """`max_pool` of `(batch, depth, height, width, channels)`."""
    return _pool("max_pool3d", "MAX", input, ksize, strides, padding, data_format, 3)


def avg_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """The mean of each window over the spatial axes (1 to 3 of them, from the rank).

    Args:
        input: a floating-point `(batch, *spatial, channels)` or channels first.
        ksize, strides: as in `max_pool`.
        padding: "VALID" or "SAME" (a window at the border averages the input elements it
            covers; the padding is not counted).
        data_format: as in `max_pool`.
    """
    return _pool("avg_pool", "AVG", input, ksize, strides, padding, data_format)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    """`avg_pool` of `(batch, width, channels)`."""
    return _pool("avg_pool1d", "AVG", input, ksize, strides, padding, data_format, 1)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """`avg_pool` of `(batch, height, width, channels)`."""
    return _pool("avg_pool2d", "AVG", input, ksize, strides, padding, data_format, 2)


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    """`avg_pool` of `(batch, depth, height, width, channels)`."""
    return _pool("avg_pool3d", "AVG", input, ksize, strides, padding, data_format, 3)


def pool(input, window_shape, pooling_type, strides=None, padding="VALID",  # noqa: A002
         data_format=None, dilations=None, name=None):
    """Max or average pooling with dilated windows, as `tf.nn.pool`.

    Args:
        input: `(batch, *spatial, channels)` or channels first.
        window_shape: one int per spatial axis.
        pooling_type: "MAX" or "AVG".
        strides, dilations: one int per spatial axis (default 1); as in TensorFlow, strides
            must be 1 where a dilation is above 1, and dilated windows need "VALID" padding.
        padding: "VALID" or "SAME".
        data_format: as in `max_pool`.
    """
    kind = str(pooling_type).upper()
    if kind not in ("MAX", "AVG"):
        raise _w.invalid("pool", f"pooling_type must be 'MAX' or 'AVG', got {pooling_type!r}.")
    x = _tensor(input)
    n = _w.spatial_rank("pool", x)
    if len(list(window_shape)) != n:
        raise _w.invalid("pool", f"window_shape must have {n} entries for an input of shape "
                                 f"{x.shape}, got {list(window_shape)}.")
    first = _w.channels_first("pool", data_format, n)
    s = _w.ints("pool", "strides", strides, n, first)
    d = _w.ints("pool", "dilations", dilations, n, first)
    if max(d) > 1 and max(s) > 1:
        raise _w.invalid("pool", f"strides > 1 not supported in conjunction with dilations > 1. "
                                 f"Received: strides={list(s)} and dilations={list(d)}")
    if max(d) > 1 and str(padding).upper() == "SAME":
        raise _w.invalid("pool", "pooling with 'SAME' padding is not implemented for dilations "
                                 f"> 1 (as in TensorFlow). Received: dilations={list(d)}")
    return _pool("pool", kind, x, tuple(window_shape), s, padding, data_format, n, d)


@_composite
def local_response_normalization(input, depth_radius=5, bias=1.0, alpha=1.0,  # noqa: A002
                                 beta=0.5, name=None):
    """Normalizes each channel by its neighbours' squares, as `tf.nn.local_response_normalization`:

        sqr_sum[..., d] = sum(input[..., d - depth_radius : d + depth_radius + 1] ** 2)
        output = input / (bias + alpha * sqr_sum) ** beta

    Args:
        input: a 4-D floating-point tensor, channels last.
        depth_radius: the half-width of the window over the channels.
        bias, alpha, beta: the constants of the formula.
    """
    x = _tensor(input)
    if x.ndim != 4:
        raise _w.invalid("local_response_normalization", f"the input must be 4-dimensional "
                                                         f"(NHWC), got shape {x.shape}.")
    r = int(depth_radius)
    channels = x.shape[-1]
    squares = _bind(_s.pad, _bind(_e.square, x), paddings=((0, 0),) * 3 + ((r, r),))
    total = None
    for k in range(2 * r + 1):
        part = _bind(_s.getitem, squares, key=(Ellipsis, slice(k, k + channels)))
        total = part if total is None else _bind(_e.add, total, part)
    scale = _bind(_e.add, _bind(_e.multiply, total, float(alpha)), float(bias))
    return _bind(_e.multiply, x, _bind(_e.pow, scale, -float(beta)))
