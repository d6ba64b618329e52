"""The order of the logs, as Keras 3 (TensorFlow backend) gives them: the progress bar, `History`
and callbacks see the metrics sorted by name; `evaluate` returns a list in the order of
`model.metrics` (loss first) and a dict in sorted order. Recorded from Keras 3.15."""

import io
from contextlib import redirect_stdout

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras


def _program(keras):
    keras.utils.set_random_seed(0)
    x = np.linspace(-1, 1, 64).reshape(32, 2).astype("float32")
    y = (x[:, :1] * 2 + 0.5).astype("float32")
    model = keras.Sequential(
        [keras.Input(shape=(2,)), keras.layers.Dense(1, "linear", True, "ones")]
    )
    model.compile(optimizer="sgd", loss="mse", metrics=["mse", "mae"], weighted_metrics=["mape"])
    seen = []
    cb = keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(list(logs)))
    history = model.fit(
        x,
        y,
        epochs=1,
        batch_size=16,
        verbose=0,
        validation_data=(x, y),
        callbacks=[cb],
        shuffle=False,
    )
    return {
        "history": list(history.history),
        "batch": seen[0],
        "evaluate": model.evaluate(x, y, verbose=0),
        "evaluate_dict": list(model.evaluate(x, y, verbose=0, return_dict=True)),
        "test_on_batch": model.test_on_batch(x, y),
        "train_on_batch": list(model.train_on_batch(x, y, return_dict=True)),
    }


_KERAS = {
    "history": ["loss", "mae", "mape", "mse", "val_loss", "val_mae", "val_mape", "val_mse"],
    "batch": ["loss", "mae", "mape", "mse"],
    "evaluate": [0.2021448016166687, 0.2021448016166687, 0.44960516691207886, 133.5],
    "evaluate_dict": ["loss", "mae", "mape", "mse"],
    "test_on_batch": [0.2021448016166687, 0.2021448016166687, 0.44960516691207886, 133.5],
    "train_on_batch": ["loss", "mae", "mape", "mse"],
}


def _check(result):
    for key, expected in _KERAS.items():
        if key in ("evaluate", "test_on_batch"):  # loss, mse, mae, mape: compile order
            np.testing.assert_allclose(result[key], expected, rtol=1e-6)
        else:
            assert result[key] == expected, key


def test_logs_are_sorted_and_evaluate_lists_in_metric_order():
    _check(_program(keras))


class _Custom(keras.Model):
    """The "customizing fit" guide's model: its own trackers, logs returned in its own order."""

    def __init__(self):
        super().__init__()
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
        self.dense = keras.layers.Dense(1)

    def call(self, x):
        return self.dense(x)

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = keras.losses.mean_squared_error(y, y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {"mae": self.mae_metric.result(), "loss": self.loss_tracker.result()}

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]


def test_progress_line_and_history_sort_a_custom_steps_logs():
    model = _Custom()
    model.compile(optimizer="adam")
    out = io.StringIO()
    with redirect_stdout(out):
        history = model.fit(np.ones((8, 2)), np.ones((8, 1)), epochs=1, verbose=2)
    assert list(history.history) == ["loss", "mae"]
    line = out.getvalue().strip().splitlines()[-1]
    assert line.index("loss:") < line.index("mae:")


def test_logs_order_matches_keras(tf_keras_real):
    _, keras_real = tf_keras_real
    _check(_program(keras_real))


@pytest.mark.parametrize(
    "logs, expected",
    [
        ({"mae": np.float32(0.5), "loss": tf.constant(1.0)}, {"loss": 1.0, "mae": 0.5}),
        ({"b": "text", "a": 2}, {"a": 2.0, "b": "text"}),
        (None, {}),
    ],
)
def test_pythonify_logs(logs, expected):
    out = keras.callbacks.pythonify_logs(logs)
    assert out == expected and list(out) == sorted(expected)
    assert all(type(v) is float for v in out.values() if not isinstance(v, str))
