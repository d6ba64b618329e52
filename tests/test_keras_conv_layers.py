"""Convolution and pooling layers (issue 13): derivatives against finite differences, config
round trips, shapes, and with TensorFlow each against Keras 3 (weights, outputs, gradients,
configs)."""

import numpy as np
import pytest
from _layer_checks import check_against_keras, check_config_round_trip, check_gradients

from tapegrad import keras

layers = keras.layers
RNG = np.random.default_rng(0)
SEQ = RNG.normal(size=(2, 7, 3)).astype("float32")
IMG = RNG.normal(size=(2, 6, 5, 3)).astype("float32")
VOL = RNG.normal(size=(1, 4, 5, 4, 2)).astype("float32")

# (name, constructor of (module) -> layer, input); the constructors name every initializer
# that matters so the layers are comparable after copying weights.
CASES = [
    ("conv1d", lambda m: m.layers.Conv1D(4, 3), SEQ),
    ("conv1d_causal_dilated", lambda m: m.layers.Conv1D(2, 2, padding="causal",
                                                        dilation_rate=2, activation="tanh"),
     SEQ),
    ("conv1d_same_strided_first", lambda m: m.layers.Conv1D(
        2, 3, strides=2, padding="same", data_format="channels_first"), SEQ),
    ("conv2d", lambda m: m.layers.Conv2D(4, 3, activation="relu"), IMG),
    ("conv2d_same_strided", lambda m: m.layers.Conv2D(2, (2, 3), strides=2, padding="same",
                                                      use_bias=False), IMG),
    ("conv2d_groups", lambda m: m.layers.Conv2D(6, 2, groups=3, bias_initializer="ones"), IMG),
    ("conv2d_channels_first", lambda m: m.layers.Conv2D(2, 2, data_format="channels_first",
                                                        dilation_rate=2), IMG),
    ("conv3d", lambda m: m.layers.Conv3D(3, 2, padding="same"), VOL),
    ("conv1d_transpose", lambda m: m.layers.Conv1DTranspose(2, 3, strides=2), SEQ),
    ("conv2d_transpose_same", lambda m: m.layers.Conv2DTranspose(2, 3, strides=2,
                                                                 padding="same"), IMG),
    ("conv2d_transpose_output_padding", lambda m: m.layers.Conv2DTranspose(
        2, 3, strides=2, output_padding=1), IMG),
    ("conv2d_transpose_first", lambda m: m.layers.Conv2DTranspose(
        2, 2, strides=(1, 2), data_format="channels_first"), IMG),
    ("conv3d_transpose", lambda m: m.layers.Conv3DTranspose(2, 2, strides=2), VOL),
    ("depthwise_conv2d", lambda m: m.layers.DepthwiseConv2D(2, depth_multiplier=2,
                                                            bias_initializer="ones"), IMG),
    ("depthwise_conv2d_same", lambda m: m.layers.DepthwiseConv2D(3, strides=2, padding="same"),
     IMG),
    ("depthwise_conv1d", lambda m: m.layers.DepthwiseConv1D(2), SEQ),
    ("separable_conv2d", lambda m: m.layers.SeparableConv2D(4, 2, depth_multiplier=2), IMG),
    ("separable_conv1d", lambda m: m.layers.SeparableConv1D(2, 3, padding="same"), SEQ),
    ("max_pooling1d", lambda m: m.layers.MaxPooling1D(), SEQ),
    ("max_pooling2d", lambda m: m.layers.MaxPooling2D(), IMG),
    ("max_pooling2d_same", lambda m: m.layers.MaxPooling2D((3, 2), strides=2, padding="same"),
     IMG),
    ("max_pooling3d", lambda m: m.layers.MaxPooling3D(), VOL),
    ("average_pooling1d", lambda m: m.layers.AveragePooling1D(3, strides=1), SEQ),
    ("average_pooling2d_same", lambda m: m.layers.AveragePooling2D(3, 2, padding="same"), IMG),
    ("average_pooling2d_first", lambda m: m.layers.AveragePooling2D(
        2, data_format="channels_first"), IMG),
    ("average_pooling3d", lambda m: m.layers.AveragePooling3D(2, padding="same"), VOL),
    ("global_average_pooling2d", lambda m: m.layers.GlobalAveragePooling2D(), IMG),
    ("global_max_pooling2d_keepdims", lambda m: m.layers.GlobalMaxPooling2D(keepdims=True), IMG),
    ("global_average_pooling3d_first", lambda m: m.layers.GlobalAveragePooling3D(
        data_format="channels_first"), VOL),
    ("global_max_pooling3d", lambda m: m.layers.GlobalMaxPooling3D(), VOL),
    ("zero_padding1d", lambda m: m.layers.ZeroPadding1D((1, 2)), SEQ),
    ("zero_padding2d", lambda m: m.layers.ZeroPadding2D(((1, 0), (2, 1))), IMG),
    ("zero_padding2d_first", lambda m: m.layers.ZeroPadding2D(2, data_format="channels_first"),
     IMG),
    ("zero_padding3d", lambda m: m.layers.ZeroPadding3D((1, 0, 2)), VOL),
    ("cropping1d", lambda m: m.layers.Cropping1D((2, 1)), SEQ),
    ("cropping2d", lambda m: m.layers.Cropping2D(((1, 2), (0, 1))), IMG),
    ("cropping2d_first", lambda m: m.layers.Cropping2D(1, data_format="channels_first"), IMG),
    ("cropping3d", lambda m: m.layers.Cropping3D(((1, 0), (1, 1), (0, 2))), VOL),
    ("up_sampling1d", lambda m: m.layers.UpSampling1D(3), SEQ),
    ("up_sampling2d", lambda m: m.layers.UpSampling2D((2, 3)), IMG),
    ("up_sampling2d_bilinear", lambda m: m.layers.UpSampling2D(2, interpolation="bilinear"), IMG),
    ("up_sampling2d_first", lambda m: m.layers.UpSampling2D(2, data_format="channels_first"),
     IMG),
    ("up_sampling3d", lambda m: m.layers.UpSampling3D((1, 2, 1)), VOL),
]
IDS = [c[0] for c in CASES]


