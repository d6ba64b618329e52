"""`keras.utils.array_to_img`, `img_to_array`, `load_img` and `save_img`, as Keras 3's, through
Pillow, an optional extra (`pip install "tapegrad[image]"`), imported on first use."""

import io
import pathlib
import warnings

import numpy as np

from . import backend

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img"]

_RESAMPLING = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _pillow(op):
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(f'keras.utils.{op} needs Pillow: pip install "tapegrad[image]"') from (
            None)
    return Image


def _array(x, dtype):
    """`x` (an array, a list or a tensor) as a NumPy array of `dtype`."""
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x, dtype=dtype)


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A 3-D array (height, width, channels) as a Pillow image ("RGB", "RGBA", "L", or "I"
    for one channel above 255).

    Args:
        x: the image, an array or a tensor.
        data_format: "channels_last" (default: the backend's) or "channels_first".
        scale: stretch the values to span [0, 255] first.
        dtype: the array's dtype before conversion (default: `keras.config.floatx()`).

    Raises:
        ValueError: for an array not of rank 3, or with 2 or more than 4 channels.
        ImportError: without Pillow.
    """
    data_format = backend.standardize_data_format(data_format)
    image = _pillow("array_to_img")
    x = _array(x, dtype or backend.floatx())
    if x.ndim != 3:
        raise ValueError(f"array_to_img: expected image array to have rank 3 (single image). "
                         f"Got array with shape: {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        top = np.max(x)
        if top != 0:
            x /= top
        x *= 255
    channels = x.shape[2]
    if channels in (3, 4):
        return image.fromarray(x.astype("uint8"), "RGB" if channels == 3 else "RGBA")
    if channels == 1:
        if np.max(x) > 255:
            return image.fromarray(x[:, :, 0].astype("int32"), "I")
        return image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"array_to_img: unsupported channel number: {channels} (1, 3 or 4).")


def img_to_array(img, data_format=None, dtype=None):
    """A Pillow image (or any 2-D or 3-D array) as a 3-D NumPy array of `dtype` (default
    `keras.config.floatx()`), channels last unless `data_format="channels_first"`."""
    data_format = backend.standardize_data_format(data_format)
    x = np.asarray(img, dtype=dtype or backend.floatx())
    if x.ndim == 2:
        x = x[None] if data_format == "channels_first" else x[..., None]
    elif x.ndim == 3:
        if data_format == "channels_first":
            x = x.transpose(2, 0, 1)
    else:
        raise ValueError(f"img_to_array: unsupported image shape: {x.shape}")
    return x


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Writes the array `x` as an image file; the format comes from the name's extension
    unless `file_format` is given (it must be for a file object). `kwargs` go to Pillow's
    `Image.save`. An RGBA image saved as JPEG is converted to RGB, with Keras's warning."""
    data_format = backend.standardize_data_format(data_format)
    if file_format is None and isinstance(path, (str, pathlib.Path)):
        file_format = pathlib.Path(path).suffix[1:].lower()
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("The JPEG format does not support RGBA images, converting to RGB.",
                      stacklevel=2)
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest",
             keep_aspect_ratio=False):
    """Reads an image file (a path or an io.BytesIO) as a Pillow image.

    Args:
        path: the file.
        color_mode: "rgb" (default), "rgba" or "grayscale".
        target_size: None, or (height, width) to resize to.
        interpolation: Pillow's resampling: "nearest" (default), "bilinear", "bicubic",
            "hamming", "box" or "lanczos".
        keep_aspect_ratio: crop the central box of the target's aspect ratio before resizing.

    Raises:
        TypeError: for a path that is neither path-like nor io.BytesIO.
        ValueError: for another color mode or interpolation.
        ImportError: without Pillow.
    """
    image = _pillow("load_img")
    if isinstance(path, io.BytesIO):
        img = image.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str)):
        if isinstance(path, pathlib.Path):
            path = str(path.resolve())
        with open(path, "rb") as f:
            img = image.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"load_img: path should be path-like or io.BytesIO, not {type(path)}")
    modes = {"grayscale": ("L", ("L", "I;16", "I")), "rgba": ("RGBA", ("RGBA",)),
             "rgb": ("RGB", ("RGB",))}
    if color_mode not in modes:
        raise ValueError(f'load_img: color_mode must be "grayscale", "rgb", or "rgba". '
                         f"Received: color_mode={color_mode!r}")
    target_mode, kept = modes[color_mode]
    if img.mode not in kept:
        img = img.convert(target_mode)
    if target_size is None:
        return img
    size = (target_size[1], target_size[0])
    if img.size == size:
        return img
    if interpolation not in _RESAMPLING:
        raise ValueError(f"load_img: invalid interpolation method {interpolation} specified. "
                         f"Supported methods are {', '.join(_RESAMPLING)}")
    resample = getattr(image.Resampling, interpolation.upper())
    if not keep_aspect_ratio:
        return img.resize(size, resample)
    width, height = img.size
    crop_h = min(height, (width * size[1]) // size[0])
    crop_w = min(width, (height * size[0]) // size[1])
    top, left = (height - crop_h) // 2, (width - crop_w) // 2
    return img.resize(size, resample, box=[left, top, left + crop_w, top + crop_h])
