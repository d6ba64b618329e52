"""tf.signal: frame, windows, FFTs, stft and the mel matrix, against NumPy and TensorFlow.
(Their derivatives go through the shared checker: tests/_specs.py.)"""

import numpy as np
import pytest

import tapegrad as tf
from bad_input import assert_clear_error
from tapegrad.errors import InvalidArgumentError

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 300)).astype(np.float32)


def test_frame_shapes_and_values():
    framed = tf.signal.frame(np.arange(10.0), 4, 3).numpy()
    np.testing.assert_array_equal(framed, [[0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9]])
    padded = tf.signal.frame(np.arange(5.0), 3, 2, pad_end=True, pad_value=-1.0).numpy()
    np.testing.assert_array_equal(padded, [[0, 1, 2], [2, 3, 4], [4, -1, -1]])
    assert tf.signal.frame(np.zeros((7, 2)), 3, 1, axis=0).shape == (5, 3, 2)
    assert tf.signal.frame(np.zeros(2), 3, 1).shape == (0, 3)


def test_windows_are_the_raised_cosines():
    n = np.arange(8)
    np.testing.assert_allclose(tf.signal.hann_window(8).numpy(),
                               0.5 - 0.5 * np.cos(2 * np.pi * n / 8), atol=1e-7)
    np.testing.assert_allclose(tf.signal.hamming_window(8, periodic=False).numpy(),
                               0.54 - 0.46 * np.cos(2 * np.pi * n / 7), atol=1e-7)
    assert tf.signal.hann_window(1).numpy().tolist() == [1.0]
    assert tf.signal.hann_window(4, dtype=tf.float64).dtype == tf.float64


def test_stft_is_windowed_frames_through_rfft():
    spec = tf.signal.stft(X, frame_length=50, frame_step=20)
    assert spec.dtype == tf.complex64 and spec.shape == (2, 13, 33)  # fft_length 64
    frames = np.stack([X[:, i * 20:i * 20 + 50] for i in range(13)], 1)
    want = np.fft.rfft(frames * tf.signal.hann_window(50).numpy(), 64)
    np.testing.assert_allclose(spec.numpy(), want, atol=2e-5)
    assert tf.signal.stft(X, 64, 64, pad_end=True, window_fn=None).shape == (2, 5, 33)


def test_ffts_invert_each_other():
    y = tf.signal.rfft(X)
    assert y.dtype == tf.complex64 and y.shape == (2, 151)
    np.testing.assert_allclose(tf.signal.irfft(y).numpy(), X, atol=1e-5)
    np.testing.assert_allclose(tf.signal.irfft(tf.signal.rfft(X, [301]), [301]).numpy(),
                               np.pad(X, [[0, 0], [0, 1]]), atol=1e-5)
    z = tf.cast(X, tf.complex128)
    np.testing.assert_allclose(tf.signal.ifft(tf.signal.fft(z)).numpy(), X, atol=1e-12)


def test_stft_gradient_flows_to_the_signal():
    x = tf.Variable(X[:, :40].astype(np.float64))
    with tf.GradientTape() as tape:
        spec = tf.signal.stft(x, 16, 8)
        loss = tf.reduce_sum(tf.math.square(tf.signal.irfft(spec, [16])))
    grad = tape.gradient(loss, x)
    assert grad.dtype == tf.float64 and grad.shape == (2, 40) and np.all(np.isfinite(grad))


def test_inverse_stft_undoes_stft_and_overlap_and_add_sums_overlaps():
    np.testing.assert_array_equal(
        tf.signal.overlap_and_add(np.ones((3, 4), np.float32), 2).numpy(), [1, 1, 2, 2, 2, 2, 1, 1])
    spec = tf.signal.stft(X, 64, 16)
    back = tf.signal.inverse_stft(spec, 64, 16,
                                  window_fn=tf.signal.inverse_stft_window_fn(16)).numpy()
    assert back.shape == (2, 14 * 16 + 64)  # 15 frames
    # exact where four windows overlap (away from the ends)
    np.testing.assert_allclose(back[:, 64:-64], X[:, 64:back.shape[1] - 64], atol=1e-5)


def test_mel_matrix_rows_are_triangles():
    m = tf.signal.linear_to_mel_weight_matrix(10, 129, 8000, 100.0, 3800.0).numpy()
    assert m.shape == (129, 10) and (m[0] == 0).all() and m.min() >= 0 and m.max() <= 1
    assert (np.argmax(m, 0)[1:] > np.argmax(m, 0)[:-1]).all()  # bands rise with frequency


def test_bad_signal_input_is_named():
    assert_clear_error(lambda: tf.signal.rfft(np.arange(4)), TypeError, "rfft", "int64")
    assert_clear_error(lambda: tf.signal.irfft(X), TypeError, "irfft", "complex64")
    assert_clear_error(lambda: tf.signal.rfft(X, [0]), InvalidArgumentError, "fft_length")
    assert_clear_error(lambda: tf.signal.frame(X, 0, 1), ValueError, "frame_length", "0")
    assert_clear_error(lambda: tf.signal.frame(X, 2, 1, axis=3), ValueError, "axis 3")
    assert_clear_error(lambda: tf.signal.hann_window(4, dtype=tf.int32), ValueError, "int32")
    assert_clear_error(lambda: tf.signal.overlap_and_add(X, 301), ValueError, "frame_step", "301")
    assert_clear_error(lambda: tf.signal.overlap_and_add(X[0], 2), ValueError, "rank", "[300]")
    assert_clear_error(lambda: tf.signal.linear_to_mel_weight_matrix(upper_edge_hertz=5000.0),
                       ValueError, "nyquist", "5000")


