"""The code of `tf.strings`: operations on `tf.string` tensors (object arrays of bytes).

Strings carry no gradient: every result here is a new tensor that no tape records, so a
gradient through a string is None, as in TensorFlow. The functions read their inputs' values
in Python, so a `tf.function` that calls them runs eagerly (with the same results).
"""

import builtins
import functools
import inspect
import math
import re

import numpy as np

from .._core import dtypes as _dt
from .._core.errors import InvalidArgumentError
from .._core.tensor import Tensor, convert_to_tensor
from .ragged_tensor import RaggedTensor
from .string_hash import fingerprint64, siphash24

__all__ = [
    "as_string", "bytes_split", "format", "join", "length", "lower", "reduce_join",
    "regex_replace", "split", "strip", "substr", "to_hash_bucket_fast", "to_hash_bucket_strong",
    "to_number", "unicode_decode", "unicode_encode", "unicode_split", "upper",
]


def string_values(x, op, what="input"):
    """The object array of bytes behind a string tensor (or Python strings)."""
    t = x if isinstance(x, Tensor) else convert_to_tensor(x)
    if t.dtype != _dt.string:
        raise TypeError(
            f"tf.strings.{op}: {what} must be a string tensor, got dtype {t.dtype.name}"
            + (" (format numbers with tf.strings.as_string)" if op != "as_string" else "")
        )
    return np.asarray(t)  # through __array__: a tracer learns that Python read the value


def _each(fn, *arrays, out=object):
    """`fn` applied elementwise over broadcast object arrays; a tensor of dtype `out`."""
    values = np.frompyfunc(fn, len(arrays), 1)(*arrays)
    return Tensor(np.asarray(values, dtype=object).astype(out, copy=False))


def _bytes(s):
    return s.encode("utf-8") if isinstance(s, str) else bytes(s)



def _rowwise(fn):
    """`fn` (a string op of one value at a time, its first argument the strings) taking a
    RaggedTensor too: the op on its flat values, with its rows, as TensorFlow's ragged
    dispatch."""

    first = next(iter(inspect.signature(fn).parameters))  # `input`, or `string_tensor`

    @functools.wraps(fn)
    def op(*args, **kwargs):
        x = args[0] if args else kwargs.get(first)
        if not isinstance(x, RaggedTensor):
            return fn(*args, **kwargs)
        if args:
            args = (x.flat_values,) + args[1:]
        else:
            kwargs[first] = x.flat_values
        return RaggedTensor(fn(*args, **kwargs), x.row_splits)

    return op


def _ragged(pieces, rank0):
    """One row per input string: a 1-D tensor for a scalar input, else a RaggedTensor."""
    if rank0:
        return Tensor(np.array(pieces[()] if isinstance(pieces, np.ndarray) else pieces,
                               dtype=object).reshape(-1))
    if pieces.ndim != 1:
        raise ValueError(
            f"tf.strings: splitting a tensor of rank {pieces.ndim} is not supported; tapegrad "
            "splits scalars and vectors (reshape to a vector first)"
        )
    values = np.empty(sum(len(p) for p in pieces), dtype=object)
    values[:] = [piece for row in pieces for piece in row]
    return RaggedTensor(values, np.concatenate([[0], np.cumsum([len(p) for p in pieces])]))


def split(input, sep=None, maxsplit=-1, name=None):  # noqa: A002 - TensorFlow's name
    """Splits each string at `sep` (runs of whitespace when None, dropping empty pieces).

    A scalar gives a 1-D tensor; a vector gives a `RaggedTensor` with one row per string.
    """
    arr = string_values(input, "split")
    if sep is not None and _bytes(sep) == b"":
        sep = None
    sep = None if sep is None else _bytes(sep)
    pieces = np.frompyfunc(lambda s: s.split(sep, maxsplit), 1, 1)(arr)
    return _ragged(pieces, arr.ndim == 0)


def _codec(op, encoding, errors, arg="input_encoding"):
    codec = {"UTF-8": "utf-8", "UTF-16-BE": "utf-16-be", "UTF-32-BE": "utf-32-be"}.get(encoding)
    if codec is None or errors not in ("replace", "ignore", "strict"):
        raise ValueError(
            f"tf.strings.{op}: {arg} must be UTF-8, UTF-16-BE or UTF-32-BE and errors "
            f"replace, ignore or strict; got {encoding!r}, {errors!r}"
        )
    return codec


