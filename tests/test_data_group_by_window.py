"""tf.data.Dataset.group_by_window; expected values recorded from TensorFlow 2.21."""

import pytest

import tapegrad as tf
from tests.bad_input import assert_clear_error

VALUES = [5, 3, 1, 2, 8, 13, 21, 4, 7]


def _program(tf):
    ds = tf.data.Dataset.from_tensor_slices(VALUES)
    by4 = ds.group_by_window(lambda x: tf.cast(x % 4, tf.int64),
                             lambda k, w: w.batch(3).map(lambda b: (k, b)), window_size=2)
    by3 = ds.group_by_window(lambda x: tf.cast(x % 3, tf.int64), lambda k, w: w.batch(5),
                             window_size_func=lambda k: k + 2)
    return {
        "by4": [(int(k), b.tolist()) for k, b in by4.as_numpy_iterator()],
        "by3": [b.tolist() for b in by3.as_numpy_iterator()],
        "spec": (by3.element_spec.shape.as_list(), by3.element_spec.dtype.name),
        "cardinality": int(by3.cardinality()),
    }


# Recorded from TensorFlow 2.21: full windows as they fill, then the rest by ascending key.
EXPECTED = {
    "by4": [(1, [5, 1]), (1, [13, 21]), (0, [8, 4]), (3, [3, 7]), (2, [2])],
    "by3": [[3, 21], [1, 13, 4], [7], [5, 2, 8]],
    "spec": ([None], "int32"),
    "cardinality": -2,
}


def test_group_by_window_as_tensorflow():
    assert _program(tf) == EXPECTED


def test_group_by_window_bad_input():
    ds = tf.data.Dataset.from_tensor_slices(VALUES)
    assert_clear_error(lambda: ds.group_by_window(lambda x: tf.cast(x, tf.int64),
                                                  lambda k, w: w), ValueError, "window_size")
    assert_clear_error(lambda: ds.group_by_window(lambda x: tf.cast(x, tf.int64),
                                                  lambda k, w: 3, window_size=2),
                       TypeError, "group_by_window", "reduce_func")
    bad_key = ds.group_by_window(lambda x: x, lambda k, w: w, window_size=2)
    assert_clear_error(lambda: list(bad_key), tf.errors.InvalidArgumentError,
                       "group_by_window", "int64", "int32")


def test_group_by_window_matches_tensorflow():
    tf_real = pytest.importorskip("tensorflow")
    assert _program(tf_real) == EXPECTED
