"""tf.audio.decode_wav / encode_wav: 16-bit PCM WAV as TensorFlow reads and writes it."""

import struct

import numpy as np
import pytest

import tapegrad as tf
from tapegrad.errors import InvalidArgumentError

from bad_input import assert_clear_error

STEREO = np.array([[0.0, 0.5], [-1.0, 0.99999], [0.3, -0.3]], np.float32)


def _wav(audio=STEREO, rate=16000):
    return tf.audio.encode_wav(audio, rate).numpy()


def test_encode_writes_tensorflows_bytes():
    # the bytes TensorFlow 2.21's encode_wav wrote for STEREO at 16 kHz
    expected = (b"RIFF0\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x02\x00\x80>\x00\x00\x00"
                b"\xfa\x00\x00\x04\x00\x10\x00data\x0c\x00\x00\x00\x00\x00\x00@\x00\x80\xff"
                b"\x7ff&\x9a\xd9")
    assert _wav() == expected


def test_encode_rounds_half_away_from_zero_and_clips():
    # int16 samples TensorFlow 2.21 wrote for these values (x / 32768), then NaN and overflow
    a = np.array([[1.5], [1.6], [-1.6], [-1.5], [2.5], [0.4]], np.float32) / 32768
    b = np.array([[np.nan], [2.0], [-3.0]], np.float32)
    pcm = np.frombuffer(_wav(np.concatenate([a, b]))[44:], np.int16)
    assert pcm.tolist() == [2, 2, -2, -2, 3, 0, 0, 32767, -32768]


def test_decode_round_trip_and_sample_rate():
    audio, rate = tf.audio.decode_wav(_wav(rate=8000))
    assert audio.dtype == tf.float32 and rate.dtype == tf.int32 and int(rate) == 8000
    np.testing.assert_array_equal(audio.numpy(), np.round(STEREO * 32768).clip(-32768, 32767)
                                  / np.float32(32768))


def test_decode_desired_samples_pad_and_crop_desired_channels_first_or_repeat_last():
    w = _wav()
    full = tf.audio.decode_wav(w)[0].numpy()
    mono = tf.audio.decode_wav(w, desired_channels=1, desired_samples=5)[0].numpy()
    np.testing.assert_array_equal(mono, np.concatenate([full[:, :1], np.zeros((2, 1))]))
    three = tf.audio.decode_wav(w, desired_channels=3, desired_samples=2)[0].numpy()
    np.testing.assert_array_equal(three, full[:2, [0, 1, 1]])


def test_decode_skips_other_chunks_and_reads_a_dataset_of_files(tmp_path):
    w = _wav()
    extra = b"LIST" + struct.pack("<I", 3) + b"abc\x00"  # odd size: a pad byte follows
    with_list = w[:4] + struct.pack("<I", len(w) - 8 + len(extra)) + w[8:36] + extra + w[36:]
    np.testing.assert_array_equal(tf.audio.decode_wav(with_list)[0], tf.audio.decode_wav(w)[0])
    (tmp_path / "a.wav").write_bytes(w)
    ds = tf.data.Dataset.from_tensor_slices([str(tmp_path / "a.wav")]).map(
        lambda p: tf.audio.decode_wav(tf.io.read_file(p), desired_channels=1)[0])
    assert [x.shape for x in ds] == [tf.TensorShape([3, 1])]


def test_bad_wav_input_raises_tensorflows_errors():
    w = _wav()
    for bad in (b"", b"RIFF", w[:40]):
        assert_clear_error(lambda: tf.audio.decode_wav(bad), InvalidArgumentError,
                           "decode_wav", "too short")
    assert_clear_error(lambda: tf.audio.decode_wav(b"RIFX" + w[4:]), InvalidArgumentError,
                       "expected riff but found rifx")
    assert_clear_error(lambda: tf.audio.decode_wav(w[:20] + b"\x03" + w[21:]),
                       InvalidArgumentError, "expected 1 (pcm)", "3")
    assert_clear_error(lambda: tf.audio.decode_wav(w[:34] + b"\x08" + w[35:]),
                       InvalidArgumentError, "16-bit", "8")
    assert_clear_error(lambda: tf.audio.decode_wav([w, w]), InvalidArgumentError,
                       "contents must be scalar", "[2]")
    assert_clear_error(lambda: tf.audio.decode_wav(w, desired_channels=-2),
                       InvalidArgumentError, "desired_channels must be >= -1", "-2")
    assert_clear_error(lambda: tf.audio.decode_wav(1.0), TypeError, "string")
    assert_clear_error(lambda: tf.audio.encode_wav(np.zeros(3, np.float32), 8000),
                       InvalidArgumentError, "encode_wav", "2-dimensional", "[3]")
    assert_clear_error(lambda: tf.audio.encode_wav(STEREO, [8000]), InvalidArgumentError,
                       "sample_rate", "scalar", "[1]")


def test_wav_bits_equal_tensorflows():
    tf_real = pytest.importorskip("tensorflow")
    rng = np.random.default_rng(0)
    for shape in ((0, 2), (1, 1), (257, 1), (100, 3)):
        audio = rng.uniform(-1.2, 1.2, shape).astype(np.float32)
        theirs = tf_real.audio.encode_wav(audio, 22050).numpy()
        assert _wav(audio, 22050) == theirs
        for kw in ({}, {"desired_channels": 2, "desired_samples": 50}, {"desired_channels": 1}):
            ours = tf.audio.decode_wav(theirs, **kw)
            ref = tf_real.audio.decode_wav(theirs, **kw)
            np.testing.assert_array_equal(ours[0].numpy(), ref[0].numpy())
            assert int(ours[1]) == int(ref[1])
