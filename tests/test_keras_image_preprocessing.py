"""Image preprocessing layers (issue 13): Resizing and CenterCrop against loops and Keras 3;
RandomFlip and RandomContrast act only in training, per image, seeded by the layer's seed or
keras.utils.set_random_seed, with Keras 3's configs."""

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad as tf
from tapegrad import keras

layers = keras.layers
IMAGES = (np.random.default_rng(0).uniform(size=(4, 6, 8, 3)) * 255).astype("float32")

DETERMINISTIC = [
    ("resizing", lambda m: m.layers.Resizing(4, 5)),
    ("resizing_nearest", lambda m: m.layers.Resizing(9, 3, interpolation="nearest")),
    ("resizing_crop", lambda m: m.layers.Resizing(4, 4, crop_to_aspect_ratio=True)),
    ("resizing_pad", lambda m: m.layers.Resizing(4, 4, pad_to_aspect_ratio=True,
                                                 fill_value=1.0)),
    ("resizing_first", lambda m: m.layers.Resizing(3, 2, data_format="channels_first")),
    ("center_crop", lambda m: m.layers.CenterCrop(3, 5)),
    ("center_crop_larger", lambda m: m.layers.CenterCrop(8, 8)),
]


def test_center_crop_and_resizing_values():
    np.testing.assert_array_equal(layers.CenterCrop(4, 4)(IMAGES).numpy(), IMAGES[:, 1:5, 2:6])
    np.testing.assert_allclose(layers.Resizing(3, 4)(IMAGES).numpy(),
                               tf.image.resize(IMAGES, (3, 4)).numpy())
    cropped = layers.Resizing(6, 6, crop_to_aspect_ratio=True)(IMAGES).numpy()
    np.testing.assert_allclose(cropped, IMAGES[:, :, 1:7], rtol=1e-6)  # same size: a crop
    padded = layers.Resizing(8, 8, pad_to_aspect_ratio=True)(IMAGES).numpy()
    np.testing.assert_allclose(padded[:, 1:7], IMAGES, rtol=1e-6)
    assert (padded[:, 0] == 0).all() and (padded[:, 7] == 0).all()
    assert layers.Resizing(3, 4).compute_output_shape((None, 6, 8, 3)) == (None, 3, 4, 3)


@pytest.mark.parametrize("make", [lambda: layers.RandomFlip(seed=2),
                                  lambda: layers.RandomContrast(0.5, seed=2)])
def test_augmentations_act_in_training_and_on_a_direct_call(make):
    # Keras 3.15: an augmentation layer's `training` defaults to True, so `layer(x)` and
    # `model(x)` augment (the data augmentation tutorial shows augmented images that way);
    # training=False, predict and evaluate do not.
    layer = make()
    np.testing.assert_array_equal(layer(IMAGES, training=False).numpy(), IMAGES)
    assert not np.array_equal(layer(IMAGES, training=True).numpy(), IMAGES)
    assert not np.array_equal(layer(IMAGES).numpy(), IMAGES)
    model = keras.Sequential([keras.Input((6, 8, 3)), make()])
    np.testing.assert_array_equal(model.predict(IMAGES, verbose=0), IMAGES)
    assert not np.array_equal(model(IMAGES).numpy(), IMAGES)
    np.testing.assert_array_equal(model(IMAGES, training=False).numpy(), IMAGES)


def test_a_layers_training_default_reaches_the_layers_inside_it():
    # as Keras 3: a call without `training` takes the outer call's, else its own default
    class Block(keras.layers.Layer):
        def __init__(self, default, **kwargs):
            super().__init__(**kwargs)
            self.flip = layers.RandomFlip(seed=1)
            self.default = default

        def call(self, x, training=None):
            return self.flip(x)

    class Eval(Block):
        def call(self, x, training=False):
            return self.flip(x)

    np.testing.assert_array_equal(Eval(False)(IMAGES).numpy(), IMAGES)  # its False, inside
    assert not np.array_equal(Block(None)(IMAGES).numpy(), IMAGES)  # None: the flip's True
    assert not np.array_equal(Eval(False)(IMAGES, training=True).numpy(), IMAGES)


