"""Elementwise ops on RaggedTensors, as TensorFlow's ragged dispatch (the ragged tensor guide's
first examples): the op on the flat values, with the rows of the ragged argument. Expected
values were recorded from TensorFlow 2.21."""

import numpy as np
import pytest

import tapegrad as tf
from tests.bad_input import assert_clear_error


def _digits():
    return tf.ragged.constant([[3, 1, 4, 1], [], [5, 9, 2], [6], []])


def test_elementwise_ops_keep_the_rows():
    digits = _digits()
    assert tf.add(digits, 3).to_list() == [[6, 4, 7, 4], [], [8, 12, 5], [9], []]
    assert tf.math.square(digits).to_list() == [[9, 1, 16, 1], [], [25, 81, 4], [36], []]
    assert tf.equal(digits, 1).to_list() == [[False, True, False, True], [], [False] * 3,
                                             [False], []]
    assert tf.where(digits > 2, digits, 0).to_list() == [[3, 0, 4, 0], [], [5, 9, 0], [6], []]
    assert tf.abs(-digits).to_list() == digits.to_list()
    cast = tf.cast(digits, tf.float32)
    assert cast.dtype == tf.float32 and cast.to_list() == [[3.0, 1.0, 4.0, 1.0], [], [5.0, 9.0,
                                                           2.0], [6.0], []]
    per_row = tf.add(digits, tf.constant([[1], [2], [3], [4], [5]]))
    assert per_row.to_list() == [[4, 2, 5, 2], [], [8, 12, 5], [10], []]
    assert tf.maximum(digits, digits * 2).to_list() == (digits * 2).to_list()
    assert (digits >= 4).to_list() == [[False, False, True, False], [], [True, True, False],
                                       [True], []]


def test_gradients_flow_to_the_values():
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        rows = tf.RaggedTensor.from_row_splits(x, [0, 2, 3])
        y = tf.reduce_sum(tf.math.square(rows) * 2.0)
    np.testing.assert_array_equal(tape.gradient(y, x), [4.0, 8.0, 12.0])


def test_other_ops_and_mismatched_rows_say_so():
    digits = _digits()
    assert_clear_error(lambda: tf.shape(digits), tf.errors.InvalidArgumentError, "shape",
                       "RaggedTensor", "to_tensor")
    other = tf.ragged.constant([[1], [2]])
    assert_clear_error(lambda: tf.add(digits, other), tf.errors.InvalidArgumentError,
                       "row lengths")


def test_against_tensorflow():
    real = pytest.importorskip("tensorflow")
    rows = [[3.0, 1.0], [], [5.0]]
    for op in ("square", "exp", "negative", "sigmoid"):
        ours = getattr(tf.math, op)(tf.ragged.constant(rows)).to_list()
        theirs = getattr(real.math, op)(real.ragged.constant(rows)).to_list()
        np.testing.assert_allclose(np.concatenate([np.asarray(r) for r in ours] + [[]]),
                                   np.concatenate([np.asarray(r) for r in theirs] + [[]]),
                                   rtol=1e-6)


def test_string_ops_on_ragged_strings():
    words = tf.ragged.constant([["So", "long"], ["thanks", "for", "all", "the", "fish"]])
    # recorded from TensorFlow 2.21
    assert tf.strings.substr(words, 0, 2).to_list() == [[b"So", b"lo"],
                                                        [b"th", b"fo", b"al", b"th", b"fi"]]
    assert tf.strings.length(input=words).to_list() == [[2, 4], [6, 3, 3, 3, 4]]
    assert tf.strings.upper(words).to_list()[0] == [b"SO", b"LONG"]
    pairs = tf.ragged.constant([["a", "b"], ["c"]])
    assert tf.strings.join([pairs, pairs], separator="-").to_list() == [[b"a-a", b"b-b"],
                                                                         [b"c-c"]]
    numbers = tf.strings.to_number(string_tensor=tf.ragged.constant([["1.5"], ["2", "3"]]))
    assert numbers.to_list() == [[1.5], [2.0, 3.0]]
    assert_clear_error(lambda: tf.strings.join([pairs, words]), tf.errors.InvalidArgumentError,
                       "row lengths")


