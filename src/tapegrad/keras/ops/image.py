"""`keras.ops.image`: `affine_transform`, as Keras 3's TensorFlow backend computes it (the
arithmetic of TensorFlow's ImageProjectiveTransformV3 kernel: its fill modes, bilinear and
nearest sampling). The sampling positions are NumPy; the images enter through gathers, so the
output is differentiable in them to any order (not in the transform: TensorFlow's kernel has
no gradient for it)."""

import numpy as np

import tapegrad as tf

from .. import backend
from ._common import as_tensor, op

__all__ = ["affine_transform"]

FILL_MODES = ("constant", "nearest", "wrap", "reflect")


def _reflect(c, size):
    # TensorFlow's REFLECT (d c b a | a b c d | d c b a), for positions outside [0, size - 1]
    sz2 = 2 * size
    low = c < 0
    lo = sz2 * np.trunc(-c / sz2) + c
    lo = np.where(lo < -size, lo + sz2, -lo - 1)
    hi = c - sz2 * np.trunc(c / sz2)
    hi = np.where(hi >= size, sz2 - hi - 1, hi)
    return np.where(low, lo, np.where(c > size - 1, hi, c))


def _wrap(c, size):
    # TensorFlow's WRAP (a b c d | a b c d | a b c d), as its kernel writes it
    span = size - 1
    lo = c + size * (np.trunc(-c / span) + 1)
    hi = c - size * np.trunc(c / span)
    return np.where(c < 0, lo, np.where(c > size - 1, hi, c))


def _map(c, size, mode):
    """Positions `c` along an axis of `size` as the fill mode maps them into the image."""
    if mode == "constant":
        return c
    if size <= 1:
        return np.zeros_like(c)
    if mode == "reflect":
        c = _reflect(c, size)
    elif mode == "wrap":
        c = _wrap(c, size)
    return np.clip(c, 0, size - 1)


def _round(c):
    return np.sign(c) * np.floor(np.abs(c) + 0.5)  # half away from zero, as std::round


def _taps(transform, batch, height, width, interpolation, fill_mode):
    """For the 8-number transform(s), the flat pixel index and weight of each sampling tap of
    each output pixel, and the weight left to the fill value: a float64 array of rows
    [index per tap..., weight per tap..., fill], as TensorFlow's kernel samples."""
    matrix = np.broadcast_to(np.asarray(transform, np.float32).reshape(-1, 8), (batch, 8))
    m = matrix[:, :, None, None]
    cols = np.arange(width, dtype=np.float32)[None, None, :]
    rows = np.arange(height, dtype=np.float32)[None, :, None]
    k = m[:, 6] * cols + m[:, 7] * rows + 1.0
    degenerate = k == 0  # TensorFlow fills those pixels
    k = np.where(degenerate, 1.0, k)
    px = _map((m[:, 0] * cols + m[:, 1] * rows + m[:, 2]) / k, width, fill_mode)
    py = _map((m[:, 3] * cols + m[:, 4] * rows + m[:, 5]) / k, height, fill_mode)
    if interpolation == "nearest":
        taps = [(_round(py), _round(px), np.ones_like(px))]
    else:
        y0, x0 = np.floor(py), np.floor(px)
        y1, x1 = y0 + 1, x0 + 1
        taps = [(y0, x0, (y1 - py) * (x1 - px)), (y0, x1, (y1 - py) * (px - x0)),
                (y1, x0, (py - y0) * (x1 - px)), (y1, x1, (py - y0) * (px - x0))]
    base = (np.arange(batch) * height * width)[:, None, None]
    indices, shares, fill = [], [], np.zeros(px.shape, np.float32)
    for ty, tx, weight in taps:
        inside = (ty >= 0) & (ty < height) & (tx >= 0) & (tx < width) & ~degenerate
        indices.append(base + np.clip(ty, 0, height - 1).astype(np.int64) * width
                       + np.clip(tx, 0, width - 1).astype(np.int64))
        shares.append(np.where(inside, weight, 0.0))
        fill += np.where(inside, 0.0, weight)
    return np.stack([a.reshape(-1).astype(np.float64) for a in indices + shares + [fill]])


@op
def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant",
                     fill_value=0, data_format=None):
    """Samples each output pixel (x, y) of the images at ((a0 x + a1 y + a2) / k, (b0 x + b1 y
    + b2) / k), k = c0 x + c1 y + 1, for `transform` = [a0, a1, a2, b0, b1, b2, c0, c1] (one
    row per image, or one for all).

    Args:
        images: `(batch, height, width, channels)` or one image (or channels first).
        transform: 8 numbers, or `(batch, 8)`.
        interpolation: "bilinear" or "nearest".
        fill_mode: where a position falls outside: "constant" (`fill_value`), "nearest"
            (the edge), "wrap" or "reflect".
        data_format: "channels_last" or "channels_first" (default: the backend's).
    """
    if interpolation not in ("bilinear", "nearest"):
        raise ValueError(f"affine_transform: `interpolation` must be 'bilinear' or 'nearest'. "
                         f"Received: interpolation={interpolation!r}")
    if fill_mode not in FILL_MODES:
        raise ValueError(f"affine_transform: `fill_mode` must be one of {FILL_MODES}. "
                         f"Received: fill_mode={fill_mode!r}")
    images = as_tensor(images)
    if images.ndim not in (3, 4):
        raise ValueError(f"affine_transform: invalid images rank: expected rank 3 (single "
                         f"image) or rank 4 (batch of images). Received: images.shape="
                         f"{tuple(images.shape)}")
    single = images.ndim == 3
    x = tf.expand_dims(images, 0) if single else images
    if backend.standardize_data_format(data_format) == "channels_first":
        x = tf.transpose(x, (0, 2, 3, 1))
    batch, height, width, channels = (int(d) for d in x.shape)
    # The sampling positions are computed from the transform's values by one op of the
    # program (a drawn transform is a new one at each call of a traced function).
    taps = 1 if interpolation == "nearest" else 4
    packed = tf.tracing.draw(
        lambda m: _taps(m, batch, height, width, interpolation, fill_mode),
        tf.cast(as_tensor(transform), tf.float32))
    flat = tf.reshape(x, (batch * height * width, channels))
    dtype = x.dtype
    out = None
    for t in range(taps):
        index = tf.cast(packed[t], tf.int64)
        share = tf.expand_dims(tf.cast(packed[taps + t], dtype), -1)
        term = tf.gather(flat, index) * share
        out = term if out is None else out + term
    if fill_value:
        out = out + tf.expand_dims(tf.cast(packed[2 * taps] * float(fill_value), dtype), -1)
    out = tf.reshape(out, (batch, height, width, channels))
    if backend.standardize_data_format(data_format) == "channels_first":
        out = tf.transpose(out, (0, 3, 1, 2))
    return out[0] if single else out