# tf.image.resize's bilinear output is float32 whatever the input, as TensorFlow's: its
# float64 check is the generated one of the resize_bilinear composite.
FLOAT32_ONLY = {"up_sampling2d_bilinear"}


@pytest.mark.parametrize("name,make,x", [c for c in CASES if c[0] not in FLOAT32_ONLY],
                         ids=[i for i in IDS if i not in FLOAT32_ONLY])
def test_layer_gradients_match_finite_differences(name, make, x):
    check_gradients(make, x)


@pytest.mark.parametrize("name,make,x", CASES, ids=IDS)
def test_layer_config_round_trip(name, make, x):
    check_config_round_trip(make, x)


@pytest.mark.parametrize("name,make,x", CASES, ids=IDS)
def test_declared_shape_is_the_output_shape(name, make, x):
    layer = make(keras)
    assert layer.compute_output_shape(x.shape) == tuple(layer(x).shape)


def test_weight_layouts_and_defaults():
    conv = layers.Conv2D(8, 3)
    conv(IMG)
    assert [w.name for w in conv.weights] == ["kernel", "bias"]
    assert conv.kernel.shape == (3, 3, 3, 8) and conv.strides == (1, 1)
    assert conv.padding == "valid" and conv.data_format == "channels_last"
    transpose = layers.Conv2DTranspose(8, 3)
    transpose(IMG)
    assert transpose.kernel.shape == (3, 3, 8, 3)  # (window, filters, input channels)
    depthwise = layers.DepthwiseConv2D(3, depth_multiplier=2)
    depthwise(IMG)
    assert depthwise.kernel.shape == (3, 3, 3, 2) and depthwise.bias.shape == (6,)
    separable = layers.SeparableConv2D(5, 3)
    separable(IMG)
    assert [w.name for w in separable.weights] == ["depthwise_kernel", "pointwise_kernel",
                                                   "bias"]
    assert separable.pointwise_kernel.shape == (1, 1, 3, 5)
    pool = layers.MaxPooling2D()
    assert pool.pool_size == (2, 2) and pool.strides == (2, 2)
    assert layers.MaxPool2D is layers.MaxPooling2D
    assert layers.GlobalAvgPool2D is layers.GlobalAveragePooling2D


