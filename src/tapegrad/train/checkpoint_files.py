"""Checkpoint files: tapegrad's own format and the directory's "checkpoint" file.

A checkpoint is one NumPy `.npz` archive at `<prefix>.index` holding each value under its key
and a manifest (TensorFlow's bundle format needs TensorFlow). It is written to a temporary file
and renamed when complete, so a crash midway leaves the previous checkpoint intact; a truncated
or corrupt file is refused with `tf.errors.DataLossError`. The "checkpoint" file beside the
checkpoints records the newest and the managed ones in TensorFlow's text format, which
`tf.train.latest_checkpoint` reads.
"""

import json
import os
import re
import time

import numpy as np

from .. import errors

__all__ = [
    "CheckpointState",
    "get_checkpoint_state",
    "index_path",
    "latest_checkpoint",
    "read_values",
    "update_checkpoint_state",
    "write_values",
]

_MANIFEST = "__tapegrad_checkpoint__"
_FORMAT = 1
_STATE_FILE = "checkpoint"


def index_path(prefix):
    """The file of the checkpoint `prefix`."""
    return f"{os.fspath(prefix)}.index"


def write_values(prefix, values):
    """Writes `values` (key -> array) as the checkpoint `prefix`; returns the prefix."""
    from ..keras.saving.stores import atomic_write

    manifest = json.dumps({"format": _FORMAT, "keys": sorted(values)}).encode()
    arrays = {key: np.asarray(value) for key, value in values.items()}
    arrays[_MANIFEST] = np.frombuffer(manifest, dtype=np.uint8)
    directory = os.path.dirname(os.fspath(prefix))
    if directory:
        os.makedirs(directory, exist_ok=True)  # as TensorFlow, which makes the directory
    atomic_write(index_path(prefix), lambda f: np.savez(f, **arrays), "tf.train.Checkpoint")
    return os.fspath(prefix)


def read_values(prefix):
    """The values (key -> array) of the checkpoint `prefix`.

    Raises:
        NotFoundError: if there is no such checkpoint.
        DataLossError: if its file is truncated, corrupt or not a tapegrad checkpoint.
    """
    import zipfile
    import zlib

    path = index_path(prefix)
    if not os.path.exists(path):
        raise errors.NotFoundError(
            f"Failed to restore from checkpoint: no checkpoint at {prefix} (no file {path}). "
            "Pass the prefix that save() or write() returned, or tf.train.latest_checkpoint(dir)."
        )
    bad = f"Checkpoint {prefix}: the file {path} is truncated or corrupt"
    try:
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as data:
            values = {key: data[key] for key in data.files}
    except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile, zlib.error) as err:
        raise errors.DataLossError(f"{bad} ({err}); it cannot be restored.") from None
    manifest = values.pop(_MANIFEST, None)
    try:
        keys = json.loads(bytes(manifest).decode())["keys"]
    except (TypeError, ValueError, KeyError):
        raise errors.DataLossError(f"{bad}, or not a tapegrad checkpoint (no manifest).") from None
    if sorted(values) != keys:
        raise errors.DataLossError(f"{bad}: its entries do not match its manifest.")
    return values


class CheckpointState:
    """The contents of a directory's "checkpoint" file."""

    def __init__(self, model_checkpoint_path, all_model_checkpoint_paths, timestamps, preserved):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)
        self.all_model_checkpoint_timestamps = list(timestamps)
        self.last_preserved_timestamp = preserved


def _quote(path):
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


def update_checkpoint_state(directory, latest, paths, timestamps=None, preserved=None):
    """Writes the directory's "checkpoint" file (paths relative to it, as TensorFlow's)."""
    from ..keras.saving.stores import atomic_write

    def relative(path):
        return os.path.relpath(path, directory) if os.path.isabs(path) else os.path.basename(path)

    now = time.time()
    timestamps = list(timestamps) if timestamps is not None else [now] * len(paths)
    lines = [f"model_checkpoint_path: {_quote(relative(latest))}"]
    lines += [f"all_model_checkpoint_paths: {_quote(relative(p))}" for p in paths]
    lines += [f"all_model_checkpoint_timestamps: {t!r}" for t in timestamps]
    lines.append(f"last_preserved_timestamp: {preserved if preserved is not None else now!r}")
    text = "\n".join(lines) + "\n"
    atomic_write(
        os.path.join(directory, _STATE_FILE), lambda f: f.write(text.encode()), "checkpoint"
    )


_LINE = re.compile(r'^(\w+):\s*(?:"((?:[^"\\]|\\.)*)"|(\S+))\s*$')


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The state a directory's "checkpoint" file records, or None if it has none."""
    path = os.path.join(os.fspath(checkpoint_dir), latest_filename or _STATE_FILE)
    if not os.path.isfile(path):
        return None
    fields = {"all_model_checkpoint_paths": [], "all_model_checkpoint_timestamps": []}
    with open(path, encoding="utf-8") as f:
        for line in f:
            match = _LINE.match(line.strip())
            if not match:
                continue
            key, quoted, bare = match.groups()
            value = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else bare
            if key in ("all_model_checkpoint_paths", "all_model_checkpoint_timestamps"):
                fields[key].append(value)
            else:
                fields[key] = value
    if "model_checkpoint_path" not in fields:
        return None

    def absolute(p):
        return p if os.path.isabs(p) else os.path.join(os.fspath(checkpoint_dir), p)

    return CheckpointState(
        absolute(fields["model_checkpoint_path"]),
        [absolute(p) for p in fields["all_model_checkpoint_paths"]],
        [float(t) for t in fields["all_model_checkpoint_timestamps"]],
        float(fields.get("last_preserved_timestamp", 0.0)),
    )


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix of the newest checkpoint in `checkpoint_dir` (for `Checkpoint.restore`),
    or None if there is none."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None:
        return None
    path = state.model_checkpoint_path
    return path if os.path.exists(index_path(path)) else None
