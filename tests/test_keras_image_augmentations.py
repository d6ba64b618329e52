"""RandomCrop and RandomBrightness as Keras 3's: training draws (per batch for the crop, per
image for the brightness), the inference behaviour, configs and dtypes, drawn anew at each call
of a traced function (the other augmentations too); expected values recorded from Keras
3.15 say so."""

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad as tf
from tapegrad import keras

layers = keras.layers
GRID = np.arange(2 * 5 * 7, dtype="float32").reshape(2, 5, 7, 1)


def _windows(image, height, width):
    """Every (height, width) window of an (H, W, C) image."""
    return [image[i:i + height, j:j + width] for i in range(image.shape[0] - height + 1)
            for j in range(image.shape[1] - width + 1)]


def test_random_crop_training_crops_one_window_for_the_batch():
    layer = layers.RandomCrop(3, 4, seed=1)
    seen = set()
    for _ in range(30):
        out = layer(GRID, training=True).numpy()
        assert out.shape == (2, 3, 4, 1)
        assert any(np.array_equal(out[0], w) for w in _windows(GRID[0], 3, 4))
        np.testing.assert_array_equal(out[1] - out[0], 35.0)  # the same place in both images
        seen.add(float(out[0, 0, 0, 0]))
    assert len(seen) > 6  # 12 places to start from
    assert layer(GRID[0], training=True).shape == (3, 4, 1)


def test_random_crop_seed_reproduces_the_crops():
    first = [layers.RandomCrop(2, 2, seed=4)(GRID, training=True).numpy() for _ in range(2)]
    layer = layers.RandomCrop(2, 2, seed=4)
    again = layer(GRID, training=True).numpy()
    np.testing.assert_array_equal(first[0], first[1])
    np.testing.assert_array_equal(first[0], again)
    keras.utils.set_random_seed(3)
    a = layers.RandomCrop(2, 2)(GRID, training=True).numpy()
    keras.utils.set_random_seed(3)
    np.testing.assert_array_equal(a, layers.RandomCrop(2, 2)(GRID, training=True).numpy())


def test_random_crop_smaller_inputs_in_training_match_keras():
    small = np.arange(2 * 2 * 3, dtype="float32").reshape(2, 2, 3, 1)
    out = layers.RandomCrop(3, 4)(small, training=True).numpy()
    # recorded from Keras 3.15: keras.layers.RandomCrop(3, 4)(small, training=True)[0, ..., 0]
    np.testing.assert_allclose(out[0, ..., 0], [[0.0, 0.625, 1.375, 2.0],
                                                [1.5, 2.125, 2.875, 3.5],
                                                [3.0, 3.625, 4.375, 5.0]], rtol=1e-6)
    # one size equal: Keras's central start, no draw and no resize
    same_height = layers.RandomCrop(5, 4)(GRID, training=True).numpy()
    np.testing.assert_array_equal(same_height, GRID[:, :, 1:5])


def test_random_crop_inference_is_the_central_aspect_crop_resized():
    layer = layers.RandomCrop(3, 4, seed=0)
    want = layers.Resizing(3, 4, crop_to_aspect_ratio=True)(GRID).numpy()
    np.testing.assert_allclose(layer(GRID, training=False).numpy(), want, rtol=1e-6)
    model = keras.Sequential([keras.Input((5, 7, 1)), layers.RandomCrop(3, 4)])
    assert model.predict(GRID, verbose=0).shape == (2, 3, 4, 1)
    assert model.output_shape == (None, 3, 4, 1)


def test_random_crop_channels_first_and_dtypes():
    first = np.transpose(GRID, (0, 3, 1, 2))
    out = layers.RandomCrop(3, 4, seed=2, data_format="channels_first")(first, training=True)
    again = layers.RandomCrop(3, 4, seed=2)(GRID, training=True)
    np.testing.assert_array_equal(out.numpy(), np.transpose(again.numpy(), (0, 3, 1, 2)))
    assert layers.RandomCrop(3, 4)(GRID.astype("int32"), training=True).dtype == tf.float32


def test_random_crop_and_brightness_draw_at_each_traced_call():
    crop, bright = layers.RandomCrop(2, 2, seed=1), layers.RandomBrightness(0.5, seed=1)
    step = tf.function(lambda x: (crop(x, training=True), bright(x, training=True)))
    crops, deltas = set(), set()
    for _ in range(8):
        c, b = step(GRID)
        crops.add(float(c.numpy()[0, 0, 0, 0]))
        deltas.add(float(b.numpy()[0, 4, 6, 0] - GRID[0, 4, 6, 0]))
    assert len(crops) > 2 and len(deltas) > 2


@pytest.mark.parametrize("make", [lambda: layers.RandomFlip(seed=1),
                                  lambda: layers.RandomContrast(0.5, seed=1),
                                  lambda: layers.RandomRotation(0.3, seed=1),
                                  lambda: layers.RandomZoom(0.3, seed=1),
                                  lambda: layers.RandomTranslation(0.2, 0.2, seed=1)])
def test_augmentations_draw_at_each_traced_call(make):
    layer = make()
    step = tf.function(lambda x: layer(x, training=True))
    outs = {step(GRID).numpy().tobytes() for _ in range(8)}
    assert len(outs) > 2  # a draw kept from the trace would give one output


def test_random_crop_gradient_flows_to_the_window():
    source = tf.Variable(GRID)
    with tf.GradientTape() as tape:
        out = layers.RandomCrop(3, 4, seed=5)(source, training=True)
    grad = tape.gradient(out, source).numpy()
    assert grad.sum() == 24.0 and set(np.unique(grad)) == {0.0, 1.0}
    np.testing.assert_array_equal(GRID[grad == 1.0], np.sort(out.numpy().ravel()))


