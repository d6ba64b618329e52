"""Activation, normalization, noise, shape, pooling and numerical preprocessing layers (issue 13);
with TensorFlow, each against Keras 3 (outputs, gradients and configs)."""

import numpy as np
import pytest
from _layer_checks import check_against_keras, check_config_round_trip, check_gradients

import tapegrad as tf
from tapegrad import keras

layers = keras.layers
X = np.random.default_rng(0).normal(size=(2, 3, 4)).astype("float32")

# (name, constructor of (module, **overrides) -> layer, input): weights, if any, are copied from
# Keras's layer to ours before comparing.
CASES = [
    ("leaky_relu", lambda m: m.layers.LeakyReLU(), X),
    ("leaky_relu_slope", lambda m: m.layers.LeakyReLU(negative_slope=0.1), X),
    ("prelu", lambda m: m.layers.PReLU(alpha_initializer="ones", shared_axes=[1]), X),
    ("elu", lambda m: m.layers.ELU(alpha=0.5), X),
    ("relu", lambda m: m.layers.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.2), X),
    ("softmax", lambda m: m.layers.Softmax(axis=1), X),
    ("softmax_axes", lambda m: m.layers.Softmax(axis=[1, 2]), X),
    ("layer_norm", lambda m: m.layers.LayerNormalization(beta_initializer="ones"), X),
    ("layer_norm_axes", lambda m: m.layers.LayerNormalization(axis=[1, 2], epsilon=0.1), X),
    ("group_norm", lambda m: m.layers.GroupNormalization(groups=2), X),
    ("instance_norm", lambda m: m.layers.GroupNormalization(groups=-1, center=False), X),
    ("unit_norm", lambda m: m.layers.UnitNormalization(axis=[1, 2]), X),
    ("rescaling", lambda m: m.layers.Rescaling(1 / 255.0, offset=-1.0), X),
    ("normalization", lambda m: m.layers.Normalization(mean=[1.0, 2, 3, 4],
                                                       variance=[1.0, 4, 9, 0.25]), X),
    ("normalization_invert", lambda m: m.layers.Normalization(axis=None, mean=2.0,
                                                              variance=4.0, invert=True), X),
    ("permute", lambda m: m.layers.Permute((2, 1)), X),
    ("repeat_vector", lambda m: m.layers.RepeatVector(3), X[:, 0]),
    ("global_average", lambda m: m.layers.GlobalAveragePooling1D(), X),
    ("global_average_first", lambda m: m.layers.GlobalAveragePooling1D(
        data_format="channels_first", keepdims=True), X),
    ("global_max", lambda m: m.layers.GlobalMaxPooling1D(keepdims=True), X),
    ("spatial_dropout", lambda m: m.layers.SpatialDropout1D(0.5, seed=1), X),
    ("gaussian_noise", lambda m: m.layers.GaussianNoise(0.3), X),
    ("gaussian_dropout", lambda m: m.layers.GaussianDropout(0.3), X),
    ("alpha_dropout", lambda m: m.layers.AlphaDropout(0.3, noise_shape=(None, 1, 4)), X),
]


@pytest.mark.parametrize("name,make,x", CASES, ids=[c[0] for c in CASES])
def test_layer_gradients_match_finite_differences(name, make, x):
    check_gradients(make, x)


@pytest.mark.parametrize("name,make,x", CASES, ids=[c[0] for c in CASES])
def test_layer_config_round_trip(name, make, x):
    check_config_round_trip(make, x)


def test_noise_layers_act_only_in_training():
    for make in (lambda: layers.SpatialDropout1D(0.5), lambda: layers.GaussianNoise(0.5),
                 lambda: layers.GaussianDropout(0.5), lambda: layers.AlphaDropout(0.5)):
        layer = make()
        np.testing.assert_array_equal(layer(X).numpy(), X)
        assert not np.allclose(layer(X, training=True).numpy(), X)
    out = layers.SpatialDropout1D(0.5, seed=3)(X, training=True).numpy()
    dropped = out == 0
    assert (dropped.all(axis=1) | ~dropped.any(axis=1)).all()  # whole channels per sample
    keras.utils.set_random_seed(4)
    a = layers.GaussianNoise(1.0)(X, training=True).numpy()
    keras.utils.set_random_seed(4)
    np.testing.assert_array_equal(layers.GaussianNoise(1.0)(X, training=True).numpy(), a)
    big = np.random.default_rng(1).normal(size=(4000, 50)).astype("float32")
    y = layers.AlphaDropout(0.2)(tf.nn.selu(big), training=True).numpy()
    ref = tf.nn.selu(big).numpy()
    assert abs(y.mean() - ref.mean()) < 0.02 and abs(y.std() - ref.std()) < 0.02


