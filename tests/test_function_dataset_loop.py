"""`for element in dataset:` inside a tf.function: one loop instruction that iterates the
dataset at every call (TensorFlow's AutoGraph makes it a loop op), its body traced per element
shape (a last, smaller batch), with tapes, variable updates and optimizer steps inside. The
expected numbers are the eager run's (and TensorFlow 2.21's where stated)."""

import warnings

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras


def _no_fallback():
    warnings.filterwarnings("error", message=".*cannot be traced")


def test_sum_over_batches_traces_once_and_replays():
    ds = tf.data.Dataset.range(10).map(lambda x: tf.cast(x, tf.float32) * 2).batch(3)

    @tf.function
    def total(ds):
        s = tf.constant(0.0)
        for b in ds:
            s += tf.reduce_sum(b)
        return s

    with warnings.catch_warnings():
        _no_fallback()
        assert [float(total(ds)) for _ in range(3)] == [90.0] * 3
    assert total.experimental_get_tracing_count() == 1


def _epochs(function):
    w = tf.Variable(1.0)
    xs = np.arange(10, dtype=np.float32)
    ds = tf.data.Dataset.from_tensor_slices((xs, 3 * xs)).batch(4)  # batches 4, 4, 2

    def train_epoch(ds):
        loss = tf.constant(0.0)
        for x, y in ds:
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean((w * x - y) ** 2)
            w.assign_sub(0.01 * tape.gradient(loss, w))
        return loss

    f = function(train_epoch)
    return [float(f(ds)) for _ in range(3)], float(w.numpy()), f


def test_training_epoch_with_a_smaller_last_batch_matches_eager():
    with warnings.catch_warnings():
        _no_fallback()
        traced, w, f = _epochs(tf.function)
    eager, w_eager, _ = _epochs(lambda g: g)
    assert traced == eager and w == w_eager
    assert f.experimental_get_tracing_count() == 1
    # TensorFlow 2.21 prints these (rounded) for the same program
    np.testing.assert_allclose(traced, [34.3374, 0.8233, 0.0197], atol=1e-4)
    np.testing.assert_allclose(w, 3.0074, atol=1e-4)


def test_the_body_prints_once_per_trace(capsys):
    ds = tf.data.Dataset.range(5).batch(2)  # shapes [2] and [1]

    @tf.function
    def f(ds):
        n = tf.constant(0, tf.int64)
        for b in ds:
            print("body")
            n += tf.reduce_sum(b)
        return n

    assert int(f(ds)) == 10 and int(f(ds)) == 10
    assert capsys.readouterr().out == "body\n"


def test_keras_optimizer_and_dict_elements_in_the_loop():
    def run(function):
        keras.utils.set_random_seed(2)
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        opt = keras.optimizers.Adam(0.05)
        feats = {"a": np.linspace(0, 1, 9, dtype=np.float32),
                 "b": np.linspace(1, 2, 9, dtype=np.float32)}
        ds = tf.data.Dataset.from_tensor_slices((feats, np.arange(9, dtype=np.float32)))
        ds = ds.batch(4)

        def epoch(ds):
            last = tf.constant(0.0)
            for features, label in ds:
                x = tf.stack([features["a"], features["b"]], axis=1)
                with tf.GradientTape() as tape:
                    last = tf.reduce_mean((model(x)[:, 0] - label) ** 2)
                grads = tape.gradient(last, model.trainable_variables)
                opt.apply_gradients(zip(grads, model.trainable_variables))
            return last

        f = function(epoch)
        return [float(f(ds)) for _ in range(2)], model.get_weights()

    with warnings.catch_warnings():
        _no_fallback()
        traced = run(tf.function)
    eager = run(lambda g: g)
    assert traced[0] == eager[0]
    for a, b in zip(traced[1], eager[1]):
        np.testing.assert_array_equal(a, b)


def test_an_element_of_a_new_shape_at_a_later_call():
    sizes = [[3, 3]]
    ds = tf.data.Dataset.from_generator(
        lambda: (np.ones(n, np.float32) for n in sizes[0]),
        output_signature=tf.TensorSpec([None], tf.float32))
    scale = tf.Variable(2.0)

    @tf.function
    def f(ds):
        s = tf.constant(0.0)
        for b in ds:
            s += tf.reduce_mean(b) * scale + tf.cast(tf.size(b), tf.float32)
        return s

    assert float(f(ds)) == 10.0
    sizes[0] = [3, 5]  # a shape the trace never saw: its body is traced at this call
    assert float(f(ds)) == 12.0
    assert f.experimental_get_tracing_count() == 1


def test_a_break_ends_the_loop_at_every_call():
    ds = tf.data.Dataset.range(10).batch(3)

    @tf.function
    def until(ds, limit):
        total = tf.constant(0, tf.int64)
        for b in ds:
            if total > limit:
                break
            total += tf.reduce_sum(b)
        return total

    with warnings.catch_warnings():
        _no_fallback()
        got = [int(until(ds, tf.constant(limit, tf.int64))) for limit in (0, 5, 20, 100)]
    assert got == [3, 15, 36, 45]  # TensorFlow 2.21's
    assert until.experimental_get_tracing_count() == 1


def test_a_tape_around_the_loop_runs_eagerly_with_a_warning():
    ds = tf.data.Dataset.range(4).map(lambda x: tf.cast(x, tf.float32))
    w = tf.Variable(2.0)

    @tf.function
    def grad(ds):
        with tf.GradientTape() as tape:
            total = tf.constant(0.0)
            for x in ds:
                total += w * x
        return tape.gradient(total, w)

    with pytest.warns(UserWarning, match="cannot be traced"):
        assert float(grad(ds)) == 6.0
    assert float(grad(ds)) == 6.0
