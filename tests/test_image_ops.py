"""tf.image's geometry: resize (bilinear and nearest, half-pixel centers), extract_patches,
crops, pads, flips and rotations; values against loops written from TensorFlow's arithmetic
(and, at the end, against TensorFlow itself where it is installed)."""

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad as tf

RNG = np.random.default_rng(0)
IMAGES = RNG.normal(size=(2, 5, 6, 3)).astype("float32")


def _source(i, in_size, out_size):
    # TensorFlow's half-pixel centers: output pixel i samples input position (i + 0.5) * scale
    # - 0.5, where scale = in / out.
    return (i + 0.5) * (in_size / out_size) - 0.5


def bilinear_loop(image, height, width):
    h, w, _ = image.shape
    out = np.zeros((height, width, image.shape[2]))
    for i in range(height):
        for j in range(width):
            y, x = _source(i, h, height), _source(j, w, width)
            y0, x0 = int(np.floor(y)), int(np.floor(x))
            fy, fx = y - y0, x - x0
            rows = min(max(y0, 0), h - 1), min(max(y0 + 1, 0), h - 1)
            cols = min(max(x0, 0), w - 1), min(max(x0 + 1, 0), w - 1)
            top = image[rows[0], cols[0]] * (1 - fx) + image[rows[0], cols[1]] * fx
            bottom = image[rows[1], cols[0]] * (1 - fx) + image[rows[1], cols[1]] * fx
            out[i, j] = top * (1 - fy) + bottom * fy
    return out


def nearest_loop(image, height, width):
    h, w, _ = image.shape
    rows = [min(int(np.floor((i + 0.5) * h / height)), h - 1) for i in range(height)]
    cols = [min(int(np.floor((j + 0.5) * w / width)), w - 1) for j in range(width)]
    return image[rows][:, cols]


@pytest.mark.parametrize("size", [(10, 12), (3, 4), (5, 6), (7, 2)])
def test_resize_matches_loops(size):
    out = tf.image.resize(IMAGES, size).numpy()
    assert out.shape == (2, *size, 3) and out.dtype == np.float32
    for image, got in zip(IMAGES, out):
        np.testing.assert_allclose(got, bilinear_loop(image, *size), rtol=1e-5, atol=1e-5)
    nearest = tf.image.resize(IMAGES[0], size, method="nearest").numpy()
    np.testing.assert_array_equal(nearest, nearest_loop(IMAGES[0], *size))


def test_resize_dtypes_aspect_ratio_and_errors():
    ints = (np.arange(48).reshape(4, 4, 3)).astype("uint8")
    assert tf.image.resize(ints, (2, 2)).dtype == tf.float32
    assert tf.image.resize(ints, (8, 8), method=tf.image.ResizeMethod.NEAREST_NEIGHBOR).dtype == (
        tf.uint8)
    assert tf.image.resize(IMAGES, (10, 4), preserve_aspect_ratio=True).shape == (2, 3, 4, 3)
    assert_clear_error(lambda: tf.image.resize(IMAGES, (4, 4), method="bicubic"),
                       NotImplementedError, "bicubic", "bilinear")
    assert_clear_error(lambda: tf.image.resize(IMAGES[0, 0], (4, 4)), tf.errors.InvalidArgumentError,
                       "resize", "3-D")
    assert_clear_error(lambda: tf.image.resize(IMAGES, (0, 4)), tf.errors.InvalidArgumentError,
                       "size", "positive")


def test_extract_patches_matches_a_loop():
    x = RNG.normal(size=(1, 5, 6, 2)).astype("float32")
    out = tf.image.extract_patches(x, [1, 2, 3, 1], [1, 2, 1, 1], [1, 1, 2, 1], "VALID").numpy()
    rows, cols = (5 - 2) // 2 + 1, 6 - (3 - 1) * 2
    assert out.shape == (1, rows, cols, 12)
    for r in range(rows):
        for c in range(cols):
            window = x[0, r * 2:r * 2 + 2, c:c + 5:2]  # 2 rows, 3 taps two columns apart
            np.testing.assert_array_equal(out[0, r, c], window.reshape(-1))
    same = tf.image.extract_patches(x, [1, 3, 3, 1], [1, 2, 2, 1], [1, 1, 1, 1], "SAME")
    assert same.shape == (1, 3, 3, 18)
    assert_clear_error(lambda: tf.image.extract_patches(x, [1, 6, 3, 1], [1, 1, 1, 1],
                                                        [1, 1, 1, 1], "VALID"),
                       tf.errors.InvalidArgumentError, "extract_patches")