def test_max_pooling_gradient_goes_to_the_first_maximum():
    import tapegrad as tf

    x = tf.constant(np.array([[[[1.0], [3.0]], [[3.0], [2.0]]]], "float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layers.MaxPooling2D()(x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy().ravel(), [0, 1, 0, 0])


def test_causal_conv1d_sees_only_the_past():
    layer = layers.Conv1D(1, 3, padding="causal", kernel_initializer="ones", use_bias=False)
    x = np.zeros((1, 6, 1), "float32")
    x[0, 3, 0] = 1.0
    np.testing.assert_array_equal(layer(x).numpy().ravel(), [0, 0, 0, 1, 1, 1])


def test_mnist_network_shapes_and_summary():
    model = keras.Sequential([
        keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(),
        layers.Flatten(), layers.Dense(128, activation="relu"), layers.Dense(10)])
    assert model.output_shape == (None, 10)
    assert model.count_params() == 320 + 5408 * 128 + 128 + 1290
    assert model(np.zeros((2, 28, 28, 1), "float32")).shape == (2, 10)


# Keras 3.15 on TensorFlow 2.21 gives Conv1D(channels_first)'s bias a gradient that is not the
# sum of the output's cotangent over batch and steps (its own ops.conv plus a reshaped bias,
# differentiated by the same tape, give the sum, as ours and finite differences do).
KERAS_BIAS_GRADIENT_DIFFERS = {"conv1d_same_strided_first": (2,)}


@pytest.mark.parametrize("name,make,x", CASES, ids=IDS)
def test_layers_match_keras(tf_keras_real, name, make, x):
    check_against_keras(*tf_keras_real, make, x,
                        skip_grads=KERAS_BIAS_GRADIENT_DIFFERS.get(name, ()))


@pytest.mark.parametrize("name,make,x", CASES, ids=IDS)
def test_symbolic_shape_is_the_eager_shape(name, make, x):
    layer = make(keras)
    symbolic = layer(keras.Input(shape=x.shape[1:]))
    assert tuple(symbolic.shape) == (None,) + tuple(layer(x).shape)[1:]


def test_images_of_unknown_size_in_a_functional_model():
    inputs = keras.Input((None, None, 3))
    x = layers.Conv2D(4, 3, padding="same")(inputs)
    x = layers.MaxPooling2D()(x)
    outputs = layers.GlobalAveragePooling2D()(x)
    assert tuple(x.shape) == (None, None, None, 4) and tuple(outputs.shape) == (None, 4)
    model = keras.Model(inputs, outputs)
    assert model(IMG).shape == (2, 4)


# keras.ops' convolutions and pools (Keras's arguments) against Keras 3's own.
OPS = [
    ("conv", lambda o, x, k: o.conv(x, k, strides=2, padding="same"), IMG, (2, 2, 3, 4)),
    ("conv_transpose", lambda o, x, k: o.conv_transpose(x, k, 2, padding="same"), IMG,
     (3, 3, 4, 3)),
    ("conv_transpose_output_padding", lambda o, x, k: o.conv_transpose(
        x, k, 2, output_padding=1), SEQ, (3, 2, 3)),
    ("depthwise_conv", lambda o, x, k: o.depthwise_conv(x, k, padding="same"), IMG,
     (2, 2, 3, 2)),
    ("max_pool", lambda o, x, k: o.max_pool(x, 2, padding="same"), IMG, None),
    ("average_pool", lambda o, x, k: o.average_pool(x, (3, 1), 1, "same"), IMG, None),
]


@pytest.mark.parametrize("name,fn,x,kernel_shape", OPS, ids=[o[0] for o in OPS])
def test_keras_ops_convolutions_match_keras(tf_keras_real, name, fn, x, kernel_shape):
    _, k3 = tf_keras_real
    k = None if kernel_shape is None else RNG.normal(size=kernel_shape).astype("float32")
    np.testing.assert_allclose(fn(keras.ops, x, k).numpy(), np.asarray(fn(k3.ops, x, k)),
                               rtol=1e-5, atol=1e-5)


def test_keras_ops_convolutions_are_tf_nn_ops():
    import tapegrad as tf

    k = RNG.normal(size=(2, 2, 3, 4)).astype("float32")
    np.testing.assert_allclose(keras.ops.conv(IMG, k, 1, "same").numpy(),
                               tf.nn.conv2d(IMG, k, 1, "SAME").numpy(), rtol=1e-6)
    depthwise = RNG.normal(size=(2, 2, 3, 2)).astype("float32")
    pointwise = RNG.normal(size=(1, 1, 6, 4)).astype("float32")
    np.testing.assert_allclose(
        keras.ops.separable_conv(IMG, depthwise, pointwise).numpy(),
        tf.nn.separable_conv2d(IMG, depthwise, pointwise, [1, 1, 1, 1], "VALID").numpy(),
        rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(keras.ops.max_pool(IMG, 2).numpy(),
                               tf.nn.max_pool2d(IMG, 2, 2, "VALID").numpy())
