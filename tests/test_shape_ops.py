"""Shape and creation ops: values and dtypes as TensorFlow gives them, clear errors, batched
cotangents (the generated checks in test_gradients.py cover first and second derivatives)."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import numeric
from tapegrad.errors import InvalidArgumentError

X = np.arange(12.0).reshape(3, 4)


def _jacobian_matches_numerical(fn, x):
    """tape.jacobian runs one backward pass with a batch of cotangents through fn's rules."""
    t = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(t)
        y = fn(t)
    # tf.constant copies: numeric.jacobian perturbs x in place, and a view would follow it
    want = numeric.jacobian(lambda v: fn(tf.constant(v)), x)
    np.testing.assert_allclose(tape.jacobian(y, t).numpy(), want, atol=1e-7)


# -- values ------------------------------------------------------------------------------------

def test_squeeze_and_expand_dims_follow_tensorflow_shapes():
    x = tf.zeros((1, 3, 1))
    assert tf.squeeze(x).shape == (3,)
    assert tf.squeeze(x, axis=-1).shape == (1, 3)
    assert tf.squeeze(x, axis=[0, 2]).shape == (3,)
    assert tf.expand_dims(tf.constant(X), -1).shape == (3, 4, 1)
    assert tf.expand_dims(tf.constant(X), 0).shape == (1, 3, 4)
    assert tf.expand_dims(1.0, 0).shape == (1,)


def test_concat_stack_unstack_split_values():
    a, b = tf.constant(X), tf.constant(-X)
    np.testing.assert_array_equal(tf.concat([a, b], 1).numpy(), np.concatenate([X, -X], 1))
    np.testing.assert_array_equal(tf.concat([a, [[1.0, 2.0, 3.0, 4.0]]], 0).numpy()[-1],
                                  [1, 2, 3, 4])
    np.testing.assert_array_equal(tf.stack([a, b], axis=-1).numpy(), np.stack([X, -X], -1))
    parts = tf.unstack(a, axis=1)
    assert len(parts) == 4 and parts[2].shape == (3,)
    np.testing.assert_array_equal(parts[2].numpy(), X[:, 2])
    assert [p.shape for p in tf.split(a, 2, axis=1)] == [(3, 2), (3, 2)]
    assert [p.shape for p in tf.split(a, [1, -1], axis=1)] == [(3, 1), (3, 3)]


def test_concat_and_stack_of_many_tensors_are_chunked():
    parts = [tf.constant([float(i)]) for i in range(150)]
    np.testing.assert_array_equal(tf.concat(parts, 0).numpy(), np.arange(150.0))
    np.testing.assert_array_equal(tf.stack(parts, 1).numpy(), np.arange(150.0)[None])
    x = tf.Variable(np.arange(150.0))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.stack(tf.unstack(x), 0) * tf.constant(np.arange(150.0)))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), np.arange(150.0))


def test_tile_pad_reverse_values():
    a = tf.constant(X)
    np.testing.assert_array_equal(tf.tile(a, [2, 3]).numpy(), np.tile(X, (2, 3)))
    np.testing.assert_array_equal(tf.pad(a, [[1, 0], [0, 2]], constant_values=3.0).numpy(),
                                  np.pad(X, ((1, 0), (0, 2)), constant_values=3.0))
    # TensorFlow's values for the mirror modes
    np.testing.assert_array_equal(tf.pad(a, [[2, 2], [0, 0]], mode="REFLECT").numpy()[:, 0],
                                  [8, 4, 0, 4, 8, 4, 0])
    np.testing.assert_array_equal(tf.pad(a, [[3, 3], [0, 0]], mode="symmetric").numpy()[:, 0],
                                  [8, 4, 0, 0, 4, 8, 8, 4, 0])
    for pads in ([[0, 3], [1, 0]], [[2, 1], [0, 4]]):  # NumPy's modes have TensorFlow's values
        np.testing.assert_array_equal(tf.pad(a, pads, mode="SYMMETRIC").numpy(),
                                      np.pad(X, pads, mode="symmetric"))
    np.testing.assert_array_equal(tf.pad(a, [[0, 2], [3, 0]], mode="REFLECT").numpy(),
                                  np.pad(X, [[0, 2], [3, 0]], mode="reflect"))
    np.testing.assert_array_equal(tf.reverse(a, [0, -1]).numpy(), X[::-1, ::-1])


