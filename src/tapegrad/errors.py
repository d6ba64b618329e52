"""`tapegrad.errors`: TensorFlow's exception names."""

from ._core.errors import (
    InvalidArgumentError, NotFoundError, OpError, OutOfRangeError, UnimplementedError,
)

__all__ = [
    "InvalidArgumentError", "NotFoundError", "OpError", "OutOfRangeError", "UnimplementedError",
]