def test_crops_pads_flips_and_rotations():
    image = IMAGES[0]
    np.testing.assert_array_equal(tf.image.flip_left_right(image).numpy(), image[:, ::-1])
    np.testing.assert_array_equal(tf.image.flip_up_down(IMAGES).numpy(), IMAGES[:, ::-1])
    np.testing.assert_array_equal(tf.image.transpose(image).numpy(), image.transpose(1, 0, 2))
    for k in range(4):
        np.testing.assert_array_equal(tf.image.rot90(image, k).numpy(),
                                      np.rot90(image, k, axes=(0, 1)))
    np.testing.assert_array_equal(tf.image.crop_to_bounding_box(image, 1, 2, 3, 3).numpy(),
                                  image[1:4, 2:5])
    padded = tf.image.pad_to_bounding_box(image, 1, 2, 8, 9).numpy()
    np.testing.assert_array_equal(padded[1:6, 2:8], image)
    assert padded.sum() == pytest.approx(image.sum(), rel=1e-5)
    np.testing.assert_array_equal(tf.image.central_crop(image, 0.5).numpy(), image[1:4, 1:5])
    np.testing.assert_array_equal(tf.image.resize_with_crop_or_pad(image, 3, 8).numpy()[:, 1:7],
                                  image[1:4])
    assert tf.image.resize_with_pad(image, 10, 10).shape == (10, 10, 3)
    assert_clear_error(lambda: tf.image.crop_to_bounding_box(image, 3, 0, 4, 2),
                       tf.errors.InvalidArgumentError, "crop_to_bounding_box", "inside")


def test_random_flips_are_seeded_and_per_image():
    batch = np.stack([IMAGES[0]] * 16)
    tf.random.set_seed(3)
    out = tf.image.random_flip_left_right(batch).numpy()
    flipped = [np.array_equal(o, IMAGES[0][:, ::-1]) for o in out]
    kept = [np.array_equal(o, IMAGES[0]) for o in out]
    assert all(f or k for f, k in zip(flipped, kept)) and any(flipped) and any(kept)
    tf.random.set_seed(3)
    np.testing.assert_array_equal(tf.image.random_flip_left_right(batch).numpy(), out)


# -- against TensorFlow ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["bilinear", "nearest"])
@pytest.mark.parametrize("size", [(10, 12), (3, 4), (7, 2)])
def test_resize_matches_tensorflow(method, size):
    tf_real = pytest.importorskip("tensorflow")
    want = tf_real.image.resize(IMAGES, size, method=method).numpy()
    np.testing.assert_allclose(tf.image.resize(IMAGES, size, method=method).numpy(), want,
                               rtol=1e-5, atol=1e-6)
    x = tf.constant(IMAGES)
    weights = RNG.normal(size=want.shape).astype("float32")
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(tf.image.resize(x, size, method=method) * weights)
    xt = tf_real.constant(IMAGES)
    with tf_real.GradientTape() as tape_real:
        tape_real.watch(xt)
        loss_real = tf_real.reduce_sum(tf_real.image.resize(xt, size, method=method) * weights)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(),
                               tape_real.gradient(loss_real, xt).numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("args", [([1, 2, 3, 1], [1, 2, 1, 1], [1, 1, 2, 1], "VALID"),
                                  ([1, 3, 2, 1], [1, 2, 3, 1], [1, 1, 1, 1], "SAME")])
def test_extract_patches_and_crops_match_tensorflow(args):
    tf_real = pytest.importorskip("tensorflow")
    np.testing.assert_array_equal(tf.image.extract_patches(IMAGES, *args).numpy(),
                                  tf_real.image.extract_patches(IMAGES, *args).numpy())
    for name, call_args in [("resize_with_crop_or_pad", (3, 8)), ("resize_with_pad", (9, 4)),
                            ("central_crop", (0.7,)), ("rot90", (3,))]:
        np.testing.assert_allclose(getattr(tf.image, name)(IMAGES, *call_args).numpy(),
                                   getattr(tf_real.image, name)(IMAGES, *call_args).numpy(),
                                   rtol=1e-5, atol=1e-6, err_msg=name)