def test_gather_family_values_and_shapes():
    a = tf.constant(X)
    np.testing.assert_array_equal(tf.gather(a, [2, 0]).numpy(), X[[2, 0]])
    np.testing.assert_array_equal(tf.gather(a, [[1, 3]], axis=1).numpy(), X[:, [[1, 3]]])
    p = np.arange(24).reshape(2, 3, 4)
    got = tf.gather(p, [[0, 1], [2, 2]], axis=2, batch_dims=1)
    assert got.shape == (2, 3, 2)  # TensorFlow's shape
    np.testing.assert_array_equal(got.numpy()[1], p[1][:, [2, 2]])
    got = tf.gather(p, [[0, 1], [2, 0]], axis=1, batch_dims=1)
    np.testing.assert_array_equal(got.numpy()[1], p[1][[2, 0]])
    np.testing.assert_array_equal(tf.gather_nd(a, [[0, 1], [2, 3]]).numpy(), [1.0, 11.0])
    np.testing.assert_array_equal(tf.gather_nd(a, [[1]]).numpy(), X[[1]])
    np.testing.assert_array_equal(tf.gather_nd(p, [[1], [2]], batch_dims=1).numpy(),
                                  p[[0, 1], [1, 2]])
    np.testing.assert_array_equal(tf.boolean_mask(a, [True, False, True]).numpy(), X[[0, 2]])
    assert tf.boolean_mask(a, [True, False, True, False], axis=1).shape == (3, 2)


def test_where_one_and_three_arguments():
    w = tf.where([True, False, True])
    assert w.dtype == tf.int64 and w.numpy().tolist() == [[0], [2]]
    np.testing.assert_array_equal(tf.where([True, False], 1.0, 2.0).numpy(), [1.0, 2.0])


def test_python_values_take_the_first_ones_dtype_as_tensorflow():
    # Dtypes from TensorFlow 2.21: op-type inference converts the first Python value and gives
    # its dtype to the rest; stack converts a list of Python values as one.
    assert tf.where([True, False], 1.0, 2).dtype == tf.float32
    assert tf.where([True, False], [1.0, 1.0], [2, 2]).dtype == tf.float32
    assert tf.where([True, False], 1, tf.constant([1.0, 2.0], tf.float64)).dtype == tf.float64
    assert tf.where([True, False], np.array([1.0, 2.0]), 3.0).dtype == tf.float64
    assert tf.stack([1, 2.0]).numpy().tolist() == [1.0, 2.0]
    assert tf.stack([1, 2.0]).dtype == tf.float32 and tf.stack([1, 2]).dtype == tf.int32
    assert tf.concat([[1.0], [2]], 0).dtype == tf.float32


def test_boolean_mask_reads_a_numeric_mask_as_non_zero():
    np.testing.assert_array_equal(tf.boolean_mask([1.0, 2.0, 3.0], [1, 0, 2]).numpy(), [1, 3])
    np.testing.assert_array_equal(tf.boolean_mask(X, np.array([0.5, 0.0, -1.0])).numpy(),
                                  X[[0, 2]])


def test_one_hot_as_tensorflow():
    np.testing.assert_array_equal(
        tf.one_hot([0, 2, -1, 5], 3).numpy(), [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])
    assert tf.one_hot([0, 2], 3).dtype == tf.float32
    assert tf.one_hot([0, 2], 3, dtype=tf.int32).dtype == tf.int32
    np.testing.assert_array_equal(tf.one_hot([0, 2], 3, axis=0).numpy(), np.eye(3)[[0, 2]].T)
    np.testing.assert_array_equal(tf.one_hot([1], 2, on_value=5.0, off_value=-1.0).numpy(),
                                  [[-1.0, 5.0]])


def test_shape_size_rank_are_int32_tensors():
    a = tf.constant(X)
    for t, want in ((tf.shape(a), [3, 4]), (tf.size(a), 12), (tf.rank(a), 2), (tf.rank(3.0), 0)):
        assert t.dtype == tf.int32 and np.array_equal(t.numpy(), want)
    assert tf.shape(a, out_type=tf.int64).dtype == tf.int64
    assert tf.zeros(tf.shape(a)).shape == (3, 4)


