"""TensorFlow's arguments of the sliding-window ops (convolution, pooling, patches): data
formats, per-axis integers (strides, dilations, window sizes) and padding, resolved into the
channels-last geometry the primitives take, with errors that name the op and the values."""

import numpy as np

from .._core.bind import bind as _bind
from ..ops import shape as _s
from .arguments import invalid
from .arguments import static as _static

__all__ = [
    "invalid", "spatial_rank", "channels_first", "ints", "resolve_padding", "to_channels_last",
    "from_channels_last", "check_rank", "check_output",
]

_FORMATS = {1: ("NWC", "NCW"), 2: ("NHWC", "NCHW"), 3: ("NDHWC", "NCDHW")}


def spatial_rank(op, x, expected=None):
    """The number of spatial axes of input `x` (rank - 2), checked against `expected`."""
    n = x.ndim - 2
    if n < 1 or (expected is not None and n != expected):
        want = f"rank {expected + 2}" if expected is not None else "rank 3 to 5"
        raise invalid(op, f"the input must be of {want} (batch, spatial axes..., channels), "
                          f"got shape {x.shape}.")
    return n


def channels_first(op, data_format, n):
    """Whether `data_format` ("NHWC", "NCHW", ... or None for channels last) puts the channels
    second, checked for `n` spatial axes."""
    if data_format is None:
        return False
    fmt = _static(data_format)
    fmt = fmt.decode() if isinstance(fmt, bytes) else fmt
    if fmt in ("channels_last", "channels_first"):  # Keras's spelling, accepted by keras.ops
        return fmt == "channels_first"
    if not isinstance(fmt, str) or fmt not in _FORMATS.get(n, ()):
        choices = " or ".join(repr(f) for f in _FORMATS.get(n, ("N...C", "NC...")))
        raise invalid(op, f"data_format must be {choices} for an input with {n} spatial axes, "
                          f"got {data_format!r}.")
    return fmt.startswith("NC")


def ints(op, name, value, n, first=False, default=1):
    """`value` (an int, or a list of 1, `n` or `n + 2` ints, the latter in data-format order
    with 1 for the batch and channel axes) as a tuple of `n` positive ints."""
    if value is None:
        return (default,) * n
    value = _static(value)
    items = [value] if isinstance(value, (int, np.integer)) else list(value) if isinstance(
        value, (list, tuple)) else None
    if items is None or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                                for v in items):
        raise TypeError(f"{op}: `{name}` must be an int or a list of ints, got {value!r}.")
    items = [int(v) for v in items]
    if len(items) == n + 2:
        outer = (items[0], items[1]) if first else (items[0], items[-1])
        if outer != (1, 1):
            raise invalid(op, f"`{name}`={items} must be 1 in the batch and channel axes "
                              "(windows move along the spatial axes only).")
        items = items[2:] if first else items[1:-1]
    elif len(items) == 1:
        items = items * n
    elif len(items) != n:
        raise invalid(op, f"`{name}` must be an int or a list of 1, {n} or {n + 2} ints for an "
                          f"input with {n} spatial axes, got {items}.")
    if any(v < 1 for v in items):
        raise invalid(op, f"`{name}` must be positive, got {items}.")
    return tuple(items)


def resolve_padding(op, padding, spatial, kernel, strides, dilations, first, explicit=True):
    """TensorFlow's padding ("SAME", "VALID" or explicit (before, after) pairs for every axis
    in data-format order) as (before, after) pairs of the spatial axes.

    "SAME" pads so that the output has ceil(n / stride) positions, the extra element after, as
    TensorFlow does.
    """
    if isinstance(padding, (str, bytes)):
        mode = (padding.decode() if isinstance(padding, bytes) else padding).upper()
        if mode == "VALID":
            return ((0, 0),) * len(spatial)
        if mode == "SAME":
            pads = []
            for size, k, s, d in zip(spatial, kernel, strides, dilations):
                total = max((-(-size // s) - 1) * s + (k - 1) * d + 1 - size, 0)
                pads.append((total // 2, total - total // 2))
            return tuple(pads)
        raise invalid(op, f"padding must be 'SAME', 'VALID'{' or explicit pairs' * explicit}, "
                          f"got {padding!r}.")
    if not explicit:
        raise TypeError(f"{op}: padding must be 'SAME' or 'VALID' (this op takes no explicit "
                        f"padding, as in TensorFlow), got {padding!r}.")
    n = len(spatial)
    pairs = np.asarray(_static(padding))
    if pairs.shape != (n + 2, 2) or pairs.dtype.kind not in "iu" or (pairs < 0).any():
        raise invalid(op, f"explicit padding must be {n + 2} pairs of non-negative ints, one "
                          f"(before, after) pair per axis in data-format order, got {padding!r}.")
    outer = pairs[[0, 1]] if first else pairs[[0, -1]]
    if outer.any():
        raise invalid(op, f"explicit padding {pairs.tolist()} must be 0 in the batch and channel "
                          "axes.")
    inner = pairs[2:] if first else pairs[1:-1]
    return tuple((int(a), int(b)) for a, b in inner)


def check_output(op, spatial, kernel, strides, dilations, pads):
    """Raises TensorFlow's error when a window does not fit in the (padded) input."""
    for size, k, d, (lo, hi) in zip(spatial, kernel, dilations, pads):
        effective = (k - 1) * d + 1
        if size + lo + hi < effective:
            raise invalid(op, f"computed output size would be negative: input size {size} with "
                              f"padding {(lo, hi)} is smaller than the effective window size "
                              f"{effective} (window {k}, dilation {d}); pad the input ('SAME') "
                              "or use a smaller window.")


def to_channels_last(x, first):
    """`x` with its channels moved last when the data format puts them first."""
    if not first:
        return x
    n = x.ndim
    return _bind(_s.transpose, x, perm=(0,) + tuple(range(2, n)) + (1,))


def from_channels_last(y, first):
    """The inverse of `to_channels_last`."""
    if not first:
        return y
    n = y.ndim
    return _bind(_s.transpose, y, perm=(0, n - 1) + tuple(range(1, n - 1)))


def check_rank(op, what, t, rank):
    if t.ndim != rank:
        raise invalid(op, f"{what} must be of rank {rank}, got shape {t.shape}.")
