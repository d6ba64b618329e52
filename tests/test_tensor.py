"""Tensor and Variable: printing, dtypes, NumPy interop, operators, immutability."""

import numpy as np
import pytest

import tapegrad as tf


def test_str_and_repr_follow_tensorflow_layout():
    t = tf.constant(9.0)
    assert str(t) == "tapegrad.Tensor(9.0, shape=(), dtype=float32)"
    assert repr(t) == "<tapegrad.Tensor: shape=(), dtype=float32, numpy=9.0>"
    m = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    assert repr(m) == (
        "<tapegrad.Tensor: shape=(2, 2), dtype=float32, numpy=\n"
        "array([[1., 2.],\n       [3., 4.]], dtype=float32)>"
    )
    assert str(m) == "tapegrad.Tensor(\n[[1. 2.]\n [3. 4.]], shape=(2, 2), dtype=float32)"


def test_variable_repr():
    v = tf.Variable(-1 / 3)
    assert repr(v) == "<tapegrad.Variable 'Variable:0' shape=() dtype=float32, numpy=-0.33333334>"
    assert tf.Variable(1.0, name="w").name == "w:0"


def test_python_values_take_tensorflow_dtypes():
    assert tf.constant(1.0).dtype == tf.float32
    assert tf.constant(1).dtype == tf.int32
    assert tf.constant([1, 2]).dtype == tf.int32
    assert tf.constant(True).dtype == tf.bool
    assert tf.constant(np.float64(1.0)).dtype == tf.float64
    assert tf.constant(np.arange(3)).dtype == tf.int64
    assert tf.Variable(2).dtype == tf.int32
    assert tf.Variable(2.0, dtype=tf.float64).dtype == tf.float64


def test_python_scalars_take_the_tensor_dtype():
    x = tf.constant(2.0, dtype=tf.float64)
    assert (x * 3).dtype == tf.float64
    assert (3.5 + x).dtype == tf.float64
    assert (tf.constant(2) + 3).dtype == tf.int32
    h = tf.constant([1.0], dtype=tf.float16)
    assert (h * 0.5).dtype == tf.float16


def test_mixing_float32_and_float64_raises_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="add.*float32.*float64"):
        tf.constant(1.0) + tf.constant(1.0, dtype=tf.float64)
    assert issubclass(tf.errors.InvalidArgumentError, ValueError)


def test_float_into_int_tensor_raises_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="add"):
        tf.constant(1) + 2.5


def test_incompatible_shapes_name_the_op_and_shapes():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"add.*\[2\].*\[3\]"):
        tf.constant([1.0, 2.0]) + tf.constant([1.0, 2.0, 3.0])


def test_numpy_interop():
    t = tf.constant([[1.0, 2.0]])
    assert isinstance(t.numpy(), np.ndarray)
    assert np.asarray(t).dtype == np.float32
    assert float(tf.constant(2.5)) == 2.5
    assert int(tf.constant(3)) == 3
    assert t.shape == (1, 2) and t.ndim == 2
    assert t.shape.as_list() == [1, 2]
    assert np.sum(t) == 3.0
    assert isinstance(np.float64(2.0) * t, tf.Tensor)
    assert f"{tf.constant(0.5):.3f}" == "0.500"


def test_tensor_is_immutable():
    t = tf.constant([1.0, 2.0])
    with pytest.raises(TypeError, match="Variable.*assign"):
        t[0] = 5.0
    with pytest.raises(ValueError):
        t.numpy()[0] = 5.0


def test_operators():
    a, b = tf.constant([6.0, -7.0]), tf.constant([4.0, 2.0])
    np.testing.assert_allclose((a + b).numpy(), [10, -5])
    np.testing.assert_allclose((a - b).numpy(), [2, -9])
    np.testing.assert_allclose((a * b).numpy(), [24, -14])
    np.testing.assert_allclose((a / b).numpy(), [1.5, -3.5])
    np.testing.assert_allclose((a // b).numpy(), [1, -4])
    np.testing.assert_allclose((a % b).numpy(), [2, 1])
    np.testing.assert_allclose((b**2).numpy(), [16, 4])
    np.testing.assert_allclose((2**b).numpy(), [16, 4])
    np.testing.assert_allclose((-a).numpy(), [-6, 7])
    np.testing.assert_allclose(abs(a).numpy(), [6, 7])
    assert (a < b).numpy().tolist() == [False, True]
    assert (a >= b).numpy().tolist() == [True, False]
    assert (a == a).numpy().all()
    m = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose((m @ m).numpy(), [[7, 10], [15, 22]])
    np.testing.assert_allclose(m[1].numpy(), [3, 4])
    np.testing.assert_allclose(m[:, ::-1].numpy(), [[2, 1], [4, 3]])
    assert (tf.constant(7) / tf.constant(2)).dtype == tf.float64


def test_variable_takes_part_in_ops_and_assigns():
    v = tf.Variable([1.0, 2.0])
    np.testing.assert_allclose((v * 2).numpy(), [2, 4])
    np.testing.assert_allclose((2 * v).numpy(), [2, 4])
    v.assign([3.0, 4.0])
    v.assign_add([1.0, 1.0])
    v.assign_sub(tf.constant([0.5, 0.5]))
    np.testing.assert_allclose(v.numpy(), [3.5, 4.5])
    assert isinstance(v.read_value(), tf.Tensor)
    assert v.trainable and not tf.Variable(1.0, trainable=False).trainable
    with pytest.raises(ValueError, match="shape"):
        v.assign([1.0, 2.0, 3.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="float64"):
        v.assign(tf.constant([1.0, 2.0], dtype=tf.float64))


def test_assign_does_not_change_values_read_before():
    v = tf.Variable([1.0, 2.0])
    before = v.read_value()
    v.assign_add([1.0, 1.0])
    np.testing.assert_allclose(before.numpy(), [1, 2])


def test_rank_64_tensors_work_to_second_order():
    # NumPy's largest rank: creation, elementwise ops, reductions, both modes, second order
    x = tf.ones([1] * 62 + [2, 3]) * 0.5
    assert tf.reduce_sum(x, axis=-1).shape.rank == 63
    x64 = np.random.default_rng(0).uniform(-1.0, 1.0, size=[1] * 62 + [2, 3])
    tf.check_grads(lambda t: tf.reduce_sum(tf.sin(t) * t, axis=-1), [x64], order=2)


def _nested(depth):
    value = 1.0
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("make", [
    lambda: tf.zeros([1] * 70), lambda: tf.ones([1] * 70), lambda: tf.fill([1] * 70, 2.0),
    lambda: tf.random.normal([1] * 70), lambda: tf.random.uniform([1] * 70),
    lambda: tf.constant(_nested(70)), lambda: tf.Variable(_nested(70)),
    lambda: tf.reshape(tf.ones([1]), [1] * 70), lambda: tf.broadcast_to(1.0, [1] * 70),
    lambda: tf.expand_dims(tf.ones([1] * 64), 0), lambda: tf.stack([tf.ones([1] * 64)] * 2),
    lambda: tf.one_hot(tf.zeros([1] * 64, tf.int32), 2),
], ids=["zeros", "ones", "fill", "normal", "uniform", "constant", "Variable", "reshape",
        "broadcast_to", "expand_dims", "stack", "one_hot"])
def test_rank_above_numpy_limit_says_so(make):
    # TensorFlow allows rank 254; tapegrad holds NumPy arrays, which stop at 64 dimensions.
    with pytest.raises(tf.errors.UnimplementedError, match="at most 64 dimensions") as info:
        make()
    assert "tensor of rank" in str(info.value)
