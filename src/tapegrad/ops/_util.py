"""Small helpers shared by rule functions: batch-aware axis and shape arithmetic, and the
masked cotangent of relu and its family."""

import numpy as np

from .._core.owned import take


def plain(x):
    """`x`, a forward's input array, as a plain ndarray, for a forward that looks at its values
    (a range check, a test for NaN): while a tf.function traces, its inputs carry trace.py's
    marker class, whose conversion to a bool ends the trace; a forward's look is its own (every
    replay runs the forward again), so it looks at the plain view."""
    return x.view(np.ndarray)


def from_end(axis, ndim):
    """`axis` counted from the end, so that a rule also works on a batch of cotangents."""
    return axis - ndim if axis >= 0 else axis


def batch_shape(g, out):
    """The leading batch axes a cotangent `g` carries beyond `out`'s shape."""
    return g._value.shape[: g._value.ndim - out._value.ndim]


def times_mask(g, mask):
    """`g * mask` (a boolean array), the kernel of TensorFlow's ReluGrad family: written into
    `g` when the backward walk donated it (_core/owned.py), with the same bits."""
    if type(g) is np.ndarray and mask.shape == g.shape and take(g):
        return np.multiply(g, mask, out=g)
    return g * mask
