"""`tf.train.CheckpointManager` and `tf.train.latest_checkpoint`: numbered checkpoints in a
directory, the newest recorded in its "checkpoint" file (TensorFlow's text format), the oldest
deleted beyond `max_to_keep`."""

import os
import time

from .checkpoint_files import get_checkpoint_state, index_path, update_checkpoint_state

__all__ = ["CheckpointManager"]


class CheckpointManager:
    """Saves numbered checkpoints of `checkpoint` into `directory` and keeps the newest.

    Args:
        checkpoint: the `tf.train.Checkpoint` to save.
        directory: where to write "<checkpoint_name>-<n>" and the "checkpoint" file; a
            manager made later on the same directory finds the checkpoints saved before.
        max_to_keep: how many checkpoints to keep (the oldest are deleted); None keeps all.
        keep_checkpoint_every_n_hours: also keep one checkpoint every this many hours.
        checkpoint_name: the checkpoints' name ("ckpt").
        step_counter, checkpoint_interval: with both, `save` writes only when the step has
            advanced by `checkpoint_interval` since the last save.
        init_fn: what `restore_or_initialize` calls when there is no checkpoint.

    Raises:
        ValueError: for `max_to_keep` below 1, or `checkpoint_interval` without
            `step_counter`.

    Example:
        >>> manager = tf.train.CheckpointManager(ckpt, "/tmp/tf_ckpts", max_to_keep=3)
        >>> ckpt.restore(manager.latest_checkpoint)
        >>> path = manager.save()                        # "/tmp/tf_ckpts/ckpt-1"
    """

    def __init__(
        self,
        checkpoint,
        directory,
        max_to_keep,
        keep_checkpoint_every_n_hours=None,
        checkpoint_name="ckpt",
        step_counter=None,
        checkpoint_interval=None,
        init_fn=None,
        last_checkpoint_step=None,
    ):
        if max_to_keep is not None and max_to_keep <= 0:
            raise ValueError(
                f"Expected a positive integer or `None` for `max_to_keep`, got {max_to_keep}."
            )
        if checkpoint_interval is not None and step_counter is None:
            raise ValueError(
                "`step_counter` should be passed if `checkpoint_interval` is not None."
            )
        self._checkpoint = checkpoint
        self._max_to_keep = max_to_keep
        self._keep_hours = keep_checkpoint_every_n_hours
        self._directory = os.fspath(directory)
        self._prefix = os.path.join(self._directory, checkpoint_name)
        self._step_counter = step_counter
        self._checkpoint_interval = checkpoint_interval
        self._last_checkpoint_step = last_checkpoint_step
        self._init_fn = init_fn
        self._maybe_delete = {}  # path -> timestamp, oldest first
        now = time.time()
        state = get_checkpoint_state(self._directory)
        if state is None:
            self._latest_checkpoint = None
            self._last_preserved = now - 1.0
        else:
            self._latest_checkpoint = state.model_checkpoint_path
            self._last_preserved = min(state.last_preserved_timestamp, now)
            stamps = state.all_model_checkpoint_timestamps or [self._last_preserved] * len(
                state.all_model_checkpoint_paths
            )
            for path, stamp in zip(state.all_model_checkpoint_paths, stamps):
                if min(stamp, now) > self._last_preserved:
                    self._maybe_delete[path] = min(stamp, now)

    @property
    def directory(self):
        return self._directory

    @property
    def checkpoint(self):
        return self._checkpoint

    @property
    def checkpoint_interval(self):
        return self._checkpoint_interval

    @property
    def latest_checkpoint(self):
        """The newest checkpoint's prefix, or None (then `checkpoint.restore(None)` is a
        no-op, so programs can restore unconditionally)."""
        return self._latest_checkpoint

    @property
    def checkpoints(self):
        """The managed checkpoints, oldest first."""
        return list(self._maybe_delete)

    def save(self, checkpoint_number=None, check_interval=True, options=None):
        """Writes the next checkpoint, records it, and deletes those beyond `max_to_keep`.

        Args:
            checkpoint_number: the number in the file name (default: the checkpoint's
                `save_counter`, which is incremented either way); an integer or integer
                Variable.
            check_interval: with `checkpoint_interval`, skip unless the step advanced enough.

        Returns:
            The new checkpoint's path, or None if the interval said to skip.
        """
        if self._checkpoint_interval is not None:
            step = int(self._step_counter)
            if self._last_checkpoint_step is not None:
                if step == self._last_checkpoint_step:
                    return None
                if check_interval and step < self._last_checkpoint_step + self._checkpoint_interval:
                    return None
            self._last_checkpoint_step = step
        counter = self._checkpoint.save_counter
        counter.assign_add(1)
        number = counter if checkpoint_number is None else checkpoint_number
        path = self._checkpoint.write(f"{self._prefix}-{int(number)}", options)
        self._maybe_delete.pop(path, None)
        self._maybe_delete[path] = time.time()
        self._latest_checkpoint = path
        self._sweep()
        self._record()
        return path

    def _sweep(self):
        if not self._max_to_keep:
            return
        while len(self._maybe_delete) > self._max_to_keep:
            path = next(iter(self._maybe_delete))
            stamp = self._maybe_delete.pop(path)
            if self._keep_hours and stamp - self._keep_hours * 3600.0 >= self._last_preserved:
                self._last_preserved = stamp
                continue
            index = index_path(path)
            if os.path.exists(index):
                os.remove(index)

    def _record(self):
        update_checkpoint_state(
            self._directory,
            self._latest_checkpoint,
            list(self._maybe_delete),
            list(self._maybe_delete.values()),
            self._last_preserved,
        )

    def restore_or_initialize(self):
        """Restores the latest checkpoint, or calls `init_fn` when there is none.

        Returns:
            The restored checkpoint's path, or None.
        """
        if self._latest_checkpoint is not None:
            self._checkpoint.restore(self._latest_checkpoint)
            if self._checkpoint_interval is not None:
                self._last_checkpoint_step = int(self._step_counter)
            return self._latest_checkpoint
        if self._init_fn is not None:
            self._init_fn()
        return None

    def sync(self):
        """Nothing to wait for: checkpoints are written synchronously."""
