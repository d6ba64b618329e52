"""tf.io: decode_csv, files, tensor serialization and PNG; expected values recorded from
TensorFlow 2.21 where stated."""

import struct
import zlib

import numpy as np
import pytest

import tapegrad as tf
from tests.bad_input import assert_clear_error

InvalidArgument = tf.errors.InvalidArgumentError


def _csv(*args, **kwargs):
    return [(t.dtype.name, t.numpy().tolist()) for t in tf.io.decode_csv(*args, **kwargs)]


# (records, record_defaults, kwargs, TensorFlow's result)
DECODE_CSV = [
    (["1,2.5,abc", '4,,"x,y"'], [[0], [1.0], ["d"]], {},
     [("int32", [1, 4]), ("float32", [2.5, 1.0]), ("string", [b"abc", b"x,y"])]),
    ("1;2", [[0], [0]], {"field_delim": ";"}, [("int32", 1), ("int32", 2)]),
    (["1,NA,3"], [[0], [9], [0]], {"na_value": "NA"}, [("int32", [1]), ("int32", [9]),
                                                        ("int32", [3])]),
    (["1,2,3"], [[0], [0]], {"select_cols": [0, 2]}, [("int32", [1]), ("int32", [3])]),
    (["1,2,3,4"], [[0], [0]], {"select_cols": [1, 3]}, [("int32", [2]), ("int32", [4])]),
    (["1, 2"], [[0], [0]], {}, [("int32", [1]), ("int32", [2])]),
    (['"a""b",2'], [[""], [0]], {}, [("string", [b'a"b']), ("int32", [2])]),
    (["1e3,2"], [[0.0], [tf.constant(0, tf.int64)]], {}, [("float32", [1000.0]),
                                                          ("int64", [2])]),
    ([["1,2"], ["3,4"]], [[0], [0]], {}, [("int32", [[1], [3]]), ("int32", [[2], [4]])]),
    (["1,2"], [tf.constant([0], tf.float64), [""]], {}, [("float64", [1.0]),
                                                         ("string", [b"2"])]),
    ([" 1 ,2"], [[0.0], [""]], {}, [("float32", [1.0]), ("string", [b"2"])]),
    (['"",2'], [["d"], [0]], {}, [("string", [b"d"]), ("int32", [2])]),
    (["a,2,"], [["d"], [0], [5]], {}, [("string", [b"a"]), ("int32", [2]), ("int32", [5])]),
    (['a,"NA"'], [["d"], ["z"]], {"na_value": "NA"}, [("string", [b"a"]), ("string", [b"z"])]),
    (["1\t2"], [[0], [0]], {"field_delim": "\t"}, [("int32", [1]), ("int32", [2])]),
    (["1,2"], [[0.0], [0.0]], {"use_quote_delim": False}, [("float32", [1.0]),
                                                            ("float32", [2.0])]),
    (['"a\nb",c'], [[""], [""]], {}, [("string", [b"a\nb"]), ("string", [b"c"])]),
]


@pytest.mark.parametrize("records,defaults,kwargs,want", DECODE_CSV)
def test_decode_csv_matches_tensorflow(records, defaults, kwargs, want):
    assert _csv(records, defaults, **kwargs) == want


def test_decode_csv_nan_inf_and_required_fields():
    nan, inf = tf.io.decode_csv(["nan,inf"], [[0.0], [0.0]])
    assert np.isnan(nan.numpy()[0]) and inf.numpy()[0] == np.inf
    x, y = tf.io.decode_csv(["1,2"], [tf.constant([], tf.int32), tf.float32])
    assert x.dtype == tf.int32 and y.dtype == tf.float32


