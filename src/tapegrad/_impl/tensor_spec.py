"""`tf.TensorSpec`: a tensor's shape (None for unknown dimensions) and dtype."""

from .._core import dtypes as _dt
from .._core.tensor import TensorShape

__all__ = ["TensorSpec"]


class TensorSpec:
    """Describes a tensor by shape (None for an unknown dimension) and dtype, as `tf.TensorSpec`."""

    __slots__ = ("shape", "dtype", "name")

    def __init__(self, shape, dtype=_dt.float32, name=None):
        self.shape = TensorShape(shape)
        self.dtype = _dt.as_dtype(dtype)
        self.name = name

    @classmethod
    def from_tensor(cls, tensor, name=None):
        return cls(tensor.shape, tensor.dtype, name)

    def is_compatible_with(self, value):
        """Whether a tensor (or spec) has a compatible shape and the same dtype."""
        return value.dtype == self.dtype and self.shape.is_compatible_with(value.shape)

    def __eq__(self, other):
        return (isinstance(other, TensorSpec) and self.shape == other.shape
                and self.dtype == other.dtype and self.name == other.name)

    __hash__ = None

    def __repr__(self):
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype!r}, name={self.name!r})"
