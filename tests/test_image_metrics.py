"""tf.image.psnr, ssim, ssim_multiscale, sobel_edges, image_gradients and total_variation: values and gradients
recorded from TensorFlow 2.21 on the same images (and compared with TensorFlow itself where it
is installed); the float64 ones against finite differences."""

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad as tf

_RNG = np.random.default_rng(0)
A = _RNG.uniform(size=(2, 16, 14, 3)).astype("float32")
B = np.clip(A + _RNG.normal(scale=0.1, size=A.shape), 0, 1).astype("float32")


def test_psnr_and_ssim_values_match_tensorflow():
    # recorded from TensorFlow 2.21 on A and B
    np.testing.assert_allclose(tf.image.psnr(A, B, 1.0).numpy(), [20.092386, 20.48538],
                               rtol=1e-6)
    as_bytes = [(x * 255).astype("uint8") for x in (A, B)]
    np.testing.assert_allclose(tf.image.psnr(*as_bytes, 255).numpy(), [20.0875, 20.486517],
                               rtol=1e-6)
    assert tf.image.psnr(A, A, 1.0).numpy().tolist() == [np.inf, np.inf]
    np.testing.assert_allclose(tf.image.ssim(A, B, 1.0).numpy(), [0.937736, 0.937006],
                               rtol=1e-5)
    np.testing.assert_allclose(tf.image.ssim(*as_bytes, 255, filter_size=7,
                                             filter_sigma=1.0).numpy(),
                               [0.933081, 0.939572], rtol=1e-5)
    assert tf.image.ssim(A, B, 1.0, filter_size=5, return_index_map=True).shape == (2, 12, 10)
    assert tf.image.ssim(A.astype("float64"), B.astype("float64"), 1.0).dtype == tf.float32
    np.testing.assert_allclose(tf.image.ssim(A, A, 1.0).numpy(), [1.0, 1.0], rtol=1e-6)


def test_ssim_multiscale_matches_tensorflow():
    rng = np.random.default_rng(0)
    a = rng.uniform(size=(2, 181, 177, 3)).astype("float32")
    b = np.clip(a + rng.normal(scale=0.1, size=a.shape), 0, 1).astype("float32")
    # recorded from TensorFlow 2.21 (odd sizes: padded by their mirror before halving)
    np.testing.assert_allclose(tf.image.ssim_multiscale(a, b, 1.0).numpy(),
                               [0.95549744, 0.95374376], rtol=5e-6)
    np.testing.assert_allclose(tf.image.ssim_multiscale(
        a[:, :60, :64], b[:, :60, :64], 1.0, power_factors=(0.5, 0.3, 0.2),
        filter_size=5).numpy(), [0.9462243, 0.9470102], rtol=5e-6)
    x = tf.constant(a[:1, :40, :44])
    with tf.GradientTape() as tape:
        tape.watch(x)
        score = tf.image.ssim_multiscale(x, b[:1, :40, :44], 1.0, power_factors=(0.6, 0.4),
                                         filter_size=7)
    grad = tape.gradient(score, x).numpy()
    np.testing.assert_allclose(grad.sum(), 0.0009537088, atol=1e-6)  # a sum that cancels
    np.testing.assert_allclose(grad[0, 0, :3, 0], [3.6447727e-07, -6.3121064e-08,
                                                   -3.6190710e-07], rtol=1e-4)
    assert_clear_error(lambda: tf.image.ssim_multiscale(a[:, :100, :100], b[:, :100, :100],
                                                        1.0),
                       tf.errors.InvalidArgumentError, "ssim_multiscale", "(7, 7)",
                       "filter_size=11")


def test_edges_gradients_and_total_variation_match_tensorflow():
    # recorded from TensorFlow 2.21
    sobel = tf.image.sobel_edges(A[:, :4, :5]).numpy()
    assert sobel.shape == (2, 4, 5, 3, 2)
    np.testing.assert_allclose(sobel[0, 1, :, 0, 0], [1.38645, 1.92955, 1.48568, -0.53072,
                                                      -1.56015], atol=1e-5)
    np.testing.assert_allclose(sobel[0, 2, :, 0, 1], [0.0, 0.43684, -0.66318, -1.15585, 0.0],
                               atol=1e-5)
    dy, dx = tf.image.image_gradients(A[:, :3, :4])
    np.testing.assert_allclose(dy.numpy()[0, :, :, 0], [
        [-0.04266, 0.87375, -0.52262, -0.6957], [-0.17964, 0.04179, 0.84341, 0.62427],
        [0.0, 0.0, 0.0, 0.0]], atol=1e-5)
    np.testing.assert_allclose(dx.numpy()[1, :, :, 2], [
        [0.15412, 0.11158, 0.14408, 0.0], [-0.78974, 0.14884, 0.49096, 0.0],
        [-0.57949, 0.13503, 0.6227, 0.0]], atol=1e-5)
    np.testing.assert_allclose(tf.image.total_variation(A).numpy(), [407.88928, 409.86395],
                               rtol=1e-6)
    np.testing.assert_allclose(tf.image.total_variation(A[0]).numpy(), 407.88928, rtol=1e-6)


