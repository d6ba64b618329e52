"""Image files to tensors: PNG in NumPy (`tf.io.decode_png`, `encode_png`); JPEG, GIF and
BMP through Pillow, an optional extra (`pip install "tapegrad[image]"`)."""

import struct
import zlib

import numpy as np

from .._core import dtypes as _dt
from .._core.errors import InvalidArgumentError
from .._core.tensor import Tensor, convert_to_tensor
from .._impl.string_ops import string_values

__all__ = ["decode_png", "encode_png", "decode_image", "decode_jpeg"]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # PNG color type -> samples per pixel


def _contents(contents, op):
    value = string_values(contents, op, "contents")
    if value.ndim != 0:
        raise ValueError(f"tf.io.{op}: contents must be a scalar string, got shape {value.shape}")
    return value[()]


def _chunks(data):
    pos = len(_SIGNATURE)
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = data[pos + 8 + length:pos + 12 + length]
        if len(body) != length or len(crc) != 4 or struct.unpack(">I", crc)[0] != (
                zlib.crc32(kind + body) & 0xFFFFFFFF):
            raise InvalidArgumentError(f"tf.io.decode_png: corrupt PNG chunk {kind!r}")
        yield kind, body
        pos += 12 + length


def _paeth_row(raw, prev, bpp):
    out = bytearray(raw)
    for i in range(len(out)):
        a = out[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        p = a + b - c
        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
        pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        out[i] = (out[i] + pred) & 255
    return np.frombuffer(bytes(out), np.uint8)


def _average_row(raw, prev, bpp):
    out = bytearray(raw)
    for i in range(len(out)):
        left = out[i - bpp] if i >= bpp else 0
        out[i] = (out[i] + ((left + prev[i]) >> 1)) & 255
    return np.frombuffer(bytes(out), np.uint8)


def _unfilter(data, height, stride, bpp):
    rows = np.frombuffer(data, np.uint8)[: height * (stride + 1)]
    if rows.size != height * (stride + 1):
        raise InvalidArgumentError("tf.io.decode_png: the image data is truncated")
    rows = rows.reshape(height, stride + 1)
    out = np.zeros((height, stride), np.uint8)
    prev = np.zeros(stride, np.uint8)
    for y in range(height):
        kind, raw = rows[y, 0], rows[y, 1:]
        if kind == 0:
            row = raw
        elif kind == 1:  # Sub: a running sum (mod 256) per byte of the pixel; stride % bpp == 0
            row = np.cumsum(raw.reshape(-1, bpp), axis=0, dtype=np.uint8).reshape(-1)
        elif kind == 2:
            row = raw + prev
        elif kind == 3:
            row = _average_row(raw, prev.tolist(), bpp)
        elif kind == 4:
            row = _paeth_row(raw, prev.tolist(), bpp)
        else:
            raise InvalidArgumentError(f"tf.io.decode_png: unknown row filter {kind}")
        out[y] = row
        prev = out[y]
    return out


def _samples(rows, width, depth, channels):
    """Unpacked samples of shape (height, width, channels), uint8 or uint16."""
    height = rows.shape[0]
    if depth == 16:
        return rows.view(">u2").astype(np.uint16).reshape(height, width, channels)
    if depth == 8:
        return rows.reshape(height, width, channels)
    bits = np.unpackbits(rows, axis=1).reshape(height, -1, depth)
    values = (bits * (1 << np.arange(depth - 1, -1, -1, dtype=np.uint8))).sum(
        axis=2, dtype=np.uint8)
    return values[:, : width * channels].reshape(height, width, channels)


def _decode_png_array(data, channels, dtype):
    if not data.startswith(_SIGNATURE):
        raise InvalidArgumentError("tf.io.decode_png: the contents are not a PNG file")
    header, palette, alpha, idat = None, None, None, []
    for kind, body in _chunks(data):
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = np.frombuffer(body, np.uint8).reshape(-1, 3)
        elif kind == b"tRNS":
            alpha = body
        elif kind == b"IDAT":
            idat.append(body)
    if header is None:
        raise InvalidArgumentError("tf.io.decode_png: the PNG file has no IHDR chunk")
    width, height, depth, color, _, _, interlace = header
    if interlace:
        return _pillow_decode(data, channels, dtype, "decode_png")
    samples = _CHANNELS[color]
    bpp = max(1, samples * depth // 8)
    stride = (width * samples * depth + 7) // 8
    rows = _unfilter(zlib.decompress(b"".join(idat)), height, stride, bpp)
    image = _samples(rows, width, depth, samples)
    if color == 3:  # palette indices -> RGB(A)
        rgb = palette[image[..., 0]]
        if alpha is not None:
            table = np.full(len(palette), 255, np.uint8)
            table[: len(alpha)] = np.frombuffer(alpha, np.uint8)
            rgb = np.concatenate([rgb, table[image[..., 0]][..., None]], axis=-1)
        image = rgb
    elif depth < 8 and color == 0:  # scale 1, 2, 4-bit gray to 0..255 as libpng does
        image = (image.astype(np.uint16) * (255 // ((1 << depth) - 1))).astype(np.uint8)
    return _convert(image, channels, dtype)


def _convert(image, channels, dtype):
    """Sets the number of channels (libpng's conversions) and the dtype."""
    image = np.asarray(image)
    have = image.shape[-1]
    if channels and channels != have:
        color, alpha = (image[..., :-1], image[..., -1:]) if have in (2, 4) else (image, None)
        if channels in (1, 2) and color.shape[-1] == 3:
            # libpng's rgb_to_gray as TensorFlow sets it (0.299, 0.587 in 1/32768 steps);
            # libpng truncates 8-bit results and rounds 16-bit ones
            c = color.astype(np.int64)
            half = 16384 if image.dtype == np.uint16 else 0
            color = ((9797 * c[..., 0] + 19234 * c[..., 1] + 3737 * c[..., 2] + half)
                     >> 15).astype(image.dtype)[..., None]
        elif channels in (3, 4) and color.shape[-1] == 1:
            color = np.repeat(color, 3, axis=-1)
        if channels in (2, 4):
            if alpha is None:
                alpha = np.full(color.shape[:-1] + (1,), np.iinfo(image.dtype).max, image.dtype)
            color = np.concatenate([color, alpha], axis=-1)
        image = color
    dtype = _dt.as_dtype(dtype)
    if dtype == _dt.uint8:
        return image if image.dtype == np.uint8 else (image >> 8).astype(np.uint8)
    if dtype == _dt.uint16:
        return image.astype(np.uint16) * 257 if image.dtype == np.uint8 else image
    if dtype.is_floating:  # tf.image.convert_image_dtype: values in [0, 1]
        top = 255.0 if image.dtype == np.uint8 else 65535.0
        return (image.astype(np.float64) / top).astype(dtype._np)
    raise TypeError(f"tf.io.decode_image: dtype must be uint8, uint16 or a float dtype, "
                    f"got {dtype.name}")


def _check_channels(channels, op):
    if channels not in (0, 1, 3, 4):
        raise InvalidArgumentError(f"tf.io.{op}: `channels` must be 0, 1, 3 or 4 but got "
                                   f"{channels}")


def decode_png(contents, channels=0, dtype=_dt.uint8, name=None):
    """Decodes a PNG file's bytes to a uint8 (or uint16) tensor of shape (height, width, c).

    `channels`: 0 keeps the file's (palette images become RGB or RGBA), 1 gray, 3 RGB, 4 RGBA.
    """
    _check_channels(channels, "decode_png")
    return Tensor(_decode_png_array(_contents(contents, "decode_png"), channels, dtype))


def encode_png(image, compression=-1, name=None):
    """Encodes a uint8 or uint16 tensor of shape (height, width, channels) as PNG bytes."""
    arr = np.asarray(convert_to_tensor(image))
    if arr.ndim != 3 or arr.shape[-1] not in (1, 2, 3, 4) or arr.dtype not in (
            np.uint8, np.uint16):
        raise ValueError(f"tf.io.encode_png: image must be uint8 or uint16 of shape (height, "
                         f"width, 1-4 channels), got {arr.dtype} {arr.shape}")
    height, width, c = arr.shape
    color = {1: 0, 2: 4, 3: 2, 4: 6}[c]
    depth = 16 if arr.dtype == np.uint16 else 8
    raw = arr.astype(">u2") if depth == 16 else arr
    rows = np.concatenate([np.zeros((height, 1), np.uint8),
                           raw.reshape(height, -1).view(np.uint8)], axis=1)
    level = 6 if compression == -1 else int(compression)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    data = (_SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color,
                                                     0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), level)) + chunk(b"IEND", b""))
    return Tensor(np.array(data, dtype=object))


def _pillow_decode(data, channels, dtype, op):
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(
            f"tf.io.{op}: decoding this image needs Pillow (tapegrad decodes only "
            'non-interlaced PNG itself): pip install "tapegrad[image]"') from None
    import io

    with Image.open(io.BytesIO(data)) as img:
        mode = img.mode
        if mode not in ("L", "LA", "RGB", "RGBA"):
            img = img.convert("RGBA" if "A" in mode or "transparency" in img.info else "RGB")
        arr = np.asarray(img)
    if arr.ndim == 2:
        arr = arr[..., None]
    return _convert(arr, channels, dtype)


def decode_image(contents, channels=None, dtype=_dt.uint8, name=None, expand_animations=True):
    """Decodes PNG (in NumPy), or JPEG, GIF and BMP (with Pillow), to (height, width, c)."""
    _check_channels(channels or 0, "decode_image")
    data = _contents(contents, "decode_image")
    if data.startswith(_SIGNATURE):
        return Tensor(_decode_png_array(data, channels or 0, dtype))
    return Tensor(_pillow_decode(data, channels or 0, dtype, "decode_image"))


def decode_jpeg(contents, channels=0, name=None, **kwargs):
    """Decodes a JPEG file with Pillow (the pixels may differ slightly from libjpeg-turbo's)."""
    return Tensor(_pillow_decode(_contents(contents, "decode_jpeg"), channels, _dt.uint8,
                                 "decode_jpeg"))