# (records, defaults, kwargs, error class, words TensorFlow's message has)
DECODE_CSV_ERRORS = [
    (["1,,abc"], [tf.constant([], tf.int32), tf.constant([], tf.float32), ["d"]], {},
     InvalidArgument, ["Field 1 is required but missing in record 0"]),
    (["1,2,3"], [[0], [0]], {}, InvalidArgument, ["Expect 2 fields but have 3 in record 0"]),
    (["1.5,2"], [[0], [0]], {}, InvalidArgument, ["Field 0 in record 0 is not a valid int32"]),
    (["x,2"], [[0.0], [0]], {}, InvalidArgument, ["not a valid float32: x"]),
    (["true,2"], [[0.0], [0.0]], {}, InvalidArgument, ["not a valid float32: true"]),
    (["99999999999,2"], [[0], [0]], {}, InvalidArgument, ["not a valid int32"]),
    (['"a"b,2'], [["d"], [0]], {}, InvalidArgument, ["Quote inside a string"]),
    (['a"b,2'], [["d"], [0]], {}, InvalidArgument, ["Unquoted fields cannot have quotes"]),
    (['"ab,2'], [["d"], [0]], {}, InvalidArgument, ["Quoted field has to end"]),
    ([""], [["d"]], {}, InvalidArgument, ["Expect 1 fields but have 0 in record 0"]),
    (["a"], [["d"], [0]], {}, InvalidArgument, ["Expect 2 fields but have 1"]),
    (["1,2"], [[0], [0]], {"field_delim": "ab"}, InvalidArgument, ["field_delim", "1 char"]),
    (["1,2,3"], [[0], [0]], {"select_cols": [1, 3]}, InvalidArgument,
     ["Expect 2 fields but have 1"]),
    (["1,2,3"], [[0], [0]], {"select_cols": [2, 1]}, ValueError, ["strictly increasing"]),
    (["1,2"], [[0], [0]], {"select_cols": [0]}, ValueError, ["select_cols", "do not match"]),
    (["1,2"], [[[0]], [0]], {}, InvalidArgument, ["at most rank 1"]),
    (["1,2"], [tf.constant([0, 1]), [0]], {}, InvalidArgument, ["only be 1 default",
                                                                "field 0 has 2"]),
    (["1,2"], [tf.constant(0, tf.int16), [0]], {}, InvalidArgument, ["int16"]),
]


@pytest.mark.parametrize("records,defaults,kwargs,error,words", DECODE_CSV_ERRORS)
def test_decode_csv_errors_match_tensorflow(records, defaults, kwargs, error, words):
    assert_clear_error(lambda: tf.io.decode_csv(records, defaults, **kwargs), error, *words)


def test_read_and_write_file(tmp_path):
    path = tmp_path / "sub" / "f.bin"
    tf.io.write_file(str(path), tf.constant(b"\x00ab\xff"))
    assert path.read_bytes() == b"\x00ab\xff"
    got = tf.io.read_file(tf.constant(str(path)))
    assert got.dtype == tf.string and got.numpy() == b"\x00ab\xff"
    assert tf.io.read_file(path).numpy() == b"\x00ab\xff"
    err = assert_clear_error(lambda: tf.io.read_file(str(tmp_path / "missing")),
                             tf.errors.NotFoundError, "missing", "No such file")
    assert isinstance(err, FileNotFoundError)
    assert tf.io.gfile.exists(str(path)) and tf.io.gfile.listdir(str(tmp_path)) == ["sub"]
    assert tf.io.gfile.glob(str(tmp_path / "sub" / "*.bin")) == [str(path)]
    assert_clear_error(lambda: tf.io.gfile.listdir(str(tmp_path / "nope")),
                       tf.errors.NotFoundError, "nope")


# the bytes tf.io.serialize_tensor writes (TensorFlow 2.21)
SERIALIZED = [
    (tf.constant(1.5), b'\x08\x01\x12\x00"\x04\x00\x00\xc0?'),
    (tf.constant([[1, 2], [3, 4]]), b'\x08\x03\x12\x08\x12\x02\x08\x02\x12\x02\x08\x02"\x10'
     b"\x01\x00\x00\x00\x02\x00\x00\x00\x03\x00\x00\x00\x04\x00\x00\x00"),
    (tf.constant(["ab", ""]), b"\x08\x07\x12\x04\x12\x02\x08\x02B\x02abB\x00"),
    (tf.constant(True), b'\x08\n\x12\x00"\x01\x01'),
    (tf.constant([], tf.float64), b"\x08\x02\x12\x02\x12\x00"),
    (tf.constant(np.zeros((0, 3), np.int64)), b"\x08\t\x12\x06\x12\x00\x12\x02\x08\x03"),
    (tf.constant(2, tf.uint8), b'\x08\x04\x12\x00"\x01\x02'),
]


