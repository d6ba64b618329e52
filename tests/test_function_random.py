"""Random ops in tf.function: a draw is an op of the traced program, made anew at every call
(as TensorFlow's stateful random ops), so a function that draws traces once, without falling
back to eager, and its calls draw the numbers the same calls draw eagerly. A NumPy draw in
the function's Python is a constant of the trace, as in TensorFlow."""

import warnings

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras


def _calls(fn, function, n=3, seed=7):
    """`n` calls of `function(fn)` after seeding, as NumPy values."""
    tf.random.set_seed(seed)
    f = function(fn)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*cannot be traced")  # no eager fallback
        out = [tf.nest.map_structure(lambda t: t.numpy(), f(tf.constant(2.0))) for _ in range(n)]
    return out, f


DRAWS = {
    "uniform": lambda x: tf.random.uniform([3], 1.0, 5.0) * x,
    "uniform_int": lambda x: tf.random.uniform([4], 0, 10, dtype=tf.int32),
    "uniform_tensor_bounds": lambda x: tf.random.uniform([3], minval=x, maxval=x + 1.0),
    "normal": lambda x: tf.random.normal([2, 2], mean=x, stddev=0.5),
    "normal_op_seed": lambda x: tf.random.normal([3], seed=3),
    "truncated_normal": lambda x: tf.random.truncated_normal([5]) + x,
    "shuffle": lambda x: tf.random.shuffle(tf.range(6)),
    "categorical": lambda x: tf.random.categorical(tf.math.log([[0.5, 0.3, 0.2]]) * x, 5),
    "gamma": lambda x: tf.random.gamma([3], alpha=x),
    "poisson": lambda x: tf.random.poisson([3], lam=x),
    "dropout": lambda x: tf.nn.dropout(tf.ones([2, 4]) * x, rate=0.5),
}


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_a_traced_draw_draws_anew_at_each_call_as_eagerly(name):
    eager, _ = _calls(DRAWS[name], lambda f: f)
    traced, f = _calls(DRAWS[name], tf.function)
    assert f.experimental_get_tracing_count() == 1
    for a, b in zip(traced, eager):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(traced[0], t) for t in traced[1:])


def test_stateless_draws_repeat_at_every_call():
    traced, _ = _calls(lambda x: tf.random.stateless_normal([4], seed=[1, 2]) * x, tf.function)
    for t in traced[1:]:
        np.testing.assert_array_equal(t, traced[0])


def test_generator_draws_advance_in_a_traced_function():
    def run(function):
        g = tf.random.Generator.from_seed(5)
        f = function(lambda x: g.normal([3]) * x)
        return [f(tf.constant(1.0)).numpy() for _ in range(3)]

    traced, eager = run(tf.function), run(lambda f: f)
    for a, b in zip(traced, eager):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(traced[0], traced[1])


def test_a_numpy_draw_is_a_constant_of_the_trace():
    f = tf.function(lambda x: x + np.random.rand())  # as in TensorFlow: drawn once, at tracing
    assert float(f(tf.constant(0.0))) == float(f(tf.constant(0.0)))


@pytest.mark.parametrize("layer", [
    lambda: keras.layers.Dropout(0.5),
    lambda: keras.layers.GaussianNoise(0.3),
    lambda: keras.layers.GaussianDropout(0.3),
    lambda: keras.layers.AlphaDropout(0.3),
    lambda: keras.layers.SpatialDropout1D(0.5),
])
def test_keras_noise_layers_trace_and_draw_at_each_call(layer):
    def run(function):
        keras.utils.set_random_seed(11)
        lay = layer()
        f = function(lambda x: lay(x, training=True))
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message=".*cannot be traced")
            return [f(tf.ones((2, 3, 4))).numpy() for _ in range(3)]

    traced, eager = run(tf.function), run(lambda f: f)
    for a, b in zip(traced, eager):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(traced[0], traced[1])


def test_fit_with_dropout_traced_matches_eager_bit_for_bit():
    def run(eager):
        keras.utils.set_random_seed(4)
        model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dropout(0.3), keras.layers.Dense(1)])
        model.compile("adam", "mse", run_eagerly=eager)
        x = np.random.RandomState(0).rand(64, 6).astype("float32")
        history = model.fit(x, x.sum(axis=1, keepdims=True), epochs=3, batch_size=16, verbose=0)
        return history.history["loss"], model.get_weights()

    traced, eager = run(False), run(True)
    assert traced[0] == eager[0]
    for a, b in zip(traced[1], eager[1]):
        np.testing.assert_array_equal(a, b)
