"""Files and tensor bytes: `tf.io.read_file`, `write_file`, `serialize_tensor`, `parse_tensor`."""

import os

import numpy as np

from .._core import dtypes as _dt
from .._core.errors import InvalidArgumentError, NotFoundError
from .._core.tensor import Tensor, convert_to_tensor
from .._impl.string_ops import string_values

__all__ = ["decode_raw", "parse_tensor", "path_of", "proto_field", "read_file", "serialize_tensor",
           "tensor_proto", "varint", "write_file"]


def path_of(filename, op):
    """A file name given as str, bytes, os.PathLike or a scalar string tensor, as str."""
    if isinstance(filename, Tensor):
        value = string_values(filename, op, "filename")
        if value.ndim != 0:
            raise ValueError(f"tf.io.{op}: filename must be a scalar, got shape {value.shape}")
        filename = value[()]
    filename = os.fspath(filename)
    return filename.decode("utf-8") if isinstance(filename, bytes) else filename


def read_file(filename, name=None):
    """The contents of a file, as a scalar string tensor."""
    path = path_of(filename, "read_file")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise NotFoundError(f"tf.io.read_file: {path}; No such file or directory") from None
    except IsADirectoryError:
        raise InvalidArgumentError(f"tf.io.read_file: {path} is a directory") from None
    return Tensor(np.array(data, dtype=object))


def write_file(filename, contents, name=None):
    """Writes a scalar string tensor to a file (creating its directory)."""
    path = path_of(filename, "write_file")
    data = string_values(contents, "write_file", "contents")
    if data.ndim != 0:
        raise ValueError(f"tf.io.write_file: contents must be a scalar, got shape {data.shape}")
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data[()])


# -- TensorProto, the format of tf.io.serialize_tensor ----------------------------------------
# (field 1: dtype enum; 2: shape, a message of repeated dim messages with field 1 = size;
# 4: the values' bytes, little-endian; 8: one bytes field per string)

_ENUM = {"float32": 1, "float64": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6,
         "string": 7, "complex64": 8, "int64": 9, "bool": 10, "uint16": 17,
         "complex128": 18, "float16": 19, "uint32": 22, "uint64": 23}
_BY_ENUM = {v: k for k, v in _ENUM.items()}


def varint(n):
    """`n` as a protobuf varint (a negative int64 as its 10-byte two's complement)."""
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def proto_field(number, payload):
    """A length-delimited protobuf field (wire type 2): a message, bytes or a string."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def serialize_tensor(tensor, name=None):
    """A tensor as the bytes of a TensorFlow `TensorProto` (what TensorFlow writes)."""
    t = tensor if isinstance(tensor, Tensor) else convert_to_tensor(tensor)
    return Tensor(np.array(tensor_proto(t), dtype=object))


def tensor_proto(t):
    """The `TensorProto` bytes of tensor `t` as TensorFlow's C++ writes them (its
    `AsProtoTensorContent`; strings as `AsProtoField`), also inside summary events."""
    arr = np.asarray(t)
    shape = b"".join(proto_field(2, (varint(1 << 3) + varint(d)) if d else b"") for d in arr.shape)
    out = varint(1 << 3) + varint(_ENUM[t.dtype.name]) + proto_field(2, shape)
    if arr.dtype == object:
        out += b"".join(proto_field(8, s) for s in arr.reshape(-1))
    elif arr.size:
        content = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<"))
        out += proto_field(4, content.tobytes())
    return out


def _read_varint(data, pos):
    shift = value = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _fields(data):
    pos = 0
    while pos < len(data):
        key, pos = _read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _read_varint(data, pos)
        elif wire == 2:
            size, pos = _read_varint(data, pos)
            value, pos = data[pos:pos + size], pos + size
        else:
            raise ValueError(f"unexpected wire type {wire}")
        yield number, value


def parse_tensor(serialized, out_type, name=None):
    """The tensor in `serialize_tensor`'s bytes; `out_type` must be its dtype."""
    data = string_values(serialized, "parse_tensor", "serialized")[()]
    want = _dt.as_dtype(out_type)
    try:
        dtype, dims, content, strings = None, [], b"", []
        for number, value in _fields(data):
            if number == 1:
                dtype = _BY_ENUM[value]
            elif number == 2:
                dims = [dict(_fields(d)).get(1, 0) for n, d in _fields(value) if n == 2]
            elif number == 4:
                content = value
            elif number == 8:
                strings.append(value)
    except (ValueError, IndexError, KeyError):
        raise InvalidArgumentError("tf.io.parse_tensor: could not parse the serialized "
                                   "tensor (not a TensorProto)") from None
    if dtype != want.name:
        raise InvalidArgumentError(f"tf.io.parse_tensor: type mismatch between parsed tensor "
                                   f"({dtype}) and out_type ({want.name})")
    if want == _dt.string:
        arr = np.empty(len(strings), dtype=object)
        arr[:] = strings
    else:
        arr = np.frombuffer(content, want._np.newbyteorder("<")).astype(want._np)
        if arr.size == 0 and content == b"" and int(np.prod(dims)) != 0:
            raise InvalidArgumentError("tf.io.parse_tensor: the tensor has no values")
    return Tensor(arr.reshape(dims))


_RAW_TYPES = ("float16", "float32", "float64", "int32", "uint16", "uint8", "int16", "int8",
              "int64", "complex64", "complex128", "bool", "bfloat16")


def decode_raw(input_bytes, out_type, little_endian=True, fixed_length=None, name=None):
    """Reinterprets the bytes of each string as a vector of `out_type` values.

    The result has the input's shape plus one axis of values. All strings must have the same
    length, unless `fixed_length` is given: then each is cut or zero-padded to that many bytes.

    Raises:
        InvalidArgumentError: if `out_type` is not a numeric type, the strings differ in length,
            or a length is not a multiple of the type's size.
    """
    want = _dt.as_dtype(out_type)
    if want.name not in _RAW_TYPES:
        raise InvalidArgumentError(f"tf.io.decode_raw: out_type must be one of "
                                   f"{', '.join(_RAW_TYPES)}; got {want.name}")
    arr = string_values(input_bytes, "decode_raw", "input_bytes")
    flat = list(arr.reshape(-1))
    if fixed_length is not None:
        n = int(fixed_length)
        flat = [s[:n].ljust(n, b"\0") for s in flat]
    sizes = {len(s) for s in flat}
    if len(sizes) > 1:
        raise InvalidArgumentError(
            f"tf.io.decode_raw: the strings must all have the same length (or pass "
            f"fixed_length), got lengths {sorted(sizes)}")
    width = sizes.pop() if sizes else 0
    item = want._np.itemsize
    if width % item:
        raise InvalidArgumentError(
            f"tf.io.decode_raw: a string of length {width} is not a multiple of {item}, the "
            f"size of {want.name}")
    order = "<" if little_endian else ">"
    values = np.frombuffer(b"".join(flat), want._np.newbyteorder(order) if item > 1 else want._np)
    return Tensor(values.astype(want._np).reshape(arr.shape + (width // item,)))
