"""`tf.signal`: framing, windows, FFTs and the short-time Fourier transform, as TensorFlow 2.21's
`python/ops/signal/`. Loads on first use of `tapegrad.signal` (it registers the FFT
primitives of `ops/spectral.py`)."""

import math

import numpy as np

from .._core import dtypes as _dt
from .._core.bind import bind as _bind
from .._core.errors import InvalidArgumentError
from .._core.primitive import composite as _composite
from .._core.tensor import Tensor
from .._core.tensor import convert_to_tensor as _tensor
from ..ops import spectral as _sp
from .array_ops import gather, pad, reshape
from .math_ops import add_n

__all__ = [
    "fft", "frame", "hamming_window", "hann_window", "ifft", "inverse_stft",
    "inverse_stft_window_fn", "irfft", "linear_to_mel_weight_matrix", "overlap_and_add", "rfft",
    "stft",
]

_FLOATS = ("float32", "float64")
_COMPLEXES = ("complex64", "complex128")


def _typed(x, op, kinds, what="input_tensor"):
    t = _tensor(x)
    if t.dtype.name not in kinds:
        raise TypeError(f"tf.signal.{op}: {what} must be {' or '.join(kinds)}, got "
                        f"{t.dtype.name} {list(t.shape)}"
                        + ("; cast it with tf.cast(x, tf.float32)" if "float32" in kinds else ""))
    if t.shape.rank == 0:
        raise ValueError(f"tf.signal.{op}: {what} must have rank at least 1, got a scalar")
    return t


def _length(op, value, what):
    """A static positive length given as a number or a 1-element list/tensor (fft_length)."""
    arr = np.asarray(value.numpy() if isinstance(value, Tensor) else value)
    if arr.size != 1 or not np.issubdtype(arr.dtype, np.integer) or int(arr.ravel()[0]) < 1:
        raise InvalidArgumentError(f"tf.signal.{op}: {what} must be one positive integer, got "
                                   f"{arr.tolist()!r}")
    return int(arr.ravel()[0])


def _fit_last(x, n):
    """`x` cropped or zero-padded at the end of its innermost axis to length `n`."""
    size = x.shape[-1]
    if size > n:
        return x[..., :n]
    if size < n:
        return pad(x, [[0, 0]] * (x.shape.rank - 1) + [[0, n - size]])
    return x


def rfft(input_tensor, fft_length=None, name=None):
    """The discrete Fourier transform of a real signal over its innermost axis.

    Args:
      input_tensor: A float32 or float64 tensor.
      fft_length: The FFT length (a 1-element list or tensor, or a number); the signal is
        cropped or zero-padded to it. Defaults to the innermost dimension.
      name: Ignored (TensorFlow's op name).

    Returns:
      complex64 (complex128 for float64) `[..., fft_length // 2 + 1]`: the non-negative
      frequency bins.
    """
    x = _typed(input_tensor, "rfft", _FLOATS)
    n = x.shape[-1] if fft_length is None else _length("rfft", fft_length, "fft_length")
    return _bind(_sp.rfft, _fit_last(x, n))