def _decoded(op, s, codec, errors, encoding):
    """`s` decoded; bytes invalid in `encoding` raise InvalidArgumentError under "strict"."""
    try:
        return s.decode(codec, errors)
    except UnicodeDecodeError as err:
        raise InvalidArgumentError(f"tf.strings.{op}: invalid {encoding} in {s!r}: {err}") from None


def unicode_split(input, input_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                  name=None):
    """Splits each string into its characters (each encoded as the input was)."""
    codec = _codec("unicode_split", input_encoding, errors)
    arr = string_values(input, "unicode_split")

    def chars(s):
        text = _decoded("unicode_split", s, codec, errors, input_encoding)
        if errors == "replace" and replacement_char != 65533:
            text = text.replace("\ufffd", chr(replacement_char))
        return [c.encode(codec) for c in text]

    return _ragged(np.frompyfunc(chars, 1, 1)(arr), arr.ndim == 0)


def bytes_split(input, name=None):  # noqa: A002 - TensorFlow's name
    """Splits each string into its bytes (each a one-byte string).

    A scalar gives a 1-D tensor; a vector gives a `RaggedTensor` with one row per string.
    """
    arr = string_values(input, "bytes_split")
    pieces = np.frompyfunc(lambda s: [s[i:i + 1] for i in range(len(s))], 1, 1)(arr)
    return _ragged(pieces, arr.ndim == 0)


def unicode_decode(input, input_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                   replace_control_characters=False, name=None):
    """The Unicode code points (int32) of each string.

    A scalar gives a 1-D tensor; a vector gives a `RaggedTensor` with one row per string.
    Invalid bytes become `replacement_char` (errors="replace"), are dropped ("ignore") or raise
    InvalidArgumentError ("strict").
    """
    codec = _codec("unicode_decode", input_encoding, errors)
    arr = string_values(input, "unicode_decode")

    def points(s):
        text = _decoded("unicode_decode", s, codec, errors, input_encoding)
        out = [replacement_char if c == "\ufffd" else ord(c) for c in text]
        if replace_control_characters:
            out = [replacement_char if c < 32 or 127 <= c < 160 else c for c in out]
        return out

    pieces = np.frompyfunc(points, 1, 1)(arr)
    if arr.ndim == 0:  # frompyfunc gives the list itself for a 0-d input
        return Tensor(np.asarray(pieces, dtype=np.int32).reshape(-1))
    ragged = _ragged(pieces, False)
    return RaggedTensor(np.asarray(ragged.flat_values).astype(np.int32), ragged._splits)


def unicode_encode(input, output_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                   name=None):
    """Encodes rows of code points as strings: a vector gives a scalar, a matrix or a
    `RaggedTensor` a vector (one string per row)."""
    codec = _codec("unicode_encode", output_encoding, errors, "output_encoding")

    def encode(row):
        chars = []
        for c in row:
            c = int(c)
            if not (0 <= c <= 0x10FFFF) or 0xD800 <= c <= 0xDFFF:
                if errors == "strict":
                    raise InvalidArgumentError(
                        f"tf.strings.unicode_encode: {c} is not a valid code point")
                if errors == "ignore":
                    continue
                c = replacement_char
            chars.append(chr(c))
        return "".join(chars).encode(codec)

    if isinstance(input, RaggedTensor):
        points, splits = np.asarray(input.flat_values), np.asarray(input.row_splits)
        out = np.empty(len(splits) - 1, dtype=object)
        out[:] = [encode(points[a:b]) for a, b in zip(splits[:-1], splits[1:])]
        return Tensor(out)
    values = np.asarray(convert_to_tensor(input)._value)
    if values.dtype.kind not in "iu" or values.ndim == 0:
        raise TypeError(f"tf.strings.unicode_encode: input must be int32 code points of rank "
                        f">= 1, got dtype {values.dtype} and shape {values.shape}")
    flat = values.reshape(-1, values.shape[-1])
    out = np.empty(len(flat), dtype=object)
    out[:] = [encode(row) for row in flat]
    return Tensor(out.reshape(values.shape[:-1]))


def join(inputs, separator="", name=None):
    ragged = [x for x in inputs if isinstance(x, RaggedTensor)]
    if ragged:  # the rows of the first: the others must have them too (or be scalars)
        rt = ragged[0]
        flat = [x.flat_values if isinstance(x, RaggedTensor) else x for x in inputs]
        for x in ragged[1:]:
            if not np.array_equal(np.asarray(x.row_splits), np.asarray(rt.row_splits)):
                raise InvalidArgumentError("tf.strings.join: the RaggedTensors' row lengths "
                                           "differ; give inputs of the same rows.")
        return RaggedTensor(join(flat, separator), rt.row_splits)
    """Joins the strings of several tensors elementwise (broadcasting), with `separator`."""
    arrays = [string_values(x, "join", "inputs") for x in inputs]
    sep = _bytes(separator)
    return _each(lambda *parts: sep.join(parts), *arrays)


