"""`tf.image`'s geometry: resize (bilinear and nearest, TensorFlow's half-pixel arithmetic),
crops and pads, flips, rotations and extract_patches.

Images are `(height, width, channels)` or batches `(batch, height, width, channels)`. Each op
is a composition of shape primitives (getitem, reverse, transpose, pad, concat) and
arithmetic, so its derivatives of every order come from theirs.
"""

import enum

import numpy as np

from .._core import dtypes as _dt
from .._core.bind import bind as _bind
from .._core.primitive import composite as _composite
from .._core.tensor import convert_to_tensor as _tensor
from ..ops import elementwise as _e
from ..ops import shape as _s
from . import window_args as _w
from .arguments import static as _static
from .array_ops import cast, identity
from .dtype_ops import saturate_cast
from .math_ops import floordiv, maximum, multiply, reduce_mean, reduce_std
from .random_ops import uniform as _uniform

__all__ = [
    "ResizeMethod",
    "central_crop",
    "convert_image_dtype",
    "crop_to_bounding_box",
    "extract_patches",
    "flip_left_right",
    "flip_up_down",
    "pad_to_bounding_box",
    "per_image_standardization",
    "random_flip_left_right",
    "random_flip_up_down",
    "resize",
    "resize_with_crop_or_pad",
    "resize_with_pad",
    "rot90",
    "transpose",
]

_ALL = slice(None)


class ResizeMethod(str, enum.Enum):
    """The interpolations of `resize` (tapegrad computes "bilinear" and "nearest")."""

    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


def _image(op, image):
    """`image` as a tensor of rank 3 or 4, and whether it is a batch."""
    x = _tensor(image)
    if x.ndim not in (3, 4):
        raise _w.invalid(op, f"'image' must be 3-D (height, width, channels) or 4-D (batch, "
                             f"height, width, channels), got shape {x.shape}.")
    return x, x.ndim == 4


def _along(x, axis, key):
    """`x[..., key, ...]` with `key` on `axis` (an index array or a slice)."""
    return _bind(_s.getitem, x, key=(_ALL,) * (axis % x.ndim) + (key,))


def _bilinear_weights(in_size, out_size):
    """TensorFlow's bilinear source rows with half-pixel centers, in float32: the lower and
    upper neighbours and the fraction toward the upper one."""
    scale = np.float32(in_size) / np.float32(out_size)
    pos = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * scale - np.float32(0.5)
    floor = np.floor(pos)
    lower = np.maximum(floor, 0).astype(np.int64)
    upper = np.minimum(np.ceil(pos), in_size - 1).astype(np.int64)
    return lower, upper, (pos - floor).astype(np.float32)


