"""NumPy kernels of the sliding-window primitives (convolution and pooling), channels last.

An input is `(batch, *spatial, channels)`; a window op is described by per-spatial-axis tuples
`strides`, `dilations` and `pads` ((before, after) pairs, already resolved from "SAME",
"VALID" or explicit padding by the public functions). Every kernel works on strided views:
the patches of a convolution are one `as_strided` view copied once into a matrix (im2col) for
one BLAS product, and scattering back (col2im, pooling gradients) adds one strided slice per
kernel offset. No loop runs over output positions.
"""

import itertools

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ._util import plain as _plain

__all__ = [
    "out_shape", "padded", "unpadded", "offset_slices", "patches", "conv", "conv_transpose",
    "conv_backprop_filter", "max_pool", "max_pool_argmax", "max_pool_scatter",
    "max_pool_gather", "avg_pool", "avg_pool_grad",
]


def out_shape(spatial, kernel, strides, dilations, pads):
    """The output's spatial shape: floor((n + pads - effective kernel) / stride) + 1."""
    return tuple(
        (n + lo + hi - (k - 1) * d - 1) // s + 1
        for n, k, s, d, (lo, hi) in zip(spatial, kernel, strides, dilations, pads)
    )


def padded(x, pads, fill=0):
    """`x` with `pads` added around its spatial axes (`x` itself when there is none)."""
    if not any(lo or hi for lo, hi in pads):
        return x
    shape = (x.shape[0],) + tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[1:-1], pads)) + (
        x.shape[-1],)
    out = np.full(shape, fill, dtype=x.dtype)
    out[_inner(x.shape, pads)] = x
    return out


def _inner(shape, pads):
    return (slice(None),) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(shape[1:-1], pads)) + (
        slice(None),)


def _padded_zeros(shape, pads, dtype):
    """Zeros of `shape` (batch, *spatial, channels) with `pads` added: a gradient to fill."""
    return np.zeros((shape[0],) + tuple(n + lo + hi for n, (lo, hi) in zip(shape[1:-1], pads))
                    + (shape[-1],), dtype=dtype)


def unpadded(xp, shape, pads):
    """The region of a padded array that holds the unpadded input of `shape`."""
    if not any(lo or hi for lo, hi in pads):
        return xp
    return xp[_inner(shape, pads)]


def offset_slices(kernel, strides, dilations, out):
    """For each kernel offset (in row-major order), the index of the padded input's elements
    that meet that offset of every output window: one strided slice per spatial axis."""
    for k in itertools.product(*(range(n) for n in kernel)):
        yield k, (slice(None),) + tuple(
            slice(ki * d, ki * d + s * (o - 1) + 1, s)
            for ki, s, d, o in zip(k, strides, dilations, out)
        )


def patches(xp, kernel, strides, dilations, out):
    """A view `(batch, *out, *kernel, channels)` of the padded input's windows (no copy)."""
    st = xp.strides
    return as_strided(
        xp,
        shape=(xp.shape[0],) + tuple(out) + tuple(kernel) + (xp.shape[-1],),
        strides=(st[0],) + tuple(a * s for a, s in zip(st[1:-1], strides))
        + tuple(a * d for a, d in zip(st[1:-1], dilations)) + (st[-1],),
        writeable=False,
    )


def _columns(x, kernel, strides, dilations, pads, groups):
    """im2col: the windows as `(groups, rows, kernel * channels / groups)`; one copy, or none
    for a 1x1 kernel with stride 1 and no padding."""
    xp = padded(x, pads)
    out = out_shape(x.shape[1:-1], kernel, strides, dilations, pads)
    rows = x.shape[0] * int(np.prod(out, dtype=np.int64))
    view = patches(xp, kernel, strides, dilations, out)
    if groups == 1:
        return view.reshape(1, rows, -1), out
    span = view.shape[-1] // groups
    view = view.reshape(view.shape[:-1] + (groups, span))
    nk = len(kernel) + 1 + len(out)
    # (batch, *out, *kernel, G, c) -> (G, batch, *out, *kernel, c)
    view = np.moveaxis(view, nk, 0)
    return view.reshape(groups, rows, -1), out