def test_creation_ops_dtypes_and_values():
    assert tf.fill([2, 2], 3).dtype == tf.int32
    np.testing.assert_array_equal(tf.fill([2], 1.5).numpy(), [1.5, 1.5])
    assert tf.eye(2, 3, batch_shape=[2]).shape == (2, 2, 3) and tf.eye(2).dtype == tf.float32
    assert tf.range(5).dtype == tf.int32
    np.testing.assert_array_equal(tf.range(0, 1, 0.25).numpy(), [0, 0.25, 0.5, 0.75])
    assert tf.range(0, 1, 0.25).dtype == tf.float32 and tf.range(0, 5.0).dtype == tf.float32
    assert tf.range(5, dtype=tf.float64).dtype == tf.float64
    # As TensorFlow: the highest of the arguments' dtypes, a Python float counting as float32.
    assert tf.range(tf.constant(1), 4.5).dtype == tf.float32
    assert tf.range(tf.constant(1, tf.int64), 3).dtype == tf.int64
    assert tf.range(np.float64(1.0), 3).dtype == tf.float64
    assert tf.range(3, 1, -1).numpy().tolist() == [3, 2] and tf.range(0).shape == (0,)
    assert tf.linspace(0, 1, 5).dtype == tf.float64
    lin = tf.linspace(0.0, 1.0, 5)
    assert lin.dtype == tf.float32 and lin.numpy().tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert tf.linspace([0.0, 1.0], [1.0, 3.0], 3, axis=-1).numpy().tolist() == [
        [0.0, 0.5, 1.0], [1.0, 2.0, 3.0]]
    assert tf.zeros_like(tf.Variable([1, 2])).dtype == tf.int32
    assert tf.ones_like(X, dtype=tf.float32).dtype == tf.float32


def test_linspace_broadcasts_ends_of_different_ranks_before_inserting_the_axis():
    # Values recorded from TensorFlow 2.21: the new axis counts in the broadcast ends' rank.
    start = tf.constant([1.0, -2.0])
    assert tf.linspace(start, 2.0, 3, axis=-1).numpy().tolist() == [[1.0, 1.5, 2.0],
                                                                     [-2.0, 0.0, 2.0]]
    assert tf.linspace(start, 2.0, 3, axis=-2).numpy().tolist() == [[1.0, -2.0], [1.5, 0.0],
                                                                     [2.0, 2.0]]
    assert tf.linspace(2.0, tf.ones([2, 1]), 2, axis=2).shape == (2, 1, 2)
    assert tf.linspace(tf.ones([1, 2]), tf.ones([3, 1]), 4, axis=1).shape == (3, 4, 2)


def test_fill_and_linspace_are_differentiable():
    v, lo = tf.Variable(2.0), tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.fill([2, 3], v)) + tf.reduce_sum(tf.linspace(lo, 3.0, 5))
    gv, glo = tape.gradient(y, [v, lo])
    assert float(gv) == 6.0 and float(glo) == pytest.approx(2.5)


# -- batched cotangents (tape.jacobian) ---------------------------------------------------------

@pytest.mark.parametrize("fn", [
    lambda t: tf.concat([t, 2.0 * t], axis=-1),
    lambda t: tf.stack([t, t * t], axis=1),
    lambda t: tf.pad(t, [[1, 0], [0, 2]], constant_values=1.0),
    lambda t: tf.pad(t, [[1, 1], [2, 0]], mode="REFLECT"),
    lambda t: tf.tile(t, [2, 1]),
    lambda t: tf.gather(t, [2, 0, 2], axis=1),
    lambda t: tf.gather_nd(t, [[0, 1], [1, 2], [0, 1]]),
    lambda t: tf.reverse(tf.transpose(t), [0]),
    lambda t: tf.squeeze(tf.expand_dims(t, 1)),
], ids=["concat", "stack", "pad", "pad_reflect", "tile", "gather", "gather_nd", "reverse",
        "squeeze"])
def test_jacobian_through_shape_ops(fn):
    _jacobian_matches_numerical(fn, np.linspace(-1.0, 1.0, 6).reshape(2, 3))


def test_repeated_gather_indices_add_their_gradients():
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(x, [0, 2, 0, 0]))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [3.0, 0.0, 1.0])


