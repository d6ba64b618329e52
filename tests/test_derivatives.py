"""Jacobians, forward mode, custom gradients and stop_gradient."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import numeric


def _tanh_layer():
    rng = np.random.default_rng(1)
    w, b = rng.standard_normal((6, 5)), rng.standard_normal((6, 1))
    return w, b, lambda x: tf.tanh(tf.constant(w) @ tf.reshape(x, (5, 1)) + b)


@pytest.mark.parametrize("pfor", [True, False])
def test_jacobian_matches_numerical_with_tensorflow_shape(pfor):
    w, b, f = _tanh_layer()
    x = tf.constant(np.linspace(-1.0, 1.0, 5))
    with tf.GradientTape(persistent=not pfor) as tape:  # a loop of passes needs persistent
        tape.watch(x)
        y = f(x)
    jac = tape.jacobian(y, x, experimental_use_pfor=pfor)
    assert jac.shape == (6, 1, 5)
    want = numeric.jacobian(lambda v: np.tanh(w @ v.reshape(5, 1) + b), x.numpy())
    np.testing.assert_allclose(jac.numpy(), want, atol=1e-8)


def test_jacobian_of_structure_and_unconnected():
    x, z = tf.Variable([1.0, 2.0]), tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x * x
    jac = tape.jacobian(y, {"x": x, "z": z})
    np.testing.assert_allclose(jac["x"].numpy(), [[2.0, 0.0], [0.0, 4.0]])
    assert jac["z"] is None
    with tf.GradientTape() as tape:
        y = x * x
    zero = tape.jacobian(y, z, unconnected_gradients="zero")
    assert zero.shape == (2,) and not zero.numpy().any()


def test_hessian_through_vectorized_jacobian():
    def f(x):
        return tf.reduce_sum(tf.sin(x) * x**2) + tf.reduce_sum(x) ** 2

    x = tf.Variable(np.linspace(-1.0, 1.0, 7))
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = f(x)
        g = inner.gradient(y, x)
    hess = outer.jacobian(g, x)

    def grad(v):
        return np.sin(v) * 2 * v + np.cos(v) * v**2 + 2 * np.sum(v)

    np.testing.assert_allclose(hess.numpy(), numeric.jacobian(grad, x.numpy()), atol=1e-7)


def test_batch_jacobian_shape_and_values():
    rng = np.random.default_rng(2)
    w = rng.standard_normal((4, 3))
    x = tf.constant(rng.standard_normal((5, 4)))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.tanh(x @ w)
    bj = tape.batch_jacobian(y, x)
    assert bj.shape == (5, 3, 4)
    for r in range(5):
        want = numeric.jacobian(lambda v: np.tanh(v @ w), x.numpy()[r])
        np.testing.assert_allclose(bj.numpy()[r], want, atol=1e-8)


def test_jacobian_counts_as_the_one_call_of_a_non_persistent_tape():
    x = tf.Variable([1.0])
    with tf.GradientTape() as tape:
        y = x * x
    tape.jacobian(y, x)
    with pytest.raises(RuntimeError, match="non-persistent"):
        tape.jacobian(y, x)


def test_forward_accumulator_jvp_and_unconnected():
    x = tf.constant([1.0, 2.0])
    u = tf.constant(3.0)
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.5])) as acc:
        y = tf.reduce_sum(x * x)
        w = u * 2.0
    assert float(acc.jvp(y)) == 4.0
    assert acc.jvp(w) is None
    assert float(acc.jvp(w, unconnected_gradients=tf.UnconnectedGradients.ZERO)) == 0.0


def test_forward_over_reverse_gives_hessian_vector_product():
    x = tf.Variable(np.array([0.3, -0.4, 0.5]))
    v = np.array([1.0, 2.0, -1.0])
    with tf.autodiff.ForwardAccumulator(x, tf.constant(v)) as acc:
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.sin(x) * x**2) + tf.reduce_sum(x) ** 2
        g = tape.gradient(y, x)
    hvp = acc.jvp(g)
    xs = x.numpy()
    hess = np.diag(2 * np.sin(xs) + 4 * xs * np.cos(xs) - xs**2 * np.sin(xs)) + 2.0
    np.testing.assert_allclose(hvp.numpy(), hess @ v, rtol=1e-12)


def test_reverse_over_forward():
    x = tf.Variable(0.5, dtype=tf.float64)
    with tf.GradientTape() as tape:
        with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0, tf.float64)) as acc:
            y = tf.sin(x) * x
        dy = acc.jvp(y)
    d2 = tape.gradient(dy, x)
    assert float(d2) == pytest.approx(2 * np.cos(0.5) - 0.5 * np.sin(0.5), rel=1e-12)


def test_forward_accumulator_rejects_bad_tangents():
    with pytest.raises(ValueError, match="shape"):
        tf.autodiff.ForwardAccumulator(tf.constant([1.0, 2.0]), tf.constant([1.0]))


@tf.custom_gradient
def _log1pexp(x):
    e = tf.exp(x)

    def grad(dy):
        return dy * (1 - 1 / (1 + e))

    return tf.math.log(1 + e), grad


def test_custom_gradient_is_used_and_nests():
    x = tf.constant(100.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = _log1pexp(x)
    assert float(tape.gradient(y, x)) == 1.0
    x = tf.constant(2.0, dtype=tf.float64)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = _log1pexp(x)
        g = inner.gradient(y, x)
    assert float(outer.gradient(g, x)) == pytest.approx(np.exp(2) / (1 + np.exp(2)) ** 2)


def test_custom_gradient_with_variables():
    v = tf.Variable(3.0)

    @tf.custom_gradient
    def scale(x):
        def grad(dy, variables=None):
            return dy * v, [dy * x * 10.0]

        return x * v, grad

    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = scale(x)
    gx, gv = tape.gradient(y, [x, v])
    assert (float(gx), float(gv)) == (3.0, 20.0)


def test_custom_gradient_errors_name_the_function():
    @tf.custom_gradient
    def twice(x, y):
        return x * y, lambda dy: dy * y  # one gradient for two arguments

    x, y = tf.constant(1.0), tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        z = twice(x, y)
    with pytest.raises(ValueError, match="twice returned 1 gradients.*2 tensor argument"):
        tape.gradient(z, [x, y])
    with pytest.raises(TypeError, match="keyword arguments"):
        twice(x, y=y)
    with tf.GradientTape() as tape:  # the failure left nothing broken
        tape.watch(x)
        w = x * 3.0
    assert float(tape.gradient(w, x)) == 3.0


def test_stop_gradient_blocks_reverse_and_forward():
    x = tf.constant(3.0)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.stop_gradient(x * x) + x
        g = tape.gradient(y, x)
    assert float(g) == 1.0
    assert float(acc.jvp(y)) == 1.0


def test_recompute_grad_gives_the_same_gradient():
    def f(a):
        return tf.sin(a) * a

    x = tf.constant(2.0, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.recompute_grad(f)(x)
    assert float(tape.gradient(y, x)) == pytest.approx(np.cos(2) * 2 + np.sin(2))


def test_loop_jacobian_gives_zero_rows_for_unconnected_outputs():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.stack([x[0] * 3.0, tf.constant(5.0)])
    for pfor in (True, False):
        np.testing.assert_array_equal(
            tape.jacobian(y, x, experimental_use_pfor=pfor).numpy(), [[3.0, 0.0], [0.0, 0.0]])


@pytest.mark.parametrize("op", [tf.sqrt, tf.math.rsqrt, tf.math.reciprocal])
def test_second_derivative_through_an_exactly_zero_cotangent(op):
    # z = 0 makes the cotangent reaching `op` exactly zero; the derivative of op's gradient with
    # respect to that cotangent must survive it, in both modes (found by the fuzzer: TensorFlow
    # gives it, tapegrad gave 0).
    tf.check_grads(lambda x, z: op(x) * z, [np.array([4.0, 0.5]), np.zeros(2)], order=2)