def _grouped_filter(w, groups):
    """A filter `(*kernel, c_in / G, c_out)` as `(G, kernel * c_in / G, c_out / G)`."""
    cout = w.shape[-1]
    wg = w.reshape(-1, groups, cout // groups) if groups > 1 else w.reshape(1, -1, cout)
    return wg.transpose(1, 0, 2) if groups > 1 else wg


def _grouped_output(y, lead):
    """`(G, rows, c)` products as `(*lead, G * c)`, the channels of group 0 first."""
    if y.shape[0] == 1:
        return y.reshape(tuple(lead) + (-1,))
    return y.transpose(1, 0, 2).reshape(tuple(lead) + (-1,))


def conv(x, w, strides, dilations, pads, groups=1):
    """y[n, o, (g, j)] = sum_{k, i} x_pad[n, o * s + k * d, (g, i)] w[k, i, (g, j)]."""
    kernel = w.shape[:-2]
    cols, out = _columns(x, kernel, strides, dilations, pads, groups)
    if groups == 1:
        y = cols[0] @ w.reshape(-1, w.shape[-1])
        return y.reshape((x.shape[0],) + out + (w.shape[-1],))
    y = np.matmul(cols, _grouped_filter(w, groups))
    return _grouped_output(y, (x.shape[0],) + out)


def conv_transpose(y, w, input_shape, strides, dilations, pads, groups=1):
    """The input-side adjoint of `conv`: one product for all windows, then col2im by one
    strided add per kernel offset."""
    kernel = w.shape[:-2]
    out = y.shape[1:-1]
    cout = w.shape[-1]
    rows = y.shape[0] * int(np.prod(out, dtype=np.int64))
    if groups == 1:
        dcols = (y.reshape(rows, cout) @ w.reshape(-1, cout).T)[None]
    else:
        yg = y.reshape(rows, groups, cout // groups).transpose(1, 0, 2)
        dcols = np.matmul(yg, _grouped_filter(w, groups).transpose(0, 2, 1))
    span = w.shape[-2]
    # (G, batch, *out, *kernel, c)
    dcols = dcols.reshape((groups, y.shape[0]) + tuple(out) + tuple(kernel) + (span,))
    gx = _padded_zeros(input_shape, pads, np.result_type(y, w))
    lead = (slice(None),) * (1 + len(out))
    for k, index in offset_slices(kernel, strides, dilations, out):
        part = dcols[(slice(None),) + lead + k]  # (G, batch, *out, c)
        if groups == 1:
            gx[index] += part[0]
        else:
            gx[index] += np.moveaxis(part, 0, -2).reshape(part.shape[1:-1] + (-1,))
    return np.ascontiguousarray(unpadded(gx, input_shape, pads))


def conv_backprop_filter(x, y, filter_shape, strides, dilations, pads, groups=1):
    """The filter-side adjoint of `conv`: the windows' columns times the output's rows."""
    kernel = tuple(filter_shape[:-2])
    cols, _ = _columns(x, kernel, strides, dilations, pads, groups)
    cout = y.shape[-1]
    if groups == 1:
        return (cols[0].T @ y.reshape(-1, cout)).reshape(filter_shape)
    yg = y.reshape(-1, groups, cout // groups).transpose(1, 0, 2)
    gw = np.matmul(cols.transpose(0, 2, 1), yg)  # (G, kernel * c, c_out / G)
    span = filter_shape[-2]
    gw = gw.reshape((groups, -1, span, cout // groups))  # (G, K, c, j)
    return gw.transpose(1, 2, 0, 3).reshape(filter_shape)


# -- pooling ---------------------------------------------------------------------------------

def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def max_pool(x, ksize, strides, dilations, pads):
    """The maximum of each window; padding never wins (it is the lowest value)."""
    xp = padded(x, pads, _lowest(x.dtype))
    out = out_shape(x.shape[1:-1], ksize, strides, dilations, pads)
    best = None
    for _, index in offset_slices(ksize, strides, dilations, out):
        if best is None:
            best = xp[index].copy()
        else:
            np.maximum(best, xp[index], out=best)
    return best


def max_pool_argmax(x, ksize, strides, dilations, pads):
    """The kernel offset (row-major) of each window's first maximum, as TensorFlow's kernel
    chooses at ties; and the output's spatial shape."""
    xp = padded(x, pads, _lowest(x.dtype))
    out = out_shape(x.shape[1:-1], ksize, strides, dilations, pads)
    size = int(np.prod(ksize))
    kind = np.int8 if size < 2**7 else np.int16 if size < 2**15 else np.int64
    best = which = None
    for n, (_, index) in enumerate(offset_slices(ksize, strides, dilations, out)):
        view = xp[index]
        if best is None:
            best = view.copy()
            which = np.zeros(best.shape, dtype=kind)
            continue
        greater = view > best
        np.maximum(best, view, out=best)
        # Offsets come in increasing order, so a strictly greater value's offset n exceeds
        # the one held: a maximum keeps it (arithmetic, far cheaper than masked writes).
        np.maximum(which, np.multiply(greater, n, dtype=kind), out=which)
    return which, out


def _at(mask, values):
    """`values` where `mask` holds, zeros elsewhere: a product (ten times faster than
    np.where on a scattered mask) unless a value is not finite (inf * 0 would give NaN)."""
    if values.dtype.kind != "f" or np.isfinite(_plain(values)).all():  # (_util.plain)
        return values * mask
    return np.where(mask, values, values.dtype.type(0))


def max_pool_scatter(g, x, ksize, strides, dilations, pads):
    """`g` (output-shaped) added into zeros of `x`'s shape at each window's first maximum."""
    which, out = max_pool_argmax(x, ksize, strides, dilations, pads)
    # Windows that do not overlap (each stride at least the dilated window) meet each input
    # element at most once: their shares are written, not added; and where they also tile the
    # input exactly, every element is written, so the gradient needs no zeroing first.
    apart = all(s >= (k - 1) * d + 1 for k, s, d in zip(ksize, strides, dilations))
    tiled = apart and not any(lo or hi for lo, hi in pads) and all(
        s == k and d == 1 and o * s == n
        for k, s, d, o, n in zip(ksize, strides, dilations, out, x.shape[1:-1]))
    gx = np.empty(x.shape, g.dtype) if tiled else _padded_zeros(x.shape, pads, g.dtype)
    for n, (_, index) in enumerate(offset_slices(ksize, strides, dilations, out)):
        share = _at(which == n, g)
        if apart:
            gx[index] = share
        else:
            gx[index] += share
    return np.ascontiguousarray(unpadded(gx, x.shape, pads))


def max_pool_gather(h, x, ksize, strides, dilations, pads):
    """The values of `h` (input-shaped) at each window's first maximum of `x`."""
    which, out = max_pool_argmax(x, ksize, strides, dilations, pads)
    hp = padded(h, pads)
    res = np.zeros(which.shape, dtype=h.dtype)
    for n, (_, index) in enumerate(offset_slices(ksize, strides, dilations, out)):
        res += _at(which == n, hp[index])
    return res


def _window_counts(spatial, ksize, strides, dilations, pads, out):
    """How many input (not padding) elements each window covers, shaped to broadcast against
    `(batch, *out, channels)`: avg_pool's divisor."""
    counts = np.ones((1,) * (len(out) + 2), dtype=np.int64)
    for axis, (n, k, s, d, (lo, _), o) in enumerate(
            zip(spatial, ksize, strides, dilations, pads, out)):
        taps = np.arange(o)[:, None] * s - lo + np.arange(k)[None, :] * d
        size = ((taps >= 0) & (taps < n)).sum(axis=1)
        counts = counts * size.reshape((1,) * (axis + 1) + (o,) + (1,) * (len(out) - axis))
    return counts


def avg_pool(x, ksize, strides, dilations, pads):
    """The mean of each window over its input elements (padding is not counted)."""
    xp = padded(x, pads)
    out = out_shape(x.shape[1:-1], ksize, strides, dilations, pads)
    total = None
    for _, index in offset_slices(ksize, strides, dilations, out):
        total = xp[index].copy() if total is None else np.add(total, xp[index], out=total)
    counts = _window_counts(x.shape[1:-1], ksize, strides, dilations, pads, out)
    return (total / counts.astype(x.dtype)).astype(x.dtype, copy=False)


def avg_pool_grad(g, input_shape, ksize, strides, dilations, pads):
    """The adjoint of `avg_pool`: each window's cotangent spread evenly over its inputs."""
    out = g.shape[1:-1]
    counts = _window_counts(input_shape[1:-1], ksize, strides, dilations, pads, out)
    share = g / counts.astype(g.dtype)
    gx = _padded_zeros(input_shape, pads, g.dtype)
    for _, index in offset_slices(ksize, strides, dilations, out):
        gx[index] += share
    return np.ascontiguousarray(unpadded(gx, input_shape, pads))
