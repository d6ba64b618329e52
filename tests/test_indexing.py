"""`tensor[key]` as TensorFlow allows it, its gradients and its errors."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import numeric
from tapegrad.errors import InvalidArgumentError

X = np.arange(24.0).reshape(2, 3, 4)


@pytest.mark.parametrize("key", [
    1, -1, (0, 2), (1, -1, 3), slice(None, None, -1), (slice(None), slice(None, None, -2)),
    (Ellipsis, 1), (0, Ellipsis), (None, 0), (Ellipsis, None), (1, slice(1, None), None, 2),
    (slice(5, None),), (slice(-10, 10, 3),), (slice(None), slice(2, 0, -1)),
], ids=repr)
def test_basic_keys_give_numpy_values(key):
    got = tf.constant(X)[key]
    np.testing.assert_array_equal(got.numpy(), X[key])
    assert got.shape == X[key].shape


def test_newaxis_and_scalar_tensor_indices():
    t = tf.constant(X)
    assert t[tf.newaxis, ..., 1].shape == (1, 2, 3)
    np.testing.assert_array_equal(t[tf.constant(1)].numpy(), X[1])
    np.testing.assert_array_equal(t[tf.constant(1, tf.int64), :, tf.constant(-1)].numpy(),
                                  X[1, :, -1])
    np.testing.assert_array_equal(t[:, tf.constant(1):tf.constant(3)].numpy(), X[:, 1:3])
    np.testing.assert_array_equal(t[np.int64(1)].numpy(), X[1])
    np.testing.assert_array_equal(t[:, tf.Variable(2)].numpy(), X[:, 2])


def test_a_list_key_is_a_tuple_of_indices_as_in_tensorflow():
    assert float(tf.constant(X)[[0, 1, 2]]) == X[0, 1, 2]


def test_a_bool_tensor_key_is_a_mask():
    m = X > 10
    np.testing.assert_array_equal(tf.constant(X)[tf.constant(m)].numpy(), X[m])


def test_a_numpy_bool_array_key_is_a_mask_as_in_tensorflow():
    m = X > 10
    np.testing.assert_array_equal(tf.constant(X)[m].numpy(), X[m])
    np.testing.assert_array_equal(tf.constant(X)[np.array([False, True])].numpy(), X[1:])


def test_variables_index_like_tensors():
    v = tf.Variable(X)
    np.testing.assert_array_equal(v[1, ::-1].numpy(), X[1, ::-1])


@pytest.mark.parametrize("key", [
    [0, [0, 1]], np.array([0, 1]), 1.0, True, (0, "a"),
], ids=["nested list", "array", "float", "bool", "string"])
def test_other_keys_raise_type_error_as_tensorflow(key):
    with pytest.raises(TypeError, match="valid indices"):
        tf.constant(X)[key]


def test_vector_tensor_index_raises_type_error_and_suggests_nothing_silent():
    with pytest.raises(TypeError):
        tf.constant(X)[tf.constant([0, 1])]


@pytest.mark.parametrize("key", [5, (0, 3), (0, 0, 0, 0), (Ellipsis, Ellipsis),
                                 slice(None, None, 0)], ids=repr)
def test_out_of_range_and_malformed_keys_raise_invalid_argument(key):
    with pytest.raises(InvalidArgumentError, match=r"getitem.*\[2, 3, 4\]"):
        tf.constant(X)[key]


def test_gradient_scatters_into_zeros():
    v = tf.Variable(X)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(v[1, ::-2, 1:]) + tf.reduce_sum(v[0, 0])
    want = np.zeros_like(X)
    want[1, ::-2, 1:] = 1.0
    want[0, 0] += 1.0
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), want)


@pytest.mark.parametrize("key", [(1, slice(None, None, -1)), (Ellipsis, None, 2), (0, 1, 2),
                                 (tf.constant(1), slice(0, 2))], ids=repr)
def test_jacobian_through_getitem(key):
    t = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(t)
        y = t[key] * t[key]
    want = numeric.jacobian(lambda v: np.square(v[tuple(
        int(k) if isinstance(k, tf.Tensor) else k for k in key)]), X)
    np.testing.assert_allclose(tape.jacobian(y, t).numpy(), want, atol=1e-5)


def test_second_derivative_through_getitem():
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x[::-1][0] ** 3
        g = inner.gradient(y, x)
    np.testing.assert_array_equal(outer.gradient(g, x).numpy(), [0.0, 0.0, 18.0])
