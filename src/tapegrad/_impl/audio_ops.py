"""16-bit PCM WAV files to tensors and back, in NumPy (`tf.audio.decode_wav`, `encode_wav`),
byte for byte as TensorFlow's `wav_io.cc`."""

import struct

import numpy as np

from .._core.errors import InvalidArgumentError
from .._core.tensor import Tensor, convert_to_tensor
from .string_ops import string_values

__all__ = ["decode_wav", "encode_wav"]

_SCALE = 32768.0  # TensorFlow's kMultiplier: int16 full scale; decoded values lie in [-1, 1)


class _Reader:
    """Little-endian reads that fail as TensorFlow's do when the data ends early."""

    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise InvalidArgumentError(
                f"tf.audio.decode_wav: Data too short when trying to read string (needed {n} "
                f"bytes at offset {self.pos} of {len(self.data)}); is this a complete WAV file?")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt):
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def expect(self, tag):
        found = self.take(4)
        if found != tag:
            raise InvalidArgumentError(
                f"tf.audio.decode_wav: Header mismatch: Expected {tag.decode()} but found "
                f"{found.decode('latin-1')}")


def _parse(data):
    """(int16 samples [frames, channels], channels, sample_rate) of WAV bytes."""
    r = _Reader(data)
    r.expect(b"RIFF")
    r.unpack("I")  # the RIFF size: TensorFlow does not check it
    r.expect(b"WAVE")
    r.expect(b"fmt ")
    (fmt_size,) = r.unpack("I")
    if fmt_size not in (16, 18):
        raise InvalidArgumentError(
            f"tf.audio.decode_wav: Bad format chunk size for WAV: Expected 16 or 18, but got "
            f"{fmt_size}")
    audio_format, channels, rate, byte_rate, block_align, bits = r.unpack("HHIIHH")
    if audio_format != 1:
        raise InvalidArgumentError(
            f"tf.audio.decode_wav: Bad audio format for WAV: Expected 1 (PCM), but got "
            f"{audio_format}")
    if bits != 16:
        raise InvalidArgumentError(
            f"tf.audio.decode_wav: Can only read 16-bit WAV files, but received {bits}")
    if channels < 1:
        raise InvalidArgumentError(
            f"tf.audio.decode_wav: Bad number of channels for WAV file: {channels}")
    if block_align != channels * 2 or byte_rate != rate * block_align:
        raise InvalidArgumentError(
            f"tf.audio.decode_wav: Bad block or byte rate for WAV: {channels} channels of 16 "
            f"bits need a block of {channels * 2} bytes and {rate * channels * 2} bytes per "
            f"second, got {block_align} and {byte_rate}")
    if fmt_size == 18:
        r.take(2)  # the cbSize of WAVEFORMATEX
    while True:  # chunks other than "data" (LIST, fact, ...) are skipped, as TensorFlow does
        tag = r.take(4)
        (size,) = r.unpack("I")
        if tag == b"data":
            body = r.take(size)
            break
        r.take(size + (size & 1))
    frames = len(body) // block_align
    samples = np.frombuffer(body[:frames * block_align], "<i2").reshape(frames, channels)
    return samples, channels, rate


def decode_wav(contents, desired_channels=-1, desired_samples=-1, name=None):
    """Decodes a 16-bit PCM WAV file into a float tensor.

    Args:
      contents: A scalar string tensor: the bytes of a WAV file.
      desired_channels: The number of channels wanted, or -1 for the file's. Fewer keep the
        first channels; more repeat the last one.
      desired_samples: The number of samples wanted, or -1 for the file's. Fewer crop the end;
        more pad with zeros.
      name: Ignored (TensorFlow's op name).

    Returns:
      A tuple `(audio, sample_rate)`: float32 `[samples, channels]` in [-1.0, 1.0) and a scalar
      int32 tensor.

    Raises:
      InvalidArgumentError: `contents` is not a scalar or not a 16-bit PCM WAV file, or a
        desired size is below -1.
    """
    value = string_values(contents, "decode_wav", "contents")
    if value.ndim != 0:
        raise InvalidArgumentError(
            f"tf.audio.decode_wav: contents must be scalar, got shape {list(value.shape)}; "
            f"decode each file separately (Dataset.map)")
    for arg, v in (("desired_channels", desired_channels), ("desired_samples", desired_samples)):
        if int(v) < -1:
            raise InvalidArgumentError(f"tf.audio.decode_wav: {arg} must be >= -1, got {int(v)}")
    data = value[()]
    samples, channels, rate = _parse(data.encode("latin-1") if isinstance(data, str) else data)
    if desired_channels != -1:
        # TensorFlow's channel rule: channel c reads source channel min(c, channels - 1)
        samples = samples[:, np.minimum(np.arange(int(desired_channels)), channels - 1)]
    audio = samples.astype(np.float32) / np.float32(_SCALE)
    if desired_samples != -1:
        n = int(desired_samples)
        audio = np.pad(audio[:n], ((0, max(0, n - len(audio))), (0, 0)))
    return Tensor(audio), Tensor(np.int32(rate))


def encode_wav(audio, sample_rate, name=None):
    """Encodes a float tensor `[samples, channels]` as a 16-bit PCM WAV file.

    Values are scaled by 32768, rounded half away from zero and clipped to int16 (NaN becomes
    0), as TensorFlow does.

    Args:
      audio: A 2-D float32 tensor `[samples, channels]`, values in [-1.0, 1.0).
      sample_rate: A scalar int32: samples per second.
      name: Ignored (TensorFlow's op name).

    Returns:
      A scalar string tensor: the bytes of the WAV file.

    Raises:
      InvalidArgumentError: `audio` is not 2-D or `sample_rate` is not a scalar.
    """
    arr = np.asarray(convert_to_tensor(audio), dtype=np.float32)
    rate = np.asarray(convert_to_tensor(sample_rate))
    if arr.ndim != 2:
        raise InvalidArgumentError(
            f"tf.audio.encode_wav: audio must be 2-dimensional [samples, channels], got shape "
            f"{list(arr.shape)}; add a channel axis with tf.expand_dims(audio, -1)")
    if rate.ndim != 0:
        raise InvalidArgumentError(
            f"tf.audio.encode_wav: Input sample_rate should be a scalar tensor, got "
            f"{list(rate.shape)} instead")
    frames, channels = arr.shape
    with np.errstate(invalid="ignore"):
        scaled = np.clip(np.nan_to_num(arr * np.float32(_SCALE), nan=0.0), -32768, 32767)
    # half away from zero, as std::round (in float64: x + 0.5 is exact there)
    pcm = np.floor(np.abs(scaled.astype(np.float64)) + 0.5) * np.sign(scaled)
    body = pcm.astype("<i2").tobytes()
    rate = int(rate)
    header = (b"RIFF" + struct.pack("<I", 36 + len(body)) + b"WAVEfmt "
              + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * channels * 2,
                            channels * 2, 16)
              + b"data" + struct.pack("<I", len(body)))
    return Tensor(np.array(header + body, dtype=object))
