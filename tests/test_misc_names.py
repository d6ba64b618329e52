"""tf.identity_n, tf.guarantee_const, tf.timestamp, tf.is_symbolic_tensor and
tf.histogram_fixed_width_bins as TensorFlow 2.21's (values recorded from it, said at each)."""

import time

import numpy as np
from bad_input import assert_clear_error

import tapegrad as tf
from tapegrad import keras


def test_identity_n_passes_values_and_gradients():
    x = tf.constant([1.0, 2.0])
    a, b = tf.identity_n([x, tf.constant(3)])
    assert a.numpy().tolist() == [1.0, 2.0] and b.dtype == tf.int32 and int(b) == 3
    assert [float(t) for t in tf.identity_n(x)] == [1.0, 2.0]  # a tensor's rows, as TF
    with tf.GradientTape() as tape:
        tape.watch(x)
        first, second = tf.identity_n([x, x * 2])
        y = tf.reduce_sum(first * second)
    assert tape.gradient(y, x).numpy().tolist() == [4.0, 8.0]  # recorded from TensorFlow 2.21


def test_guarantee_const_has_no_gradient_as_tensorflow():
    x = tf.constant([1.0, 2.0])
    assert tf.guarantee_const(x).numpy().tolist() == [1.0, 2.0]
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.guarantee_const(x) * x)
    # TensorFlow 2.21: LookupError: gradient registry has no entry for: GuaranteeConst
    assert_clear_error(lambda: tape.gradient(y, x), LookupError, "GuaranteeConst")


def test_timestamp_is_the_time_of_each_call():
    before = time.time()
    stamp = tf.timestamp()
    assert stamp.dtype == tf.float64 and stamp.shape == ()
    assert before <= float(stamp) <= time.time()
    traced = tf.function(lambda: tf.timestamp())
    first = float(traced())
    time.sleep(0.002)
    assert float(traced()) > first  # not the time of the trace


def test_is_symbolic_tensor_only_inside_a_traced_function():
    x = tf.constant([1.0, 2.0])
    # recorded from TensorFlow 2.21 with Keras 3.15: all False eagerly
    for value in (x, np.ones(2), 3.0, tf.Variable(1.0), keras.Input((2,))):
        assert tf.is_symbolic_tensor(value) is False
    seen = []

    @tf.function
    def f(t):
        seen.append(tf.is_symbolic_tensor(t * 2.0))
        return t

    f(x)
    assert seen == [True]


def test_histogram_fixed_width_bins_as_tensorflow():
    # recorded from TensorFlow 2.21
    bins = tf.histogram_fixed_width_bins([-1.0, 0.0, 1.5, 2.0, 5.0, 15], [0.0, 5.0], nbins=5)
    assert bins.dtype == tf.int32 and bins.numpy().tolist() == [0, 0, 1, 2, 4, 4]
    grid = tf.histogram_fixed_width_bins(tf.constant([[-1.0, 0.0], [4.99, 5.0]]), [0.0, 5.0],
                                         nbins=5, dtype=tf.int64)
    assert grid.dtype == tf.int32 and grid.numpy().tolist() == [[0, 0], [4, 4]]  # dtype unused
    with np.errstate(invalid="ignore"):  # NaN cast to int32
        nan = tf.histogram_fixed_width_bins(tf.constant([np.nan, 1.0]), [0.0, 5.0], nbins=5)
    assert nan.numpy().tolist() == [-2147483648, 1]
    assert tf.histogram_fixed_width_bins([1.0], [5.0, 0.0], nbins=5).numpy().tolist() == [4]
    counts = np.bincount(tf.histogram_fixed_width_bins(
        np.linspace(-1, 6, 50), [0.0, 5.0], nbins=5).numpy(), minlength=5)
    assert counts.tolist() == tf.histogram_fixed_width(
        np.linspace(-1, 6, 50), [0.0, 5.0], nbins=5).numpy().tolist()
    traced = tf.function(lambda v: tf.histogram_fixed_width_bins(v, [0.0, 5.0], nbins=5))
    assert traced(tf.constant([0.5, 4.5])).numpy().tolist() == [0, 4]
    assert traced(tf.constant([2.5, -3.0])).numpy().tolist() == [2, 0]


def test_histogram_fixed_width_bins_bad_inputs():
    assert_clear_error(lambda: tf.histogram_fixed_width_bins([1.0], [0.0, 5.0], nbins=0),
                       tf.errors.InvalidArgumentError, "nbins", "0")
    assert_clear_error(lambda: tf.histogram_fixed_width_bins(tf.constant([1, 2]), [0, 10]),
                       tf.errors.InvalidArgumentError, "histogram_fixed_width_bins", "int32")
    assert_clear_error(lambda: tf.histogram_fixed_width_bins([1.0], [0.0, 1.0, 2.0]),
                       tf.errors.InvalidArgumentError, "value_range", "(3,)")
