"""`tapegrad.nn` values, signatures and errors (gradients: tests/test_gradients.py)."""

import inspect
import math

import numpy as np
import pytest

import tapegrad as tf

X = np.array([[-1.5, 0.25, 2.0], [0.5, -0.75, 7.0]], dtype=np.float32)
X64 = X.astype(np.float64)
ERF = np.vectorize(math.erf)


def close(got, want, rtol=1e-6):
    np.testing.assert_allclose(np.asarray(got), want, rtol=rtol, atol=1e-7)


@pytest.mark.parametrize("op, ref", [
    (tf.nn.relu, lambda v: np.maximum(v, 0)),
    (tf.nn.relu6, lambda v: np.clip(v, 0, 6)),
    (tf.nn.elu, lambda v: np.where(v > 0, v, np.expm1(v))),
    (tf.nn.selu, lambda v: 1.0507009873554805 * np.where(v > 0, v, 1.6732632423543772 *
                                                         np.expm1(v))),
    (tf.nn.leaky_relu, lambda v: np.where(v > 0, v, 0.2 * v)),
    (tf.nn.gelu, lambda v: 0.5 * v * (1 + ERF(v / np.sqrt(2)))),
    (tf.nn.softplus, lambda v: np.log1p(np.exp(v))),
    (tf.nn.softsign, lambda v: v / (1 + np.abs(v))),
    (tf.nn.sigmoid, lambda v: 1 / (1 + np.exp(-v))),
    (tf.nn.tanh, np.tanh),
    (tf.nn.softmax, lambda v: np.exp(v) / np.exp(v).sum(-1, keepdims=True)),
    (tf.nn.log_softmax, lambda v: v - np.log(np.exp(v).sum(-1, keepdims=True))),
])
def test_activation_values(op, ref):
    close(op(X), ref(X64).astype(np.float32), rtol=1e-5)


def test_gelu_matches_tensorflow():
    close(tf.nn.gelu([-1.0, 0.5]), [-0.15865525603294373, 0.3457312285900116])
    close(tf.nn.gelu([-1.0, 0.5], approximate=True), [-0.15880799293518066, 0.3457140028476715])


def test_leaky_relu_alpha():
    close(tf.nn.leaky_relu(X, alpha=0.5), np.where(X > 0, X, 0.5 * X))


def test_sigmoid_cross_entropy_is_exact_for_large_logits():
    z = np.array([0.0, 1.0, 0.5, 1.0], dtype=np.float32)
    x = np.array([100.0, -100.0, 0.0, 2.0], dtype=np.float32)
    want = [100.0, 100.0, math.log(2.0), math.log1p(math.exp(-2.0))]
    close(tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x), want)


def test_softmax_cross_entropy_values():
    labels = np.array([[0.2, 0.8, 0.0], [1.0, 0.0, 0.0]], dtype=np.float32)
    want = -(labels * (X64 - np.log(np.exp(X64).sum(-1, keepdims=True)))).sum(-1)
    close(tf.nn.softmax_cross_entropy_with_logits(labels, X), want, rtol=1e-5)
    close(tf.nn.softmax_cross_entropy_with_logits(labels.T, X.T, axis=0), want, rtol=1e-5)


def test_sparse_softmax_cross_entropy_matches_tensorflow():
    got = tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=[0, 1], logits=[[1.0, 2.0], [0.5, 0.1]])
    close(got, [1.31326162815094, 0.9130152463912964])


def test_sparse_equals_dense_with_one_hot_labels():
    labels = np.array([2, 0])
    dense = tf.nn.softmax_cross_entropy_with_logits(np.eye(3, dtype=np.float32)[labels], X)
    close(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, X), dense)


def test_l2_loss():
    close(tf.nn.l2_loss(X), (X64 ** 2).sum() / 2)


def test_moments():
    mean, var = tf.nn.moments(X, axes=[0])
    close(mean, X64.mean(0))
    close(var, X64.var(0), rtol=1e-5)
    mean, var = tf.nn.moments(X, axes=[0, 1], keepdims=True)
    assert mean.shape == (1, 1) and var.shape == (1, 1)


