"""`tapegrad.errors`: TensorFlow's exception names."""

from ._core.errors import (
    CancelledError, DataLossError, InvalidArgumentError, NotFoundError, OpError, OutOfRangeError,
    UnimplementedError,
)

__all__ = [
    "CancelledError", "DataLossError", "InvalidArgumentError", "NotFoundError", "OpError",
    "OutOfRangeError", "UnimplementedError",
]
