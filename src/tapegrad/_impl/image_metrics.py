"""`tf.image.psnr`, `ssim`, `ssim_multiscale`, `sobel_edges`, `image_gradients` and `total_variation`, composed of
tapegrad ops as TensorFlow composes them (image_ops_impl.py), so values and gradients are
TensorFlow's: psnr and ssim convert their images to float32 first, as TensorFlow does."""

import numpy as np

from .._core import dtypes as _dt
from .._core.errors import InvalidArgumentError
from .._core.tensor import convert_to_tensor as _tensor
from .array_ops import cast, concat, pad, reshape, stack, tile
from .conv_ops import depthwise_conv2d
from .image_ops import convert_image_dtype
from .math_ops import abs as _abs
from .math_ops import (
    log,
    pow,
    reduce_mean,
    reduce_prod,
    reduce_sum,
    softmax,
    square,
    squared_difference,
)
from .nn_ops import relu
from .pooling_ops import avg_pool

__all__ = [
    "image_gradients", "psnr", "sobel_edges", "ssim", "ssim_multiscale", "total_variation",
]


def _image_pair(op, a, b):
    """a and b as tensors of rank >= 3 whose last three axes agree (TensorFlow's
    _verify_compatible_image_shapes; the leading axes broadcast)."""
    a, b = _tensor(a), _tensor(b)
    for name, x in (("a", a), ("b", b)):
        if x.ndim < 3:
            raise InvalidArgumentError(
                f"tf.image.{op}: {name} must have rank at least 3 ([..., height, width, "
                f"channels]), got shape {tuple(x.shape)}.")
    s1, s2 = tuple(a.shape), tuple(b.shape)
    lead_ok = all(d1 == d2 or 1 in (d1, d2) for d1, d2 in zip(s1[-4::-1], s2[-4::-1]))
    if s1[-3:] != s2[-3:] or not lead_ok:
        raise InvalidArgumentError(
            f"tf.image.{op}: the two images are not compatible: shapes {s1} and {s2} (the last "
            "three axes must be equal, the others broadcast).")
    return a, b


def _float32_max(max_val, dtype):
    """max_val in the images' scale after their conversion to float32 (255 for uint8 images
    becomes 1.0), as TensorFlow converts it."""
    return convert_image_dtype(cast(max_val, dtype), _dt.float32)


def psnr(a, b, max_val, name=None):
    """The peak signal-to-noise ratio of images a and b, in dB, one value per image:
    20 log10(max_val) - 10 log10(mean squared difference); inf for equal images.

    Args:
        a, b: images `[..., height, width, channels]` of one dtype (converted to float32 by
            `convert_image_dtype`, so uint8 images are divided by 255).
        max_val: the images' dynamic range (255 for uint8 in [0, 255], 1.0 for floats).

    Raises:
        InvalidArgumentError: for images of rank < 3 or incompatible shapes (TensorFlow's
            ops raise it).
    """
    a, b = _image_pair("psnr", a, b)
    peak = _float32_max(max_val, a.dtype)
    a, b = convert_image_dtype(a, _dt.float32), convert_image_dtype(b, _dt.float32)
    mse = reduce_mean(squared_difference(a, b), [-3, -2, -1])
    return 20.0 * log(peak) / log(np.float32(10.0)) - np.float32(10.0 / np.log(10.0)) * log(mse)


def _gaussian(size, sigma):
    """TensorFlow's _fspecial_gauss: a size x size Gaussian (a softmax of -r^2 / 2 sigma^2),
    as a [size, size, 1, 1] float32 kernel."""
    coords = np.arange(size, dtype=np.float32) - np.float32(size - 1) / np.float32(2.0)
    g = np.square(coords) * np.float32(-0.5 / (np.float32(sigma) ** 2))
    g = reshape(_tensor(g[None, :] + g[:, None]), [1, -1])
    return reshape(softmax(g), [size, size, 1, 1])


def _ssim_per_channel(op, img1, img2, max_val, filter_size, filter_sigma, k1, k2, index_map):
    for x in (img1, img2):
        if min(x.shape[-3], x.shape[-2]) < filter_size:
            raise InvalidArgumentError(
                f"tf.image.{op}: the images' height and width ({x.shape[-3]}, {x.shape[-2]}) "
                f"must be at least filter_size={filter_size} (at every scale of "
                "ssim_multiscale); pass a smaller filter_size, or fewer power_factors.")
    kernel = tile(_gaussian(filter_size, filter_sigma), [1, 1, img1.shape[-1], 1])

    def reducer(x):
        shape = tuple(x.shape)
        y = depthwise_conv2d(reshape(x, (-1,) + shape[-3:]), kernel, [1, 1, 1, 1], "VALID")
        return reshape(y, shape[:-3] + tuple(y.shape[1:]))

    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    mean0, mean1 = reducer(img1), reducer(img2)
    num0 = mean0 * mean1 * 2.0
    den0 = square(mean0) + square(mean1)
    luminance = (num0 + c1) / (den0 + c1)
    num1 = reducer(img1 * img2) * 2.0
    den1 = reducer(square(img1) + square(img2))
    cs = (num1 - num0 + c2) / (den1 - den0 + c2)
    if index_map:
        return luminance * cs, cs
    return reduce_mean(luminance * cs, [-3, -2]), reduce_mean(cs, [-3, -2])


