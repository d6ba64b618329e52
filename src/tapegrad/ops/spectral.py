"""The FFT primitives of `tf.signal` over the innermost axis (TensorFlow's spectral_ops): each
linear, so its forward rule is LINEAR and its reverse rule is its transpose, written with its
partner (rfft with irfft, fft with ifft), which gives every order. Registered when
`tapegrad.signal` first loads.

Complex cotangents follow TensorFlow: the gradient of a real loss L at z = x + iy is
dL/dx + i dL/dy, so a linear map's reverse rule is its conjugate transpose.
"""

import numpy as np

from .._core.primitive import LINEAR, defprimitive

_COMPLEX = {np.dtype(np.float32): np.complex64, np.dtype(np.float64): np.complex128}
_REAL = {np.dtype(np.complex64): np.float32, np.dtype(np.complex128): np.float64}


def _complex(re, im):
    return (re + 1j * im).astype(_COMPLEX[re.dtype], copy=False)


# The parts of a complex number (tf.math.real, imag, complex), linear over the reals: what
# carries a real loss to and from the FFTs (and what the gradient checks sample them through).
real = defprimitive("real", np.real, vjp=lambda g, out, z: complex_(g, g * 0.0), jvp=LINEAR)
imag = defprimitive("imag", np.imag, vjp=lambda g, out, z: complex_(g * 0.0, g), jvp=LINEAR)
complex_ = defprimitive("complex", _complex, vjp=(lambda g, out, re, im: real(g),
                                                  lambda g, out, re, im: imag(g)), jvp=LINEAR)


def _rfft(x):
    return np.fft.rfft(x, axis=-1).astype(_COMPLEX[x.dtype], copy=False)


def _irfft(y, fft_length):
    return np.fft.irfft(y, n=fft_length, axis=-1).astype(_REAL[y.dtype], copy=False)


def _half_spectrum_weights(n, dtype, inverse):
    """The weights that make rfft and irfft each other's transposes: the bins that stand for a
    conjugate pair (all but DC and, for even n, Nyquist) count twice in irfft."""
    w = np.full(n // 2 + 1, 2.0)
    w[0] = 1.0
    if n % 2 == 0:
        w[-1] = 1.0
    return (1.0 / w if inverse else w / n).astype(dtype)


def _rfft_vjp(g, out, x):
    # sum_k g_k exp(+2 pi i jk / n), real part: n * irfft of g with the paired bins halved
    n = x.shape[-1]
    half = _half_spectrum_weights(n, g.dtype.as_numpy_dtype, inverse=True)
    return irfft(g * half, fft_length=n) * float(n)


def _irfft_vjp(g, out, y, fft_length):
    return rfft(g) * _half_spectrum_weights(fft_length, y.dtype.as_numpy_dtype, inverse=False)


# TensorFlow's _RFFTGrad / _IRFFTGrad, as transposes
rfft = defprimitive("rfft", _rfft, vjp=_rfft_vjp, jvp=LINEAR)
irfft = defprimitive("irfft", _irfft, vjp=_irfft_vjp, jvp=LINEAR)


def _fft(x):
    return np.fft.fft(x, axis=-1).astype(x.dtype, copy=False)


def _ifft(x):
    return np.fft.ifft(x, axis=-1).astype(x.dtype, copy=False)


# TensorFlow's _FFTGrad / _IFFTGrad: the conjugate transpose of F is n F^-1
fft = defprimitive("fft", _fft, vjp=lambda g, out, x: ifft(g) * float(x.shape[-1]), jvp=LINEAR)
ifft = defprimitive("ifft", _ifft, vjp=lambda g, out, x: fft(g) / float(x.shape[-1]),
                    jvp=LINEAR)
