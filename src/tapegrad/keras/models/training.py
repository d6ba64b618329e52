"""`compile`, `fit`, `evaluate` and `predict`: Keras's built-in training loop, eager.

The data (arrays, a tf.data.Dataset, a generator or a PyDataset) is read through
`data_adapter.EpochIterator`, as Keras 3's trainers do.
"""

import weakref

import numpy as np

import tapegrad as tf

from .. import callbacks as callbacks_module
from .. import losses as losses_module
from .. import metrics as metrics_module
from .. import optimizers as optimizers_module
from ..callbacks import pythonify_logs
from ..tree import flatten, pack_sequence_as
from . import data_checks, model_saving
from .compile_utils import CompileMetrics, flatten_metrics_in_order
from .data_adapter import EpochIterator, length, to_arrays, unpack, validation_parts

__all__ = ["Trainer"]


class _CompiledLoss:
    """The compiled loss of one or several outputs, with `loss_weights`."""

    def __init__(self, loss, loss_weights, output_names=None):
        self.single = not isinstance(loss, (list, tuple, dict))
        self.output_names = list(output_names or [])
        self.metrics = []  # with several outputs, a "<output>_loss" Mean of each (Keras 3)
        if isinstance(loss, dict) and output_names and len(output_names) > 1:
            # A dict for a model with a list of outputs names them by their layers (Keras).
            if set(loss) != set(output_names):
                raise ValueError(
                    f"compile: expected keys {output_names} in the loss dict (the names of the "
                    f"model's output layers), but found loss.keys()={sorted(loss)}"
                )
            loss = [loss[name] for name in output_names]
            if isinstance(loss_weights, dict):
                loss_weights = [loss_weights.get(name, 1.0) for name in output_names]
        items = [loss] if self.single else flatten(loss)
        self.fns = [self._wrap(losses_module.get(item)) for item in items]
        self.weights = None if loss_weights is None else [float(w) for w in flatten(loss_weights)]
        if self.weights is not None and len(self.weights) != len(self.fns):
            raise ValueError(
                f"compile: `loss_weights` must match the number of losses, got {len(self.fns)} "
                f"losses and {len(self.weights)} weights."
            )

    def _make_trackers(self, fns):
        names = self.output_names if len(self.output_names) == len(fns) else None
        self.metrics = [
            metrics_module.Mean(name=f"{names[i] if names else fn.name}_loss")
            for i, fn in enumerate(fns)
            if fn is not None
        ]

    @staticmethod
    def _wrap(fn):
        if fn is None or isinstance(fn, losses_module.Loss):
            return fn
        return losses_module.LossFunctionWrapper(fn)

    def __call__(self, y, y_pred, sample_weight=None):
        if y is None:
            raise ValueError(
                "The model was compiled with a loss, but no target data `y` was given: pass "
                "`y` to fit / evaluate / train_on_batch, or compile without a loss (losses "
                "added with `add_loss` need no target)."
            )
        if self.single and not isinstance(y_pred, (list, tuple, dict)):
            value = self.fns[0](y, y_pred, sample_weight)
            if self.weights and self.weights[0] != 1.0:
                value = tf.multiply(value, self.weights[0])
            return value
        flat_true, flat_pred = flatten(y), flatten(y_pred)
        if len(flat_true) != len(flat_pred):
            raise ValueError(
                f"The model has {len(flat_pred)} outputs, but {len(flat_true)} target array(s) "
                "were given as `y`: y_true and y_pred have different structures. Pass one "
                "target per output."
            )
        # One loss for several outputs applies to each of them and the results add up (Keras).
        fns = self.fns * len(flat_pred) if self.single else self.fns
        weights = self.weights or [1.0]
        if len(weights) == 1:
            weights = weights * len(fns)
        if not self.metrics:
            self._make_trackers(fns)
        trackers = iter(self.metrics)
        total = None
        for fn, w, yt, yp in zip(fns, weights, flat_true, flat_pred):
            if fn is None:
                continue
            value = fn(yt, yp, sample_weight)
            next(trackers).update_state(value, sample_weight=len(yp))
            if w != 1.0:
                value = tf.multiply(value, w)
            total = value if total is None else tf.add(total, value)
        return total


