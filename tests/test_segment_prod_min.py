"""tf.math.segment_prod / unsorted_segment_prod (values and TensorFlow's gradient at zeros: one
zero in a segment gets the product of the others, two get 0) and segment_min /
unsorted_segment_min (empty segments, tied minima), recorded from TensorFlow 2.21; elsewhere the
shared gradient checker covers them (tests/_specs.py)."""

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad as tf

DATA = [[2.0, 0.0], [3.0, 0.0], [0.0, 5.0], [4.0, 7.0], [-1.0, 2.0], [6.0, 0.5]]
WEIGHTS = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]


def _run(fn):
    d = tf.constant(DATA, tf.float64)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(d)
        with tf.GradientTape() as inner:
            inner.watch(d)
            out = fn(d)
            loss = tf.reduce_sum(out * tf.constant(WEIGHTS, tf.float64))
        grad = inner.gradient(loss, d)
        second = tf.reduce_sum(grad * grad)
    with tf.autodiff.ForwardAccumulator(d, tf.ones_like(d)) as acc:
        jvp = acc.jvp(fn(d))
    return out.numpy(), grad.numpy(), outer.gradient(second, d).numpy(), jvp.numpy()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # 0 / 0 in the second derivative
def test_unsorted_segment_prod_at_zeros_matches_tensorflow():
    out, grad, second, jvp = _run(lambda d: tf.math.unsorted_segment_prod(
        d, tf.constant([0, 0, 0, 2, 2, -1]), 4))
    # recorded from TensorFlow 2.21 (segment 1 and 3 empty: 1; segment 0's column 1 has two
    # zeros, so its gradient is 0; row 5 is dropped)
    np.testing.assert_array_equal(out, [[0.0, 0.0], [1.0, 1.0], [-4.0, 14.0], [1.0, 1.0]])
    np.testing.assert_array_equal(grad, [[0.0, 0.0], [0.0, 0.0], [6.0, 0.0], [-5.0, 12.0],
                                         [20.0, 42.0], [0.0, 0.0]])
    np.testing.assert_allclose(second, [[np.nan, np.nan], [np.nan, np.nan], [np.nan, 0.0],
                                        [200.0, 504.0], [-50.0, 144.0], [0.0, 0.0]], rtol=1e-12)
    np.testing.assert_array_equal(jvp, [[6.0, 0.0], [0.0, 0.0], [3.0, 9.0], [0.0, 0.0]])


def test_segment_prod_sorted_ids():
    out, grad, _, _ = _run(lambda d: tf.math.segment_prod(d, tf.constant([0, 0, 0, 2, 2, 3])))
    # recorded from TensorFlow 2.21
    np.testing.assert_array_equal(out, [[0.0, 0.0], [1.0, 1.0], [-4.0, 14.0], [6.0, 0.5]])
    np.testing.assert_array_equal(grad, [[0.0, 0.0], [0.0, 0.0], [6.0, 0.0], [-5.0, 12.0],
                                         [20.0, 42.0], [7.0, 8.0]])
    assert tf.math.segment_prod(tf.constant([1, 2, 3]), tf.constant([0, 0, 1])).numpy(
        ).tolist() == [2, 3]
    two_ids = tf.math.unsorted_segment_prod(tf.constant([[1, 2], [3, 4]]),
                                            tf.constant([[0, 1], [1, 1]]), 2)
    assert two_ids.dtype == tf.int32 and two_ids.numpy().tolist() == [1, 24]


def test_segment_min_values_and_tied_gradients():
    data = [[2.0, 0.0], [3.0, 0.0], [1.0, 5.0], [4.0, 7.0], [-1.0, 2.0], [6.0, 0.5]]
    d = tf.constant(data, tf.float64)
    highest = np.finfo(np.float64).max
    for fn, want_out, want_grad in (
        # recorded from TensorFlow 2.21: an empty unsorted segment is the dtype's highest, an
        # empty sorted one 0; the tie (0, 0) in segment 0's column 1 splits the gradient
        (lambda x: tf.math.unsorted_segment_min(x, tf.constant([0, 0, 0, 2, 2, -1]), 4),
         [[1.0, 0.0], [highest, highest], [-1.0, 2.0], [highest, highest]],
         [[0.0, 1.0], [0.0, 1.0], [1.0, 0.0], [0.0, 0.0], [5.0, 6.0], [0.0, 0.0]]),
        (lambda x: tf.math.segment_min(x, tf.constant([0, 0, 0, 2, 2, 3])),
         [[1.0, 0.0], [0.0, 0.0], [-1.0, 2.0], [6.0, 0.5]],
         [[0.0, 1.0], [0.0, 1.0], [1.0, 0.0], [0.0, 0.0], [5.0, 6.0], [7.0, 8.0]]),
    ):
        with tf.GradientTape() as tape:
            tape.watch(d)
            out = fn(d)
            finite = tf.where(out == highest, tf.zeros_like(out), out)
            loss = tf.reduce_sum(finite * tf.constant(WEIGHTS, tf.float64))
        np.testing.assert_array_equal(out.numpy(), want_out)
        np.testing.assert_array_equal(tape.gradient(loss, d).numpy(), want_grad)
    ints = tf.math.unsorted_segment_min(tf.constant([3, 1]), tf.constant([1, 1]), 3)
    assert ints.numpy().tolist() == [2147483647, 1, 2147483647]


def test_segment_prod_in_a_traced_function():
    step = tf.function(lambda d, ids: tf.math.unsorted_segment_prod(d, ids, 2))
    assert step(tf.constant([2.0, 3.0, 4.0]), tf.constant([1, 0, 1])).numpy().tolist() == [
        3.0, 8.0]
    assert step(tf.constant([5.0, 3.0, 4.0]), tf.constant([0, 0, -1])).numpy().tolist() == [
        15.0, 1.0]


def test_segment_prod_bad_inputs():
    data = tf.constant(DATA)
    assert_clear_error(lambda: tf.math.segment_prod(data, tf.constant([0, 1, 0, 2, 2, 3])),
                       tf.errors.InvalidArgumentError, "segment_prod", "not increasing")
    assert_clear_error(lambda: tf.math.unsorted_segment_prod(
        data, tf.constant([0, 0, 0, 2, 2, -1]), 2), tf.errors.InvalidArgumentError,
        "unsorted_segment_prod", "out of range", "[0, 2)")
    assert_clear_error(lambda: tf.math.segment_prod(tf.constant([True]), tf.constant([0])),
                       tf.errors.InvalidArgumentError, "segment_prod", "bool")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_segment_prod_matches_tensorflow(tf_keras_real):
    tf_real, _ = tf_keras_real
    rng = np.random.default_rng(0)
    data = np.where(rng.random((12, 3)) < 0.25, 0.0, rng.normal(size=(12, 3)))
    ids = rng.integers(-1, 4, size=12)
    for lib in (tf, tf_real):
        d = lib.constant(data)
        with lib.GradientTape() as tape:
            tape.watch(d)
            out = lib.math.unsorted_segment_prod(d, lib.constant(ids), 4)
        lib_grad = tape.gradient(out, d)
        if lib is tf:
            ours = (out.numpy(), lib_grad.numpy())
        else:
            theirs = (out.numpy(), lib_grad.numpy())
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12)