@pytest.mark.parametrize("tensor,data", SERIALIZED)
def test_serialize_tensor_writes_tensorflows_bytes(tensor, data):
    assert tf.io.serialize_tensor(tensor).numpy() == data
    back = tf.io.parse_tensor(data, tensor.dtype)
    assert back.dtype == tensor.dtype and back.shape == tensor.shape
    assert back.numpy().tolist() == tensor.numpy().tolist()


def test_parse_tensor_checks_the_dtype():
    data = tf.io.serialize_tensor(tf.constant([1.0, 2.0]))
    assert_clear_error(lambda: tf.io.parse_tensor(data, tf.int32), InvalidArgument,
                       "float32", "int32")
    assert_clear_error(lambda: tf.io.parse_tensor(b"\xff\xff", tf.int32), InvalidArgument,
                       "parse")


# -- PNG ----------------------------------------------------------------------------------------
# An independent writer for the tests: every row filter (PNG spec, section 9), palettes,
# bit depths 1 to 16 and transparency, so that each decoder path is exercised.

def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def _filter_row(kind, row, prev, bpp):
    out = bytearray()
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        pred = [0, a, b, (a + b) // 2, _paeth(a, b, c)][kind]
        out.append((x - pred) % 256)
    return bytes([kind]) + bytes(out)


def _png(rows, width, depth, color, filters=(0, 1, 2, 3, 4), palette=None, trns=None):
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color]
    bpp = max(1, channels * depth // 8)
    raw, prev = b"", bytes(len(rows[0]))
    for y, row in enumerate(rows):
        raw += _filter_row(filters[y % len(filters)], row, prev, bpp)
        prev = row

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, len(rows),
                                                            depth, color, 0, 0, 0))
    if palette is not None:
        data += chunk(b"PLTE", bytes(palette))
    if trns is not None:
        data += chunk(b"tRNS", bytes(trns))
    return data + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def test_decode_png_undoes_every_row_filter():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (10, 7, 3), dtype=np.uint8)
    rows = [image[y].tobytes() for y in range(10)]
    got = tf.io.decode_png(_png(rows, 7, 8, 2))
    assert got.dtype == tf.uint8 and got.shape == (10, 7, 3)
    np.testing.assert_array_equal(got.numpy(), image)
    rgba = rng.integers(0, 256, (5, 4, 4), dtype=np.uint8)
    got = tf.io.decode_png(_png([rgba[y].tobytes() for y in range(5)], 4, 8, 6))
    np.testing.assert_array_equal(got.numpy(), rgba)


def test_decode_png_gray_depths_palette_and_16_bit():
    # 1-bit gray 0/1 scales to 0/255, as libpng does
    bits = np.array([[1, 0, 1, 1, 0, 0, 0, 1, 1]], dtype=np.uint8)
    packed = np.packbits(bits, axis=1)
    got = tf.io.decode_png(_png([packed[0].tobytes()], 9, 1, 0, filters=(0,)))
    assert got.numpy()[..., 0].tolist() == (bits * 255).tolist()
    gray4 = np.array([[0, 5, 15, 10]], dtype=np.uint8)
    got = tf.io.decode_png(_png([bytes([0x05, 0xFA])], 4, 4, 0, filters=(1,)))
    assert got.numpy()[..., 0].tolist() == (gray4 * 17).tolist()
    palette = [255, 0, 0, 0, 255, 0, 0, 0, 255]
    got = tf.io.decode_png(_png([bytes([0, 1, 2, 1])], 4, 8, 3, palette=palette, trns=[128]))
    assert got.shape == (1, 4, 4)
    assert got.numpy()[0].tolist() == [[255, 0, 0, 128], [0, 255, 0, 255], [0, 0, 255, 255],
                                       [0, 255, 0, 255]]
    deep = np.array([[[0x1234], [0xFFFF]]], dtype=">u2")
    png16 = _png([deep[0].tobytes()], 2, 16, 0, filters=(4,))
    assert tf.io.decode_png(png16, dtype=tf.uint16).numpy()[..., 0].tolist() == [[0x1234,
                                                                                    0xFFFF]]
    assert tf.io.decode_png(png16).numpy()[..., 0].tolist() == [[0x12, 0xFF]]