def _nearest_index(in_size, out_size):
    # TensorFlow's half-pixel nearest neighbour: floor((i + 0.5) * scale), no -0.5.
    scale = np.float32(in_size) / np.float32(out_size)
    i = np.floor((np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * scale)
    return np.minimum(i.astype(np.int64), in_size - 1)


def _lerp(x, axis, lower, upper, fraction):
    # a + (b - a) * t along `axis`, in TensorFlow's order (width first, then height)
    a, b = _along(x, axis, lower), _along(x, axis, upper)
    shape = (-1,) + (1,) * (-axis - 1)
    t = np.asarray(fraction, dtype=x.dtype.as_numpy_dtype).reshape(shape)
    return _bind(_e.add, a, _bind(_e.multiply, _bind(_e.subtract, b, a), t))


@_composite
def resize_bilinear(images, size):
    """Bilinear resampling of `(..., height, width, channels)` to `size`, in the input's
    floating dtype, with TensorFlow's half-pixel centers (linear in the images: its
    derivatives are exact)."""
    x = _tensor(images)
    h, w = (int(v) for v in size)
    x = _lerp(x, -2, *_bilinear_weights(x.shape[-2], w))
    return _lerp(x, -3, *_bilinear_weights(x.shape[-3], h))


def _target_size(op, size):
    value = _static(size)
    try:
        h, w = (int(v) for v in value)
    except (TypeError, ValueError):
        raise _w.invalid(op, f"'size' must be a 1-D int32 Tensor of 2 elements: new_height, "
                             f"new_width; got {size!r}.") from None
    if h <= 0 or w <= 0:
        raise _w.invalid(op, f"'size' must be positive, got {[h, w]}.")
    return h, w


def resize(images, size, method=ResizeMethod.BILINEAR, preserve_aspect_ratio=False,
           antialias=False, name=None):
    """Resizes images to `size` = (new_height, new_width), as `tf.image.resize`.

    Args:
        images: `(height, width, channels)` or `(batch, height, width, channels)`.
        size: the new height and width.
        method: "bilinear" (default; a float32 result) or "nearest" (the input's dtype), both
            with TensorFlow's half-pixel centers.
        preserve_aspect_ratio: scale both sides by one factor so that the image fits in
            `size`.
        antialias: must be False (tapegrad does not filter when downsampling).

    Raises:
        NotImplementedError: for another method, or antialias=True.
        InvalidArgumentError: for a bad rank or size.
    """
    x, _ = _image("resize", images)
    kind = method.value if isinstance(method, ResizeMethod) else str(method).lower()
    if kind not in ("bilinear", "nearest"):
        raise NotImplementedError(f"resize: method {kind!r} is not available in tapegrad; use "
                                  "'bilinear' or 'nearest'.")
    if antialias:
        raise NotImplementedError("resize: antialias=True is not available in tapegrad; resize "
                                  "with antialias=False.")
    h, w = _target_size("resize", size)
    if preserve_aspect_ratio:
        height, width = x.shape[-3], x.shape[-2]
        factor = min(np.float32(h) / np.float32(height), np.float32(w) / np.float32(width))
        h = int(np.round(factor * np.float32(height)))
        w = int(np.round(factor * np.float32(width)))
    if kind == "nearest":
        x = _along(x, -2, _nearest_index(x.shape[-2], w))
        return _along(x, -3, _nearest_index(x.shape[-3], h))
    if x.dtype != _dt.float32:
        x = _bind(_e.cast, x, dtype=np.float32)
    return resize_bilinear(x, (h, w))


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """The box of `target_height` x `target_width` at (offset_height, offset_width)."""
    x, _ = _image("crop_to_bounding_box", image)
    top, left, h, w = (int(_static(v)) for v in (offset_height, offset_width, target_height,
                                                 target_width))
    if top < 0 or left < 0 or h <= 0 or w <= 0 or (
            top + h > x.shape[-3] or left + w > x.shape[-2]):
        raise _w.invalid("crop_to_bounding_box", f"the box at ({top}, {left}) of size ({h}, {w}) "
                                                 f"must lie inside the image of shape "
                                                 f"{x.shape}.")
    return _bind(_s.getitem, x, key=(Ellipsis, slice(top, top + h), slice(left, left + w),
                                     _ALL))


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """`image` placed at (offset_height, offset_width) in zeros of target_height x
    target_width."""
    x, batch = _image("pad_to_bounding_box", image)
    top, left, h, w = (int(_static(v)) for v in (offset_height, offset_width, target_height,
                                                 target_width))
    bottom, right = h - top - x.shape[-3], w - left - x.shape[-2]
    if min(top, left, bottom, right) < 0:
        raise _w.invalid("pad_to_bounding_box", f"the image of shape {x.shape} at ({top}, {left}) "
                                                f"does not fit in ({h}, {w}).")
    pads = ((0, 0),) * batch + ((top, bottom), (left, right), (0, 0))
    return _bind(_s.pad, x, paddings=pads)


def resize_with_crop_or_pad(image, target_height, target_width):
    """Crops or zero-pads each side evenly to `target_height` x `target_width` (an odd
    difference puts the extra row or column at the bottom and right), as TensorFlow."""
    x, _ = _image("resize_with_crop_or_pad", image)
    h, w = int(_static(target_height)), int(_static(target_width))
    if h <= 0 or w <= 0:
        raise _w.invalid("resize_with_crop_or_pad", f"target size must be positive, got "
                                                    f"({h}, {w}).")
    height, width = x.shape[-3], x.shape[-2]
    cropped = crop_to_bounding_box(x, max(-(h - height) // 2, 0), max(-(w - width) // 2, 0),
                                   min(h, height), min(w, width))
    return pad_to_bounding_box(cropped, max((h - height) // 2, 0), max((w - width) // 2, 0), h, w)


def resize_with_pad(image, target_height, target_width, method=ResizeMethod.BILINEAR,
                    antialias=False):
    """Resizes to fit in target_height x target_width keeping the aspect ratio, then pads
    with zeros to that size, as `tf.image.resize_with_pad`."""
    x, _ = _image("resize_with_pad", image)
    f32 = np.float32
    th, tw = int(_static(target_height)), int(_static(target_width))
    height, width = f32(x.shape[-3]), f32(x.shape[-2])
    ratio = max(width / f32(tw), height / f32(th))
    fh, fw = height / ratio, width / ratio
    rh, rw = int(np.floor(fh)), int(np.floor(fw))
    # TensorFlow centers the unrounded size: floor((target - size / ratio) / 2)
    ph = max(0, int(np.floor((f32(th) - fh) / f32(2))))
    pw = max(0, int(np.floor((f32(tw) - fw) / f32(2))))
    resized = resize(x, (rh, rw), method, antialias=antialias)
    return pad_to_bounding_box(resized, ph, pw, th, tw)


def central_crop(image, central_fraction):
    """The central `central_fraction` (in (0, 1]) of the height and width."""
    x, _ = _image("central_crop", image)
    fraction = float(_static(central_fraction))
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"central_crop: central_fraction must be within (0, 1], got "
                         f"{central_fraction}.")
    if fraction == 1.0:
        return x
    height, width = x.shape[-3], x.shape[-2]
    top = int((float(height) - float(height) * fraction) / 2)
    left = int((float(width) - float(width) * fraction) / 2)
    return crop_to_bounding_box(x, top, left, height - 2 * top, width - 2 * left)


@_composite
def flip_left_right(image):
    """Reverses the width axis."""
    x, _ = _image("flip_left_right", image)
    return _along(x, -2, slice(None, None, -1))


@_composite
def flip_up_down(image):
    """Reverses the height axis."""
    x, _ = _image("flip_up_down", image)
    return _along(x, -3, slice(None, None, -1))


def _random_flip(op, image, axis, seed):
    x, batch = _image(op, image)
    flipped = _along(x, axis, slice(None, None, -1))
    if not batch:
        return flipped if float(_uniform([], seed=seed)) < 0.5 else x
    # each image of a batch independently, as TensorFlow: flips * flipped + (1 - flips) * x
    flips = np.round(np.asarray(_uniform([x.shape[0]], seed=seed))).reshape(-1, 1, 1, 1)
    flips = flips.astype(x.dtype.as_numpy_dtype)
    return _bind(_e.add, _bind(_e.multiply, flipped, flips), _bind(_e.multiply, x, 1 - flips))


def random_flip_left_right(image, seed=None):
    """Flips the width axis with probability 1/2 (each image of a batch on its own)."""
    return _random_flip("random_flip_left_right", image, -2, seed)


def random_flip_up_down(image, seed=None):
    """Flips the height axis with probability 1/2 (each image of a batch on its own)."""
    return _random_flip("random_flip_up_down", image, -3, seed)


@_composite(name="image_transpose")  # beside the primitive transpose
def transpose(image):
    """Swaps height and width."""
    x, batch = _image("transpose", image)
    return _bind(_s.transpose, x, perm=(0, 2, 1, 3) if batch else (1, 0, 2))


@_composite
def rot90(image, k=1):
    """Rotates by 90 degrees counter-clockwise, `k` times."""
    x, _ = _image("rot90", image)
    k = int(_static(k)) % 4
    if k == 0:
        return x
    if k == 2:
        return _bind(_s.getitem, x, key=(Ellipsis, slice(None, None, -1), slice(None, None, -1),
                                         _ALL))
    if k == 1:
        return transpose(flip_left_right(x))
    return flip_left_right(transpose(x))


@_composite
def extract_patches(images, sizes, strides, rates, padding):
    """Each window of `(batch, height, width, depth)` as a vector of its `kh * kw * depth`
    values (window row, then column, then depth), as `tf.image.extract_patches`.

    Args:
        images: a 4-D tensor.
        sizes, strides, rates: `[1, kh, kw, 1]` (or 2 ints): the window, its step and the
            dilation of its taps.
        padding: "VALID" or "SAME" (zeros).
    """
    op = "extract_patches"
    x = _tensor(images)
    _w.spatial_rank(op, x, 2)
    ksize = _w.ints(op, "sizes", sizes, 2)
    steps = _w.ints(op, "strides", strides, 2)
    rates = _w.ints(op, "rates", rates, 2)
    spatial = tuple(x.shape[1:3])
    pads = _w.resolve_padding(op, padding, spatial, ksize, steps, rates, False, explicit=False)
    _w.check_output(op, spatial, ksize, steps, rates, pads)
    if any(lo or hi for lo, hi in pads):
        x = _bind(_s.pad, x, paddings=((0, 0),) + pads + ((0, 0),))
    out = [(n + lo + hi - (k - 1) * d - 1) // s + 1
           for n, k, s, d, (lo, hi) in zip(spatial, ksize, steps, rates, pads)]
    parts = [
        _bind(_s.getitem, x, key=(_ALL,) + tuple(
            slice(i * d, i * d + s * (o - 1) + 1, s)
            for i, s, d, o in zip((row, col), steps, rates, out)) + (_ALL,))
        for row in range(ksize[0]) for col in range(ksize[1])
    ]
    return parts[0] if len(parts) == 1 else _bind(_s.concat, *parts, axis=-1)


# -- dtype conversion and standardization -------------------------------------------------------

def _numeric(op, what, dtype):
    if not (dtype.is_floating or dtype.is_integer):
        # TensorFlow's class for this error
        raise AttributeError(f"{op}: {what} must be either floating point or integer, got "
                             f"{dtype.name}")


@_composite
def convert_image_dtype(image, dtype, saturate=False, name=None):
    """Converts `image` to `dtype`, rescaling values: floats span [0, 1), integers [0, max].

    Integer to integer scales by the ratio of the ranges (floor-dividing when narrowing);
    integer to float divides by the source's max; float to integer multiplies by the target's
    max + 0.5 and casts (clipping first when `saturate`, else out-of-range values wrap as a
    cast does); float to float is a cast, as TensorFlow's.

    Args:
        image: a tensor of any shape.
        dtype: the target dtype, floating point or integer.
        saturate: clip to the target's range before casting (safe for values outside [0, 1]).

    Raises:
        AttributeError: a dtype that is neither floating point nor integer (TensorFlow's class).
    """
    x = _tensor(image)
    dtype = _dt.as_dtype(dtype)
    _numeric("convert_image_dtype", "dtype", dtype)
    _numeric("convert_image_dtype", "image dtype", x.dtype)
    if dtype == x.dtype:
        return identity(x)
    convert = saturate_cast if saturate else cast
    if x.dtype.is_integer and dtype.is_integer:
        scale_in, scale_out = int(x.dtype.max), int(dtype.max)
        if scale_in > scale_out:
            return convert(floordiv(x, _tensor((scale_in + 1) // (scale_out + 1), x.dtype)),
                           dtype)
        return multiply(convert(x, dtype), _tensor((scale_out + 1) // (scale_in + 1), dtype))
    if x.dtype.is_floating and dtype.is_floating:
        return cast(x, dtype)
    if x.dtype.is_integer:
        return multiply(cast(x, dtype), _tensor(1.0 / float(x.dtype.max), dtype))
    return convert(multiply(x, _tensor(float(dtype.max) + 0.5, x.dtype)), dtype)


@_composite(name="per_image_standardization")
def _standardize(image):
    """(image - mean) / max(std, 1 / sqrt(pixels)) over each image's last three axes, in the
    image's float dtype (the checked composite; the public op casts to float32 first)."""
    axes = [-1, -2, -3]
    mean = reduce_mean(image, axis=axes, keepdims=True)
    floor = 1.0 / np.sqrt(float(np.prod(image.shape[-3:])))
    std = maximum(reduce_std(image, axis=axes, keepdims=True), _tensor(floor, image.dtype))
    return (image - mean) / std


def per_image_standardization(image):
    """Scales each image to zero mean and unit variance: `(x - mean) / adjusted_stddev`, with
    `adjusted_stddev = max(stddev, 1 / sqrt(num_pixels))` so that a constant image gives 0.

    Args:
        image: a tensor of rank 3 or more; its last three axes are one image (height, width,
            channels).

    Returns:
        A float32 tensor of the same shape (as TensorFlow's, whatever the input dtype).

    Raises:
        ValueError: an input of rank below 3.
    """
    x = _tensor(image)
    if x.ndim < 3:
        raise ValueError(f"per_image_standardization: 'image' (shape {tuple(x.shape)}) must be "
                         "at least three-dimensional.")
    return _standardize(cast(x, _dt.float32))
