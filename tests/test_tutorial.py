"""The tutorial this project grew from, with TensorFlow 2's answers."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras
from tapegrad.numeric import derivative
from tapegrad.numeric import gradient as approximate_gradient


def f(x):
    return 3 * x**2 + 2 * x - 1


def g(x1, x2):
    return (x1 + 5) * x2**2


def test_central_difference_derivative_of_f_at_1():
    assert derivative(f, 1.0, eps=1e-4) == pytest.approx(8.0, abs=1e-9)


def test_approximate_partials_of_g():
    assert approximate_gradient(g, 2.0, 3.0) == pytest.approx([9.0, 42.0], abs=1e-5)


def test_tape_gradient_is_float32_scalar_nine():
    x1, x2 = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as tape:
        z = g(x1, x2)
    dz = tape.gradient(z, x1)
    assert isinstance(dz, tf.Tensor)
    assert dz.dtype == tf.float32 and dz.shape == ()
    assert dz.numpy() == 9.0


def test_second_gradient_call_on_non_persistent_tape_raises():
    x1, x2 = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as tape:
        z = g(x1, x2)
    tape.gradient(z, x1)
    with pytest.raises(RuntimeError, match="non-persistent") as err:
        tape.gradient(z, x2)
    assert "persistent=True" in str(err.value)
    assert "only be used to compute one set of gradients" in str(err.value)


def test_persistent_tape_answers_every_call():
    x1, x2 = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        z = g(x1, x2)
    assert float(tape.gradient(z, x1)) == 9.0
    assert float(tape.gradient(z, x2)) == 42.0
    assert float(tape.gradient(z, x1)) == 9.0


def test_list_of_sources_gives_a_list():
    x1, x2 = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as tape:
        z = g(x1, x2)
    grads = tape.gradient(z, [x1, x2])
    assert isinstance(grads, list)
    assert [float(d) for d in grads] == [9.0, 42.0]


def test_list_of_targets_is_summed():
    x = tf.Variable(5.0)
    with tf.GradientTape() as tape:
        z1, z2 = 3 * x, x**2
    assert float(tape.gradient([z1, z2], x)) == 13.0


def test_nested_tapes_give_hessian_with_none_where_no_path():
    x1, x2 = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            z = g(x1, x2)
        jac = inner.gradient(z, [x1, x2])
    hess = [outer.gradient(d, [x1, x2]) for d in jac]
    assert hess[0][0] is None
    assert [float(hess[0][1]), float(hess[1][0]), float(hess[1][1])] == [6.0, 6.0, 14.0]


def _descend(update):
    x = tf.Variable(0.0)
    for _ in range(100):
        with tf.GradientTape() as tape:
            y = f(x)
        update(tape.gradient(y, x), x)
    return x


def test_assign_sub_descent_reaches_minus_a_third():
    x = _descend(lambda grad, x: x.assign_sub(0.1 * grad))
    assert x.dtype == tf.float32
    # TensorFlow 2.21 gives exactly this float32 value.
    assert x.numpy() == np.float32(-0.3333333134651184)


def test_sgd_with_old_lr_name_warns_and_reaches_the_same_point():
    with pytest.warns(DeprecationWarning, match="learning_rate"):
        optimizer = keras.optimizers.SGD(lr=0.1)
    x = _descend(lambda grad, x: optimizer.apply_gradients([(grad, x)]))
    assert x.numpy() == np.float32(-0.3333333134651184)
    assert int(optimizer.iterations.numpy()) == 100


def test_sgd_learning_rate_name_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        optimizer = keras.optimizers.SGD(learning_rate=0.1)
    x = _descend(lambda grad, x: optimizer.apply_gradients([(grad, x)]))
    assert x.numpy() == pytest.approx(-1 / 3, abs=1e-6)


def test_python_m_tapegrad_runs_the_tutorial():
    out = subprocess.run([sys.executable, "-m", "tapegrad"], capture_output=True, text=True,
                         check=True).stdout
    assert "7.99999999" in out
    assert "dz/dx1 = tapegrad.Tensor(9.0, shape=(), dtype=float32)" in out
    assert "RuntimeError: A non-persistent GradientTape" in out
    assert "[[None, 6.0], [6.0, 14.0]]" in out
    assert out.count("numpy=-0.3333333>") == 2
    assert out.count("\n== ") >= 9
