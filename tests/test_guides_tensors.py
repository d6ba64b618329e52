"""What the guides "Introduction to tensors" and "Introduction to variables" use that tapegrad
lacked: tf.strings.bytes_split / unicode_decode / unicode_encode, tf.io.decode_raw,
tf.VariableSynchronization / tf.VariableAggregation, and a Variable of partly unknown shape.

Expected values were recorded from TensorFlow 2.21; `test_*_as_tensorflow` recheck them there.
"""

import pytest

import tapegrad as tf
from tests.bad_input import assert_clear_error


def _strings_program(tf):
    ragged = tf.strings.bytes_split(["ab", "c"])
    decoded = tf.strings.unicode_decode(["aé", "🦆"], "UTF-8")
    return {
        "bytes_split": tf.strings.bytes_split("Duck").numpy().tolist(),
        "bytes_split_empty": tf.strings.bytes_split("").shape.as_list(),
        "bytes_split_ragged": ragged.to_list(),
        "decode": tf.strings.unicode_decode("アヒル 🦆", "UTF-8").numpy().tolist(),
        "decode_dtype": tf.strings.unicode_decode("a", "UTF-8").dtype.name,
        "decode_bad": tf.strings.unicode_decode(b"a\xffb", "UTF-8").numpy().tolist(),
        "decode_ragged": decoded.to_list(),
        "encode": tf.strings.unicode_encode([97, 233], "UTF-8").numpy(),
        "encode_ragged": tf.strings.unicode_encode(
            tf.RaggedTensor.from_row_lengths([97, 233, 98], [1, 2]), "UTF-8").numpy().tolist(),
        "encode_matrix": tf.strings.unicode_encode([[97, 98], [99, 100]], "UTF-8")
        .numpy().tolist(),
        "raw_u8": tf.io.decode_raw(tf.constant("Duck"), tf.uint8).numpy().tolist(),
        "raw_i16": tf.io.decode_raw(["abcd", "efgh"], tf.int16).numpy().tolist(),
        "raw_big": tf.io.decode_raw("abcd", tf.int16, little_endian=False).numpy().tolist(),
        "raw_fixed": tf.io.decode_raw(["ab", "cde"], tf.uint8, fixed_length=4).numpy().tolist(),
        "raw_shape": tf.io.decode_raw(tf.constant([["ab"]]), tf.uint8).shape.as_list(),
    }


# Recorded from TensorFlow 2.21.
STRINGS_EXPECTED = {
    "bytes_split": [b"D", b"u", b"c", b"k"],
    "bytes_split_empty": [0],
    "bytes_split_ragged": [[b"a", b"b"], [b"c"]],
    "decode": [12450, 12498, 12523, 32, 129414],
    "decode_dtype": "int32",
    "decode_bad": [97, 65533, 98],
    "decode_ragged": [[97, 233], [129414]],
    "encode": b"a\xc3\xa9",
    "encode_ragged": [b"a", b"\xc3\xa9b"],
    "encode_matrix": [b"ab", b"cd"],
    "raw_u8": [68, 117, 99, 107],
    "raw_i16": [[25185, 25699], [26213, 26727]],
    "raw_big": [24930, 25444],
    "raw_fixed": [[97, 98, 0, 0], [99, 100, 101, 0]],
    "raw_shape": [1, 1, 2],
}


def test_string_splits_decodes_and_raw_bytes():
    assert _strings_program(tf) == STRINGS_EXPECTED


def test_string_round_trip_through_code_points():
    text = tf.constant(["héllo wörld", "🦆!"])
    points = tf.strings.unicode_decode(text, "UTF-8")
    assert tf.strings.unicode_encode(points, "UTF-8").numpy().tolist() == text.numpy().tolist()


