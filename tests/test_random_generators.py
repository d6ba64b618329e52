"""tf.random.Generator, the stateless ops, categorical, gamma and poisson: shapes, dtypes,
repeatability, distributions (loose statistical bounds on many draws) and TensorFlow's errors.
The numbers themselves differ from TensorFlow's (README, "Where tapegrad differs")."""

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad as tf


def test_generator_from_seed_repeats_and_split_streams_differ():
    a, b = tf.random.Generator.from_seed(7), tf.random.Generator.from_seed(7)
    np.testing.assert_array_equal(a.normal([3]), b.normal([3]))
    assert a.uniform([2], maxval=10, dtype=tf.int32).dtype == tf.int32
    x, y = a.split(2)
    assert not np.array_equal(x.normal([4]), y.normal([4]))
    seeds = a.make_seeds(3)
    assert seeds.shape == (2, 3) and seeds.dtype == tf.int64
    a.reset_from_seed(7)
    np.testing.assert_array_equal(a.normal([3]), tf.random.Generator.from_seed(7).normal([3]))
    t = a.truncated_normal([1000], stddev=2.0)
    assert float(tf.reduce_max(tf.abs(t))) <= 4.0
    assert a.uniform_full_int([2], tf.int64).dtype == tf.int64


def test_global_generator_can_be_replaced():
    g = tf.random.Generator.from_seed(1)
    tf.random.set_global_generator(g)
    assert tf.random.get_global_generator() is g
    with pytest.raises(TypeError, match="Generator"):
        tf.random.set_global_generator(3)


def test_stateless_ops_depend_only_on_the_seed():
    for op in (tf.random.stateless_uniform, tf.random.stateless_normal,
               tf.random.stateless_truncated_normal):
        first = op([2, 3], seed=[1, 2])
        np.testing.assert_array_equal(first, op([2, 3], seed=tf.constant([1, 2])))
        assert not np.array_equal(first, op([2, 3], seed=(2, 1)))
        assert first.dtype == tf.float32 and first.shape == (2, 3)
    ints = tf.random.stateless_uniform([5], seed=[3, 4], minval=2, maxval=5, dtype=tf.int64)
    assert ints.dtype == tf.int64 and set(ints.numpy().tolist()) <= {2, 3, 4}


def test_categorical_follows_the_softmax_of_the_logits():
    tf.random.set_seed(0)
    logits = tf.math.log([[0.2, 0.8], [0.9, 0.1]])
    draws = tf.random.categorical(logits, 4000)
    assert draws.dtype == tf.int64 and draws.shape == (2, 4000)
    share = draws.numpy().mean(axis=1)  # the share of class 1
    np.testing.assert_allclose(share, [0.8, 0.1], atol=0.03)
    assert tf.random.categorical([[0.0, 0.0]], 3, dtype=tf.int32).dtype == tf.int32
    same = tf.random.stateless_categorical(logits, 5, seed=[1, 1])
    np.testing.assert_array_equal(same, tf.random.stateless_categorical(logits, 5, seed=[1, 1]))


def test_gamma_and_poisson_shapes_and_means():
    tf.random.set_seed(0)
    g = tf.random.gamma([20000], [1.0, 3.0], beta=2.0)
    assert g.shape == (20000, 2) and g.dtype == tf.float32
    np.testing.assert_allclose(g.numpy().mean(axis=0), [0.5, 1.5], rtol=0.05)
    p = tf.random.poisson([20000], [1.0, 4.0], dtype=tf.int32)
    assert p.shape == (20000, 2) and p.dtype == tf.int32
    np.testing.assert_allclose(p.numpy().mean(axis=0), [1.0, 4.0], rtol=0.05)


@pytest.mark.parametrize("call, error, mentions", [
    (lambda m: m.random.categorical([1.0, 2.0], 2), "InvalidArgumentError",
     ("categorical", "matrix", "[2]")),
    (lambda m: m.random.categorical([[1.0, 2.0]], -1), "InvalidArgumentError",
     ("categorical", "non-negative", "-1")),
    (lambda m: m.random.stateless_uniform([2], seed=[1]), "InvalidArgumentError",
     ("stateless_uniform", "seed", "[1]")),
    (lambda m: m.random.stateless_normal([2], seed=1), "InvalidArgumentError",
     ("stateless_normal", "seed", "[]")),
])
def test_bad_calls(call, error, mentions):
    assert_clear_error(lambda: call(tf), getattr(tf.errors, error), *mentions)
    tf_real = pytest.importorskip("tensorflow")
    with pytest.raises(getattr(tf_real.errors, error)):
        call(tf_real)