def test_random_flip_flips_each_image_on_its_own():
    batch = np.stack([IMAGES[0]] * 32)
    out = layers.RandomFlip("horizontal", seed=1)(batch, training=True).numpy()
    flipped = [np.array_equal(o, IMAGES[0][:, ::-1]) for o in out]
    assert all(f or np.array_equal(o, IMAGES[0]) for f, o in zip(flipped, out))
    assert 4 < sum(flipped) < 28
    both = layers.RandomFlip(seed=3)(batch, training=True).numpy()
    kinds = {next(k for k, v in enumerate((o, o[::-1], o[:, ::-1], o[::-1, ::-1]))
                  if np.array_equal(v, IMAGES[0])) for o in both}
    assert kinds == {0, 1, 2, 3}


def test_random_contrast_keeps_each_channel_mean_and_range():
    out = layers.RandomContrast((0.2, 0.4), value_range=(-1000, 1000), seed=0)(
        IMAGES, training=True).numpy()
    np.testing.assert_allclose(out.mean(axis=(1, 2)), IMAGES.mean(axis=(1, 2)), rtol=1e-4)
    spread = out.std(axis=(1, 2)) / IMAGES.std(axis=(1, 2))  # the factor, one per image
    assert ((spread > 0.79) & (spread < 1.41)).all()
    assert np.allclose(spread, spread[:, :1], rtol=1e-4) and not np.allclose(spread, spread[0])
    clipped = layers.RandomContrast(1.0, seed=0)(IMAGES, training=True).numpy()
    assert clipped.min() >= 0 and clipped.max() <= 255


def test_augmentations_follow_set_random_seed():
    def draw():
        keras.utils.set_random_seed(5)
        return (layers.RandomFlip()(IMAGES, training=True).numpy(),
                layers.RandomContrast(0.5)(IMAGES, training=True).numpy())

    first, second = draw(), draw()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_bad_arguments_are_clear():
    assert_clear_error(lambda: layers.RandomFlip("diagonal"), ValueError, "mode", "diagonal")
    assert_clear_error(lambda: layers.RandomContrast(1.5), ValueError, "factor", "1.5")
    assert_clear_error(lambda: layers.Resizing(0, 4), ValueError, "height", "0")
    assert_clear_error(lambda: layers.Resizing(4, 4, interpolation="bicubic"), ValueError,
                       "interpolation", "bicubic")
    assert_clear_error(lambda: layers.CenterCrop(2, 2)(IMAGES[0, 0]), ValueError,
                       "rank 3 or 4", "(8, 3)")


@pytest.mark.parametrize("name,make", DETERMINISTIC, ids=[c[0] for c in DETERMINISTIC])
def test_deterministic_layers_match_keras(tf_keras_real, name, make):
    _, k3 = tf_keras_real
    theirs, ours = make(k3), make(keras)
    np.testing.assert_allclose(ours(IMAGES).numpy(), np.asarray(theirs(IMAGES)), rtol=1e-5,
                               atol=1e-3)
    assert ours.get_config() | {"name": None, "dtype": None} == (
        theirs.get_config() | {"name": None, "dtype": None})


@pytest.mark.parametrize("make", [lambda m: m.layers.RandomFlip("vertical", seed=3),
                                  lambda m: m.layers.RandomContrast((0.1, 0.3), seed=3)])
def test_augmentation_configs_match_keras(tf_keras_real, make):
    _, k3 = tf_keras_real
    theirs, ours = make(k3).get_config(), make(keras).get_config()
    assert {k: v for k, v in ours.items() if k not in ("name", "dtype")} == {
        k: (tuple(v) if isinstance(v, list) else v) for k, v in theirs.items()
        if k not in ("name", "dtype")}


# -- the geometric augmentations and keras.ops.image.affine_transform ------------------------------

SQUARE = np.random.default_rng(1).normal(size=(3, 5, 5, 2)).astype("float32")