def test_softmax_with_mask_and_masks_pass_through():
    mask = np.array([[True, True, False, False]] * 3 + [[True] * 4] * 3).reshape(2, 3, 4)
    out = layers.Softmax()(X, mask=tf.constant(mask)).numpy()
    np.testing.assert_array_equal(out[~mask], 0.0)
    np.testing.assert_allclose(out.sum(-1), 1.0, rtol=1e-6)
    emb = layers.Embedding(5, 4, mask_zero=True)(np.array([[1, 2, 0]]))
    for layer in (layers.LayerNormalization(), layers.LeakyReLU(), layers.GaussianNoise(0.1)):
        np.testing.assert_array_equal(layer(emb)._keras_mask.numpy(), [[True, True, False]])
    pooled = layers.GlobalAveragePooling1D()(emb)
    np.testing.assert_allclose(pooled.numpy(), emb.numpy()[:, :2].mean(axis=1), rtol=1e-6)
    assert getattr(pooled, "_keras_mask", None) is None


def test_normalization_adapt_on_arrays_datasets_and_batches():
    data = np.random.default_rng(2).normal(3.0, 2.0, size=(1000, 3)).astype("float32")
    norm = layers.Normalization()
    norm.adapt(np.array([[0.0], [2.0]]))
    np.testing.assert_allclose(norm(np.array([[0.0]])).numpy(), [[-1.0]])
    zero_variance = layers.Normalization(mean=1.0, variance=0.0, axis=None)
    np.testing.assert_allclose(zero_variance(np.array([1.5])).numpy(), [0.5 / 1e-7], rtol=1e-5)
    for source in (data, tf.data.Dataset.from_tensor_slices(data),
                   tf.data.Dataset.from_tensor_slices(data).batch(64),
                   [data[:300], data[300:]], (b for b in np.split(data, 4))):
        norm = layers.Normalization()
        norm.adapt(source)
        np.testing.assert_allclose(norm.adapt_mean.numpy(), data.mean(0), rtol=1e-5)
        np.testing.assert_allclose(norm.adapt_variance.numpy(), data.var(0), rtol=1e-4)
        out = norm(data).numpy()
        np.testing.assert_allclose(out.mean(0), 0.0, atol=1e-4)
        assert int(norm.count.numpy()) == 1000
    inverse = layers.Normalization(invert=True)
    inverse.adapt(data)
    np.testing.assert_allclose(inverse(norm(data)).numpy(), data, rtol=1e-4, atol=1e-4)
    scalar = layers.Normalization(axis=None)
    scalar.adapt(data)
    np.testing.assert_allclose(scalar.mean.numpy().ravel(), data.mean(), rtol=1e-5)
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="incompatible shape"):
        norm.adapt(np.ones((3, 5)))


def test_bad_arguments_are_clear():
    with pytest.raises(ValueError, match="negative_slope"):
        layers.LeakyReLU(negative_slope=-1)
    with pytest.raises(ValueError, match="max_value"):
        layers.ReLU(max_value=-1)
    with pytest.raises(ValueError, match="Number of groups"):
        layers.GroupNormalization(groups=3)(X)
    with pytest.raises(ValueError, match="Invalid permutation"):
        layers.Permute((1, 3))
    with pytest.raises(ValueError, match="expected ndim=2"):
        layers.RepeatVector(2)(X)
    with pytest.raises(ValueError, match="stddev"):
        layers.GaussianNoise(2.0)
    with pytest.raises(ValueError, match="expected ndim=3"):
        layers.SpatialDropout1D(0.5)(X[:, 0], training=True)


# -- against Keras 3 ------------------------------------------------------------------------------


@pytest.mark.parametrize("name,make,x", CASES, ids=[c[0] for c in CASES])
def test_layers_match_keras(tf_keras_real, name, make, x):
    check_against_keras(*tf_keras_real, make, x)


def test_softmax_mask_and_masked_pooling_match_keras(tf_keras_real):
    _, k3 = tf_keras_real
    mask = np.array([[1, 1, 0], [1, 0, 0]], bool)
    np.testing.assert_allclose(
        layers.GlobalAveragePooling1D()(X, mask=tf.constant(mask)).numpy(),
        np.asarray(k3.layers.GlobalAveragePooling1D()(X, mask=mask)), rtol=1e-6)
    full = np.broadcast_to(mask[:, :, None], X.shape)
    np.testing.assert_allclose(layers.Softmax()(X, mask=tf.constant(full)).numpy(),
                               np.asarray(k3.layers.Softmax()(X, mask=full)), rtol=1e-6)


def test_normalization_adapt_matches_keras(tf_keras_real):
    _, k3 = tf_keras_real
    data = np.random.default_rng(5).normal(2.0, 3.0, size=(300, 2, 3)).astype("float32")
    for axis in (-1, (1, 2), None):
        ours, theirs = layers.Normalization(axis=axis), k3.layers.Normalization(axis=axis)
        ours.adapt(data)
        theirs.adapt(data)
        np.testing.assert_allclose(ours(data).numpy(), np.asarray(theirs(data)), rtol=1e-4,
                                   atol=1e-5)
        assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
