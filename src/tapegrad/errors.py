"""`tapegrad.errors`: TensorFlow's exception names."""

from ._core.errors import InvalidArgumentError, OpError, UnimplementedError

__all__ = ["InvalidArgumentError", "OpError", "UnimplementedError"]