def irfft(input_tensor, fft_length=None, name=None):
    """The inverse of `rfft`: a real signal from its non-negative frequency bins.

    Args:
      input_tensor: A complex64 or complex128 tensor `[..., bins]`.
      fft_length: The output length; the bins are cropped or zero-padded to
        `fft_length // 2 + 1`. Defaults to `2 * (bins - 1)`.
      name: Ignored (TensorFlow's op name).

    Returns:
      float32 (float64 for complex128) `[..., fft_length]`.
    """
    y = _typed(input_tensor, "irfft", _COMPLEXES)
    n = (2 * (y.shape[-1] - 1) if fft_length is None
         else _length("irfft", fft_length, "fft_length"))
    if n < 1:
        raise InvalidArgumentError(f"tf.signal.irfft: the default fft_length 2 * (bins - 1) is "
                                   f"{n} for {y.shape[-1]} bin(s); pass fft_length")
    return _bind(_sp.irfft, _fit_last(y, n // 2 + 1), fft_length=n)


def fft(input, name=None):  # noqa: A002 - TensorFlow's name
    """The discrete Fourier transform of a complex signal over its innermost axis."""
    return _bind(_sp.fft, _typed(input, "fft", _COMPLEXES, "input"))


def ifft(input, name=None):  # noqa: A002 - TensorFlow's name
    """The inverse discrete Fourier transform over the innermost axis."""
    return _bind(_sp.ifft, _typed(input, "ifft", _COMPLEXES, "input"))


def _frame_count(op, length, frame_length, frame_step, pad_end):
    for what, v in (("frame_length", frame_length), ("frame_step", frame_step)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
            raise ValueError(f"tf.signal.{op}: {what} must be a positive integer, got {v!r}")
    if pad_end:
        return -(-length // frame_step)
    return max(0, 1 + (length - frame_length) // frame_step)


@_composite
def frame(signal, frame_length, frame_step, pad_end=False, pad_value=0, axis=-1, name=None):
    """Splits `signal`'s `axis` into frames of `frame_length` that start every `frame_step`.

    Args:
      signal: A tensor of rank at least 1.
      frame_length: The samples per frame (a positive int).
      frame_step: The samples between frame starts (a positive int).
      pad_end: Whether to pad the end with `pad_value` so that every sample is in a frame
        (then there are ceil(samples / frame_step) frames).
      pad_value: The padding value where `pad_end` is True.
      axis: The axis to frame.
      name: Ignored (TensorFlow's op name).

    Returns:
      A tensor whose `axis` is replaced by `[frames, frame_length]`.
    """
    x = _tensor(signal)
    rank = x.shape.rank
    if not rank or not -rank <= axis < rank:
        raise ValueError(f"tf.signal.frame: axis {axis} is out of range for a signal of shape "
                         f"{list(x.shape)} (rank {rank}); frame needs rank >= 1")
    axis %= rank
    length = x.shape[axis]
    frames = _frame_count("frame", length, frame_length, frame_step, pad_end)
    if pad_end:
        extra = max(0, (frames - 1) * frame_step + frame_length - length)
        paddings = [[0, 0]] * rank
        paddings[axis] = [0, extra]
        x = pad(x, paddings, constant_values=pad_value)
    starts = np.arange(frames, dtype=np.int64)[:, None] * frame_step
    index = (starts + np.arange(frame_length, dtype=np.int64)).reshape(frames, frame_length)
    return gather(x, index.astype(np.int32), axis=axis)


def _raised_cosine_window(op, window_length, periodic, dtype, a, b):
    dtype = _dt.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"tf.signal.{op}: dtype must be a floating point type, got {dtype.name}")
    if not isinstance(window_length, (int, np.integer)) or window_length < 0:
        raise ValueError(f"tf.signal.{op}: window_length must be a non-negative integer, got "
                         f"{window_length!r}")
    kind = dtype.as_numpy_dtype
    if window_length == 1:
        return Tensor(np.ones(1, kind))
    # TensorFlow's _raised_cosine_window, in the window's dtype: a periodic window of even
    # length is the symmetric one of length + 1 without its last sample
    even = 1 - window_length % 2
    n = kind(window_length + int(bool(periodic)) * even - 1)
    count = np.arange(window_length).astype(kind)
    cos_arg = kind(2 * np.pi) * count / n
    return Tensor((kind(a) - kind(b) * np.cos(cos_arg)).astype(kind))


def hann_window(window_length, periodic=True, dtype=_dt.float32, name=None):
    """A Hann window: 0.5 - 0.5 cos(2 pi n / N), N = length (periodic) or length - 1.

    Args:
      window_length: The number of samples (a non-negative int).
      periodic: True for the window of spectral analysis (stft's), False for the symmetric one.
      dtype: A floating dtype.
      name: Ignored (TensorFlow's op name).

    Returns:
      A 1-D tensor of `window_length` values.
    """
    return _raised_cosine_window("hann_window", window_length, periodic, dtype, 0.5, 0.5)


def hamming_window(window_length, periodic=True, dtype=_dt.float32, name=None):
    """A Hamming window: 0.54 - 0.46 cos(2 pi n / N); the arguments are `hann_window`'s."""
    return _raised_cosine_window("hamming_window", window_length, periodic, dtype, 0.54, 0.46)


@_composite
def stft(signals, frame_length, frame_step, fft_length=None, window_fn=hann_window,
         pad_end=False, name=None):
    """The short-time Fourier transform of real signals over their innermost axis.

    Args:
      signals: A float32 or float64 tensor `[..., samples]`.
      frame_length: The samples per frame.
      frame_step: The samples between frame starts.
      fft_length: The FFT length; defaults to the smallest power of 2 >= frame_length.
      window_fn: `window_fn(frame_length, dtype=...)` gives the window each frame is
        multiplied by (None: no window).
      pad_end: Whether to zero-pad the end so that every sample is in a frame.
      name: Ignored (TensorFlow's op name).

    Returns:
      complex64 (complex128 for float64) `[..., frames, fft_length // 2 + 1]`.
    """
    x = _typed(signals, "stft", _FLOATS, "signals")
    if fft_length is None:
        fft_length = 1 << max(0, math.ceil(math.log2(frame_length))) if (
            isinstance(frame_length, (int, np.integer)) and frame_length > 0) else frame_length
    framed = frame(x, frame_length, frame_step, pad_end=pad_end)
    if window_fn is not None:
        framed = framed * window_fn(frame_length, dtype=framed.dtype)
    return rfft(framed, [fft_length])


@_composite
def overlap_and_add(signal, frame_step, name=None):
    """Adds frames `[..., frames, frame_length]` that start every `frame_step` samples into
    one signal `[..., (frames - 1) * frame_step + frame_length]` (the inverse of `frame`'s
    split, up to the window).

    Args:
      signal: A tensor of rank at least 2.
      frame_step: The samples between frame starts (a positive int, at most frame_length).
      name: Ignored (TensorFlow's op name).
    """
    x = _tensor(signal)
    if x.shape.rank is None or x.shape.rank < 2:
        raise ValueError(f"tf.signal.overlap_and_add: signal must have rank at least 2 "
                         f"[..., frames, frame_length], got shape {list(x.shape)}")
    frames, length = x.shape[-2], x.shape[-1]
    if not isinstance(frame_step, (int, np.integer)) or not 0 < frame_step <= length:
        raise ValueError(f"tf.signal.overlap_and_add: frame_step must be a positive integer "
                         f"no larger than frame_length {length}, got {frame_step!r}")
    outer = list(x.shape[:-2])
    total = (frames - 1) * frame_step + length
    # frame_length padded to a multiple of frame_step: piece j of every frame lands on the
    # output's blocks j, j + 1, ..., so each piece is one padded reshape, added up
    pieces = -(-length // frame_step)
    x = pad(x, [[0, 0]] * (len(outer) + 1) + [[0, pieces * frame_step - length]])
    blocks = frames + pieces - 1
    parts = []
    for j in range(pieces):
        part = reshape(x[..., j * frame_step:(j + 1) * frame_step], outer + [frames * frame_step])
        parts.append(pad(part, [[0, 0]] * len(outer)
                         + [[j * frame_step, (blocks - frames - j) * frame_step]]))
    return add_n(parts)[..., :total]


def inverse_stft_window_fn(frame_step, forward_window_fn=hann_window, name=None):
    """The window for `inverse_stft` that undoes `stft` with `forward_window_fn`: the forward
    window divided by the overlapping sum of its squares."""

    def window_fn(frame_length, dtype):
        forward = forward_window_fn(frame_length, dtype=dtype).numpy()
        denom = np.square(forward)
        overlaps = -(-frame_length // frame_step)
        denom = np.pad(denom, (0, overlaps * frame_step - frame_length))
        denom = denom.reshape(overlaps, frame_step).sum(0, keepdims=True)
        denom = np.tile(denom, (overlaps, 1)).reshape(overlaps * frame_step)
        return Tensor((forward / denom[:frame_length]).astype(forward.dtype))

    return window_fn


@_composite
def inverse_stft(stfts, frame_length, frame_step, fft_length=None, window_fn=hann_window,
                 name=None):
    """Real signals from their short-time Fourier transforms (`stft`'s inverse with
    `window_fn=tf.signal.inverse_stft_window_fn(frame_step)`).

    Args:
      stfts: A complex64 or complex128 tensor `[..., frames, fft_length // 2 + 1]`.
      frame_length: The samples per frame.
      frame_step: The samples between frame starts.
      fft_length: The FFT length; defaults to the smallest power of 2 >= frame_length.
      window_fn: `window_fn(frame_length, dtype=...)` gives the synthesis window (None: none).
      name: Ignored (TensorFlow's op name).

    Returns:
      float32 (float64 for complex128) `[..., (frames - 1) * frame_step + frame_length]`.
    """
    y = _typed(stfts, "inverse_stft", _COMPLEXES, "stfts")
    if fft_length is None:
        fft_length = 1 << max(0, math.ceil(math.log2(frame_length)))
    frames = irfft(y, [fft_length])
    if frame_length > fft_length:
        frames = pad(frames, [[0, 0]] * (frames.shape.rank - 1)
                     + [[0, frame_length - fft_length]])
    frames = frames[..., :frame_length]
    if window_fn is not None:
        frames = frames * window_fn(frame_length, dtype=frames.dtype)
    return overlap_and_add(frames, frame_step)


def linear_to_mel_weight_matrix(num_mel_bins=20, num_spectrogram_bins=129, sample_rate=8000,
                                lower_edge_hertz=125.0, upper_edge_hertz=3800.0,
                                dtype=_dt.float32, name=None):
    """The matrix `[num_spectrogram_bins, num_mel_bins]` that maps linear-frequency spectrogram
    bins to mel bands (HTK mel scale, triangular filters, no DC bin), as TensorFlow's.

    Args:
      num_mel_bins: The number of mel bands.
      num_spectrogram_bins: The bins of the spectrogram (fft_length // 2 + 1).
      sample_rate: The samples per second of the signal.
      lower_edge_hertz: The lower edge of the lowest band.
      upper_edge_hertz: The upper edge of the highest band.
      dtype: A floating dtype.
      name: Ignored (TensorFlow's op name).

    Returns:
      A tensor of shape `[num_spectrogram_bins, num_mel_bins]`.
    """
    op = "tf.signal.linear_to_mel_weight_matrix"
    if num_mel_bins <= 0 or num_spectrogram_bins <= 0:
        raise ValueError(f"{op}: num_mel_bins ({num_mel_bins}) and num_spectrogram_bins "
                         f"({num_spectrogram_bins}) must be positive")
    if sample_rate <= 0.0:
        raise ValueError(f"{op}: sample_rate must be positive, got {sample_rate}")
    if lower_edge_hertz < 0.0 or lower_edge_hertz >= upper_edge_hertz:
        raise ValueError(f"{op}: need 0 <= lower_edge_hertz < upper_edge_hertz, got "
                         f"{lower_edge_hertz} and {upper_edge_hertz}")
    if upper_edge_hertz > sample_rate / 2:
        raise ValueError(f"{op}: upper_edge_hertz must not be larger than the Nyquist frequency "
                         f"(sample_rate / 2), got {upper_edge_hertz} for sample_rate "
                         f"{sample_rate}")
    dtype = _dt.as_dtype(dtype)
    kind = dtype.as_numpy_dtype

    def mel(hz):  # the HTK formula TensorFlow uses
        return kind(1127.0) * np.log1p(hz / kind(700.0))

    nyquist = kind(sample_rate / 2.0)
    # TensorFlow drops the DC bin (it does not belong to any band) and pads a zero row back
    linear_hz = np.linspace(kind(0.0), nyquist, num_spectrogram_bins, dtype=kind)[1:]
    spectrogram_mel = mel(linear_hz)[:, None]
    edges = np.linspace(mel(kind(lower_edge_hertz)), mel(kind(upper_edge_hertz)),
                        num_mel_bins + 2, dtype=kind)
    lower, center, upper = edges[:-2], edges[1:-1], edges[2:]
    lower_slopes = (spectrogram_mel - lower) / (center - lower)
    upper_slopes = (upper - spectrogram_mel) / (upper - center)
    weights = np.maximum(kind(0.0), np.minimum(lower_slopes, upper_slopes))
    return Tensor(np.pad(weights, [[1, 0], [0, 0]]).astype(kind))