def test_rotation_translation_and_zoom_by_fixed_factors():
    quarter = layers.RandomRotation((0.25, 0.25))(SQUARE, training=True).numpy()
    np.testing.assert_allclose(quarter, np.rot90(SQUARE, 1, axes=(1, 2)), atol=1e-5)
    shifted = layers.RandomTranslation((0.4, 0.4), 0.0, fill_mode="wrap")(SQUARE,
                                                                           training=True)
    np.testing.assert_allclose(shifted.numpy(), np.roll(SQUARE, 2, axis=1), atol=1e-5)
    constant = layers.RandomTranslation(0.0, (-0.2, -0.2), fill_mode="constant",
                                        fill_value=7.0)(SQUARE, training=True).numpy()
    np.testing.assert_allclose(constant[:, :, :4], SQUARE[:, :, 1:], atol=1e-5)
    np.testing.assert_array_equal(constant[:, :, 4], 7.0)
    same = layers.RandomZoom((0.0, 0.0))(SQUARE, training=True).numpy()
    np.testing.assert_allclose(same, SQUARE, atol=1e-6)
    zoomed = layers.RandomZoom((-0.5, -0.5), interpolation="nearest")(SQUARE, training=True)
    assert zoomed.shape == SQUARE.shape and not np.allclose(zoomed.numpy(), SQUARE)
    for layer in (layers.RandomRotation(0.3, seed=1), layers.RandomZoom(0.3, seed=1),
                  layers.RandomTranslation(0.2, 0.2, seed=1)):
        np.testing.assert_array_equal(layer(SQUARE, training=False).numpy(), SQUARE)
        out = layer(np.stack([SQUARE[0]] * 2), training=True).numpy()
        assert not np.allclose(out[0], out[1])  # the same image, each its own draw


def test_affine_transform_gradients_match_finite_differences():
    x = np.random.default_rng(2).normal(size=(2, 4, 5, 1))
    transform = np.array([[0.9, 0.3, -0.7, -0.2, 1.1, 0.5, 0.0, 0.0],
                          [1.2, 0.0, -0.4, 0.1, 0.8, 0.3, 0.01, 0.02]])
    for mode in ("constant", "reflect"):
        tf.check_grads(lambda images, mode=mode: keras.ops.image.affine_transform(
            images, transform, fill_mode=mode, fill_value=0.5), [x], order=2,
            modes=("rev", "fwd"))


def test_affine_layers_bad_arguments():
    assert_clear_error(lambda: layers.RandomRotation(1.5), ValueError, "factor", "1.5")
    assert_clear_error(lambda: layers.RandomZoom(-1.0), ValueError, "height_factor", "-1.0")
    assert_clear_error(lambda: layers.RandomTranslation(0.1, 0.1, fill_mode="mirror"),
                       NotImplementedError, "fill_mode", "mirror")


@pytest.mark.parametrize("make", [
    lambda m: m.layers.RandomRotation((0.1, 0.1)),
    lambda m: m.layers.RandomRotation((-0.3, -0.3), fill_mode="constant", fill_value=1.0,
                                      interpolation="nearest"),
    lambda m: m.layers.RandomZoom((0.2, 0.2), (-0.3, -0.3), fill_mode="wrap"),
    lambda m: m.layers.RandomTranslation((0.1, 0.1), (-0.25, -0.25), fill_mode="nearest"),
    lambda m: m.layers.RandomTranslation((0.3, 0.3), (0.2, 0.2),
                                         data_format="channels_first"),
])
def test_geometric_augmentations_match_keras(tf_keras_real, make):
    _, k3 = tf_keras_real
    theirs, ours = make(k3), make(keras)
    np.testing.assert_allclose(ours(IMAGES, training=True).numpy(),
                               np.asarray(theirs(IMAGES, training=True)), rtol=1e-4, atol=1e-3)
    assert {k: v for k, v in ours.get_config().items() if k not in ("name", "dtype")} == {
        k: (tuple(v) if isinstance(v, list) else v) for k, v in theirs.get_config().items()
        if k not in ("name", "dtype")}


@pytest.mark.parametrize("mode", ["constant", "nearest", "wrap", "reflect"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_affine_transform_matches_tensorflows_kernel(mode, interpolation):
    tf_real = pytest.importorskip("tensorflow")
    transform = np.array([[0.9, 0.3, -1.7, -0.2, 1.2, 2.5, 0, 0],
                          [1.5, 0, -4, 0, 1.5, 3.3, 0.01, 0.02]], "float32")
    images = IMAGES[:2]
    want = tf_real.raw_ops.ImageProjectiveTransformV3(
        images=images, transforms=transform, output_shape=images.shape[1:3], fill_value=0.5,
        interpolation=interpolation.upper(), fill_mode=mode.upper()).numpy()
    got = keras.ops.image.affine_transform(images, transform, interpolation, mode, 0.5)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-3)
