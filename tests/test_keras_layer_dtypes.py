"""Model behaviours real programs rely on: a subclass's own `build` called on first use, a
layer instance used several times (weight sharing), symbolic inputs with an unknown batch
size, inputs cast to a layer's compute dtype, and mixed precision ("mixed_float16" policies
with a LossScaleOptimizer) as in Keras 3."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

X = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")


class Scaled(keras.Model):
    """A subclassed model that makes its weights in its own build(input_shape)."""

    def __init__(self, units=2, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.shapes = []

    def build(self, input_shape):
        self.shapes.append(input_shape)
        self.w = self.add_weight(shape=(input_shape[-1], self.units), name="w")
        self.dense = keras.layers.Dense(1)

    def call(self, x):
        return self.dense(x @ self.w)


def test_a_subclass_build_is_called_once_on_first_use():
    model = Scaled()
    assert not model.built and model.weights == []
    out = model(X)
    assert out.shape == (16, 1) and model.shapes == [(16, 4)] and model.built
    model(X[:3])
    assert model.shapes == [(16, 4)]
    assert next(v.path for v in model.weights) == f"{model.name}/w"
    assert model.get_build_config() == {"input_shape": (16, 4)}
    explicit = Scaled()
    explicit.build((None, 4))
    assert explicit.shapes == [(None, 4)] and len(explicit.trainable_weights) == 1
    model.compile("sgd", "mse")
    model.fit(X, X[:, :1], epochs=1, verbose=0)


def test_a_layer_used_twice_shares_its_weights():
    shared = keras.layers.Dense(4, name="shared")
    model = keras.Sequential([keras.Input((4,)), shared, shared])
    assert [layer.name for layer in model.layers] == ["shared", "shared"]
    assert len(model.weights) == 2 and model.count_params() == 20
    expected = X @ shared.kernel.numpy() + shared.bias.numpy()
    expected = expected @ shared.kernel.numpy() + shared.bias.numpy()
    np.testing.assert_allclose(model(X).numpy(), expected, rtol=1e-5)
    with pytest.raises(ValueError, match="unique names"):
        model.add(keras.layers.Dense(4, name="shared"))
    model.compile("sgd", "mse")
    model.fit(X, X, epochs=1, verbose=0)
    inputs = keras.Input((4,))
    graph = keras.Model(inputs, shared(keras.layers.Dense(4)(shared(inputs))))
    assert len(graph.weights) == 4
    config = graph.get_config()
    assert len(next(c for c in config["layers"] if c["name"] == "shared")["inbound_nodes"]) == 2
    clone = keras.Model.from_config(config)
    assert len(clone.weights) == 4 and clone(X).shape == (16, 4)


def test_symbolic_inputs_have_an_unknown_batch_dimension():
    inputs = keras.Input((3,))
    assert inputs.shape == (None, 3)
    assert keras.layers.Dense(2)(inputs).shape == (None, 2)
    assert keras.Input((3,), batch_size=8).shape == (8, 3)
    assert keras.Sequential([keras.Input((5, 2)), keras.layers.Flatten()]).output_shape == (
        None,
        10,
    )


def test_layers_cast_inputs_to_their_compute_dtype():
    dense = keras.layers.Dense(3)
    for dtype in ("uint8", "int64", "float64", "float16"):
        data = (np.arange(8).reshape(2, 4) % 3).astype(dtype)
        out = dense(data)
        assert out.dtype == tf.float32, dtype
        np.testing.assert_allclose(
            out.numpy(), data.astype("float32") @ dense.kernel.numpy() + dense.bias.numpy()
        )
    images = np.random.default_rng(1).integers(0, 255, size=(8, 4, 4), dtype=np.uint8)
    model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(2)])
    model.compile("adam", "mse")
    model.fit(images, np.zeros((8, 2), "float32"), verbose=0)
    assert model.predict(images.astype("float64"), verbose=0).dtype == np.float32
    wide = keras.layers.Dense(2, dtype="float64")
    assert wide(np.ones((1, 3), "float32")).dtype == tf.float64
    assert wide.kernel.dtype == tf.float64


@pytest.fixture
def mixed():
    keras.mixed_precision.set_global_policy("mixed_float16")
    yield
    keras.mixed_precision.set_global_policy(None)


def test_dtype_policies():
    policy = keras.mixed_precision.DTypePolicy("mixed_float16")
    assert (policy.name, policy.compute_dtype, policy.variable_dtype) == (
        "mixed_float16",
        "float16",
        "float32",
    )
    assert keras.mixed_precision.Policy is keras.DTypePolicy
    assert repr(policy) == '<DTypePolicy "mixed_float16">'
    assert keras.mixed_precision.global_policy().name == "float32"
    with pytest.raises(ValueError, match="mixed precision DTypePolicy"):
        keras.mixed_precision.DTypePolicy("mixed_int8")
    layer = keras.layers.Dense(2, dtype=keras.DTypePolicy("float64"))
    assert (layer.dtype, layer.compute_dtype) == ("float64", "float64")
    assert layer.get_config()["dtype"]["config"] == {"name": "float64"}


def test_mixed_float16_layers_compute_in_float16_with_float32_variables(mixed):
    dense = keras.layers.Dense(3)
    assert dense.dtype_policy.name == "mixed_float16"
    with tf.GradientTape() as tape:
        out = dense(X)
        loss = tf.reduce_sum(tf.cast(out, "float32"))
    assert out.dtype == tf.float16 and dense.kernel.dtype == tf.float32
    grad = tape.gradient(loss, dense.kernel)
    assert grad.dtype == tf.float32
    np.testing.assert_allclose(grad.numpy(), np.repeat(X.sum(0)[:, None], 3, 1), rtol=1e-2)
    norm = keras.layers.BatchNormalization()
    assert norm(out, training=True).dtype == tf.float16
    assert norm.moving_mean.dtype == tf.float32
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(1, dtype="float32"),
        ]
    )
    model.compile(keras.optimizers.SGD(0.01), "mse")
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    assert isinstance(model.optimizer.inner_optimizer, keras.optimizers.SGD)
    model.fit(X, X[:, :1], epochs=2, batch_size=8, verbose=0)
    assert model.predict(X, verbose=0).dtype == np.float32
    assert int(model.optimizer.iterations) == 4


def test_loss_scale_optimizer_skips_non_finite_steps_and_adapts_its_scale():
    w = tf.Variable([1.0, 2.0])
    optimizer = keras.optimizers.LossScaleOptimizer(
        keras.optimizers.SGD(0.5), initial_scale=8.0, dynamic_growth_steps=2
    )
    assert float(optimizer.scale_loss(tf.constant(1.0))) == 8.0
    scales, values = [], []
    for g in ([8.0, 8.0], [np.inf, 1.0], [4.0, 4.0], [4.0, 8.0], [2.0, 2.0]):
        optimizer.apply_gradients([(tf.constant(g), w)])
        scales.append(float(optimizer.dynamic_scale))
        values.append(w.numpy().tolist())
    # Unscaled by the scale of their step: 1, skipped, 1, 1 (then doubled), 0.25.
    assert scales == [8.0, 4.0, 4.0, 8.0, 8.0]
    assert values == [[0.5, 1.5], [0.5, 1.5], [0.0, 1.0], [-0.5, 0.0], [-0.625, -0.125]]
    assert int(optimizer.iterations) == 4 and optimizer.learning_rate.numpy() == np.float32(0.5)
    config = optimizer.get_config()
    clone = keras.optimizers.LossScaleOptimizer.from_config(config)
    assert clone.initial_scale == 8.0 and isinstance(clone.inner_optimizer, keras.optimizers.SGD)
    with pytest.raises(ValueError, match="does not support `clipnorm`"):
        keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(), clipnorm=1.0)


def test_mixed_precision_matches_keras():
    pytest.importorskip("tensorflow")
    keras_real = pytest.importorskip("keras")
    results = []
    for k in (keras, keras_real):
        k.mixed_precision.set_global_policy("mixed_float16")
        try:
            layer = k.layers.Dense(3, kernel_initializer="ones", bias_initializer="zeros")
            out = layer(X)
            optimizer = k.optimizers.LossScaleOptimizer(
                k.optimizers.SGD(0.5), initial_scale=8.0, dynamic_growth_steps=2
            )
            w = (
                k.Variable(np.array([1.0, 2.0], "float32"), name="w")  # Keras numbers unnamed ones
                if k is keras_real
                else tf.Variable([1.0, 2.0])
            )
            scales = []
            for g in ([8.0, 8.0], [np.inf, 1.0], [4.0, 4.0], [4.0, 8.0], [2.0, 2.0]):
                optimizer.apply([np.array(g, "float32")], [w])
                scales.append(float(np.asarray(optimizer.dynamic_scale)))
            results.append(
                (str(np.asarray(out).dtype), layer.dtype, np.asarray(out), scales, np.asarray(w))
            )
        finally:
            k.mixed_precision.set_global_policy(None if k is keras else "float32")
    ours, theirs = results
    assert ours[:2] == theirs[:2] and ours[3] == theirs[3]
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-3)
    np.testing.assert_array_equal(ours[4], theirs[4])
