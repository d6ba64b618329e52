"""`tapegrad.signal`: `tf.signal`'s names (their code: `_impl/signal_ops.py`; the FFT
primitives: `ops/spectral.py`)."""

from ._impl.signal_ops import (
    fft,
    frame,
    hamming_window,
    hann_window,
    ifft,
    irfft,
    linear_to_mel_weight_matrix,
    rfft,
    stft,
)

__all__ = [
    "fft", "frame", "hamming_window", "hann_window", "ifft", "irfft", "linear_to_mel_weight_matrix",
    "rfft", "stft",
]
