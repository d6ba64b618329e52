"""`tf.train.Checkpoint`: saves and restores the variables of the objects given to it.

Each variable is saved under its object-graph key (see `object_graph.py`), in tapegrad's own
file format (see `checkpoint_files.py`); no variable is assigned until every value has been
checked.

A value whose variable does not exist yet (a Keras layer not built, an optimizer's slots before
its first step) is restored when the variable is made, as TensorFlow's deferred restoration;
the status object that `restore` returns reports what was and was not matched.
"""

import os
import warnings

import numpy as np

import tapegrad as tf

from . import object_graph
from .checkpoint_files import read_values, update_checkpoint_state, write_values

__all__ = ["Checkpoint", "CheckpointLoadStatus"]


class Checkpoint:
    """Saves and restores the variables of the objects given as keyword arguments.

    Args:
        root: an object whose variables are saved under "root" (optional).
        **kwargs: the objects to save, by name: Variables, Keras models, layers, optimizers
            and metrics, `tf.Module`s, other Checkpoints, or lists and dicts of them.

    Raises:
        ValueError: for an object a checkpoint cannot hold.

    Example:
        >>> ckpt = tf.train.Checkpoint(step=tf.Variable(1), optimizer=optimizer, net=model)
        >>> path = ckpt.save("/tmp/tf_ckpts/ckpt")       # "/tmp/tf_ckpts/ckpt-1"
        >>> status = ckpt.restore(path)                  # in the same or a new program
        >>> status.assert_consumed()
    """

    def __init__(self, root=None, **kwargs):
        object.__setattr__(self, "_objects", {})
        object.__setattr__(self, "_save_counter", None)
        object.__setattr__(self, "_last_restore", None)
        if root is not None:
            kwargs["root"] = root
        for name, obj in sorted(kwargs.items()):
            setattr(self, name, obj)

    def __setattr__(self, name, value):
        if name.startswith("_"):
            object.__setattr__(self, name, value)
            return
        if not object_graph.is_trackable(value):
            raise ValueError(
                f"`Checkpoint` was expecting {name} to be a trackable object (a Variable, a Keras "
                "model, layer, optimizer or metric, a tf.Module, a Checkpoint, or a list or dict "
                f"of them), got {value!r} of type {type(value).__name__}."
            )
        self._objects[name] = value
        object.__setattr__(self, name, value)
        status = self._last_restore
        if status is not None:
            status._offer({name: value})  # a dependency added after restore() is restored too

    def _checkpoint_children(self):
        children = dict(self._objects)
        if self._save_counter is not None:
            children["save_counter"] = self._save_counter
        return children

    @property
    def save_counter(self):
        """An int64 Variable counting the calls to `save`, used to number checkpoints."""
        if self._save_counter is None:
            counter = tf.Variable(0, dtype="int64", trainable=False, name="save_counter")
            object.__setattr__(self, "_save_counter", counter)
        return self._save_counter

    # -- writing ------------------------------------------------------------------------------
    def write(self, file_prefix, options=None):
        """Writes the checkpoint at exactly `file_prefix` (no number, no "checkpoint" file).

        Returns:
            `file_prefix`, for `read`.
        """
        variables, _ = object_graph.entries(self._checkpoint_children())
        return write_values(file_prefix, {key: np.asarray(v) for key, v in variables.items()})

    def save(self, file_prefix, options=None):
        """Writes a numbered checkpoint, "<file_prefix>-<n>" with n the new `save_counter`, and
        records it as the latest in its directory's "checkpoint" file (read by
        `tf.train.latest_checkpoint`).

        Returns:
            The checkpoint's path, for `restore`.
        """
        self.save_counter.assign_add(1)
        path = self.write(f"{os.fspath(file_prefix)}-{int(self.save_counter)}", options)
        update_checkpoint_state(os.path.dirname(path) or ".", path, [path])
        return path

    # -- reading ------------------------------------------------------------------------------
    def read(self, save_path, options=None):
        """Restores a checkpoint written by `write` (or `save`), without expecting a
        `save_counter` in it. See `restore`."""
        return self._restore(save_path, with_counter=False)

    def restore(self, save_path, options=None):
        """Restores the variables saved at `save_path` into these objects.

        Values whose variables exist are assigned at once, after all of them are checked;
        the others are assigned when their variables are made (a layer's first call, an
        optimizer's first step), or when a matching object is added to the checkpoint.

        Args:
            save_path: a path from `save`, `write` or `tf.train.latest_checkpoint`; None
                restores nothing (`CheckpointManager.latest_checkpoint` of an empty
                directory).

        Returns:
            A `CheckpointLoadStatus`: `assert_consumed()`, `assert_existing_objects_matched()`,
            `assert_nontrivial_match()`, `expect_partial()`.

        Raises:
            NotFoundError: if there is no checkpoint at `save_path`.
            DataLossError: if its file is truncated or corrupt.
            ValueError: naming the value, if a saved value's shape differs from its
                variable's; nothing is assigned then.
        """
        return self._restore(save_path, with_counter=True)

    def _restore(self, save_path, with_counter):
        if save_path is None:
            return InitializationOnlyStatus()
        values = read_values(save_path)
        if with_counter:
            self.save_counter  # noqa: B018 - made now, so that it is restored too
        status = CheckpointLoadStatus(os.fspath(save_path), values, with_counter)
        try:
            status._offer(self._checkpoint_children())
        except ValueError:
            status.expect_partial()  # the error says it all; no warning when it is dropped
            raise
        object.__setattr__(self, "_last_restore", status)
        return status


