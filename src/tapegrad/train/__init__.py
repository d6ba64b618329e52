"""`tf.train`: checkpoints of variables, Keras models and optimizers, numbered and managed
in a directory, as TensorFlow's custom training loops save and restore them."""

from .checkpoint import Checkpoint, CheckpointLoadStatus
from .checkpoint_files import get_checkpoint_state, latest_checkpoint, read_values
from .checkpoint_management import CheckpointManager

__all__ = [
    "Checkpoint",
    "CheckpointManager",
    "CheckpointOptions",
    "get_checkpoint_state",
    "latest_checkpoint",
    "list_variables",
    "load_variable",
]


class CheckpointOptions:
    """TensorFlow's options of a checkpoint write or read (device placement, asynchronous
    writing); accepted and ignored: tapegrad writes synchronously on the CPU."""

    def __init__(self, experimental_io_device=None, experimental_enable_async_checkpoint=False,
                 **kwargs):  # fmt: skip
        self.experimental_io_device = experimental_io_device
        self.experimental_enable_async_checkpoint = experimental_enable_async_checkpoint


def list_variables(ckpt_dir_or_file):
    """(key, shape) of each value of a checkpoint (a prefix, or a directory: its latest)."""
    values = read_values(_resolve(ckpt_dir_or_file))
    return [(key, list(values[key].shape)) for key in sorted(values)]


def load_variable(ckpt_dir_or_file, name):
    """The saved value of the key `name` in a checkpoint, as a NumPy array.

    Raises:
        ValueError: if the checkpoint has no such key.
    """
    values = read_values(_resolve(ckpt_dir_or_file))
    if name not in values:
        raise ValueError(f"The checkpoint has no value '{name}'; it has {sorted(values)[:10]}")
    return values[name]


def _resolve(path):
    import os

    if os.path.isdir(path):
        latest = latest_checkpoint(path)
        if latest is None:
            raise ValueError(f"No checkpoint in the directory {path}.")
        return latest
    return path
