"""`tapegrad.errors`: TensorFlow's exception names."""

from ._core.errors import (
    DataLossError, InvalidArgumentError, NotFoundError, OpError, OutOfRangeError,
    UnimplementedError,
)

__all__ = [
    "DataLossError", "InvalidArgumentError", "NotFoundError", "OpError", "OutOfRangeError",
    "UnimplementedError",
]
