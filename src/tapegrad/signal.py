"""`tapegrad.signal`: `tf.signal`'s names (their code: `_impl/signal_ops.py`; the FFT
primitives: `ops/spectral.py`)."""

from ._impl.signal_ops import (
    fft,
    frame,
    hamming_window,
    hann_window,
    ifft,
    inverse_stft,
    inverse_stft_window_fn,
    irfft,
    linear_to_mel_weight_matrix,
    overlap_and_add,
    rfft,
    stft,
)

__all__ = [
    "fft", "frame", "hamming_window", "hann_window", "ifft", "inverse_stft",
    "inverse_stft_window_fn", "irfft", "linear_to_mel_weight_matrix", "overlap_and_add", "rfft",
    "stft",
]