def test_moments_of_float16_keeps_float16():
    mean, var = tf.nn.moments(tf.constant(X, dtype=tf.float16), axes=[1])
    assert mean.dtype == tf.float16 and var.dtype == tf.float16
    close(var, X64.var(1), rtol=1e-3)


def test_dropout_scales_kept_elements_and_drops_about_rate():
    x = np.ones((100, 100), dtype=np.float32)
    y = tf.nn.dropout(x, rate=0.25).numpy()
    assert set(np.unique(y).tolist()) <= {0.0, np.float32(1 / 0.75)}
    assert 0.2 < np.mean(y == 0) < 0.3
    assert y.dtype == np.float32


def test_dropout_is_repeatable_after_set_seed_and_noise_shape_broadcasts():
    x = np.ones((4, 5), dtype=np.float32)
    masks = []
    for _ in range(2):
        tf.random.set_seed(7)
        masks.append([tf.nn.dropout(x, 0.5, noise_shape=[4, 1], seed=3).numpy(),
                      tf.nn.dropout(x, 0.5).numpy()])
    for a, b in zip(*masks):
        np.testing.assert_array_equal(a, b)
    assert all(len(set(row.tolist())) == 1 for row in masks[0][0])


def test_dropout_gradient_is_the_mask():
    x = tf.Variable(np.ones((10,), dtype=np.float32))
    with tf.GradientTape() as tape:
        y = tf.nn.dropout(x, 0.5, seed=1)
    close(tape.gradient(y, x), y.numpy())


@pytest.mark.parametrize("name, params", [
    ("leaky_relu", ["features", "alpha", "name"]),
    ("gelu", ["features", "approximate", "name"]),
    ("softmax", ["logits", "axis", "name"]),
    ("sigmoid_cross_entropy_with_logits", ["labels", "logits", "name"]),
    ("softmax_cross_entropy_with_logits", ["labels", "logits", "axis", "name"]),
    ("sparse_softmax_cross_entropy_with_logits", ["labels", "logits", "name"]),
    ("dropout", ["x", "rate", "noise_shape", "seed", "name"]),
    ("moments", ["x", "axes", "shift", "keepdims", "name"]),
    ("l2_normalize", ["x", "axis", "epsilon", "name", "dim"]),
])
def test_signature_is_tensorflows(name, params):
    assert list(inspect.signature(getattr(tf.nn, name)).parameters) == params


def test_shared_names_are_the_same_functions():
    for name in ("softplus", "softsign", "sigmoid", "tanh", "softmax", "log_softmax",
                 "l2_normalize"):
        assert getattr(tf.nn, name) is getattr(tf.math, name), name


# -- bad input ----------------------------------------------------------------------------------

def test_sigmoid_cross_entropy_shape_mismatch():
    with pytest.raises(ValueError, match=r"same shape, got \[3\] and \[2\]"):
        tf.nn.sigmoid_cross_entropy_with_logits(labels=[0.0, 1.0], logits=[1.0, 2.0, 3.0])


def test_softmax_cross_entropy_shape_mismatch():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[2, 3\] and \[3\]"):
        tf.nn.softmax_cross_entropy_with_logits(X[0], X)


def test_sparse_labels_out_of_range():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"label value of 3 .*\[0, 3\)"):
        tf.nn.sparse_softmax_cross_entropy_with_logits([0, 3], X)


def test_sparse_labels_of_the_wrong_rank():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"labels of shape \[2, 1\]"):
        tf.nn.sparse_softmax_cross_entropy_with_logits([[0], [1]], X)


@pytest.mark.parametrize("rate", [1.0, -0.1, 1.5])
def test_dropout_rate_out_of_range(rate):
    with pytest.raises(ValueError, match=r"rate must be a scalar in the range \[0, 1\)"):
        tf.nn.dropout(X, rate)


def test_dropout_needs_floats():
    with pytest.raises(ValueError, match="floating point"):
        tf.nn.dropout([1, 2], 0.5)


def test_moments_axis_out_of_range():
    with pytest.raises(tf.errors.InvalidArgumentError, match="moments: axis 2"):
        tf.nn.moments(X, axes=[2])
