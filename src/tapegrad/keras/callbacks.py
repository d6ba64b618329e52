"""`keras.callbacks`: hooks into `fit`, `evaluate` and `predict`."""

import warnings

import numpy as np

from ._callbacks import MonitorCallback
from .callback import Callback
from .utils import Progbar

__all__ = [
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "ProgbarLogger",
    "pythonify_logs",
]


_BATCH_HOOKS = (
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
)


def pythonify_logs(logs):
    """Logs as Keras hands them to callbacks and returns them (its `pythonify_logs`): sorted
    by name (the order of Keras's progress bar and `History`), a nested dict (the results of
    `compile_metrics`) flattened in its place, scalars as Python floats and other results (a
    per-class F1 score) as NumPy arrays."""
    out = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            out.update(pythonify_logs(value))
            continue
        try:
            array = np.asarray(value)
            out[key] = float(array) if array.ndim == 0 else array
        except (TypeError, ValueError):
            out[key] = value
    return out


_LOGGED_HOOKS = ("on_epoch_end", "on_test_end", "on_train_end")


_ALIASES = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


def _overrides(callback, hook):
    return getattr(getattr(callback, hook), "__func__", None) is not getattr(Callback, hook)


class CallbackList:
    """Calls each hook on every callback in order. A batch hook that no callback overrides is
    skipped without building its logs."""

    def __init__(self, callbacks, model=None, params=None):
        self.callbacks = list(callbacks)
        for i, cb in enumerate(self.callbacks):
            if not isinstance(cb, Callback):
                raise TypeError(
                    f"callbacks: item {i} is {cb!r} of type {type(cb).__name__}; callbacks must "
                    "be keras.callbacks.Callback instances (subclass Callback, or use "
                    "LambdaCallback for plain functions)."
                )
        if model is not None:
            for cb in self.callbacks:
                cb.set_model(model)
        if params is not None:
            for cb in self.callbacks:
                cb.set_params(params)
        for hook in _BATCH_HOOKS:
            alias = _ALIASES.get(hook)
            users = [
                getattr(cb, hook)
                for cb in self.callbacks
                if _overrides(cb, hook) or (alias is not None and _overrides(cb, alias))
            ]
            setattr(self, f"_{hook}", users)

    def wants(self, hook):
        """Whether any callback overrides the batch hook `hook`."""
        return bool(getattr(self, f"_{hook}"))

    def _batch(self, hook, batch, logs):
        users = getattr(self, f"_{hook}")
        if users and isinstance(logs, dict):
            logs = pythonify_logs(logs)
        for fn in users:
            fn(batch, logs)

    def __getattr__(self, name):
        if name.startswith("on_"):
            if name in _BATCH_HOOKS:
                return lambda batch, logs=None: self._batch(name, batch, logs)

            def call(*args, **kwargs):
                if name in _LOGGED_HOOKS:
                    args = tuple(pythonify_logs(a) if isinstance(a, dict) else a for a in args)
                    if isinstance(kwargs.get("logs"), dict):
                        kwargs["logs"] = pythonify_logs(kwargs["logs"])
                for cb in self.callbacks:
                    getattr(cb, name)(*args, **kwargs)

            return call
        raise AttributeError(name)


class History(Callback):
    """Records each epoch's logs: `history.history["loss"]` is the list of epoch losses and
    `history.epoch` the epoch indices. `fit` returns it."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)


class ProgbarLogger(Callback):
    """Prints Keras's progress bar (verbose=1) or one line per epoch (verbose=2)."""

    def __init__(self):
        super().__init__()
        self.progbar = None
        self.target = None
        self.verbose = 1
        self.epochs = 1
        self.seen = 0
        self._in_fit = False

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def _new(self):
        self.progbar = Progbar(self.target, verbose=self.verbose)
        self.seen = 0

    def on_train_begin(self, logs=None):
        self._in_fit = True

    def on_train_end(self, logs=None):
        self._in_fit = False

    def on_epoch_begin(self, epoch, logs=None):
        self._new()
        if self.verbose and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}", flush=True)

    def _update(self, batch, logs):
        self.seen = batch + 1  # counted at every verbosity: it sizes an input of unknown size
        if self.verbose == 1:
            self.progbar.update(self.seen, list((logs or {}).items()), finalize=False)

    def on_train_batch_end(self, batch, logs=None):
        self._update(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._finalize(logs)

    def on_test_begin(self, logs=None):
        if not self._in_fit:
            self._new()

    def on_test_batch_end(self, batch, logs=None):
        if not self._in_fit:
            self._update(batch, logs)

    def on_test_end(self, logs=None):
        if not self._in_fit:
            self._finalize(logs)

    def on_predict_begin(self, logs=None):
        self._new()

    def on_predict_batch_end(self, batch, logs=None):
        self._update(batch, None)

    def on_predict_end(self, logs=None):
        self._finalize(None)

    def _finalize(self, logs):
        if self.progbar is None:
            return
        if self.progbar.target is None:  # an input of unknown size: now known, as in Keras
            self.target = self.progbar.target = self.seen
        self.progbar.update(self.progbar.target, list((logs or {}).items()), finalize=True)


class EarlyStopping(MonitorCallback):
    """Stops training when `monitor` has stopped improving for `patience` epochs.

    Args:
        monitor: the logged quantity ("val_loss" by default).
        min_delta: the least change that counts as an improvement.
        patience: epochs without improvement before stopping.
        verbose: 1 prints a message when stopping.
        mode: "min", "max" or "auto" (as Keras 3: min for a loss, else the compiled metric's
            direction; a ValueError at the first epoch's end if neither tells).
        baseline: a value the monitored quantity must beat.
        restore_best_weights: put back the weights of the best epoch when stopping.
        start_from_epoch: epochs to wait before watching.
    """

    def __init__(
        self,
        monitor="val_loss",
        min_delta=0,
        patience=0,
        verbose=0,
        mode="auto",
        baseline=None,
        restore_best_weights=False,
        start_from_epoch=0,
    ):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:  # set once the model's metrics are built, as Keras 3
            self._set_monitor_op()
        value = (logs or {}).get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(logs or {})}",
                stacklevel=2,
            )
            return
        if epoch < self.start_from_epoch:
            return
        value = float(np.asarray(value))
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
        self.wait += 1
        if self._is_improvement(value, self.best):
            self.best = value
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(value, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(
                    "Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)


class LambdaCallback(Callback):
    """A callback from functions: `LambdaCallback(on_epoch_end=lambda epoch, logs: ...)`."""

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_train_begin=None,
        on_train_end=None,
        on_train_batch_begin=None,
        on_train_batch_end=None,
        **kwargs,
    ):
        super().__init__()
        hooks = dict(
            on_epoch_begin=on_epoch_begin,
            on_epoch_end=on_epoch_end,
            on_train_begin=on_train_begin,
            on_train_end=on_train_end,
            on_train_batch_begin=on_train_batch_begin,
            on_train_batch_end=on_train_batch_end,
            **kwargs,
        )
        for name, fn in hooks.items():
            if fn is not None:
                setattr(self, name, fn)


# The callbacks that save, log and steer training live in their own module.
from . import _callbacks
from ._callbacks import *
from ._tensorboard import TensorBoard

__all__ += [*_callbacks.__all__, "TensorBoard"]
