"""The numerical oracle, tf.test.compute_gradient's layout and check_grads' reports."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import numeric
from tapegrad._core.primitive import Primitive


def test_derivative_and_gradient():
    assert numeric.derivative(np.sin, 0.3) == pytest.approx(np.cos(0.3), rel=1e-6)
    assert numeric.gradient(lambda a, b: a * b**2, 2.0, 3.0) == pytest.approx([9.0, 12.0])


def test_jacobian_shape_and_values():
    jac = numeric.jacobian(lambda v: np.outer(v, v), np.array([1.0, 2.0]))
    assert jac.shape == (2, 2, 2)
    assert jac[0, 1].tolist() == pytest.approx([2.0, 1.0])


def test_richardson_is_more_accurate_than_one_central_difference():
    exact = np.cos(1.0)
    rough = abs(numeric.derivative(np.sin, 1.0, eps=1e-2) - exact)
    fine = abs(numeric.richardson(np.sin, 1.0, eps=1e-2) - exact)
    assert fine < rough * 1e-4 and fine < 1e-12


def test_complex_step_is_exact():
    f = lambda x: np.exp(x) * np.sin(x)  # noqa: E731
    exact = np.exp(0.5) * (np.sin(0.5) + np.cos(0.5))
    assert numeric.complex_step(f, 0.5) == pytest.approx(exact, rel=1e-15)


def test_compute_gradient_layout_is_y_size_by_x_size():
    # As TensorFlow 2.21's tf.test.compute_gradient: row j is the gradient of y_j.
    def f(x):
        return tf.stack([x[0] * x[1], x[0], x[1] ** 3])

    x = np.array([1.5, 2.0])
    theoretical, numerical = tf.test.compute_gradient(f, [tf.constant(x)])
    want = numeric.jacobian(lambda v: np.asarray(f(tf.constant(v))), x)  # (3, 2)
    assert len(theoretical) == 1 and theoretical[0].shape == (3, 2)
    np.testing.assert_allclose(theoretical[0], want, rtol=1e-7)
    np.testing.assert_allclose(numerical[0], want, rtol=1e-5)
    t2, n2 = tf.test.compute_gradient(
        lambda a, b: tf.reduce_sum(a * b, axis=0),
        [tf.constant(np.ones((2, 3))), tf.constant(np.full((2, 3), 2.0))])
    assert t2[0].shape == (3, 6) and t2[1].shape == (3, 6)
    np.testing.assert_allclose(n2[0], t2[0], atol=1e-9)


def test_compute_gradient_keeps_the_argument_dtype_and_perturbs_in_it():
    theoretical, numerical = tf.test.compute_gradient(tf.exp, [np.array([[0.5, 1.0]], np.float32)])
    assert theoretical[0].dtype == np.float32 and numerical[0].dtype == np.float32
    np.testing.assert_allclose(numerical[0], theoretical[0], rtol=1e-3)


def test_compute_gradient_unconnected_argument_has_a_zero_jacobian():
    theoretical, numerical = tf.test.compute_gradient(lambda a, b: a * 2.0,
                                                      [np.array([1.0, 2.0]), 3.0])
    assert theoretical[1].shape == (2, 1)
    np.testing.assert_array_equal(theoretical[1], np.zeros((2, 1)))
    np.testing.assert_array_equal(numerical[1], np.zeros((2, 1)))


def test_compute_gradient_of_complex_counts_real_and_imaginary_parts():
    theoretical, numerical = tf.test.compute_gradient(
        lambda z: z * tf.constant(2.0 + 0j, tf.complex128), [np.array([1.0 + 1.0j])])
    assert theoretical[0].shape == (2, 2) and theoretical[0].dtype == np.float64
    np.testing.assert_allclose(theoretical[0], numerical[0], atol=1e-9)


def _wrong_square():
    return Primitive("wrong_square", np.square, vjp=lambda g, out, x: g * 3.0 * x,
                     jvp=lambda t, out, x: t * 2.0 * x)


def test_check_grads_reports_argument_element_values_and_error():
    prim = _wrong_square()
    with pytest.raises(AssertionError) as err:
        tf.check_grads(lambda x: prim(x), [np.array([1.0, 2.0])], order=1, modes=("rev",))
    message = str(err.value)
    assert "argument 0" in message and "element (0,)" in message
    assert "tape gives" in message and "numerical" in message
    assert "relative error 0.5 " in message  # 3x against 2x


def test_check_grads_catches_a_wrong_forward_rule():
    prim = Primitive("wrong_jvp", np.square, vjp=lambda g, out, x: g * 2.0 * x,
                     jvp=lambda t, out, x: t * x)
    with pytest.raises(AssertionError, match="forward-mode"):
        tf.check_grads(lambda x: prim(x), [np.array([1.0, 2.0])], order=1, modes=("fwd",))


def test_check_grads_catches_a_wrong_second_derivative():
    # The first derivative is right, but the rule uses raw NumPy, so it is a constant to an
    # outer tape and the second derivative vanishes.
    prim = Primitive("opaque_square", np.square,
                     vjp=lambda g, out, x: g * tf.constant(2.0 * x.numpy()),
                     jvp=lambda t, out, x: t * tf.constant(2.0 * x.numpy()))
    tf.check_grads(lambda x: prim(x), [np.array([1.0, 2.0])], order=1)
    with pytest.raises(AssertionError, match="order 2"):
        tf.check_grads(lambda x: prim(x), [np.array([1.0, 2.0])], order=2)


def test_check_grads_passes_a_composition():
    tf.check_grads(lambda x, y: tf.reduce_sum(tf.tanh(x @ y) * x @ y), [
        np.random.randn(2, 3), np.random.randn(3, 3)], order=2)