def test_signal_matches_tensorflow():
    real = pytest.importorskip("tensorflow")
    for kw in (dict(frame_length=255, frame_step=128), dict(frame_length=64, frame_step=30,
                                                            pad_end=True)):
        np.testing.assert_allclose(tf.signal.stft(X, **kw).numpy(),
                                   real.signal.stft(X, **kw).numpy(), atol=1e-5)
    got = tf.signal.stft(X, 100, 50, 128, window_fn=tf.signal.hamming_window)
    want = real.signal.stft(X, 100, 50, 128, window_fn=real.signal.hamming_window)
    assert got.dtype.name == want.dtype.name
    np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-5)
    for n, periodic in ((255, True), (256, False), (1, True), (0, True)):
        np.testing.assert_allclose(tf.signal.hann_window(n, periodic).numpy(),
                                   real.signal.hann_window(n, periodic).numpy(), atol=1e-7)
        np.testing.assert_allclose(tf.signal.hamming_window(n, periodic).numpy(),
                                   real.signal.hamming_window(n, periodic).numpy(), atol=1e-7)
    y = real.signal.rfft(X, [200]).numpy()
    np.testing.assert_allclose(tf.signal.rfft(X, [200]).numpy(), y, atol=1e-5)
    np.testing.assert_allclose(tf.signal.irfft(y, [101]).numpy(),
                               real.signal.irfft(y, [101]).numpy(), atol=1e-6)
    np.testing.assert_allclose(tf.signal.fft(y).numpy(), real.signal.fft(y).numpy(), atol=1e-4)
    np.testing.assert_allclose(
        tf.signal.frame(X, 10, 3, pad_end=True, pad_value=2.0, axis=0).numpy(),
        real.signal.frame(X, 10, 3, pad_end=True, pad_value=2.0, axis=0).numpy())
    for frames, step in (((2, 5, 8), 3), ((3, 7), 2), ((2, 3, 5, 4), 1)):
        f = RNG.standard_normal(frames).astype(np.float32)
        np.testing.assert_allclose(tf.signal.overlap_and_add(f, step).numpy(),
                                   real.signal.overlap_and_add(f, step).numpy(), atol=1e-6)
    spec = real.signal.stft(X, 255, 128).numpy()
    for fft_length in (None, 200):
        np.testing.assert_allclose(
            tf.signal.inverse_stft(spec, 255, 128, fft_length,
                                   window_fn=tf.signal.inverse_stft_window_fn(128)).numpy(),
            real.signal.inverse_stft(spec, 255, 128, fft_length,
                                     window_fn=real.signal.inverse_stft_window_fn(128)).numpy(),
            atol=1e-5)
    np.testing.assert_allclose(
        tf.signal.linear_to_mel_weight_matrix(40, 257, 16000, 20.0, 4000.0).numpy(),
        real.signal.linear_to_mel_weight_matrix(40, 257, 16000, 20.0, 4000.0).numpy(),
        atol=1e-5)


def test_stft_gradient_matches_tensorflow():
    real = pytest.importorskip("tensorflow")
    x = X[:, :30].astype(np.float64)
    grads = []
    for lib, v in ((tf, tf.Variable(x)), (real, real.Variable(x))):
        with lib.GradientTape() as tape:
            loss = lib.reduce_sum(lib.signal.irfft(lib.signal.stft(v, 8, 5), [8]) ** 3)
        grads.append(tape.gradient(loss, v).numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10, atol=1e-12)


def test_the_magnitude_of_a_complex_tensor_is_differentiable():
    # TensorFlow's ComplexAbsGrad (g * z / |z|, 0 at 0): a spectrogram's magnitude trains, as
    # in the audio tutorial's model through tf.abs(tf.signal.stft(...)); values recorded from
    # TensorFlow 2.21, first derivatives against finite differences (second derivatives go
    # through complex products, whose rules lack TensorFlow's conjugation: not checked)
    z = tf.Variable(np.array([0.0, 1.0, -2.0, 0.5], "float32"))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.abs(tf.signal.rfft(z)))
    np.testing.assert_allclose(tape.gradient(y, z).numpy(),
                               [-1.02986, 0.24254, -2.97014, -0.24254], atol=1e-5)
    tf.check_grads(lambda x: tf.reduce_sum(tf.abs(tf.signal.rfft(x)) ** 1.5),
                   [np.array([0.3, 1.0, -2.0, 0.5, 0.7, -0.2])], order=1, modes=("rev",))

    def forward_mode():
        with tf.autodiff.ForwardAccumulator(z, tf.ones(4)):
            tf.abs(tf.signal.rfft(z))

    assert_clear_error(forward_mode, tf.errors.UnimplementedError, "abs", "reverse mode")
