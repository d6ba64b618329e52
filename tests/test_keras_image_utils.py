"""keras.utils.array_to_img, img_to_array, load_img and save_img through Pillow (real files on
disk); without Pillow each says which extra to install."""

import io

import numpy as np
import pytest
from bad_input import assert_clear_error

from tapegrad import keras

utils = keras.utils
RNG = np.random.default_rng(0)


@pytest.fixture
def pil():
    return pytest.importorskip("PIL.Image")


def test_round_trip_through_png_and_jpeg_files(pil, tmp_path):
    pixels = RNG.integers(0, 256, (6, 5, 3)).astype("float32")
    path = tmp_path / "image.png"
    utils.save_img(path, pixels, scale=False)
    img = utils.load_img(path)
    assert img.mode == "RGB" and img.size == (5, 6)
    back = utils.img_to_array(img)
    assert back.dtype == np.float32 and back.shape == (6, 5, 3)
    np.testing.assert_array_equal(back, pixels)  # PNG is lossless
    first = utils.img_to_array(img, data_format="channels_first")
    np.testing.assert_array_equal(first, pixels.transpose(2, 0, 1))
    gray = utils.img_to_array(utils.load_img(str(path), color_mode="grayscale"))
    assert gray.shape == (6, 5, 1)
    rgba = np.concatenate([pixels, np.full((6, 5, 1), 255.0, "float32")], axis=-1)
    with pytest.warns(UserWarning, match="JPEG format does not support RGBA"):
        utils.save_img(tmp_path / "image.jpg", rgba, scale=False)
    assert utils.load_img(tmp_path / "image.jpg").mode == "RGB"
    buffer = io.BytesIO()
    utils.save_img(buffer, pixels, file_format="png")
    assert utils.load_img(io.BytesIO(buffer.getvalue()), color_mode="rgba").mode == "RGBA"


def test_array_to_img_scales_and_picks_the_mode(pil):
    x = RNG.normal(size=(4, 3, 1))
    img = utils.array_to_img(x)
    values = np.asarray(img)
    assert img.mode == "L" and values.min() == 0 and values.max() == 255
    assert utils.array_to_img(x * 1000 + 5000, scale=False).mode == "I"
    assert utils.array_to_img(RNG.uniform(size=(3, 4, 4)), data_format="channels_first").size == (
        4, 4)
    assert_clear_error(lambda: utils.array_to_img(np.zeros((2, 2))), ValueError, "rank 3",
                       "(2, 2)")
    assert_clear_error(lambda: utils.array_to_img(np.zeros((2, 2, 2))), ValueError, "channel",
                       "2")


def test_load_img_resizes_as_keras(pil, tmp_path):
    pixels = np.arange(8 * 12 * 3).reshape(8, 12, 3) % 256
    utils.save_img(tmp_path / "wide.png", pixels, scale=False)
    img = utils.load_img(tmp_path / "wide.png", target_size=(4, 6))
    assert img.size == (6, 4)
    np.testing.assert_array_equal(np.asarray(img), np.asarray(
        pil.open(tmp_path / "wide.png").resize((6, 4), pil.Resampling.NEAREST)))
    cropped = utils.load_img(tmp_path / "wide.png", target_size=(4, 4), keep_aspect_ratio=True,
                             interpolation="bilinear")
    np.testing.assert_array_equal(np.asarray(cropped), np.asarray(
        pil.open(tmp_path / "wide.png").resize((4, 4), pil.Resampling.BILINEAR,
                                               box=[2, 0, 10, 8])))
    assert_clear_error(lambda: utils.load_img(tmp_path / "wide.png", target_size=(3, 3),
                                              interpolation="cubic"), ValueError, "cubic")
    assert_clear_error(lambda: utils.load_img(tmp_path / "wide.png", color_mode="cmyk"),
                       ValueError, "color_mode", "cmyk")
    assert_clear_error(lambda: utils.load_img(42), TypeError, "path", "int")


@pytest.mark.usefixtures("without_pillow")
def test_without_pillow_the_error_names_the_extra():
    assert_clear_error(lambda: utils.array_to_img(np.zeros((2, 2, 3))), ImportError,
                       "array_to_img", "tapegrad[image]")
    assert_clear_error(lambda: utils.load_img("x.png"), ImportError, "load_img",
                       "tapegrad[image]")
    np.testing.assert_array_equal(utils.img_to_array(np.ones((2, 2))), np.ones((2, 2, 1)))


def test_matches_keras(tf_keras_real, pil, tmp_path):
    _, k3 = tf_keras_real
    x = RNG.normal(size=(5, 4, 3))
    np.testing.assert_array_equal(np.asarray(utils.array_to_img(x)),
                                  np.asarray(k3.utils.array_to_img(x)))
    utils.save_img(tmp_path / "a.png", x)
    for kwargs in ({}, {"target_size": (3, 3), "keep_aspect_ratio": True},
                   {"color_mode": "grayscale", "target_size": (2, 5), "interpolation": "box"}):
        np.testing.assert_array_equal(
            utils.img_to_array(utils.load_img(tmp_path / "a.png", **kwargs)),
            k3.utils.img_to_array(k3.utils.load_img(tmp_path / "a.png", **kwargs)))