def test_slices_within_rows_and_the_bounding_shape():
    digits = _digits()
    # recorded from TensorFlow 2.21
    assert digits[:, :2].to_list() == [[3, 1], [], [5, 9], [6], []]
    assert digits[:, -2:].to_list() == [[4, 1], [], [9, 2], [6], []]
    assert digits[1:3, 1:].to_list() == [[], [9, 2]]
    assert digits.bounding_shape().numpy().tolist() == [5, 4]
    assert int(digits.bounding_shape(axis=1)) == 4
    split = tf.strings.split(tf.constant(["What makes you think she is a witch?",
                                          "She turned me into a newt."]), " ")
    assert split.bounding_shape().numpy().tolist() == [2, 8]
    assert_clear_error(lambda: digits[:, 0], tf.errors.InvalidArgumentError, "rt[:, :2]")


def test_ragged_range_and_boolean_mask():
    # recorded from TensorFlow 2.21
    assert tf.ragged.range([3, 0, 2]).to_list() == [[0, 1, 2], [], [0, 1]]
    assert tf.ragged.range([3, 0, 2]).dtype == tf.int32
    assert tf.ragged.range([0, 5], [3, 8], 2).to_list() == [[0, 2], [5, 7]]
    assert tf.ragged.range([1.5], [3.0], 0.5).to_list() == [[1.5, 2.0, 2.5]]
    assert tf.ragged.range(3, dtype=tf.int64).dtype == tf.int64
    dense = tf.ragged.boolean_mask(tf.constant([[1, 2, 3], [4, 5, 6]]),
                                   tf.constant([[True, False, True], [False, False, True]]))
    assert dense.to_list() == [[1, 3], [6]]
    ragged = tf.ragged.boolean_mask(tf.ragged.constant([[1, 2, 3], [4]]),
                                    tf.ragged.constant([[True, False, True], [False]]))
    assert ragged.to_list() == [[1, 3], []]
    flat = tf.ragged.boolean_mask(tf.constant([1, 2, 3]), tf.constant([True, False, True]))
    assert flat.numpy().tolist() == [1, 3]
    assert_clear_error(lambda: tf.ragged.range([1], [3], 0), tf.errors.InvalidArgumentError,
                       "deltas")
    assert_clear_error(
        lambda: tf.ragged.boolean_mask(tf.constant([[1, 2]]), tf.constant([True, False])),
        tf.errors.InvalidArgumentError, "mask")


def test_tile_and_map_fn_on_rows():
    digits = _digits()
    # recorded from TensorFlow 2.21
    assert tf.tile(digits, [1, 2]).to_list() == [[3, 1, 4, 1, 3, 1, 4, 1], [], [5, 9, 2, 5, 9, 2],
                                                 [6, 6], []]
    assert tf.tile(digits, [2, 1]).to_list() == digits.to_list() * 2
    assert tf.map_fn(tf.math.square, digits).to_list() == [[9, 1, 16, 1], [], [25, 81, 4],
                                                           [36], []]
    sums = tf.map_fn(tf.reduce_sum, digits, fn_output_signature=tf.int32)
    assert sums.numpy().tolist() == [9, 0, 16, 6, 0]
    assert_clear_error(lambda: tf.map_fn(tf.reduce_sum, digits), ValueError,
                       "fn_output_signature")
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        rows = tf.RaggedTensor.from_row_splits(x, [0, 2, 3])
        y = tf.reduce_sum(tf.tile(rows, [1, 3]) * 1.0) + tf.reduce_sum(
            tf.map_fn(lambda r: r * r, rows).flat_values)
    np.testing.assert_array_equal(tf.convert_to_tensor(tape.gradient(y, x)), [5.0, 7.0, 9.0])


def test_gather_rows():
    digits = _digits()
    # recorded from TensorFlow 2.21
    assert tf.gather(digits, [0, 2, 2]).to_list() == [[3, 1, 4, 1], [5, 9, 2], [5, 9, 2]]
    assert tf.gather(digits, tf.constant([4, 1])).to_list() == [[], []]
    for bad in ([9], [-1]):
        assert_clear_error(lambda bad=bad: tf.gather(digits, bad), tf.errors.InvalidArgumentError,
                           "out of range")
    assert_clear_error(lambda: tf.gather(digits, [[0]]), tf.errors.InvalidArgumentError, "1-D")
