"""Small helpers shared by rule functions: masks and batch-aware shape arithmetic."""


from .._core.tensor import Tensor


def mask(condition, like):
    """A constant tensor of `like`'s dtype: 1 where `condition` (a NumPy bool array) holds."""
    return Tensor(condition.astype(like._value.dtype))


def batch_shape(g, out):
    """The leading batch axes a cotangent `g` carries beyond `out`'s shape."""
    return g._value.shape[: g._value.ndim - out._value.ndim]
