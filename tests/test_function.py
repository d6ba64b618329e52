"""tf.function runs eagerly with the same results and accepts TensorFlow's options."""

import numpy as np
import pytest

import tapegrad as tf


def test_bare_decorator_and_options():
    @tf.function
    def f(x):
        return x * x

    @tf.function(jit_compile=True, reduce_retracing=True, autograph=False,
                 experimental_relax_shapes=True)
    def g(x, y=1.0):
        return x + y

    assert float(f(tf.constant(3.0))) == 9.0
    assert float(g(tf.constant(1.0), y=2.0)) == 3.0
    assert f.__name__ == "f" and f.python_function(2.0) == 4.0
    assert float(f.get_concrete_function(tf.TensorSpec([], tf.float32))(tf.constant(2.0))) == 4.0


def test_gradients_flow_through_a_function():
    w = tf.Variable(2.0)

    @tf.function
    def loss(x):
        return w * x * x

    with tf.GradientTape() as tape:
        y = loss(tf.constant(3.0))
    assert float(tape.gradient(y, w)) == 9.0


def test_methods_bind_self():
    class Model:
        scale = 3.0

        @tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
        def __call__(self, x):
            return x * self.scale

    np.testing.assert_array_equal(Model()([1.0, 2.0]).numpy(), [3.0, 6.0])


def test_input_signature_converts_and_checks_arguments():
    @tf.function(input_signature=[tf.TensorSpec(shape=[None, 2], dtype=tf.float32)])
    def f(x):
        return x

    assert f([[1, 2]]).dtype == tf.float32
    with pytest.raises(TypeError, match="input_signature"):
        f(tf.zeros((2, 3)))
    with pytest.raises(TypeError, match="input_signature"):
        f(tf.zeros((1, 2), tf.float64))
    with pytest.raises(TypeError, match="positional"):
        f(tf.zeros((1, 2)), tf.zeros((1, 2)))


def test_tensor_spec():
    spec = tf.TensorSpec([None, 3], tf.float32, name="x")
    assert spec.shape == (None, 3) and spec.dtype == tf.float32
    assert spec.is_compatible_with(tf.zeros((5, 3)))
    assert not spec.is_compatible_with(tf.zeros((5, 2)))
    assert spec == tf.TensorSpec([None, 3], tf.float32, name="x")
    assert tf.TensorSpec.from_tensor(tf.zeros(2)).shape == (2,)
