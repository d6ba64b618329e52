"""tf.math.divide_no_nan, multiply_no_nan, xdivy, xlogy and xlog1py: values, gradients, second
derivatives and JVPs at their guards (0, NaN, inf operands) equal TensorFlow 2.21's, recorded
below; away from the guards the shared gradient checker covers them (tests/_specs.py)."""

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad as tf

NAN, INF = np.nan, np.inf
X = [0.0, 1.0, 0.0, -2.0, NAN, INF, 3.0]
Y = [0.0, 0.0, 2.0, 4.0, 0.0, 0.0, -1.0]

# Recorded from TensorFlow 2.21 at (X, Y) in float64: the value, the gradients of sum(f) with
# respect to x and y, the gradients of sum(grad_x) + sum(grad_y) (reverse over reverse), and the
# JVP along ones for both operands.
RECORDED = {
    "divide_no_nan": (
        [0.0, 0.0, 0.0, -0.5, 0.0, 0.0, -3.0],
        [0.0, 0.0, 0.5, 0.25, 0.0, 0.0, -1.0], [0.0, 0.0, 0.0, 0.125, 0.0, 0.0, -3.0],
        [0.0, 0.0, -0.25, -0.0625, 0.0, 0.0, -1.0], [0.0, 0.0, -0.25, -0.125, 0.0, 0.0, -7.0],
        [0.0, 0.0, 0.5, 0.375, 0.0, 0.0, -4.0]),
    "multiply_no_nan": (
        [0.0, 0.0, 0.0, -8.0, 0.0, 0.0, -3.0],
        [0.0, 0.0, 2.0, 4.0, 0.0, 0.0, -1.0], [0.0, 1.0, 0.0, -2.0, NAN, INF, 3.0],
        [1.0] * 7, [1.0] * 7,
        [0.0, 1.0, 2.0, 2.0, NAN, INF, 2.0]),
    "xdivy": (
        [0.0, INF, 0.0, -0.5, NAN, INF, -3.0],
        [0.0, INF, 0.0, 0.25, INF, INF, -1.0], [0.0, -INF, 0.0, 0.125, NAN, -INF, -3.0],
        [0.0, -INF, 0.0, -0.0625, -INF, -INF, -1.0], [0.0, NAN, 0.0, -0.125, NAN, NAN, -7.0],
        [0.0, NAN, 0.0, 0.375, NAN, NAN, -4.0]),
    "xlogy": (
        [0.0, -INF, 0.0, -2.772588722239781, NAN, -INF, NAN],
        [0.0, -INF, 0.0, 1.3862943611198906, -INF, -INF, NAN],
        [0.0, INF, 0.0, -0.5, NAN, INF, -3.0],
        [0.0, INF, 0.0, 0.25, INF, INF, -1.0], [0.0, NAN, 0.0, 0.375, NAN, NAN, -4.0],
        [0.0, NAN, 0.0, 0.8862943611198906, NAN, NAN, NAN]),
    "xlog1py": (
        [0.0, 0.0, 0.0, -3.2188758248682006, NAN, NAN, -INF],
        [0.0, 0.0, 0.0, 1.6094379124341003, 0.0, 0.0, -INF],
        [0.0, 1.0, 0.0, -0.4, NAN, INF, INF],
        [0.0, 1.0, 0.0, 0.2, 1.0, 1.0, INF], [0.0, 0.0, 0.0, 0.28, NAN, -INF, NAN],
        [0.0, 1.0, 0.0, 1.2094379124341001, NAN, INF, NAN]),
}


def _derivatives(fn, x, y, lib=tf):
    with lib.GradientTape(persistent=True) as outer:
        outer.watch([x, y])
        with lib.GradientTape(persistent=True) as inner:
            inner.watch([x, y])
            out = fn(x, y)
        gx, gy = inner.gradient(out, [x, y])
        total = lib.reduce_sum(gx) + lib.reduce_sum(gy)
    ggx, ggy = outer.gradient(total, [x, y])
    with lib.autodiff.ForwardAccumulator([x, y], [lib.ones_like(x), lib.ones_like(y)]) as acc:
        jvp = acc.jvp(fn(x, y))
    return [t.numpy() for t in (out, gx, gy, ggx, ggy, jvp)]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # 0 * inf in the rules, as TensorFlow's
