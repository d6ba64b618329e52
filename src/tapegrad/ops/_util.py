"""Small helpers shared by rule functions: batch-aware axis and shape arithmetic, and the
masked cotangent of relu and its family."""

import numpy as np

from .._core.owned import take


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