def test_random_brightness_adds_one_delta_per_image_and_clips():
    out = layers.RandomBrightness((0.1, 0.1))(GRID, training=True).numpy()
    np.testing.assert_allclose(out, np.minimum(GRID + 25.5, 255.0), rtol=1e-6)
    wide = np.random.default_rng(1).uniform(0.35, 0.65, size=(16, 4, 4, 3)).astype("float32")
    drawn = layers.RandomBrightness(0.3, value_range=(0, 1), seed=2)(
        wide, training=True).numpy() - wide
    per_image = drawn.reshape(16, -1)
    np.testing.assert_allclose(per_image - per_image[:, :1], 0.0, atol=1e-6)  # none clipped
    assert np.all(np.abs(per_image) <= 0.3) and np.unique(per_image[:, 0].round(6)).size == 16
    dark = layers.RandomBrightness((-1.0, -1.0))(GRID, training=True).numpy()
    np.testing.assert_array_equal(dark, 0.0)
    np.testing.assert_array_equal(layers.RandomBrightness(0.5)(GRID, training=False).numpy(),
                                  GRID)


def test_random_brightness_dtypes_match_keras():
    ints = np.arange(8).reshape(2, 2, 2, 1)
    out = layers.RandomBrightness((0.1, 0.1), value_range=(0, 10))(ints, training=True)
    # recorded from Keras 3.15: int64 in, int64 out, the delta 0.1 * 10 cast to int64
    assert out.dtype == tf.int64
    np.testing.assert_array_equal(out.numpy()[..., 0], [[[1, 2], [3, 4]], [[5, 6], [7, 8]]])
    assert layers.RandomBrightness(0.1)(GRID.astype("float64"), training=True).dtype == (
        tf.float32)


def test_random_brightness_config_and_factor_forms():
    config = layers.RandomBrightness([0.5, -0.2], value_range=[255, 0], seed=3).get_config()
    # recorded from Keras 3.15
    assert (config["factor"], config["value_range"], config["seed"]) == ((-0.2, 0.5), [0, 255],
                                                                          3)
    assert layers.RandomBrightness(-0.3).factor == (-0.3, 0.3)
    assert layers.RandomBrightness([0.5, 5.0]).factor == (0.5, 5.0)  # Keras takes it too
    crop = layers.RandomCrop(3, 4, seed=1).get_config()
    assert {k: crop[k] for k in ("height", "width", "seed", "data_format")} == {
        "height": 3, "width": 4, "seed": 1, "data_format": "channels_last"}


def test_random_crop_and_brightness_bad_arguments():
    assert_clear_error(lambda: layers.RandomCrop(0, 3), ValueError, "height", "0")
    assert_clear_error(lambda: layers.RandomCrop(3, 2.5), ValueError, "width", "2.5")
    assert_clear_error(lambda: layers.RandomCrop(2, 2)(GRID[0, 0]), ValueError,
                       "rank 3 or 4", "(7, 1)")
    assert_clear_error(lambda: layers.RandomBrightness(1.5), ValueError, "factor", "1.5")
    assert_clear_error(lambda: layers.RandomBrightness((2, 3)), ValueError, "factor", "(2, 3)")
    assert_clear_error(lambda: layers.RandomBrightness("a"), ValueError, "factor", "a")
    assert_clear_error(lambda: layers.RandomBrightness(0.2, value_range=5), ValueError,
                       "value_range", "5")
    assert_clear_error(lambda: layers.RandomBrightness(0.2)(np.zeros((3, 3)), training=True),
                       ValueError, "rank 3 or 4", "(3, 3)")


@pytest.mark.parametrize("make", [
    lambda m: m.layers.RandomCrop(3, 4, seed=1),
    lambda m: m.layers.RandomCrop(2, 6, seed=1, data_format="channels_first"),
    lambda m: m.layers.RandomBrightness((-0.2, 0.4), value_range=[0, 1], seed=2),
])
def test_random_crop_and_brightness_configs_match_keras(tf_keras_real, make):
    _, k3 = tf_keras_real
    theirs, ours = make(k3).get_config(), make(keras).get_config()
    assert ours | {"name": None, "dtype": None} == theirs | {"name": None, "dtype": None}


def test_random_crop_and_brightness_training_match_keras(tf_keras_real):
    _, k3 = tf_keras_real
    small = np.random.default_rng(3).uniform(0, 255, size=(2, 4, 3, 2)).astype("float32")
    for make in (lambda m: m.layers.RandomCrop(5, 3), lambda m: m.layers.RandomCrop(4, 2),
                 lambda m: m.layers.RandomCrop(6, 6)):
        np.testing.assert_allclose(make(keras)(small, training=True).numpy(),
                                   np.asarray(make(k3)(small, training=True)), rtol=1e-5,
                                   atol=1e-4)
    for factor in ((0.3, 0.3), (-0.6, -0.6)):
        ours = layers.RandomBrightness(factor)(small, training=True).numpy()
        theirs = np.asarray(k3.layers.RandomBrightness(factor)(small, training=True))
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_affine_transform_reads_its_transform_at_each_traced_call():
    transform = keras.ops.image.affine_transform
    step = tf.function(lambda images, m: transform(images, m, fill_mode="reflect"))
    shifts = [np.array([1, 0, s, 0, 1, 0.5 * s, 0, 0], "float32") for s in (-1.5, 0.0, 2.25)]
    for m in shifts:
        np.testing.assert_allclose(step(GRID, tf.constant(m)).numpy(),
                                   transform(GRID, m, fill_mode="reflect").numpy(), rtol=1e-6)