# -- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, words", [
    (lambda: tf.concat([tf.zeros((3, 4)), tf.zeros((2, 3))], 0), InvalidArgumentError,
     ["concat", "[3, 4]", "[2, 3]"]),
    (lambda: tf.concat([tf.zeros((3, 4)), tf.zeros((3, 4))], 3), InvalidArgumentError,
     ["concat", "axis 3", "(3, 4)"]),
    (lambda: tf.concat([tf.zeros(2), tf.zeros(2, tf.float64)], 0), InvalidArgumentError,
     ["concat", "float32", "float64"]),
    (lambda: tf.concat([], 0), ValueError, ["concat"]),
    (lambda: tf.stack([tf.zeros((3, 4)), tf.zeros((2, 3))]), InvalidArgumentError,
     ["stack", "[3, 4]", "[2, 3]"]),
    (lambda: tf.squeeze(tf.zeros((3, 4)), axis=0), InvalidArgumentError, ["squeeze", "3"]),
    (lambda: tf.squeeze(tf.zeros((3, 4)), axis=5), InvalidArgumentError, ["squeeze", "axis 5"]),
    (lambda: tf.expand_dims(tf.zeros((3, 4)), 4), InvalidArgumentError, ["expand_dims", "4"]),
    (lambda: tf.split(tf.zeros((3, 4)), 3, axis=1), InvalidArgumentError, ["split", "size 4"]),
    (lambda: tf.split(tf.zeros((3, 4)), [1, 2], axis=1), InvalidArgumentError, ["split"]),
    (lambda: tf.tile(tf.zeros((3, 4)), [2]), InvalidArgumentError, ["tile", "(3, 4)"]),
    (lambda: tf.pad(tf.zeros((3, 4)), [[3, 3], [0, 0]], mode="REFLECT"), InvalidArgumentError,
     ["pad", "REFLECT", "3"]),
    (lambda: tf.pad(tf.zeros((3, 4)), [[1, 1]]), InvalidArgumentError, ["pad", "[2, 2]"]),
    (lambda: tf.reverse(tf.zeros((3, 4)), [3]), InvalidArgumentError, ["reverse", "axis 3"]),
    (lambda: tf.reverse(tf.zeros((3, 4)), [0, -2]), InvalidArgumentError,
     ["reverse", "more than once", "[0, -2]"]),
    (lambda: tf.gather(tf.zeros((3, 4)), [0, 5]), InvalidArgumentError,
     ["gather", "indices[1] = 5", "[0, 3)", "[3, 4]"]),
    (lambda: tf.gather(tf.zeros((3, 4)), [-1]), InvalidArgumentError, ["gather", "-1"]),
    (lambda: tf.gather(tf.zeros((3, 4)), [0.0]), InvalidArgumentError, ["gather", "int"]),
    (lambda: tf.gather_nd(tf.zeros((3, 4)), [[0, 5]]), InvalidArgumentError,
     ["gather_nd", "[0, 5]", "[3, 4]"]),
    (lambda: tf.boolean_mask(tf.zeros((3, 4)), [True, False]), ValueError,
     ["boolean_mask", "[2]", "(3, 4)"]),
    (lambda: tf.transpose(tf.zeros((3, 4)), [0]), InvalidArgumentError, ["transpose", "[0]"]),
    (lambda: tf.reshape(tf.zeros((3, 4)), [5]), InvalidArgumentError, ["reshape", "12", "[5]"]),
    (lambda: tf.broadcast_to(tf.zeros((3, 4)), [2, 4]), InvalidArgumentError,
     ["broadcast_to", "[3, 4]"]),
    (lambda: tf.range(0, 3, 0), InvalidArgumentError, ["range", "delta"]),
    (lambda: tf.range(3, 1), InvalidArgumentError, ["range", "start <= limit", "positive"]),
    (lambda: tf.range(1, 3, -1), InvalidArgumentError, ["range", "start >= limit", "negative"]),
], ids=lambda v: None)
def test_bad_input_raises_a_clear_error(call, error, words):
    with pytest.raises(error) as info:
        call()
    for w in words:
        assert w in str(info.value)


def test_an_error_leaves_the_tape_usable():
    x = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        y = x * x
        with pytest.raises(InvalidArgumentError):
            tf.concat([y, tf.zeros((3, 3))], 0)
        with pytest.raises(InvalidArgumentError):
            tf.gather(y, [7])
        with pytest.raises(InvalidArgumentError):
            y[5]
        z = tf.reduce_sum(tf.concat([y, y], 0))
    np.testing.assert_array_equal(tape.gradient(z, x).numpy(), 4.0 * x.numpy())
