"""keras.metrics: every metric against its formula; state, reset and subclassing."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

M = keras.metrics


def _close(a, b, tol=1e-6):
    np.testing.assert_allclose(np.asarray(a, dtype=np.float64), b, rtol=tol, atol=tol)


def test_mean_accumulates_over_updates_and_resets():
    m = M.Mean()
    assert m.name == "mean"
    m.update_state([1.0, 2.0, 3.0])
    m.update_state(tf.constant(10.0))
    _close(m.result(), 16.0 / 4)
    assert m.result().dtype == tf.float32
    m.reset_state()
    _close(m.result(), 0.0)
    m.update_state([4.0])
    m.reset_states()
    _close(m.result(), 0.0)


def test_mean_with_sample_weight_and_call_returns_result():
    m = M.Mean()
    _close(m([1.0, 3.0], sample_weight=[3.0, 1.0]), 6.0 / 4)
    _close(m([5.0], sample_weight=[4.0]), 26.0 / 8)


def test_mean_squared_error_metric_over_batches():
    rng = np.random.default_rng(1)
    m = M.MeanSquaredError()
    assert m.name == "mean_squared_error"
    ys, ps = [], []
    for _ in range(3):
        y, p = rng.normal(size=8), rng.normal(size=(8, 1)).astype(np.float32)
        m.update_state(y, p)
        ys.append(y)
        ps.append(p[:, 0])
    _close(m.result(), ((np.concatenate(ys) - np.concatenate(ps)) ** 2).mean(), 1e-5)


def test_mean_absolute_error_and_rmse_metrics():
    y, p = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[2.0, 2.0], [3.0, 1.0]])
    _close(M.MeanAbsoluteError()(y, p), np.abs(y - p).mean())
    _close(M.RootMeanSquaredError()(y, p), np.sqrt(((y - p) ** 2).mean()))
    assert M.MeanAbsoluteError().name == "mean_absolute_error"


def test_accuracy_metrics():
    _close(M.Accuracy()([1, 2, 3, 4], [1, 2, 0, 4]), 0.75)
    b = M.BinaryAccuracy()
    assert b.name == "binary_accuracy"
    _close(b([[1], [0], [1], [0]], [[0.9], [0.6], [0.4], [0.1]]), 0.5)
    _close(M.BinaryAccuracy(threshold=0.3)([1, 0], [[0.4], [0.2]]), 1.0)
    s = M.SparseCategoricalAccuracy()
    assert s.name == "sparse_categorical_accuracy"
    probs = [[0.1, 0.8, 0.1], [0.7, 0.2, 0.1], [0.2, 0.3, 0.5]]
    _close(s([1, 1, 2], probs), 2 / 3)
    _close(M.SparseCategoricalAccuracy()([[1], [1], [2]], probs), 2 / 3)
    _close(M.CategoricalAccuracy()(np.eye(3)[[1, 1, 2]], probs), 2 / 3)


def test_metric_weighted_update():
    m = M.MeanSquaredError()
    m.update_state([0.0, 0.0], [[1.0], [3.0]], sample_weight=[1.0, 0.0])
    _close(m.result(), 1.0)


def test_metric_subclass_with_add_weight():
    class Count(M.Metric):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.n = self.add_weight(name="n", initializer="zeros")

        def update_state(self, values):
            self.n.assign_add(float(np.size(values)))

        def result(self):
            return self.n.read_value()

    c = Count(name="count")
    assert c.name == "count" and len(c.variables) == 1
    assert not c.variables[0].trainable
    c.update_state([1, 2, 3])
    _close(c([4]), 4.0)
    c.reset_states()
    _close(c.result(), 0.0)
    assert Count().name == "count"


def test_metric_wrapper_of_a_loss_function_and_get():
    m = M.get("binary_crossentropy")
    assert m.name == "binary_crossentropy"
    y, p = np.array([[1.0], [0.0]]), np.array([[0.8], [0.3]])
    _close(m(y, p), -(np.log(0.8) + np.log(0.7)) / 2, 1e-5)
    mse = M.get("mse")
    assert isinstance(mse, M.MeanSquaredError) and mse.name == "mse"
    with pytest.raises(ValueError, match="Unknown metric"):
        M.get("no_such_metric")


def test_metric_update_records_nothing_on_a_tape():
    p = tf.Variable([[1.0], [2.0]])
    m = M.MeanSquaredError()
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(p * p)
        m.update_state([0.0, 0.0], p)
    _close(tape.gradient(loss, p), [[2.0], [4.0]])
    _close(m.result(), 2.5)