def reduce_join(inputs, axis=None, keepdims=False, separator="", name=None):
    """Joins the strings along `axis` (all of them when None), with `separator`; on a
    RaggedTensor along its rows (axis 1 or -1), one string per row."""
    if isinstance(inputs, RaggedTensor) and axis is not None and axis in (1, -1):
        values = string_values(inputs.flat_values, "reduce_join", "inputs")
        splits = inputs.row_splits.numpy()
        sep = _bytes(separator)
        out = np.empty(len(splits) - 1, dtype=object)
        for i in range(out.size):
            out[i] = sep.join(values[splits[i]:splits[i + 1]])
        return Tensor(out[:, None] if keepdims else out)
    arr = string_values(inputs, "reduce_join", "inputs")
    sep = _bytes(separator)
    axes = tuple(range(arr.ndim)) if axis is None else tuple(
        a % arr.ndim for a in np.atleast_1d(np.asarray(axis, dtype=np.int64)).tolist())
    kept = [a for a in range(arr.ndim) if a not in axes]
    moved = np.transpose(arr, kept + list(axes)).reshape([arr.shape[a] for a in kept] + [-1])
    out = np.empty(moved.shape[:-1], dtype=object)
    for idx in np.ndindex(out.shape):
        out[idx] = sep.join(moved[idx])
    if keepdims:
        out = out.reshape([1 if a in axes else arr.shape[a] for a in range(arr.ndim)])
    return Tensor(out)


@_rowwise
def length(input, unit="BYTE", name=None):  # noqa: A002
    """The length of each string in bytes (`unit="BYTE"`) or characters ("UTF8_CHAR"), int32."""
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"tf.strings.length: unit must be 'BYTE' or 'UTF8_CHAR', got {unit!r}")
    arr = string_values(input, "length")
    if unit == "BYTE":
        return _each(len, arr, out=np.int32)
    return _each(lambda s: len(s.decode("utf-8", "replace")), arr, out=np.int32)


def _case(op, encoding):
    if encoding.lower().replace("-", "") not in ("", "utf8"):
        raise ValueError(f"tf.strings.{op}: encoding must be '' or 'utf-8', got {encoding!r}")
    if encoding:  # Unicode-aware; '' changes ASCII letters only, as TensorFlow
        return lambda s: getattr(s.decode("utf-8"), op)().encode("utf-8")
    return getattr(bytes, op)


@_rowwise
def lower(input, encoding="", name=None):  # noqa: A002
    """Lower-cases ASCII letters (every letter with `encoding="utf-8"`)."""
    return _each(_case("lower", encoding), string_values(input, "lower"))


@_rowwise
def upper(input, encoding="", name=None):  # noqa: A002
    """Upper-cases ASCII letters (every letter with `encoding="utf-8"`)."""
    return _each(_case("upper", encoding), string_values(input, "upper"))


@_rowwise
def strip(input, name=None):  # noqa: A002
    """Removes leading and trailing whitespace."""
    return _each(bytes.strip, string_values(input, "strip"))


def _rewrite(template):
    """RE2's rewrite string (\\0 to \\9 name groups, \\\\ is a backslash) as a function."""
    parts = re.split(rb"\\([0-9\\])", template)

    def repl(match):
        out = []
        for i, part in enumerate(parts):
            if i % 2 == 0:
                out.append(part)
            else:
                out.append(b"\\" if part == b"\\" else (match.group(int(part)) or b""))
        return b"".join(out)

    return repl


@_rowwise
def regex_replace(input, pattern, rewrite, replace_global=True, name=None):  # noqa: A002
    """Replaces the matches of the regular expression `pattern` by `rewrite` (\\1 names a
    group); only the first match with `replace_global=False`."""
    arr = string_values(input, "regex_replace")
    try:
        regex = re.compile(_bytes(pattern))
    except re.error as err:
        raise InvalidArgumentError(
            f"tf.strings.regex_replace: invalid pattern {pattern!r}: {err}") from None
    repl = _rewrite(_bytes(rewrite))
    count = 0 if replace_global else 1
    return _each(lambda s: regex.sub(repl, s, count=count), arr)