def ssim(img1, img2, max_val, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         return_index_map=False):
    """The structural similarity of two images (Wang et al., 2004), one value per image: the
    mean over the image and its channels of luminance * contrast-structure, measured in a
    `filter_size` Gaussian window of `filter_sigma` ('VALID': no padding).

    Args:
        img1, img2: images `[..., height, width, channels]` (converted to float32 by
            `convert_image_dtype`), at least `filter_size` high and wide.
        max_val: the images' dynamic range (255 for uint8 in [0, 255], 1.0 for floats).
        return_index_map: return the per-window map (averaged over channels) instead.

    Raises:
        InvalidArgumentError: for images of rank < 3, incompatible shapes or images smaller
            than the filter.
    """
    img1, img2 = _image_pair("ssim", img1, img2)
    peak = _float32_max(max_val, img1.dtype)
    img1 = convert_image_dtype(img1, _dt.float32)
    img2 = convert_image_dtype(img2, _dt.float32)
    per_channel, _ = _ssim_per_channel("ssim", img1, img2, peak, int(filter_size),
                                       float(filter_sigma), k1, k2, return_index_map)
    return reduce_mean(per_channel, [-1])


# Wang et al.'s weights of the five scales, as TensorFlow's _MSSSIM_WEIGHTS
_MSSSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def _halved(image):
    """`image` [..., h, w, c] averaged over 2 x 2 blocks, an odd height or width first padded
    by its mirror (SYMMETRIC), as TensorFlow's ssim_multiscale downsamples."""
    head, (h, w, c) = tuple(image.shape[:-3]), tuple(image.shape[-3:])
    flat = reshape(image, (-1, h, w, c))
    if h % 2 or w % 2:
        flat = pad(flat, [[0, 0], [0, h % 2], [0, w % 2], [0, 0]], mode="SYMMETRIC")
    small = avg_pool(flat, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    return reshape(small, head + tuple(small.shape[1:]))


def ssim_multiscale(img1, img2, max_val, power_factors=_MSSSIM_WEIGHTS, filter_size=11,
                    filter_sigma=1.5, k1=0.01, k2=0.03):
    """The multi-scale structural similarity (Wang et al., 2003), one value per image: the
    contrast-structure of each of len(power_factors) scales (each half the last) and the
    SSIM of the smallest, each clipped at 0 and raised to its power factor, multiplied.

    Args:
        img1, img2, max_val, filter_size, filter_sigma, k1, k2: as `ssim`'s; the smallest
            scale must still be `filter_size` high and wide (176 pixels for the defaults).
        power_factors: the weight of each scale (Wang et al.'s five by default).

    Raises:
        InvalidArgumentError: for images of rank < 3, incompatible shapes or images too
            small for the scales and the filter.
    """
    img1, img2 = _image_pair("ssim_multiscale", img1, img2)
    peak = _float32_max(max_val, img1.dtype)
    images = [convert_image_dtype(x, _dt.float32) for x in (img1, img2)]
    scores = []
    for k in range(len(power_factors)):
        if k:
            images = [_halved(x) for x in images]
        per_channel, cs = _ssim_per_channel("ssim_multiscale", *images, peak, int(filter_size),
                                            float(filter_sigma), k1, k2, False)
        scores.append(relu(cs))
    scores[-1] = relu(per_channel)  # the last scale counts its SSIM, not its cs
    weights = np.asarray(power_factors, np.float32)
    return reduce_mean(reduce_prod(pow(stack(scores, axis=-1), weights), [-1]), [-1])


def _rank4(op, image, error):
    image = _tensor(image)
    if image.ndim != 4:
        raise error(f"tf.image.{op} expects a 4D tensor [batch_size, h, w, d], not "
                    f"{tuple(image.shape)}.")
    return image


def sobel_edges(image):
    """The Sobel edge maps of each channel: `[batch, h, w, d, 2]`, the vertical (dy) then the
    horizontal (dx) response of the 3 x 3 Sobel kernels, the image padded by reflection.

    Raises:
        InvalidArgumentError: for an image that is not `[batch, h, w, d]`.
    """
    image = _rank4("sobel_edges", image, InvalidArgumentError)  # TensorFlow's MirrorPad's
    kernels = np.array([[[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
                        [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]])
    kernels = np.expand_dims(np.transpose(kernels, (1, 2, 0)), -2)
    filters = tile(cast(kernels, image.dtype), [1, 1, image.shape[-1], 1])
    padded = pad(image, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
    out = depthwise_conv2d(padded, filters, [1, 1, 1, 1], "VALID")
    return reshape(out, tuple(image.shape) + (2,))


def image_gradients(image):
    """(dy, dx): each pixel's difference to the next one down and to the right, 0 in the
    last row (dy) and column (dx), both shaped as `image` `[batch, h, w, d]`.

    Raises:
        ValueError: for an image that is not `[batch, h, w, d]`.
    """
    image = _rank4("image_gradients", image, ValueError)
    b, h, w, d = (int(n) for n in image.shape)
    dy = concat([image[:, 1:] - image[:, :-1], cast(np.zeros((b, 1, w, d)), image.dtype)], 1)
    dx = concat([image[:, :, 1:] - image[:, :, :-1],
                 cast(np.zeros((b, h, 1, d)), image.dtype)], 2)
    return dy, dx


def total_variation(images, name=None):
    """The sum of absolute differences between neighbouring pixels, down and across: a scalar
    for one image `[h, w, d]`, one value per image for `[batch, h, w, d]`.

    Raises:
        ValueError: for images of another rank.
    """
    images = _tensor(images)
    if images.ndim == 3:
        down, across, axis = images[1:] - images[:-1], images[:, 1:] - images[:, :-1], None
    elif images.ndim == 4:
        down = images[:, 1:] - images[:, :-1]
        across = images[:, :, 1:] - images[:, :, :-1]
        axis = [1, 2, 3]
    else:
        raise ValueError(f"tf.image.total_variation: 'images' must be either 3 or 4-dimensional,"
                         f" got shape {tuple(images.shape)}.")
    return reduce_sum(_abs(down), axis=axis) + reduce_sum(_abs(across), axis=axis)

