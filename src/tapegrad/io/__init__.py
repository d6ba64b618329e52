"""`tf.io`: CSV parsing, files, tensor serialization and image decoding."""

from . import gfile
from ._csv import decode_csv
from ._files import decode_raw, parse_tensor, read_file, serialize_tensor, write_file
from ._image import decode_image, decode_jpeg, decode_png, encode_png

__all__ = [
    "decode_csv", "decode_image", "decode_raw", "decode_jpeg", "decode_png", "encode_png", "gfile",
    "parse_tensor", "read_file", "serialize_tensor", "write_file",
]