@_rowwise
def substr(input, pos, len, unit="BYTE", name=None):  # noqa: A002
    """`len` bytes (or UTF-8 characters) from position `pos` of each string; a negative `pos`
    counts from the end. `pos` and `len` broadcast against the strings."""
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"tf.strings.substr: unit must be 'BYTE' or 'UTF8_CHAR', got {unit!r}")
    arr = string_values(input, "substr")
    pos = np.asarray(convert_to_tensor(pos)._value)
    size = np.asarray(convert_to_tensor(len)._value)
    arr, pos, size = np.broadcast_arrays(arr, pos, size)
    out = np.empty(arr.shape, dtype=object)
    for i, idx in enumerate(np.ndindex(arr.shape)):
        s = arr[idx]
        text = s.decode("utf-8") if unit == "UTF8_CHAR" else s
        p, n = int(pos[idx]), int(size[idx])
        size_of = builtins.len(text)
        if not -size_of <= p <= size_of:
            raise InvalidArgumentError(
                f"tf.strings.substr: pos {p} out of range for string {s!r} at index {i}")
        p = p + size_of if p < 0 else p
        piece = text[p:p + n]
        out[idx] = piece.encode("utf-8") if unit == "UTF8_CHAR" else piece
    return Tensor(out)


_INT = re.compile(rb"\s*[+-]?\d+\s*\Z")


def parse_number(s, np_dtype, what):
    """One string as a number of `np_dtype`, as TensorFlow's parsers (strtod / strtol): leading
    and trailing whitespace, inf, nan and hexadecimal floats are accepted, '_' is not."""
    kind = np.dtype(np_dtype).kind
    try:
        if b"_" in s:
            raise ValueError
        if kind in "iu":
            if not _INT.match(s):
                raise ValueError
            value = int(s)
            info = np.iinfo(np_dtype)
            if not info.min <= value <= info.max:
                raise ValueError
            return value
        text = s.strip()
        if text.lstrip(b"+-")[:2].lower() == b"0x":
            return float.fromhex(text.decode("ascii"))
        return float(text)
    except (ValueError, UnicodeDecodeError):
        raise InvalidArgumentError(f"{what} is not a valid {np.dtype(np_dtype).name}: "
                                   f"{s.decode('utf-8', 'replace')}") from None


@_rowwise
def to_number(string_tensor, out_type=_dt.float32, name=None):
    """Parses each string as a number of `out_type` (float32, float64, int32 or int64)."""
    dtype = _dt.as_dtype(out_type)
    if dtype not in (_dt.float32, _dt.float64, _dt.int32, _dt.int64):
        raise TypeError(f"tf.strings.to_number: out_type must be float32, float64, int32 or "
                        f"int64, got {dtype.name}")
    arr = string_values(string_tensor, "to_number", "string_tensor")
    np_dtype = dtype._np
    return _each(lambda s: parse_number(s, np_dtype, "tf.strings.to_number: the string"), arr,
                 out=np_dtype)


@_rowwise
def as_string(input, precision=-1, scientific=False, shortest=False, width=-1, fill="",  # noqa
              name=None):
    """Formats numbers and booleans as strings, as C's printf: floats as "%f" (6 decimals)
    unless `precision`, `scientific` ("%e") or `shortest` ("%g"); `width` pads with `fill`
    ('' or ' ' for spaces, '0' for zeros)."""
    t = input if isinstance(input, Tensor) else convert_to_tensor(input)
    arr = np.asarray(t)
    kind = arr.dtype.kind
    if fill not in ("", " ", "0"):
        raise ValueError(f"tf.strings.as_string: fill must be '', ' ' or '0', got {fill!r}")
    if kind == "O" or (kind not in "fc" and (precision > -1 or scientific or shortest)):
        raise InvalidArgumentError(
            f"tf.strings.as_string: cannot format dtype {t.dtype.name}"
            + (" with precision, scientific or shortest" if kind != "O" else ""))
    flags = "0" if fill == "0" else ""
    spec = "%" + flags + (str(width) if width > -1 else "")
    if kind == "b":
        return _each(lambda v: ((spec + "s") % ("true" if v else "false")).encode(),
                     arr.astype(object))
    if kind in "iu":
        return _each(lambda v: ((spec + "d") % v).encode(), arr.astype(object))
    spec += ("." + str(precision) if precision > -1 else "") + (
        "e" if scientific else "g" if shortest else "f")
    if kind == "c":
        return _each(lambda v: (f"({spec % v.real},{spec % v.imag})").encode(), arr.astype(object))
    return _each(lambda v: (spec % float(v)).encode(), arr.astype(object))


# -- format --------------------------------------------------------------------------------