def test_strings_and_raw_bytes_bad_input():
    assert_clear_error(lambda: tf.strings.unicode_decode("a", "latin-1"), ValueError,
                       "unicode_decode", "input_encoding", "latin-1")
    assert_clear_error(lambda: tf.strings.unicode_encode([97], "ascii"), ValueError,
                       "unicode_encode", "output_encoding", "ascii")
    assert_clear_error(lambda: tf.strings.unicode_decode(b"\xff", "UTF-8", errors="strict"),
                       tf.errors.InvalidArgumentError, "unicode_decode")
    assert_clear_error(lambda: tf.strings.bytes_split(tf.constant([1])), TypeError,
                       "bytes_split", "int32")
    assert_clear_error(lambda: tf.io.decode_raw(["ab", "cde"], tf.uint8),
                       tf.errors.InvalidArgumentError, "decode_raw", "same length", "[2, 3]")
    assert_clear_error(lambda: tf.io.decode_raw(["abc"], tf.int16),
                       tf.errors.InvalidArgumentError, "decode_raw", "3", "int16")
    assert_clear_error(lambda: tf.io.decode_raw(["abc"], tf.string),
                       tf.errors.InvalidArgumentError, "decode_raw", "out_type", "string")


def _variables_program(tf):
    on_read = tf.Variable(1.0, synchronization=tf.VariableSynchronization.ON_READ,
                          aggregation=tf.VariableAggregation.MEAN)
    plain = tf.Variable(1.0)
    flexible = tf.Variable(tf.zeros([2, 2]), shape=tf.TensorShape(None))
    flexible.assign(tf.ones([3]))
    rows = tf.Variable(tf.zeros([1, 2]), shape=[None, 2])
    rows.assign(tf.ones([3, 2]))
    return {
        "on_read": (on_read.synchronization.name, on_read.aggregation.name, on_read.trainable),
        "on_read_trainable": tf.Variable(
            1.0, synchronization=tf.VariableSynchronization.ON_READ, trainable=True).trainable,
        "default": (plain.synchronization.name, plain.aggregation.name, plain.trainable),
        "by_number": (tf.Variable(1.0, synchronization=3).synchronization.name,
                      tf.Variable(1.0, aggregation=2).aggregation.name),
        "trainable_none": tf.Variable(1.0, trainable=None).trainable,
        "enum_values": ([m.value for m in tf.VariableSynchronization],
                        [m.value for m in tf.VariableAggregation]),
        "flexible": (flexible.shape.rank, flexible.numpy().tolist()),
        "rows": (rows.shape.as_list(), rows.numpy().shape),
    }


# Recorded from TensorFlow 2.21.
VARIABLES_EXPECTED = {
    "on_read": ("ON_READ", "MEAN", False),
    "on_read_trainable": True,
    "default": ("AUTO", "NONE", True),
    "by_number": ("ON_READ", "MEAN"),
    "trainable_none": True,
    "enum_values": ([0, 1, 2, 3], [0, 1, 2, 3]),
    "flexible": (None, [1.0, 1.0, 1.0]),
    "rows": ([None, 2], (3, 2)),
}


def test_variable_synchronization_aggregation_and_open_shapes():
    assert _variables_program(tf) == VARIABLES_EXPECTED


def test_variable_settings_bad_input():
    assert_clear_error(lambda: tf.Variable(1.0, synchronization="x"), ValueError,
                       "synchronization", "'x'")
    assert_clear_error(lambda: tf.Variable(1.0, aggregation=9), ValueError, "aggregation", "9")
    v = tf.Variable(tf.zeros([1, 2]), shape=[None, 2])
    assert_clear_error(lambda: v.assign(tf.ones([2, 3])), ValueError, "[2, 3]")
    assert_clear_error(lambda: v.assign_add(tf.ones([3, 2])), ValueError, "[3, 2]")
    assert v.numpy().tolist() == [[0.0, 0.0]]  # nothing half-assigned


def test_strings_and_variables_as_tensorflow():
    tf_real = pytest.importorskip("tensorflow")
    assert _strings_program(tf_real) == STRINGS_EXPECTED
    assert _variables_program(tf_real) == VARIABLES_EXPECTED
