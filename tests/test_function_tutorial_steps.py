"""tf.function on the steps that TensorFlow's tutorials write: a subclassed model built by its
first traced call, sparse cross-entropy on the function's own labels, max pooling, metrics and
custom gradients all trace into one program (no eager fallback) and give, call after call, the
numbers the same steps give eagerly."""

import warnings

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras


class _Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.conv = keras.layers.Conv2D(4, 3, activation="relu")
        self.pool = keras.layers.MaxPooling2D()
        self.flatten = keras.layers.Flatten()
        self.d1 = keras.layers.Dense(16, activation="relu")
        self.d2 = keras.layers.Dense(10)

    def call(self, x):
        return self.d2(self.d1(self.flatten(self.pool(self.conv(x)))))


def _quickstart(function):
    """The advanced quickstart's train and test steps, wrapped by `function`, run on three
    batches; returns what they computed."""
    keras.utils.set_random_seed(3)
    model = _Net()
    loss_object = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = keras.optimizers.Adam()
    train_loss, test_loss = keras.metrics.Mean(), keras.metrics.Mean()
    train_acc = keras.metrics.SparseCategoricalAccuracy()
    test_acc = keras.metrics.SparseCategoricalAccuracy()

    def train_step(images, labels):
        with tf.GradientTape() as tape:
            predictions = model(images, training=True)
            loss = loss_object(labels, predictions)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        train_loss(loss)
        train_acc(labels, predictions)

    def test_step(images, labels):
        predictions = model(images, training=False)
        test_loss(loss_object(labels, predictions))
        test_acc(labels, predictions)

    train_step, test_step = function(train_step), function(test_step)
    rng = np.random.RandomState(0)
    for _ in range(3):
        x = rng.rand(8, 10, 10, 1).astype("float32")
        y = rng.randint(0, 10, 8)
        train_step(x, y)
        test_step(x, y)
    results = [m.result().numpy() for m in (train_loss, train_acc, test_loss, test_acc)]
    return results, model.get_weights(), (train_step, test_step)


def test_quickstart_steps_trace_once_and_match_eager_bit_for_bit():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "cannot be traced" fallback
        traced, traced_weights, steps = _quickstart(tf.function)
    # TensorFlow 2.21 counts [2, 1]: the first train step makes variables (the model's
    # weights, the optimizer's state), so it is traced again, which must make none
    assert [s.experimental_get_tracing_count() for s in steps] == [2, 1]
    eager, eager_weights, _ = _quickstart(lambda f: f)
    assert [float(v) for v in traced] == [float(v) for v in eager]
    for a, b in zip(traced_weights, eager_weights):
        np.testing.assert_array_equal(a, b)


def test_sparse_crossentropy_checks_each_calls_labels():
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    f = tf.function(lambda y, logits: loss(y, logits))
    logits = tf.constant(np.zeros((2, 3), np.float32))
    np.testing.assert_allclose(float(f(tf.constant([0, 2]), logits)), np.log(3), rtol=1e-6)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"label value of 3 .*\[0, 3\)"):
        f(tf.constant([0, 3]), logits)  # the replay's own check
    assert f.experimental_get_tracing_count() == 1


def test_custom_gradient_in_a_function_computes_each_calls_value():
    @tf.custom_gradient
    def square(x):
        def grad(g):
            return g * 2 * x
        return x * x, grad

    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = square(x)
        return y, tape.gradient(y, x)

    for v in (1.0, 2.0, 3.0):
        y, g = f(tf.constant(v))
        assert (float(y), float(g)) == (v * v, 2 * v)
    assert f.experimental_get_tracing_count() == 1


def test_forwards_that_look_at_values_still_trace():
    # argmax skipping NaN, integer division refusing zero and max pooling's gradient test
    # their inputs' values inside their NumPy forwards, which every replay runs again
    @tf.function
    def f(x, k):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.nn.max_pool2d(x, 2, 2, "VALID"))
        return tf.argmax(tf.reshape(x, [-1])), tf.constant(14) // k, tape.gradient(y, x)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for seed in (0, 1):
            x = np.random.RandomState(seed).rand(1, 4, 4, 1).astype("float32")
            index, half, grad = f(tf.constant(x), tf.constant(7))
            assert int(index) == int(np.argmax(x)) and int(half) == 2
            assert float(tf.reduce_sum(grad)) == 4.0
    with pytest.raises(tf.errors.InvalidArgumentError, match="division by zero"):
        f(tf.constant(x), tf.constant(0))
    assert f.experimental_get_tracing_count() == 1


def test_explaining_runs_functions_eagerly_and_restores_the_setting():
    calls = []

    @tf.function
    def f(x):
        calls.append(1)
        return x * 2

    f(tf.constant(1.0))
    with tf.debug.explaining():
        assert tf.config.functions_run_eagerly()
        f(tf.constant(1.0))
        f(tf.constant(1.0))
    assert not tf.config.functions_run_eagerly()
    assert len(calls) == 3  # the trace, then two eager calls inside the block


def test_where_with_one_argument_computes_each_calls_indices():
    f = tf.function(lambda m: tf.where(m))
    for mask in ([True, False, True], [False, True, True]):
        np.testing.assert_array_equal(f(tf.constant(mask)).numpy(), np.argwhere(mask))
    assert f.experimental_get_tracing_count() == 1


def test_traced_fit_metrics_see_the_mask_of_the_predictions():
    # the metric update is one instruction of the traced step: it is given, at every call,
    # the predictions with the mask an Embedding(mask_zero=True) attached to them
    rng = np.random.default_rng(0)
    x = rng.integers(0, 5, size=(64, 6))
    x[:, 4:] = 0
    y = rng.standard_normal((64, 6, 1)).astype(np.float32)

    def run(eager):
        keras.utils.set_random_seed(1)
        model = keras.Sequential([keras.Input((6,)), keras.layers.Embedding(5, 3, mask_zero=True),
                                  keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse", metrics=["mae"], run_eagerly=eager)
        return model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False).history

    assert run(False) == run(True)