def test_psnr_ssim_and_sobel_gradients_match_tensorflow():
    x, y = tf.constant(A), tf.constant(B)
    with tf.GradientTape() as tape:
        tape.watch(x)
        score = (tf.reduce_sum(tf.image.ssim(x, y, 1.0))
                 + tf.reduce_sum(tf.image.psnr(x, y, 1.0)) * 0.01
                 + tf.reduce_sum(tf.image.sobel_edges(x) ** 2) * 1e-3)
    grad = tape.gradient(score, x).numpy()
    # recorded from TensorFlow 2.21
    np.testing.assert_allclose(grad.sum(), -0.04461494, rtol=1e-4)
    np.testing.assert_allclose(grad[0, :2, :2, 0], [[-0.0038887178525328636,
                                                     -0.015891622751951218],
                                                    [0.005875879433006048,
                                                     0.0035992723423987627]], rtol=1e-5)


def test_edge_ops_gradients_match_finite_differences():
    rng = np.random.default_rng(1)
    image = rng.normal(size=(1, 4, 5, 2))
    tf.check_grads(tf.image.sobel_edges, [image], order=2, modes=("rev", "fwd"))
    tf.check_grads(lambda v: tf.image.image_gradients(v)[0] * tf.image.image_gradients(v)[1],
                   [image], order=2, modes=("rev", "fwd"))
    tf.check_grads(tf.image.total_variation, [image], order=1, modes=("rev", "fwd"))


def test_image_metrics_bad_inputs():
    assert_clear_error(lambda: tf.image.psnr(A, B[:, :5], 1.0), tf.errors.InvalidArgumentError,
                       "psnr", "(2, 16, 14, 3)", "(2, 5, 14, 3)")
    assert_clear_error(lambda: tf.image.psnr(A[0, 0], B[0, 0], 1.0),
                       tf.errors.InvalidArgumentError, "psnr", "rank at least 3", "(14, 3)")
    assert_clear_error(lambda: tf.image.ssim(A[:, :5, :5], B[:, :5, :5], 1.0),
                       tf.errors.InvalidArgumentError, "ssim", "filter_size=11", "(5, 5)")
    assert_clear_error(lambda: tf.image.sobel_edges(A[0]), tf.errors.InvalidArgumentError,
                       "sobel_edges", "4D", "(16, 14, 3)")
    assert_clear_error(lambda: tf.image.image_gradients(A[0]), ValueError, "image_gradients",
                       "(16, 14, 3)")
    assert_clear_error(lambda: tf.image.total_variation(A[0, 0]), ValueError,
                       "total_variation", "(14, 3)")


def test_image_metrics_match_tensorflow(tf_keras_real):
    tf_real, _ = tf_keras_real
    small = [A[:, :9, :10], B[:, :9, :10]]
    for name, call in [("psnr", lambda m, a, b: m.image.psnr(a, b, 1.0)),
                       ("ssim", lambda m, a, b: m.image.ssim(a, b, 1.0, filter_size=5,
                                                             filter_sigma=0.8)),
                       ("sobel", lambda m, a, b: m.image.sobel_edges(a) * b[..., None]),
                       ("tv", lambda m, a, b: m.image.total_variation(a * b))]:
        results = []
        for lib in (tf, tf_real):
            a, b = lib.constant(small[0]), lib.constant(small[1])
            with lib.GradientTape() as tape:
                tape.watch(a)
                out = call(lib, a, b)
            results.append((out.numpy(), tape.gradient(out, a).numpy()))
        for ours, theirs in zip(*results):
            np.testing.assert_allclose(ours, theirs, rtol=2e-4, atol=1e-5, err_msg=name)


@pytest.mark.parametrize("filter_size", [3, 5])
def test_ssim_traces_in_a_function(filter_size):
    traced = tf.function(lambda a, b: tf.image.ssim(a, b, 1.0, filter_size=filter_size))
    np.testing.assert_allclose(traced(A, B).numpy(),
                               tf.image.ssim(A, B, 1.0, filter_size=filter_size).numpy(),
                               rtol=1e-6)
