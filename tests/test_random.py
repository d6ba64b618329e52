"""tf.random: one seeded generator, TensorFlow's dtypes and arguments, op-level seeds."""

import numpy as np
import pytest

import tapegrad as tf


def test_set_seed_makes_draws_repeatable():
    tf.random.set_seed(3)
    first = [tf.random.normal([4]).numpy(), tf.random.uniform([2, 2]).numpy()]
    tf.random.set_seed(3)
    second = [tf.random.normal([4]).numpy(), tf.random.uniform([2, 2]).numpy()]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(tf.random.normal([4]).numpy(), first[0])


def test_other_modules_draw_from_the_same_generator():
    tf.random.set_seed(5)
    a = tf.random.generator().standard_normal(3)
    tf.random.set_seed(5)
    np.testing.assert_array_equal(tf.random.generator().standard_normal(3), a)


def test_op_seeds_give_their_own_repeatable_streams():
    tf.random.set_seed(1)
    a1, a2 = tf.random.normal([3], seed=7), tf.random.normal([3], seed=7)
    assert not np.array_equal(a1.numpy(), a2.numpy())
    tf.random.set_seed(1)
    tf.random.normal([10])  # global draws do not shift an op-seeded stream
    np.testing.assert_array_equal(tf.random.normal([3], seed=7).numpy(), a1.numpy())


@pytest.mark.parametrize("dtype", [tf.float16, tf.float32, tf.float64])
def test_dtypes_shapes_and_ranges(dtype):
    n = tf.random.normal([2, 3], mean=5.0, stddev=0.1, dtype=dtype)
    assert n.dtype == dtype and n.shape == (2, 3)
    assert abs(float(tf.reduce_mean(tf.cast(n, tf.float64))) - 5.0) < 0.5
    u = tf.random.uniform([1000], minval=-2.0, maxval=-1.0, dtype=dtype).numpy()
    assert u.dtype == dtype and u.min() >= -2.0 and u.max() <= -1.0
    t = tf.random.truncated_normal([1000], stddev=2.0, dtype=dtype).numpy()
    assert np.abs(t).max() <= 4.0


def test_integer_uniform_needs_maxval():
    u = tf.random.uniform([100], 0, 5, dtype=tf.int32)
    assert u.dtype == tf.int32 and set(np.unique(u.numpy())) <= set(range(5))
    with pytest.raises(ValueError, match="maxval"):
        tf.random.uniform([2], dtype=tf.int32)


def test_mean_and_stddev_tensors_receive_gradients_as_in_tensorflow():
    mean, std = tf.Variable(1.0), tf.Variable(2.0)
    tf.random.set_seed(0)
    with tf.GradientTape() as tape:
        x = tf.random.normal([5], mean=mean, stddev=std)
        y = tf.reduce_sum(x)
    g_mean, g_std = tape.gradient(y, [mean, std])
    assert float(g_mean) == 5.0
    np.testing.assert_allclose(float(g_std), float(tf.reduce_sum((x - 1.0) / 2.0)), rtol=1e-6)


def test_shuffle_permutes_the_first_axis():
    x = np.arange(10)
    s = tf.random.shuffle(x).numpy()
    assert sorted(s.tolist()) == list(range(10))