def _checked_pairs(pairs, save_path):
    """The (key, variable, value) pairs, once every shape is checked."""
    for key, variable, value in pairs:
        if tuple(value.shape) != tuple(variable.shape):
            raise ValueError(
                f"Checkpoint {save_path}: the value saved for '{key}' has shape "
                f"{tuple(value.shape)}, but the variable it restores ('{variable.name}') has "
                f"shape {tuple(variable.shape)}; the program's objects differ from those saved. "
                "Nothing was restored."
            )
    return pairs


def _assign(pairs):
    for _, variable, value in pairs:
        variable.assign(value.astype(variable.dtype.as_numpy_dtype))


# Owners (layers, optimizers) waiting to make their variables: id(object) -> [(status, owner)].
_WAITING = {}


def _on_built(obj):
    waiting = _WAITING.get(id(obj))
    if not waiting:
        return
    for status, owner in list(waiting):
        if status._complete(owner):
            waiting.remove((status, owner))
    if not waiting:
        del _WAITING[id(obj)]


def _register_hook():
    from ..keras.variables import BUILD_HOOKS

    if _on_built not in BUILD_HOOKS:
        BUILD_HOOKS.append(_on_built)


class CheckpointLoadStatus:
    """What a `restore` matched: `assert_consumed()` and the other checks raise an
    AssertionError naming the values and variables left unmatched."""

    def __init__(self, save_path, values, with_counter):
        self._save_path = save_path
        self._values = values
        self._consumed = set() if with_counter else {"save_counter"}
        # restore() expects the save counter that save() writes; read() does not.
        self._expected_extra = () if with_counter else ("save_counter",)
        self._unmatched = []  # keys of existing variables with no saved value
        self._partial = False
        self._checked = False

    def _offer(self, children):
        """Restores what `children` (name -> object) hold now; waits for the rest."""
        variables, owners = object_graph.entries(children)
        pairs = [(k, v, self._values[k]) for k, v in variables.items() if k in self._values]
        _assign(_checked_pairs(pairs, self._save_path))
        self._consumed.update(k for k, _, _ in pairs)
        self._unmatched += [
            k for k in variables if k not in self._values and k not in self._expected_extra
        ]
        for owner in owners:
            if owner.can_grow and self._pending_keys(owner.prefix):
                _register_hook()
                _WAITING.setdefault(id(owner.obj), []).append((self, owner))

    def _pending_keys(self, prefix):
        start = f"{prefix}/vars/"
        return [
            k
            for k in self._values
            if k.startswith(start) and k not in self._consumed and "/" not in k[len(start) :]
        ]

    def _complete(self, owner):
        """Restores an owner's values once it has made its variables; whether it is done."""
        variables = _own_variables(owner.obj)
        keys = [f"{owner.prefix}/vars/{i}" for i in range(len(variables))]
        pairs = [
            (key, v, self._values[key])
            for key, v in zip(keys, variables)
            if key in self._values and key not in self._consumed
        ]
        _assign(_checked_pairs(pairs, self._save_path))
        self._consumed.update(k for k, _, _ in pairs)
        self._unmatched += [k for k in keys if k not in self._values and k not in self._unmatched]
        return not self._pending_keys(owner.prefix) or not _can_grow(owner.obj)

    # -- checks ---------------------------------------------------------------------------------
    def _unused(self):
        return sorted(k for k in self._values if k not in self._consumed)

    def assert_consumed(self):
        """Every saved value went to a variable, and every variable got a value.

        Raises:
            AssertionError: naming the values not restored (their objects are not in the
                checkpoint, or have not made their variables yet) and the variables without a
                value.
        """
        self._checked = True
        unused = self._unused()
        if unused:
            raise AssertionError(
                f"Checkpoint {self._save_path}: {len(unused)} saved value(s) were not restored: "
                f"{unused[:8]}. Their objects are not in the checkpoint's object graph, or have "
                "not made their variables yet (a layer before its first call, an optimizer "
                "before its first step). Call expect_partial() if this is intended."
            )
        return self.assert_existing_objects_matched()

    def assert_existing_objects_matched(self):
        """Every existing variable of the checkpoint's objects got a value.

        Raises:
            AssertionError: naming the variables that have none in the checkpoint.
        """
        self._checked = True
        if self._unmatched:
            raise AssertionError(
                f"Checkpoint {self._save_path}: {len(self._unmatched)} variable(s) of the "
                f"objects being restored have no value in the checkpoint: {self._unmatched[:8]}. "
                "The program's objects differ from those saved."
            )
        return self

    def assert_nontrivial_match(self):
        """Something besides the save counter was restored.

        Raises:
            AssertionError: if nothing was.
        """
        self._checked = True
        if not self._consumed - {"save_counter"}:
            raise AssertionError(
                f"Checkpoint {self._save_path}: nothing was restored: no object of this "
                "checkpoint matches a value saved in it."
            )
        return self

    def expect_partial(self):
        """Silences the warning about values that were not restored."""
        self._partial = True
        return self

    def run_restore_ops(self, session=None):
        """Nothing to run: eager restoration assigns the values at once."""

    def initialize_or_restore(self, session=None):
        """Nothing to run: eager restoration assigns the values at once."""

    def __del__(self):
        try:
            unused = self._unused()
        except Exception:  # noqa: BLE001 - at interpreter exit, modules may be gone
            return
        if unused and not (self._partial or self._checked):
            warnings.warn(
                f"A checkpoint status is being deleted with {len(unused)} value(s) of "
                f"{self._save_path} not restored, e.g. {unused[:3]}. Call expect_partial() on "
                "the status returned by restore() if this is intended.",
                stacklevel=2,
            )


def _own_variables(obj):
    from ..keras.optimizers.base import Optimizer

    return list(obj._variables) if isinstance(obj, Optimizer) else obj._own_variables()


def _can_grow(obj):
    return not obj.built


class InitializationOnlyStatus:
    """The status of `restore(None)`: nothing was restored."""

    def assert_consumed(self):
        raise AssertionError("No checkpoint specified (save_path=None); nothing is being restored.")

    assert_existing_objects_matched = assert_consumed
    assert_nontrivial_match = assert_consumed

    def expect_partial(self):
        return self

    def run_restore_ops(self, session=None):
        """Nothing to restore."""

    def initialize_or_restore(self, session=None):
        """Nothing to restore: the variables keep their initial values."""
