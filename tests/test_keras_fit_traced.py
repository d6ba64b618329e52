"""fit, evaluate and predict run traced steps by default, as Keras: Python side effects at
tracing only, compile(run_eagerly=True) for eager steps, the same numbers bit for bit."""

import numpy as np

import tapegrad as tf
from tapegrad import keras


class Noisy(keras.layers.Layer):
    """A layer whose call() has a Python side effect: it counts its calls."""

    calls = 0

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 1), initializer="glorot_uniform")

    def call(self, x):
        Noisy.calls += 1
        return tf.matmul(x, self.w)


def _data():
    rng = np.random.default_rng(0)
    return (rng.standard_normal((40, 3)).astype(np.float32),
            rng.standard_normal((40, 1)).astype(np.float32))


def _model(run_eagerly):
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              Noisy()])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"], run_eagerly=run_eagerly)
    return model


def test_fit_traces_its_steps_and_runs_python_at_tracing_only():
    x, y = _data()
    model = _model(False)
    Noisy.calls = 0
    model.fit(x, y, batch_size=16, epochs=3, verbose=0)  # batches of 16, 16 and 8
    # one trace for the first batch size, one for the last (as Keras's reduce_retracing)
    assert Noisy.calls == 2
    model.evaluate(x, y, batch_size=40, verbose=0)
    model.evaluate(x, y, batch_size=40, verbose=0)
    model.predict(x, batch_size=40, verbose=0)
    assert Noisy.calls == 4


def test_run_eagerly_runs_python_at_every_step():
    x, y = _data()
    model = _model(True)
    Noisy.calls = 0
    model.fit(x, y, batch_size=16, epochs=3, verbose=0)
    assert Noisy.calls == 9 and model.run_eagerly


def test_traced_fit_gives_the_eager_numbers_bit_for_bit():
    x, y = _data()
    traced, eager = _model(False), _model(True)
    h1 = traced.fit(x, y, batch_size=16, epochs=3, verbose=0, validation_split=0.25,
                    shuffle=False)
    h2 = eager.fit(x, y, batch_size=16, epochs=3, verbose=0, validation_split=0.25,
                   shuffle=False)
    assert h1.history == h2.history
    for a, b in zip(traced.get_weights(), eager.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert traced.evaluate(x, y, verbose=0) == eager.evaluate(x, y, verbose=0)
    np.testing.assert_array_equal(traced.predict(x, verbose=0), eager.predict(x, verbose=0))


def test_custom_train_step_is_traced():
    traces = []

    class Custom(keras.Model):
        def train_step(self, data):
            traces.append(1)
            x, y = data
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean((self(x, training=True) - y) ** 2)
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            return {"custom_loss": loss}

    inputs = keras.Input((3,))
    model = Custom(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd")
    x, y = _data()
    history = model.fit(x, y, batch_size=20, epochs=4, verbose=0)
    losses = history.history["custom_loss"]
    assert len(traces) == 1 and len(losses) == 4 and losses[-1] < losses[0]


def test_batch_logs_computed_only_for_callbacks_that_read_them():
    # fit's built-in step leaves the metrics' results out of each batch unless a callback reads
    # a batch's logs; the epoch's logs (the history) are the same numbers either way
    x = np.random.RandomState(0).rand(40, 3).astype("float32")
    y = x.sum(axis=1, keepdims=True)

    def run(callbacks, model_class=keras.Sequential):
        keras.utils.set_random_seed(5)
        model = model_class([keras.Input((3,)), keras.layers.Dense(1)])
        model.compile("sgd", "mse", metrics=["mae"])
        history = model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=callbacks)
        return history.history

    seen = []
    reader = keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(logs))
    plain = run([])
    assert run([reader]) == plain
    assert len(seen) == 10 and set(seen[-1]) == {"loss", "mae"}
    assert float(seen[-1]["loss"]) == plain["loss"][-1]

    calls = []

    class Counting(keras.Sequential):
        def compute_metrics(self, x, y, y_pred, sample_weight=None):
            calls.append(1)  # at tracing: fit calls an overridden compute_metrics' step
            return super().compute_metrics(x, y, y_pred, sample_weight)

    assert run([], Counting) == plain and calls