@pytest.mark.parametrize("name", sorted(RECORDED))
def test_values_and_derivatives_at_the_guards_match_tensorflow(name):
    x, y = tf.constant(X, tf.float64), tf.constant(Y, tf.float64)
    got = _derivatives(getattr(tf.math, name), x, y)
    for what, have, want in zip(("value", "dx", "dy", "ddx", "ddy", "jvp"), got,
                                RECORDED[name]):
        np.testing.assert_allclose(have, want, rtol=1e-12, err_msg=f"{name} {what}")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divide_no_nan_modes_agree_at_an_empty_segments_lowest_value():
    # The fuzzer's case against a where(...) composite (seed 739 then): x is an empty
    # segment's maximum, the lowest float, and the output goes on through an op whose
    # derivative is 0; reverse mode gave NaN and forward mode 0. Recorded from TensorFlow 2.21.
    data, y = tf.constant([1.0, 2.0], tf.float64), tf.constant([0.5, 0.0, 2.0], tf.float64)

    def f(d, y):
        x = tf.math.unsorted_segment_max(d, tf.constant([0, 0]), num_segments=3)
        q = tf.math.divide_no_nan(x, y)
        return tf.sign(q) + q * 0.0

    with tf.GradientTape() as tape:
        tape.watch([data, y])
        out = f(data, y)
    gd, gy = tape.gradient(out, [data, y])
    with tf.autodiff.ForwardAccumulator([data, y], [tf.ones_like(data), tf.ones_like(y)]) as acc:
        jvp = acc.jvp(f(data, y))
    np.testing.assert_array_equal(out.numpy(), [1.0, 0.0, -1.0])
    np.testing.assert_array_equal(gd.numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(gy.numpy(), [0.0, 0.0, 0.0])
    # TensorFlow's forward mode gives NaN at index 2, from its empty-segment quirk (see
    # docs/fuzzing.md); tapegrad gives the derivative
    np.testing.assert_array_equal(jvp.numpy(), [0.0, 0.0, 0.0])


def test_divide_no_nan_dtypes_and_broadcasting():
    # recorded from TensorFlow 2.21: integers divide as floats (int16 as float32), a Python
    # number takes the tensor's dtype, broadcasting as divide
    out = tf.math.divide_no_nan(tf.constant([1, 2], tf.int16), tf.constant([0, 4], tf.int16))
    assert out.dtype == tf.float32 and out.numpy().tolist() == [0.0, 0.5]
    assert tf.math.divide_no_nan(tf.constant([1, 2]), tf.constant([0, 4])).dtype == tf.float64
    assert tf.math.divide_no_nan(1, tf.constant([0.0, 2.0])).numpy().tolist() == [0.0, 0.5]
    out = tf.math.divide_no_nan(tf.constant([[1.0], [2.0]]), tf.constant([0.0, 2.0]))
    assert out.numpy().tolist() == [[0.0, 0.5], [0.0, 1.0]]
    assert tf.math.divide_no_nan(1.0, 0.0).numpy() == 0.0
    assert tf.math.multiply_no_nan(tf.constant([INF, NAN, 2.0]), 0.0).numpy().tolist() == [
        0.0, 0.0, 0.0]
    assert tf.math.xdivy(tf.constant([0.0, 1.0]), 0.0).numpy().tolist() == [0.0, INF]
    np.testing.assert_allclose(tf.math.xlog1py(1.0, 2.0).numpy(), np.log(3.0), rtol=1e-6)


def test_guarded_ops_trace_and_differentiate_in_a_function():
    x, y = tf.Variable([1.0, 3.0]), tf.Variable([0.0, 2.0])

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.math.divide_no_nan(x, y) + tf.math.xlogy(x, y + 1.0))
        return tape.gradient(loss, [x, y])

    eager = [g.numpy() for g in step.python_function()]
    for got, want in zip(step(), eager):
        np.testing.assert_allclose(got.numpy(), want)


def test_guarded_ops_bad_inputs():
    f32, f64 = tf.constant([1.0]), tf.constant([1.0], tf.float64)
    assert_clear_error(lambda: tf.math.divide_no_nan(f32, f64), TypeError, "divide_no_nan",
                       "float32", "float64")
    assert_clear_error(lambda: tf.math.multiply_no_nan(f32, f64), TypeError,
                       "multiply_no_nan", "float32", "float64")
    assert_clear_error(lambda: tf.math.divide_no_nan(tf.constant([True]), tf.constant([True])),
                       TypeError, "divide_no_nan", "bool")
    for name in ("multiply_no_nan", "xdivy", "xlogy", "xlog1py"):
        assert_clear_error(lambda name=name: getattr(tf.math, name)(tf.constant([1]),
                                                                    tf.constant([2])),
                           tf.errors.InvalidArgumentError, name, "int32")
    assert_clear_error(lambda: tf.math.xlogy(f64, f32), tf.errors.InvalidArgumentError,
                       "xlogy", "float64", "float32")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_guarded_ops_match_tensorflow(tf_keras_real):
    tf_real, _ = tf_keras_real
    rng = np.random.default_rng(0)
    x = np.where(rng.random(40) < 0.3, 0.0, rng.normal(size=40))
    y = np.where(rng.random(40) < 0.3, 0.0, rng.normal(size=40))
    y[:3] = [-1.0, INF, NAN]
    for name in sorted(RECORDED):
        ours = _derivatives(getattr(tf.math, name), tf.constant(x), tf.constant(y))
        theirs = _derivatives(getattr(tf_real.math, name), tf_real.constant(x),
                              tf_real.constant(y), tf_real)
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b, rtol=1e-12, err_msg=name)