_ESCAPES = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord('"'): '\\"',
            ord("'"): "\\'", ord("\\"): "\\\\"}


def _c_escape(s):
    """C-escapes bytes as TensorFlow prints them (\\n, \\", \\001; other bytes as they are),
    as a str whose characters are the bytes (latin-1)."""
    return "".join(
        _ESCAPES.get(b) or (f"\\{b:03o}" if b < 32 or b == 127 else chr(b)) for b in s)


def _scalar_text(v, dtype):
    if dtype.kind == "O":
        return '"' + _c_escape(v) + '"'
    if dtype.kind == "b":
        return "1" if v else "0"
    if dtype.kind == "f":
        return float_text(v, dtype)
    if dtype.kind == "c":
        return "?"
    return str(int(v))


def float_text(v, dtype):
    """A float as TensorFlow prints it: the shortest of %.{6,9}g (float32) or %.{15,17}g
    (float64) that reads back as the same value."""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    short, full = (15, 17) if dtype == np.float64 else (6, 9)
    text = "%.*g" % (short, v)
    cast = np.dtype(dtype).type
    if cast(float(text)) != cast(v):
        text = "%.*g" % (full, v)
    return text


def _summary(arr, summarize, depth=0):
    if arr.ndim == 0:
        return _scalar_text(arr[()], arr.dtype)
    n = arr.shape[0]
    cut = 0 <= summarize and 2 * summarize < n
    head = range(summarize) if cut else range(n)
    tail = range(n - summarize, n) if cut else range(0)
    items = [_summary(arr[i, ...], summarize, depth + 1) for i in head]
    last = [_summary(arr[i, ...], summarize, depth + 1) for i in tail]
    if arr.ndim == 1:
        text = " ".join(items) + (" ..." + "".join(" " + x for x in last) if cut else "")
        return "[" + text + "]"
    sep = "\n" * (arr.ndim - 1) + " " * (depth + 1)
    parts = items + (["..."] + last if cut else [])
    return "[" + sep.join(parts) + "]"


def format(template, inputs, placeholder="{}", summarize=3, name=None):  # noqa: A001
    """Fills each `placeholder` of `template` with the next input, printed as TensorFlow
    prints tensors (at most `summarize` leading and trailing entries per dimension; -1: all).
    """
    if not isinstance(inputs, (list, tuple)):
        inputs = [inputs]
    pieces = template.split(placeholder)
    if len(pieces) - 1 != len(inputs):
        raise ValueError(
            f"tf.strings.format: the template expects {len(pieces) - 1} tensors, but the inputs "
            f"only has {len(inputs)}. Please ensure the number of placeholders in "
            "template matches inputs length."
        )
    out = [_bytes(pieces[0])]
    for x, piece in zip(inputs, pieces[1:]):
        arr = np.asarray(x if isinstance(x, Tensor) else convert_to_tensor(x))
        out.append(_summary(arr, summarize).encode("latin-1"))  # string values are raw bytes
        out.append(_bytes(piece))
    return Tensor(np.array(b"".join(out), dtype=object))


# -- hashing into buckets ------------------------------------------------------------------------

def _buckets(op, input, num_buckets, hash_fn):  # noqa: A002
    if isinstance(num_buckets, bool) or not isinstance(num_buckets, (int, np.integer)) or (
            num_buckets < 1):
        raise InvalidArgumentError(
            f"tf.strings.{op}: num_buckets must be a positive integer, got {num_buckets!r}")
    n = int(num_buckets)
    return _each(lambda s: hash_fn(bytes(s)) % n, string_values(input, op), out=np.int64)


@_rowwise
def to_hash_bucket_fast(input, num_buckets, name=None):  # noqa: A002
    """Each string's bucket in [0, num_buckets): FarmHash's Fingerprint64 modulo
    num_buckets, as TensorFlow's kernel (so buckets equal TensorFlow's and Keras's)."""
    return _buckets("to_hash_bucket_fast", input, num_buckets, fingerprint64)


@_rowwise
def to_hash_bucket_strong(input, num_buckets, key, name=None):  # noqa: A002
    """Each string's bucket in [0, num_buckets) by SipHash-2-4 under `key` (two integers),
    as TensorFlow's kernel: slower, and hard to collide on purpose without the key."""
    if len(key) != 2:
        raise InvalidArgumentError(
            f"tf.strings.to_hash_bucket_strong: key must be a list of 2 integers, got {key!r}")
    pair = (int(key[0]), int(key[1]))
    return _buckets("to_hash_bucket_strong", input, num_buckets, lambda s: siphash24(pair, s))