def test_png_round_trip_and_channel_conversions():
    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, (6, 5, 3), dtype=np.uint8)
    data = tf.io.encode_png(image)
    assert data.dtype == tf.string and data.numpy().startswith(b"\x89PNG")
    np.testing.assert_array_equal(tf.io.decode_png(data).numpy(), image)
    np.testing.assert_array_equal(tf.io.decode_image(data).numpy(), image)
    rgba = tf.io.decode_png(data, channels=4).numpy()
    assert (rgba[..., 3] == 255).all() and (rgba[..., :3] == image).all()
    gray = tf.io.decode_png(data, channels=1).numpy()[..., 0].astype(np.int64)
    c = image.astype(np.int64)
    # TensorFlow's gray: libpng's rgb_to_gray(0.299, 0.587) in 1/32768 steps, truncated
    # (checked against TensorFlow in test_tf_data_compat.py)
    want = (9797 * c[..., 0] + 19234 * c[..., 1] + 3737 * c[..., 2]) >> 15
    assert (gray == want).all()
    as_float = tf.io.decode_image(data, dtype=tf.float32).numpy()
    np.testing.assert_allclose(as_float, image / 255.0, rtol=1e-6)
    one = tf.io.decode_png(tf.io.encode_png(image[..., :1])).numpy()
    assert (tf.io.decode_png(tf.io.encode_png(one), channels=3).numpy() == one).all()


def test_decode_png_rejects_other_bytes():
    assert_clear_error(lambda: tf.io.decode_png(b"not a png"), InvalidArgument, "PNG")
    data = bytearray(tf.io.encode_png(np.zeros((2, 2, 1), np.uint8)).numpy())
    data[20] ^= 1
    assert_clear_error(lambda: tf.io.decode_png(bytes(data)), InvalidArgument, "corrupt")
    assert_clear_error(lambda: tf.io.encode_png(np.zeros((2, 2), np.uint8)), ValueError,
                       "encode_png", "(2, 2)")
    assert_clear_error(lambda: tf.io.decode_png(data, channels=2), InvalidArgument,
                       "channels", "0, 1, 3 or 4")


def test_other_image_formats_go_through_pillow(tmp_path):
    pil = pytest.importorskip("PIL.Image")
    import io

    rng = np.random.default_rng(2)
    image = rng.integers(0, 256, (12, 9, 3), dtype=np.uint8)
    for fmt in ("JPEG", "BMP", "GIF"):
        buffer = io.BytesIO()
        pil.fromarray(image).save(buffer, format=fmt)
        data = buffer.getvalue()
        want = np.asarray(pil.open(io.BytesIO(data)).convert("RGB"))
        got = tf.io.decode_image(data, channels=3).numpy()
        assert got.shape == (12, 9, 3) and got.dtype == np.uint8
        np.testing.assert_array_equal(got, want)
    buffer = io.BytesIO()
    pil.fromarray(image).save(buffer, format="JPEG")
    assert tf.io.decode_jpeg(buffer.getvalue()).shape == (12, 9, 3)


@pytest.mark.usefixtures("without_pillow")
def test_images_without_pillow_say_what_to_install():
    assert_clear_error(lambda: tf.io.decode_image(b"\xff\xd8\xff\xe0 not really a jpeg"),
                       ImportError, "Pillow", "tapegrad[image]")
