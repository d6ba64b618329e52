"""tf.sort, tf.argsort, tf.math.top_k, tf.unique and tf.unique_with_counts: values, tie order and
gradients (derivatives of every order are checked by the generated checks of `sort` and
`top_k`; here, where each gradient lands). Expected values were recorded from TensorFlow 2.21;
where it is installed, the same calls are compared with it."""

import numpy as np
import pytest

import tapegrad as tf

X = [[3.0, 1.0, 3.0, 2.0], [0.0, 5.0, 5.0, -1.0]]


def test_sort_both_directions_and_axes():
    x = tf.constant(X)
    np.testing.assert_array_equal(tf.sort(x), [[1, 2, 3, 3], [-1, 0, 5, 5]])
    np.testing.assert_array_equal(tf.sort(x, direction="DESCENDING"),
                                  [[3, 3, 2, 1], [5, 5, 0, -1]])
    np.testing.assert_array_equal(tf.sort(x, axis=0), [[0, 1, 3, -1], [3, 5, 5, 2]])
    assert tf.sort(tf.constant([3, 1, 2], tf.uint8), direction="DESCENDING").numpy().tolist() == [
        3, 2, 1]


def test_argsort_ties_keep_the_lower_index_first():
    x = tf.constant(X)
    np.testing.assert_array_equal(tf.argsort(x, direction="DESCENDING"),
                                  [[0, 2, 3, 1], [1, 2, 0, 3]])
    np.testing.assert_array_equal(tf.argsort(x, axis=0), [[1, 0, 0, 1], [0, 1, 1, 0]])
    out = tf.argsort([2, 1, 2, 1])
    assert out.dtype == tf.int32 and out.numpy().tolist() == [1, 3, 0, 2]
    # the smallest integer sorts last when descending (a negation would overflow it)
    small = np.iinfo(np.int32).min
    assert tf.argsort(tf.constant([small, 0, 7]), direction="DESCENDING").numpy().tolist() == [
        2, 1, 0]


def test_sort_gradient_lands_where_each_value_came_from():
    v = tf.Variable(X)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.sort(v) * tf.constant([1.0, 2.0, 3.0, 4.0]))
    np.testing.assert_array_equal(tape.gradient(y, v), [[3, 1, 4, 2], [2, 3, 4, 1]])


def test_top_k_values_indices_and_gradient():
    v = tf.Variable(X)
    with tf.GradientTape() as tape:
        out = tf.math.top_k(v, 2)
        y = tf.reduce_sum(out.values * tf.constant([10.0, 1.0]))
    values, indices = out
    np.testing.assert_array_equal(values, [[3, 3], [5, 5]])
    assert indices.dtype == tf.int32 and indices.numpy().tolist() == [[0, 2], [1, 2]]
    np.testing.assert_array_equal(tape.gradient(y, v), [[10, 0, 1, 0], [0, 10, 1, 0]])
    assert tf.nn.top_k is tf.math.top_k
    assert tf.math.top_k(v, 1, index_type=tf.int64).indices.dtype == tf.int64


def test_unique_keeps_first_occurrence_order():
    y, idx = tf.unique(tf.constant([4, 1, 4, 2, 1]))
    assert y.numpy().tolist() == [4, 1, 2] and idx.numpy().tolist() == [0, 1, 0, 2, 1]
    out = tf.unique_with_counts(tf.constant([4, 1, 4, 2, 1]), out_idx=tf.int64)
    assert out.y.numpy().tolist() == [4, 1, 2]
    assert out.idx.dtype == tf.int64 and out.count.dtype == tf.int64
    assert out.count.numpy().tolist() == [2, 2, 1]
    words = tf.unique(tf.constant(["b", "a", "b"])).y
    assert words.numpy().tolist() == [b"b", b"a"]


def test_executing_eagerly_is_false_only_while_tracing():
    assert tf.executing_eagerly()
    seen = []

    @tf.function
    def f(x):
        seen.append(tf.executing_eagerly())
        with tf.init_scope():
            seen.append(tf.executing_eagerly())
        return x + 1

    f(tf.constant(1.0))
    assert seen == [False, True]


@pytest.mark.parametrize("call", [
    lambda m, x: m.sort(x, axis=0, direction="DESCENDING"),
    lambda m, x: m.argsort(x, axis=-1),
    lambda m, x: m.math.top_k(x, 3).indices,
    lambda m, x: m.unique(m.reshape(x, [-1])).idx,
])
def test_against_tensorflow(call):
    tf_real = pytest.importorskip("tensorflow")
    x = np.random.default_rng(0).integers(0, 4, (3, 5)).astype(np.float32)  # many ties
    np.testing.assert_array_equal(call(tf, tf.constant(x)), call(tf_real, tf_real.constant(x)))


@pytest.mark.parametrize("fn", [
    lambda x: tf.sort(x), lambda x: tf.sort(x, direction="DESCENDING"),
    lambda x: tf.math.top_k(x, k=2).values, lambda x: tf.cast(tf.math.top_k(x, k=2).indices,
                                                              x.dtype),
    lambda x: tf.cast(tf.argsort(x), x.dtype), lambda x: tf.unique(x).y,
])
def test_a_traced_function_sorts_every_input_by_its_own_values(fn):
    # found by the differential fuzzer: the order of the first input was replayed for the next
    traced = tf.function(fn)
    for values in ([3.0, 1.0, 2.0], [1.0, 3.0, 2.0], [2.0, 2.0, 1.0]):
        x = tf.constant(values)
        np.testing.assert_array_equal(traced(x).numpy(), fn(x).numpy())
