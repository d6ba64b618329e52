"""The exceptions TensorFlow raises, under TensorFlow's names (`tapegrad.errors`)."""

__all__ = [
    "OpError", "InvalidArgumentError", "NotFoundError", "OutOfRangeError", "UnimplementedError",
    "DataLossError", "CancelledError",
]


class OpError(Exception):
    """Base class of the errors an op raises while running."""

    def __init__(self, message, op=None):
        super().__init__(message)
        self.message = message
        self.op = op


class InvalidArgumentError(OpError, ValueError):
    """An op received an argument it cannot work with (shapes, dtypes, values)."""


class UnimplementedError(OpError, NotImplementedError):
    """An op has no implementation for what was asked (e.g. a missing higher derivative)."""


class NotFoundError(OpError, FileNotFoundError):
    """A file or directory an op reads does not exist (`tf.io.read_file`, `list_files`)."""


class OutOfRangeError(OpError):
    """An iterator has no more elements (`iterator.get_next()` at the end of a dataset)."""


class CancelledError(OpError):
    """An operation was cancelled (an enqueue to a closed queue)."""


class DataLossError(OpError, OSError):
    """A file an op reads is truncated or corrupt (a checkpoint, say)."""
