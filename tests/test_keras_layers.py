"""keras.layers, activations, initializers and regularizers."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras
from tapegrad.numeric import jacobian

layers = keras.layers


def _close(a, b, tol=1e-6):
    np.testing.assert_allclose(np.asarray(a, dtype=np.float64), b, rtol=tol, atol=tol)


def test_dense_computes_activation_of_affine_map():
    d = layers.Dense(3, activation="tanh")
    x = np.random.default_rng(0).normal(size=(4, 2))
    out = d(x)
    assert out.dtype == tf.float32 and out.shape == (4, 3)
    k, b = d.kernel.numpy(), d.bias.numpy()
    _close(out, np.tanh(x.astype(np.float32) @ k + b), 1e-6)
    assert [v.name for v in d.weights] == ["kernel", "bias"]
    assert d.built and d.count_params() == 9


def test_dense_options():
    d = layers.Dense(2, use_bias=False, kernel_initializer="ones", activation=tf.nn.relu)
    _close(d(np.array([[1.0, -3.0]])), [[0.0, 0.0]])
    assert len(d.weights) == 1
    d = layers.Dense(
        2, kernel_initializer=keras.initializers.Constant(0.5), bias_initializer="ones"
    )
    _close(d(np.ones((1, 4))), [[3.0, 3.0]])


def test_dense_input_gradient_matches_numerical():
    d = layers.Dense(3, activation="tanh", dtype="float64")
    d.build((None, 4))
    tf.check_grads(lambda x: d(x), [np.random.default_rng(1).normal(size=(2, 4))], order=2)


def test_dense_weight_gradients_match_numerical():
    d = layers.Dense(3, activation="sigmoid", dtype="float64")
    x = np.random.default_rng(2).normal(size=(5, 4))
    d.build((None, 4))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.square(d(x)))
    gk, gb = tape.gradient(loss, [d.kernel, d.bias])

    def loss_at(kernel):
        d.kernel.assign(kernel)
        return float(tf.reduce_sum(tf.square(d(x))))

    k0 = d.kernel.numpy().copy()
    _close(gk, jacobian(loss_at, k0), 1e-6)
    d.kernel.assign(k0)

    def loss_at_bias(bias):
        d.bias.assign(bias)
        return float(tf.reduce_sum(tf.square(d(x))))

    _close(gb, jacobian(loss_at_bias, d.bias.numpy().copy()), 1e-6)


def test_layer_casts_float64_numpy_to_float32():
    d = layers.Dense(1)
    assert d(np.ones((2, 3), np.float64)).dtype == tf.float32
    assert d(tf.constant(np.ones((2, 3)))).dtype == tf.float32


def test_activations_by_name():
    x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0], np.float32)
    A = keras.activations
    _close(A.get("relu")(x), np.maximum(x, 0))
    _close(A.get("sigmoid")(x), 1 / (1 + np.exp(-x)))
    _close(A.get("tanh")(x), np.tanh(x))
    _close(A.get("linear")(x), x)
    _close(A.get(None)(x), x)
    _close(A.get("softplus")(x), np.log1p(np.exp(x)), 1e-6)
    _close(A.get("elu")(x), np.where(x > 0, x, np.expm1(x)), 1e-6)
    _close(A.get("swish")(x), x / (1 + np.exp(-x)), 1e-6)
    _close(
        A.relu(x, negative_slope=0.1, max_value=1.0), np.minimum(np.where(x > 0, x, 0.1 * x), 1.0)
    )
    s = A.softmax(np.array([[1.0, 2.0, 3.0]], np.float32))
    e = np.exp([1.0, 2.0, 3.0])
    _close(s, [e / e.sum()])
    with pytest.raises(ValueError, match="Unknown activation"):
        A.get("nope")


def test_glorot_and_he_initializers_have_keras_scales():
    init = keras.initializers
    w = np.asarray(init.GlorotUniform(seed=1)((200, 300)))
    limit = np.sqrt(6 / 500)
    assert w.dtype == np.float32 and np.abs(w).max() <= limit
    assert abs(w.std() - limit / np.sqrt(3)) < 0.01 * limit
    w = np.asarray(init.HeUniform(seed=1)((400, 100)))
    assert np.abs(w).max() <= np.sqrt(6 / 400)
    w = np.asarray(init.HeNormal(seed=1)((400, 300)))
    assert np.abs(w).max() <= 2 * np.sqrt(2 / 400) / 0.87962566103423978 + 1e-6
    assert abs(w.std() - np.sqrt(2 / 400)) < 0.03 * np.sqrt(2 / 400)
    w = np.asarray(init.GlorotNormal(seed=1)((300, 300)))
    assert abs(w.std() - np.sqrt(2 / 600)) < 0.03 * np.sqrt(2 / 600)
    w = np.asarray(init.RandomNormal(mean=1.0, stddev=0.5, seed=3)((100, 100)))
    assert abs(w.mean() - 1.0) < 0.02 and abs(w.std() - 0.5) < 0.02
    w = np.asarray(init.RandomUniform(-1.0, 2.0, seed=3)((100, 100)))
    assert w.min() >= -1.0 and w.max() < 2.0
    _close(init.Zeros()((2,)), [0, 0])
    _close(init.Ones()((2,)), [1, 1])
    _close(init.Constant(3.0)((2,)), [3, 3])
    assert init.get("glorot_uniform").__class__ is init.GlorotUniform
    _close(init.GlorotUniform(seed=4)((3, 3)), init.GlorotUniform(seed=4)((3, 3)))


def test_set_random_seed_makes_initial_weights_repeatable():
    def weights():
        keras.utils.set_random_seed(5)
        return layers.Dense(4)(np.ones((1, 3))), keras.initializers.RandomNormal()((2,))

    (a1, b1), (a2, b2) = weights(), weights()
    _close(a1, a2)
    _close(b1, b2)


def test_regularizers_feed_losses():
    d = layers.Dense(
        2,
        kernel_initializer="ones",
        bias_initializer="ones",
        kernel_regularizer=keras.regularizers.l2(0.1),
        bias_regularizer=keras.regularizers.l1(0.5),
    )
    d(np.ones((1, 3)))
    losses = d.losses
    assert len(losses) == 2
    _close(losses[0], 0.1 * 6)
    _close(losses[1], 0.5 * 2)
    reg = keras.regularizers.l1_l2(l1=0.01, l2=0.02)
    _close(reg(tf.constant([1.0, -2.0])), 0.01 * 3 + 0.02 * 5)
    assert keras.regularizers.get("l2").l2 == 0.01


def test_dropout_scales_in_training_and_is_identity_at_inference():
    keras.utils.set_random_seed(0)
    drop = layers.Dropout(0.25)
    x = np.ones((200, 50), np.float32)
    _close(drop(x), x)
    y = np.asarray(drop(x, training=True))
    assert set(np.unique(y)) <= {0.0, np.float32(1 / 0.75)}
    assert abs((y == 0).mean() - 0.25) < 0.02
    with pytest.raises(ValueError):
        layers.Dropout(1.0)


def test_flatten_and_activation_layers():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 10
    assert layers.Flatten()(x).shape == (2, 12)
    _close(layers.Activation("relu")(x), np.maximum(x, 0))


def test_batch_normalization_training_and_inference():
    bn = layers.BatchNormalization(momentum=0.5, epsilon=1e-3)
    rng = np.random.default_rng(0)
    x = rng.normal(2.0, 3.0, size=(64, 3)).astype(np.float32)
    y = bn(x, training=True)
    mean, var = x.mean(0), x.var(0)
    _close(y, (x - mean) / np.sqrt(var + 1e-3), 1e-4)
    _close(bn.moving_mean, 0.5 * mean, 1e-5)
    _close(bn.moving_variance, 0.5 + 0.5 * var, 1e-4)
    y = bn(x)
    _close(y, (x - 0.5 * mean) / np.sqrt(0.5 + 0.5 * var + 1e-3), 1e-4)
    assert [v.name for v in bn.trainable_weights] == ["gamma", "beta"]
    assert [v.name for v in bn.non_trainable_weights] == ["moving_mean", "moving_variance"]


def test_batch_normalization_gradients_match_numerical():
    bn = layers.BatchNormalization(dtype="float64")
    bn.build((None, 3))
    x = np.random.default_rng(3).normal(size=(6, 3))
    tf.check_grads(lambda t: bn(t, training=True) * np.arange(1.0, 4.0), [x], order=1)


def test_concatenate_layer_and_function():
    a, b = np.ones((2, 3), np.float32), np.zeros((2, 2), np.float32)
    _close(layers.Concatenate()([a, b]), np.concatenate([a, b], axis=1))
    _close(layers.Concatenate(axis=0)([a, a]), np.concatenate([a, a], axis=0))
    i1, i2 = keras.Input((3,)), keras.Input((2,))
    out = layers.concatenate([i1, i2])
    assert tuple(out.shape) == (None, 5)


def test_custom_layer_with_add_weight_add_loss_and_training():
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
            self.frozen = self.add_weight(shape=(), initializer="zeros", trainable=False)

        def call(self, x, training=None):
            self.add_loss(tf.reduce_sum(self.w))
            return x * self.w * (2.0 if training else 1.0)

    s = Scale()
    x = np.ones((2, 3))
    _close(s(x), np.ones((2, 3)))
    _close(s(x, training=True), 2 * np.ones((2, 3)))
    assert len(s.losses) == 1  # cleared at each call
    _close(s.losses[0], 3.0)
    assert len(s.trainable_weights) == 1 and len(s.non_trainable_weights) == 1
    assert len(s.weights) == 2
    s.trainable = False
    assert s.trainable_weights == [] and len(s.non_trainable_weights) == 2


def test_training_flag_propagates_to_nested_layers():
    seen = []

    class Probe(layers.Layer):
        def call(self, x, training=None):
            seen.append(training)
            return x

    class Outer(layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = Probe()

        def call(self, x):
            return self.inner(x)

    outer = Outer()
    outer(np.ones((1, 1)), training=True)
    outer(np.ones((1, 1)))
    assert seen == [True, None]
    assert outer.layers if hasattr(outer, "layers") else outer._layers


def test_variables_assigned_as_attributes_are_tracked():
    class Affine(layers.Layer):
        def __init__(self):
            super().__init__()
            self.a = tf.Variable(2.0)
            self.c = tf.Variable(1.0, trainable=False)

        def call(self, x):
            return x * self.a + self.c

    aff = Affine()
    assert len(aff.trainable_weights) == 1 and len(aff.non_trainable_weights) == 1


def test_layer_names_are_unique_and_settable():
    a, b = layers.Dense(1), layers.Dense(1)
    assert a.name != b.name and a.name.startswith("dense")
    assert layers.Dense(1, name="head").name == "head"
    with pytest.raises(ValueError, match="Unrecognized keyword arguments passed to Dense"):
        layers.Dense(1, bogus=3)


def test_dense_promotes_integer_and_boolean_features():
    # Keras's matmul promotes them to the kernel's float type (Keras 3.15 gives float32 too).
    layer = layers.Dense(2, kernel_initializer="ones")
    for x in (np.ones((1, 3), np.int64), np.ones((1, 3), bool)):
        out = layer(x)
        assert out.dtype == tf.float32
        np.testing.assert_allclose(out, [[3.0, 3.0]])


def test_default_names_are_keras_snake_case_of_the_class():
    # Keras 3's utils.naming.to_snake_case (optimizers use the same helper)
    class MyConv2D(keras.layers.Layer):
        def call(self, x):
            return x

    class R2Head(keras.layers.Layer):
        def call(self, x):
            return x

    assert MyConv2D().name.startswith("my_conv2d")
    assert R2Head().name.startswith("r2_head")
    assert keras.optimizers.RMSprop().name.startswith("rm_sprop")