# model -> its traced steps: outside the model, so that a copy or pickle of it traces anew
_STEP_FUNCTIONS = weakref.WeakKeyDictionary()


class Trainer:
    """The training API shared by all models."""

    def _init_training(self):
        self.optimizer = None
        self.loss = None
        self.compiled = False
        self.stop_training = False
        self._compiled_loss = None
        self._compile_metrics = None
        self._loss_tracker = None
        self.history = None
        self._tracked_metrics = []
        self._initial_epoch = None  # where BackupAndRestore resumes an interrupted fit

    def compile(
        self,
        optimizer="rmsprop",
        loss=None,
        metrics=None,
        loss_weights=None,
        weighted_metrics=None,
        run_eagerly=None,
        steps_per_execution=1,
        jit_compile="auto",
        auto_scale_loss=True,
    ):
        """Configures the model for training.

        Args:
            optimizer: an optimizer or its name ("sgd", "adam", "rmsprop", ...).
            loss: a loss name ("mse", "binary_crossentropy", ...), function or Loss; a list or
                dict of them for several outputs.
            metrics: a list of metric names ("mse", "mae", "accuracy", ...) or Metrics.
            loss_weights: weights of the losses of several outputs.
            Other arguments are accepted for compatibility and have no effect.
        """
        model_saving.record_compile(self, optimizer, loss, loss_weights, metrics, weighted_metrics,
                                    run_eagerly, steps_per_execution, jit_compile)  # fmt: skip
        optimizer = optimizers_module.get(optimizer)
        self.optimizer = model_saving.loss_scaled(self, optimizer, auto_scale_loss)
        self.loss = loss
        outputs = getattr(self, "_flat_outputs", None) or []
        self._compiled_loss = (
            None
            if loss is None
            else _CompiledLoss(loss, loss_weights, [t._history[0].name for t in outputs])
        )
        for name, value in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
            if value is not None and not isinstance(value, (list, tuple, dict)):
                raise ValueError(
                    f"compile: expected `{name}` argument to be a list, tuple, or dict. "
                    f"Received instead: {name}={value!r} of type {type(value).__name__}"
                )
        self._compile_metrics = None
        if metrics is not None or weighted_metrics is not None:
            self._compile_metrics = CompileMetrics(
                metrics,
                weighted_metrics,
                output_names=[t._history[0].name for t in outputs],
                loss=loss,
            )
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.__dict__["run_eagerly"] = bool(run_eagerly)
        _STEP_FUNCTIONS.pop(self, None)
        self.compiled = True
        self.stop_training = False

    _builtin_compile = compile  # a model whose `compile` differs is not compiled on loading

    @property
    def compiled_loss(self):
        """tf.keras 2's `compiled_loss(y, y_pred, sample_weight, regularization_losses)`: the
        compiled loss plus the given extra losses; it also updates the "loss" metric."""
        return _CompiledLossAPI(self)

    @property
    def compiled_metrics(self):
        """tf.keras 2's `compiled_metrics`: `update_state(y, y_pred, sample_weight)` updates the
        compiled metrics (the `compile_metrics` container, or nothing without metrics)."""
        return self._compile_metrics or _NO_METRICS

    # -- metrics ------------------------------------------------------------------------
    @property
    def metrics(self):
        """As Keras 3: the loss tracker ("loss") and the `compile_metrics` container of the
        metrics given to `compile` (its `metrics` lists them once data has been seen), then any
        Metric assigned to an attribute of the model."""
        out = []
        if self._loss_tracker is not None:
            out.append(self._loss_tracker)
        if self._compile_metrics is not None:
            out.append(self._compile_metrics)
        if self._compiled_loss is not None:
            out.extend(self._compiled_loss.metrics)
        out.extend(m for m in self._tracked_metrics if m not in out)
        return out

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def _takes_text(self):
        """Whether the model's inputs may be strings: a string keras.Input, or a layer that
        reads text (TextVectorization, StringLookup, Hashing)."""
        inputs = list(getattr(self, "_flat_inputs", None) or [])
        first = getattr(self, "_input_layer", None)
        if first is not None:
            inputs.append(first.output)
        if any(getattr(t, "dtype", None) == "string" for t in inputs):
            return True
        return any(getattr(layer, "accepts_strings", False) for layer in self._flatten_layers())

    def _check_compiled(self, what, y=None, step="train_step"):
        if not self.compiled:
            raise ValueError(f"You must call `compile()` before calling `{what}()`.")
        if (
            y is None
            and self._compiled_loss is not None
            and getattr(type(self), step) is getattr(Trainer, step)
            and type(self).compute_loss is Trainer.compute_loss
        ):
            # Only where the built-in step would feed None to the compiled loss.
            raise ValueError(
                f"{what}: the model was compiled with loss {self.loss!r}, but no target data "
                "`y` was given; pass `y`, or compile without a loss."
            )

    # -- one step ---------------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss of (y, y_pred) plus the model's `losses` (regularization)."""
        total = None
        if self._compiled_loss is not None:
            total = self._compiled_loss(y, y_pred, sample_weight)
        for extra in self.losses:
            extra = tf.reduce_sum(extra)
            total = extra if total is None else tf.add(total, extra)
        if total is None:
            raise ValueError("No loss to compute: pass `loss` to compile() or use add_loss().")
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Updates the compiled metrics and returns every metric's result as a dict."""
        self._update_compiled_metrics(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def _update_compiled_metrics(self, y, y_pred, sample_weight):
        """The compiled metrics' update (none without compiled metrics): shared by
        compute_metrics and `_train_step_without_logs`, so that both update the same."""
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)

    def get_metrics_result(self):
        """The results of `metrics` by name, the compiled metrics' each under its own name."""
        out = {}
        for m in self.metrics:
            if isinstance(m, CompileMetrics):
                if m.built:  # (a custom step may never update them)
                    out.update(m.result())
            else:
                out[m.name] = m.result()
        return out

    def _get_metrics_result_or_logs(self, logs):
        """The metrics' results when the step's logs hold the same names (the built-in steps),
        else the step's own logs (a custom step's), as Keras chooses the epoch's logs."""
        results = self.get_metrics_result()
        if logs is None or isinstance(logs, dict) and set(logs) == set(results):
            return results  # (None: the steps computed no logs, `_train_step_without_logs`)
        return logs

    def train_step(self, data):
        """One gradient step on a batch `(x, y)` or `(x, y, sample_weight)`; returns the logs."""
        return self.compute_metrics(*self._train_update(data))

    def _train_update(self, data):
        """`train_step` but its logs: the step and the loss tracker's update; returns what
        compute_metrics takes."""
        x, y, sample_weight = unpack(data)
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x, y, y_pred, sample_weight, training=True)
            scaled = self.optimizer.scale_loss(loss)  # the optimizer divides the gradients
        variables = self.trainable_variables
        grads = tape.gradient(scaled, variables)
        self.optimizer.apply_gradients(zip(grads, variables))
        self._loss_tracker.update_state(loss, sample_weight=length(x))
        return x, y, y_pred, sample_weight

    def _train_step_without_logs(self, data):
        """The built-in `train_step` for a fit whose callbacks read no batch's logs: the same
        updates, without the metrics' results at every batch (the epoch's logs read them at
        its end, `_get_metrics_result_or_logs`: the same numbers); returns None."""
        _, y, y_pred, sample_weight = self._train_update(data)
        self._update_compiled_metrics(y, y_pred, sample_weight)

    def _fit_step(self, want_logs):
        """The step fit calls: `train_step`, or `_train_step_without_logs` where no callback
        wants a batch's logs and neither train_step nor compute_metrics is overridden."""
        own = type(self).train_step is Trainer.train_step and (
            type(self).compute_metrics is Trainer.compute_metrics)
        return self._step("_train_step_without_logs" if own and not want_logs else "train_step")

    def test_step(self, data):
        """Loss and metrics on a batch, without training; returns the logs."""
        x, y, sample_weight = unpack(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x, y, y_pred, sample_weight, training=False)
        self._loss_tracker.update_state(loss, sample_weight=length(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        x, _, _ = unpack(data)
        return self(x, training=False)

    # -- loops ----------------------------------------------------------------------------
    def _step(self, kind):
        """The train, test or predict step as fit, evaluate and predict call it: traced, as
        Keras traces it (`tf.function(step, reduce_retracing=True)`: Python side effects in
        `call()` or a custom step run while tracing only), or the method itself after
        `compile(run_eagerly=True)`."""
        method = getattr(self, kind)
        if self.__dict__.get("run_eagerly", False):
            return method
        functions = _STEP_FUNCTIONS.setdefault(self, {})
        traced = functions.get(kind)
        if traced is None or traced.python_function != method:
            # tapegrad's own trace: no warning if the step cannot be traced (it runs eagerly,
            # as with run_eagerly=True) or retraces for a last, smaller batch
            traced = functions[kind] = tf.tracing.function(method, warn=False,
                                                           reduce_retracing=True)
        return traced

    def _callbacks(self, callbacks, verbose, epochs, steps):
        if isinstance(callbacks, callbacks_module.Callback):
            callbacks = [callbacks]
        cbs = list(callbacks or [])
        history = next((c for c in cbs if isinstance(c, callbacks_module.History)), None)
        if history is None:
            history = callbacks_module.History()
            cbs.append(history)
        if verbose and not any(isinstance(c, callbacks_module.ProgbarLogger) for c in cbs):
            cbs.append(callbacks_module.ProgbarLogger())
        params = {"verbose": verbose, "epochs": epochs, "steps": steps}
        return callbacks_module.CallbackList(cbs, model=self, params=params), history

    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        verbose="auto",
        callbacks=None,
        validation_split=0.0,
        validation_data=None,
        shuffle=True,
        class_weight=None,
        sample_weight=None,
        initial_epoch=0,
        steps_per_epoch=None,
        validation_steps=None,
        validation_batch_size=None,
        validation_freq=1,
    ):
        """Trains the model for `epochs` epochs.

        Args:
            x, y: inputs and targets (arrays, or lists / dicts of arrays for several inputs);
                or `x` alone as a tf.data.Dataset, a Python generator or a
                keras.utils.PyDataset yielding `(x, y)` or `(x, y, sample_weight)` batches.
            batch_size: samples per gradient step for arrays (32).
            epochs: the epoch to stop at (counting from `initial_epoch`).
            verbose: "auto" or 1 (progress bar; "Unknown" steps while the size of a dataset
                is unknown), 2 (one line per epoch), 0 (silent).
            callbacks: Callback instances (EarlyStopping, ...).
            validation_split: the fraction of array data, taken from the end before
                shuffling, held out for validation.
            validation_data: `(x_val, y_val)`, `(x_val, y_val, sample_weight)`, or a Dataset,
                generator or PyDataset.
            shuffle: reshuffle array data before each epoch (a Dataset shuffles itself).
            class_weight: {class: weight} turned into per-sample weights.
            sample_weight: per-sample loss weights (arrays only).
            initial_epoch: the epoch to start from.
            steps_per_epoch: batches per epoch (default: all the data); a dataset or
                generator then continues where the previous epoch stopped.
            validation_steps: batches per validation pass.
            validation_batch_size: batch size of the validation pass (default batch_size).
            validation_freq: validate every this many epochs, or at the listed epochs.

        Returns:
            A History whose `history` dict maps "loss", the metric names and their "val_"
            versions to per-epoch values.
        """
        self._check_compiled("fit", _targets(x, y))
        verbose = 1 if verbose == "auto" else verbose
        batch_size = data_checks.check_batch_size("fit", batch_size)
        data_checks.check_epochs("fit", epochs, initial_epoch)
        steps_per_epoch = data_checks.check_steps("fit", "steps_per_epoch", steps_per_epoch)
        validation_steps = data_checks.check_steps("fit", "validation_steps", validation_steps)
        validation_freq = _validation_freq(validation_freq)
        if class_weight is not None and not isinstance(class_weight, dict):
            raise TypeError(
                "fit: `class_weight` must be a dict mapping class indices to weights, got "
                f"{type(class_weight).__name__}"
            )
        dtype = self._np_dtype
        data = EpochIterator(x, y, sample_weight, batch_size, steps_per_epoch, shuffle,
                             class_weight, dtype, "fit", text=self._takes_text())
        data_checks.check_validation_split(validation_split, data.num_samples)
        if validation_data is None and validation_split:
            validation_data = data.split(validation_split)
        validation = None
        if validation_data is not None:  # made once, before training: a generator goes on
            vx, vy, vsw = validation_parts(validation_data)
            validation = EpochIterator(vx, vy, vsw, validation_batch_size or batch_size,
                                       validation_steps, False, None, dtype,
                                       "fit (validation_data)", text=self._takes_text())
        cbs, history = self._callbacks(callbacks, verbose, epochs, data.num_batches)
        self.history = history
        self.stop_training = False
        want_end = cbs.wants("on_train_batch_end")
        want_begin = cbs.wants("on_train_batch_begin")
        cbs.on_train_begin()
        # BackupAndRestore resumes an interrupted fit from the epoch it backed up.
        initial_epoch = self._initial_epoch or initial_epoch
        self._initial_epoch = None
        logs = {}
        train_step = self._fit_step(want_end)
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            cbs.on_epoch_begin(epoch)
            for step, batch in data.epoch():
                if want_begin:
                    cbs.on_train_batch_begin(step)
                logs = train_step(batch)
                if want_end:
                    cbs.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            epoch_logs = dict(self._get_metrics_result_or_logs(logs))
            if validation is not None and _should_validate(epoch, validation_freq):
                # fit's callbacks see the validation pass (on_test_begin, ...), as in Keras
                val = self.evaluate(verbose=0, return_dict=True, _in_fit=True,
                                    _iterator=validation, _callbacks=cbs)
                epoch_logs.update({"val_" + k: v for k, v in val.items()})
            logs = epoch_logs  # the callbacks get it flattened and sorted, once (Keras's order)
            cbs.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        if epochs > 0:  # as Keras: where moving averages would replace the weights
            self.optimizer.finalize_variable_values(self.trainable_weights)
        cbs.on_train_end(logs)
        return history

    def evaluate(
        self,
        x=None,
        y=None,
        batch_size=None,
        verbose="auto",
        sample_weight=None,
        steps=None,
        callbacks=None,
        return_dict=False,
        _in_fit=False,
        _iterator=None,
        _callbacks=None,
        **kwargs,
    ):
        """The loss and metrics on data, in batches.

        Returns:
            The loss (a float) if there are no metrics, else `[loss, metric, ...]` in the
            order of `metrics_names`; a dict with `return_dict=True`.
        """
        verbose = 1 if verbose == "auto" else verbose
        data = _iterator
        if data is None:
            self._check_compiled("evaluate", _targets(x, y), "test_step")
            batch_size = data_checks.check_batch_size("evaluate", batch_size)
            steps = data_checks.check_steps("evaluate", "steps", steps)
            data = EpochIterator(x, y, sample_weight, batch_size, steps, False, None,
                                 self._np_dtype, "evaluate", text=self._takes_text())
        cbs = _callbacks
        if not _in_fit:
            cbs, _ = self._callbacks(callbacks, verbose, 1, data.num_batches)
        if cbs is not None:
            cbs.on_test_begin()
        self.reset_metrics()
        logs = {}
        test_step = self._step("test_step")
        for step, batch in data.epoch():
            if cbs is not None:
                cbs.on_test_batch_begin(step)
            logs = test_step(batch)
            if cbs is not None:
                cbs.on_test_batch_end(step, logs)
        result = self._get_metrics_result_or_logs(logs)
        if cbs is not None:
            cbs.on_test_end(result)
        return _result(self, result, return_dict)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs on `x` (arrays, a Dataset, a generator or a PyDataset; only the
        inputs of `(x, y)` batches are used), computed in batches, as NumPy arrays."""
        verbose = 1 if verbose == "auto" else verbose
        batch_size = data_checks.check_batch_size("predict", batch_size)
        steps = data_checks.check_steps("predict", "steps", steps)
        data = EpochIterator(x, None, None, batch_size, steps, False, None, self._np_dtype,
                             "predict", text=self._takes_text())
        cbs, _ = self._callbacks(callbacks, verbose, 1, data.num_batches)
        cbs.on_predict_begin()
        outputs, out = [], None
        predict_step = self._step("predict_step")
        for step, batch in data.epoch():
            out = predict_step(batch)
            outputs.append([np.asarray(o) for o in flatten(out)])
            cbs.on_predict_batch_end(step, None)
        cbs.on_predict_end()
        if out is None:
            raise ValueError("predict: the input yielded no batch; check that it is not empty")
        joined = [np.concatenate(parts, axis=0) for parts in zip(*outputs)]
        return pack_sequence_as(out, joined)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One gradient step on one batch; returns the loss and metrics as `evaluate` does."""
        self._check_compiled("train_on_batch", _targets(x, y))
        data = self._batch_data("train_on_batch", x, y, sample_weight)
        self.reset_metrics()
        return _result(self, self.train_step(data), return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._check_compiled("test_on_batch", _targets(x, y), "test_step")
        data = self._batch_data("test_on_batch", x, y, sample_weight)
        self.reset_metrics()
        return _result(self, self.test_step(data), return_dict)

    def _batch_data(self, where, x, y, sample_weight):
        """`(x, y)` or `(x, y, sample_weight)` as arrays of the model's float type."""
        dtype = self._np_dtype
        data = (to_arrays(x, dtype), to_arrays(y, dtype))
        if sample_weight is not None:
            data += (to_arrays(sample_weight, dtype),)
        data_checks.check_cardinality(where, *data)
        return data

    def predict_on_batch(self, x):
        out = self(to_arrays(x, self._np_dtype), training=False)
        return pack_sequence_as(out, [np.asarray(o) for o in flatten(out)])


class _CompiledLossAPI:
    def __init__(self, model):
        self.model = model

    def __call__(self, y_true, y_pred, sample_weight=None, regularization_losses=None):
        model = self.model
        total = model._compiled_loss(y_true, y_pred, sample_weight)
        for extra in regularization_losses or ():
            total = tf.add(total, tf.reduce_sum(extra))
        model._loss_tracker.update_state(total, sample_weight=length(y_pred))
        return total


class _NoMetrics:
    """`compiled_metrics` of a model compiled without metrics: updates nothing."""

    metrics = ()

    def update_state(self, y_true, y_pred, sample_weight=None):
        pass

    def reset_state(self):
        pass


_NO_METRICS = _NoMetrics()


def _validation_freq(value):
    """`validation_freq` checked before training: a positive int or a list of epochs."""
    if isinstance(value, (list, tuple, set)):
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"Expected `validation_freq` to be a list or int. Received: "
                         f"validation_freq={value!r} of the type {type(value)}.")
    return data_checks.check_batch_size("fit", value, name="validation_freq")


def _should_validate(epoch, validation_freq):
    """Keras's rule: every `validation_freq` epochs, or at the epochs (1-based) listed."""
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return epoch + 1 in validation_freq


def _result(model, logs, return_dict):
    """The logs as `evaluate` returns them, as Keras: a dict in sorted key order, or a list in
    the order of `model.metrics` (the compiled metrics by their own names), then the other logs
    by name."""
    logs = pythonify_logs(logs)
    return logs if return_dict else flatten_metrics_in_order(model, logs)


def _targets(x, y):
    """The targets of a call: `y`, or a non-None object when `x` may carry them itself (a
    dataset or generator, not an array)."""
    if y is not None or isinstance(x, (np.ndarray, list, tuple, dict)) or hasattr(x, "shape"):
        return y
    return x
