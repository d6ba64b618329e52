"""Small helpers shared by rule functions: batch-aware axis and shape arithmetic."""

def from_end(axis, ndim):
    """`axis` counted from the end, so that a rule also works on a batch of cotangents."""
    return axis - ndim if axis >= 0 else axis


def batch_shape(g, out):
    """The leading batch axes a cotangent `g` carries beyond `out`'s shape."""
    return g._value.shape[: g._value.ndim - out._value.ndim]
