"""keras.losses: every loss against its formula, Keras's rank matching and reductions."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

L = keras.losses
EPS = 1e-7


def _rng():
    return np.random.default_rng(0)


def _close(a, b, tol=1e-5):
    np.testing.assert_allclose(np.asarray(a, dtype=np.float64), b, rtol=tol, atol=tol)


def test_mean_squared_error_matches_formula_per_sample():
    rng = _rng()
    y, p = rng.normal(size=(5, 3)), rng.normal(size=(5, 3)).astype(np.float32)
    out = L.mean_squared_error(y, p)
    assert out.shape == (5,) and out.dtype == tf.float32
    _close(out, ((y - p) ** 2).mean(axis=-1))
    assert L.mse is L.mean_squared_error


def test_mse_of_rank_1_labels_against_column_predictions_is_not_broadcast():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    p = tf.constant([[1.5], [2.0], [2.0], [5.0]])
    _close(L.mean_squared_error(y, p), [0.25, 0.0, 1.0, 1.0])
    _close(L.MeanSquaredError()(y, p), 0.5625)
    _close(L.MeanSquaredError()(p, y), 0.5625)  # either side may carry the extra axis


def test_mean_absolute_error_matches_formula():
    rng = _rng()
    y, p = rng.normal(size=(4, 2)), rng.normal(size=(4, 2)).astype(np.float32)
    _close(L.mean_absolute_error(y, p), np.abs(y - p).mean(axis=-1))
    _close(L.MeanAbsoluteError()(y, p), np.abs(y - p).mean())
    assert L.mae is L.mean_absolute_error


@pytest.mark.parametrize("delta", [0.5, 1.0, 2.0])
def test_huber_matches_formula(delta):
    rng = _rng()
    y, p = rng.normal(size=(6, 3)) * 2, (rng.normal(size=(6, 3)) * 2).astype(np.float32)
    e = np.abs(p - y)
    want = np.where(e <= delta, 0.5 * e**2, delta * e - 0.5 * delta**2).mean(axis=-1)
    _close(L.huber(y, p, delta=delta), want)
    _close(L.Huber(delta=delta)(y, p), want.mean())


def test_binary_crossentropy_on_probabilities_and_logits():
    rng = _rng()
    z = rng.integers(0, 2, size=(5, 3)).astype(np.float32)
    logits = rng.normal(size=(5, 3)).astype(np.float32) * 3
    p = 1 / (1 + np.exp(-logits.astype(np.float64)))
    want = -(z * np.log(p) + (1 - z) * np.log(1 - p)).mean(axis=-1)
    _close(L.binary_crossentropy(z, p.astype(np.float32)), want, 1e-4)
    _close(L.binary_crossentropy(z, logits, from_logits=True), want, 1e-5)
    _close(L.BinaryCrossentropy(from_logits=True)(z, logits), want.mean(), 1e-5)


def test_binary_crossentropy_clips_probabilities_to_epsilon():
    out = L.binary_crossentropy(np.array([[1.0]]), np.array([[0.0]], np.float32))
    _close(out, [-np.log(np.float32(EPS))], 1e-3)
    assert np.isfinite(L.binary_crossentropy([[1.0]], tf.constant([[1e4]]), from_logits=True))


def test_binary_crossentropy_label_smoothing():
    z = np.array([[1.0, 0.0]])
    p = np.array([[0.8, 0.3]], np.float32)
    zs = z * 0.8 + 0.1
    want = -(zs * np.log(p) + (1 - zs) * np.log(1 - p)).mean()
    _close(L.binary_crossentropy(z, p, label_smoothing=0.2), [want])


def test_categorical_crossentropy_normalizes_probabilities_and_takes_logits():
    rng = _rng()
    logits = rng.normal(size=(4, 5)).astype(np.float32)
    onehot = np.eye(5, dtype=np.float32)[[0, 3, 1, 4]]
    soft = np.exp(logits - logits.max(1, keepdims=True))
    soft /= soft.sum(1, keepdims=True)
    want = -np.log((soft * onehot).sum(1))
    _close(L.categorical_crossentropy(onehot, soft * 7.0), want, 1e-4)  # unnormalized input
    _close(L.categorical_crossentropy(onehot, logits, from_logits=True), want, 1e-5)
    _close(L.CategoricalCrossentropy(from_logits=True)(onehot, logits), want.mean(), 1e-5)


def test_categorical_crossentropy_label_smoothing():
    logits = np.array([[2.0, 0.5, -1.0]], np.float32)
    onehot = np.array([[1.0, 0.0, 0.0]])
    smooth = onehot * 0.7 + 0.1
    logp = logits - np.log(np.exp(logits).sum())
    _close(
        L.categorical_crossentropy(onehot, logits, from_logits=True, label_smoothing=0.3),
        [-(smooth * logp).sum()],
    )


def test_categorical_crossentropy_refuses_integer_labels():
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        L.categorical_crossentropy(np.array([1, 0]), np.ones((2, 3), np.float32) / 3)


@pytest.mark.parametrize("label_shape", [(4,), (4, 1)])
def test_sparse_categorical_crossentropy_matches_formula(label_shape):
    rng = _rng()
    logits = rng.normal(size=(4, 5)).astype(np.float32)
    labels = np.array([0, 3, 1, 4]).reshape(label_shape)
    logp = logits - np.log(np.exp(logits.astype(np.float64)).sum(1, keepdims=True))
    want = -logp[np.arange(4), labels.reshape(-1)]
    _close(L.sparse_categorical_crossentropy(labels, logits, from_logits=True), want)
    _close(L.sparse_categorical_crossentropy(labels, np.exp(logp).astype(np.float32)), want, 1e-4)
    _close(L.SparseCategoricalCrossentropy(from_logits=True)(labels, logits), want.mean())


def test_sparse_categorical_crossentropy_ignore_class_and_bad_labels():
    logits = np.zeros((3, 4), np.float32)
    out = L.sparse_categorical_crossentropy([0, 2, 1], logits, from_logits=True, ignore_class=2)
    _close(out, [np.log(4), 0.0, np.log(4)])
    with pytest.raises(ValueError, match="labels must be in"):
        L.sparse_categorical_crossentropy([0, 4, 1], logits, from_logits=True)


def test_reductions_and_sample_weight():
    y = np.array([[0.0], [0.0], [0.0], [0.0]])
    p = np.array([[1.0], [2.0], [3.0], [4.0]], np.float32)
    w = np.array([1.0, 0.0, 2.0, 1.0])
    values = np.array([1.0, 4.0, 9.0, 16.0])
    _close(L.MeanSquaredError(reduction="none")(y, p), values)
    _close(L.MeanSquaredError(reduction=None)(y, p), values)
    _close(L.MeanSquaredError(reduction="sum")(y, p), 30.0)
    _close(L.MeanSquaredError()(y, p), 7.5)
    _close(L.MeanSquaredError()(y, p, sample_weight=w), (values * w).sum() / 4)
    _close(L.MeanSquaredError(reduction="sum")(y, p, sample_weight=w), (values * w).sum())
    _close(
        L.MeanSquaredError(reduction="mean_with_sample_weight")(y, p, sample_weight=w),
        (values * w).sum() / w.sum(),
    )
    with pytest.raises(ValueError, match="reduction"):
        L.MeanSquaredError(reduction="average")


def test_loss_gradient_flows_to_predictions():
    p = tf.Variable([[1.0], [3.0]])
    with tf.GradientTape() as tape:
        loss = L.MeanSquaredError()(np.array([0.0, 1.0]), p)
    _close(tape.gradient(loss, p), [[1.0], [2.0]])  # d/dp mean((p - y)^2) = (p - y)


def test_loss_gradients_match_numerical_in_float64():
    rng = _rng()
    y = rng.normal(size=(3, 4))
    z = rng.integers(0, 2, size=(3, 4)).astype(np.float64)
    onehot = np.eye(4)[[1, 0, 3]]
    for fn in (
        lambda p: L.mean_squared_error(y, p),
        lambda p: L.huber(y, p, 0.7),
        lambda p: L.binary_crossentropy(z, p, from_logits=True),
        lambda p: L.categorical_crossentropy(onehot, p, from_logits=True),
        lambda p: L.sparse_categorical_crossentropy([1, 0, 3], p, from_logits=True),
    ):
        tf.check_grads(fn, [rng.normal(size=(3, 4))], order=1)


def test_loss_class_names_and_get():
    assert L.MeanSquaredError().name == "mean_squared_error"
    assert L.MeanAbsoluteError().name == "mean_absolute_error"
    assert L.BinaryCrossentropy().name == "binary_crossentropy"
    assert L.Huber().name == "huber_loss"
    assert L.get("mse") is L.mean_squared_error
    assert L.get("mae") is L.mean_absolute_error
    assert isinstance(L.get("MeanSquaredError"), L.MeanSquaredError)
    with pytest.raises(ValueError, match="Unknown loss"):
        L.get("nope")


def test_mape_and_msle_formulas():
    y = np.array([[1.0, 2.0]])
    p = np.array([[1.5, 1.0]], np.float32)
    _close(L.mean_absolute_percentage_error(y, p), [100 * (0.5 + 0.5) / 2])
    _close(
        L.mean_squared_logarithmic_error(y, p),
        [((np.log(2.5) - np.log(2.0)) ** 2 + (np.log(2.0) - np.log(3.0)) ** 2) / 2],
    )
