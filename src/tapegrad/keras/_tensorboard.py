"""`keras.callbacks.TensorBoard`: Keras 3's callback (keras/src/callbacks/tensorboard.py), writing
with `tapegrad.summary` the event files TensorBoard reads."""

import os
import sys
import time
import warnings

import numpy as np

from .callback import Callback

__all__ = ["TensorBoard"]

# SummaryMetadata{plugin_data{plugin_name: "graph_keras_model", content: "1"}}, Keras's
# hard-coded metadata of the model-config summary (TensorBoard's Graphs dashboard reads it).
_KERAS_MODEL_METADATA = b"\x0a\x16\x0a\x11graph_keras_model\x12\x011"

_EMBEDDING_TENSOR = "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"


class TensorBoard(Callback):
    """Logs training to TensorBoard, as Keras 3's callback: `tensorboard --logdir=<log_dir>`.

    Epoch summaries go to `<log_dir>/train` (`epoch_loss`, `epoch_<metric>`,
    `epoch_learning_rate`, at step `epoch`) and `<log_dir>/validation` (the `val_` logs without
    the prefix, and `evaluation_<name>_vs_iterations` at the optimizer's iteration count).

    Args:
        log_dir: the directory of the event files.
        histogram_freq: every this many epochs, a histogram of each weight
            (`<weight path>/histogram`); 0: none.
        write_graph: write the model's config (tag `keras`, for the Graphs dashboard) when
            the model is Sequential or Functional. Keras also writes the TensorFlow graph of
            the train function; tapegrad's traced steps are no TensorFlow graphs, so that part
            is not written.
        write_images: with `histogram_freq`, also each weight as an image.
        write_steps_per_second: log `steps_per_second` (per epoch) or
            `batch_steps_per_second` (per batch).
        update_freq: "epoch", "batch" (= 1) or an int N: every N batches, the `batch_<name>`
            logs (and summaries written inside the model) at the global batch count.
        profile_batch: accepted and checked as Keras's (a batch, or a (start, stop) pair);
            tapegrad has no profiler, so a non-zero value warns and records no trace.
        embeddings_freq: every this many epochs, the weights to
            `train/keras_embedding.ckpt-<epoch>.weights.h5` for the Projector, with
            `projector_config.pbtxt` naming the Embedding layers (needs h5py).
        embeddings_metadata: a file name (for every Embedding layer) or a dict from layer
            names to metadata file names.
    """

    def __init__(
        self,
        log_dir="logs",
        histogram_freq=0,
        write_graph=True,
        write_images=False,
        write_steps_per_second=False,
        update_freq="epoch",
        profile_batch=0,
        embeddings_freq=0,
        embeddings_metadata=None,
    ):
        super().__init__()
        self.log_dir = str(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._init_profile_batch(profile_batch)
        self._global_train_batch = 0
        self._global_test_batch = 0
        self._previous_epoch_iterations = 0
        self._batch_start_time = 0
        self._epoch_start_time = 0
        self._summary_module = None
        self._writers = {}  # made on first use, so that no file is made when none is needed
        self._prev_summary_state = []  # the contexts entered by _push_writer

    def set_model(self, model):
        """Sets the model; writes its config (write_graph) and the Projector's config."""
        super().set_model(model)
        self._log_write_dir = self.log_dir
        self._train_dir = os.path.join(self._log_write_dir, "train")
        self._val_dir = os.path.join(self._log_write_dir, "validation")
        self._writers = {}
        if self.write_graph:
            self._write_keras_model_summary()
        if self.embeddings_freq:
            self._configure_embeddings()

    @property
    def summary(self):
        """`tf.summary` (tapegrad's), loaded on first use."""
        if self._summary_module is None:
            from .. import summary

            self._summary_module = summary
        return self._summary_module

    @property
    def _train_writer(self):
        if "train" not in self._writers:
            self._writers["train"] = self.summary.create_file_writer(self._train_dir)
        return self._writers["train"]

    @property
    def _val_writer(self):
        if "val" not in self._writers:
            self._writers["val"] = self.summary.create_file_writer(self._val_dir)
        return self._writers["val"]

    def _write_keras_model_summary(self):
        with self._train_writer.as_default():
            if type(self.model).__name__ in ("Functional", "Sequential"):
                _keras_model_summary(self.summary, "keras", self.model, step=0)

    def _configure_embeddings(self):
        from .layers import Embedding

        lines = []
        for layer in self.model.layers:
            if isinstance(layer, Embedding):
                # Keras names the first weight-holding layer's checkpoint key for every one
                lines += ["embeddings {", f"  tensor_name: {_quoted(_EMBEDDING_TENSOR)}"]
                path = None
                if isinstance(self.embeddings_metadata, str):
                    path = self.embeddings_metadata
                elif self.embeddings_metadata is not None:
                    path = self.embeddings_metadata.pop(layer.name, None)
                if path is not None:
                    lines.append(f"  metadata_path: {_quoted(path)}")
                lines.append("}")
        if self.embeddings_metadata and not isinstance(self.embeddings_metadata, str):
            raise ValueError(
                "Unrecognized `Embedding` layer names passed to `keras.callbacks.TensorBoard` "
                f"`embeddings_metadata` argument: {self.embeddings_metadata.keys()}")
        os.makedirs(self._log_write_dir, exist_ok=True)
        path = os.path.join(self._log_write_dir, "projector_config.pbtxt")
        with open(path, "w") as f:
            f.write("".join(line + "\n" for line in lines))

    def _push_writer(self, writer, step):
        """Makes `writer` the default at `step` for summaries written inside the model,
        recorded every `update_freq` steps."""
        if self.update_freq == "epoch":
            return

        def should_record():
            return step % self.update_freq == 0

        contexts = (writer.as_default(step), self.summary.record_if(should_record))
        self._prev_summary_state.append(contexts)
        contexts[0].__enter__()
        contexts[1].__enter__()

    def _pop_writer(self):
        if self.update_freq == "epoch":
            return
        contexts = self._prev_summary_state.pop()
        contexts[1].__exit__(*sys.exc_info())
        contexts[0].__exit__(*sys.exc_info())

    def _close_writers(self):
        for writer in self._writers.values():
            writer.close()

    def _init_profile_batch(self, profile_batch):
        message = (
            "profile_batch must be a non-negative integer or 2-tuple of positive integers. A "
            "pair of positive integers signifies a range of batches to profile. Found: "
            f"{profile_batch}")
        if isinstance(profile_batch, str):  # Keras's legacy "start,stop"
            try:
                profile_batch = [int(part) for part in profile_batch.split(",")]
            except ValueError:
                raise ValueError(message) from None
            profile_batch = profile_batch[0] if len(profile_batch) == 1 else profile_batch
        if isinstance(profile_batch, int) and not isinstance(profile_batch, bool):
            self._start_batch = self._stop_batch = profile_batch
        elif isinstance(profile_batch, (tuple, list)) and len(profile_batch) == 2:
            self._start_batch, self._stop_batch = profile_batch
        else:
            raise ValueError(message)
        if self._start_batch < 0 or self._stop_batch < self._start_batch:
            raise ValueError(message)
        if self._start_batch or self._stop_batch:
            # Keras logs the profiler's failure to start and trains on: so does tapegrad
            warnings.warn(
                f"TensorBoard: profile_batch={profile_batch!r} records no profile: tapegrad "
                "has no profiler (the metrics and histograms are written as usual).",
                stacklevel=3)

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._previous_epoch_iterations = 0
        self._push_writer(self._train_writer, self._global_train_batch)

    def on_train_end(self, logs=None):
        self._pop_writer()
        self._close_writers()

    def on_test_begin(self, logs=None):
        self._push_writer(self._val_writer, self._global_test_batch)

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer and hasattr(optimizer, "iterations"):
            with self._val_writer.as_default():
                for name, value in (logs or {}).items():
                    self.summary.scalar(f"evaluation_{name}_vs_iterations", value,
                                        step=optimizer.iterations)
        self._pop_writer()

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        if self.update_freq != "epoch":
            self._pop_writer()
            self._push_writer(self._train_writer, self._global_train_batch)
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def on_train_batch_end(self, batch, logs=None):
        if self.write_steps_per_second:
            batch_run_time = time.time() - self._batch_start_time
            self.summary.scalar("batch_steps_per_second", 1.0 / batch_run_time,
                                step=self._global_train_batch)
        if isinstance(logs, dict):
            for name, value in logs.items():
                self.summary.scalar(f"batch_{name}", value, step=self._global_train_batch)

    def on_test_batch_begin(self, batch, logs=None):
        self._global_test_batch += 1
        if self.update_freq != "epoch":
            self._pop_writer()
            self._push_writer(self._val_writer, self._global_test_batch)

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._previous_epoch_iterations = float(np.asarray(self.model.optimizer.iterations))
            self._epoch_start_time = time.time()

    def on_epoch_end(self, epoch, logs=None):
        """Writes the epoch's metrics, and the histograms and embeddings when due."""
        self._log_epoch_metrics(epoch, logs)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            self._log_embeddings(epoch)

    def _collect_learning_rate(self, logs):
        from .optimizers import Optimizer

        optimizer = self.model.optimizer
        if hasattr(optimizer, "inner_optimizer"):  # a LossScaleOptimizer
            optimizer = optimizer.inner_optimizer
        if hasattr(optimizer, "optimizers"):
            for opt in optimizer.optimizers:
                logs[f"learning_rate_{opt.name}"] = float(np.asarray(opt.learning_rate))
        elif isinstance(optimizer, Optimizer):
            logs["learning_rate"] = float(np.asarray(optimizer.learning_rate))
        return logs

    def _compute_steps_per_second(self):
        iterations = np.float32(np.asarray(self.model.optimizer.iterations))
        seconds = np.float32(time.time() - self._epoch_start_time)
        return float((iterations - np.float32(self._previous_epoch_iterations)) / seconds)

    def _log_epoch_metrics(self, epoch, logs):
        if not logs:
            return
        train_logs = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val_logs = {k: v for k, v in logs.items() if k.startswith("val_")}
        train_logs = self._collect_learning_rate(train_logs)
        if self.write_steps_per_second:
            train_logs["steps_per_second"] = self._compute_steps_per_second()
        if train_logs:
            with self._train_writer.as_default():
                for name, value in train_logs.items():
                    self.summary.scalar(f"epoch_{name}", value, step=epoch)
        if val_logs:
            with self._val_writer.as_default():
                for name, value in val_logs.items():
                    self.summary.scalar(f"epoch_{name[4:]}", value, step=epoch)

    def _log_weights(self, epoch):
        with self._train_writer.as_default():
            for layer in self.model.layers:
                for weight in layer.weights:
                    weight_name = weight.path.replace(":", "_")
                    self.summary.histogram(f"{weight_name}/histogram", weight, step=epoch)
                    if self.write_images:
                        self._log_weight_as_image(weight, f"{weight_name}/image", epoch)
            self._train_writer.flush()

    def _log_weight_as_image(self, weight, weight_name, epoch):
        from . import backend

        w_img = np.squeeze(np.asarray(weight))
        shape = w_img.shape
        if len(shape) == 1:  # a bias
            w_img = w_img.reshape(1, shape[0], 1, 1)
        elif len(shape) == 2:  # a Dense kernel, shown wider than tall
            if shape[0] > shape[1]:
                w_img = w_img.T
                shape = w_img.shape
            w_img = w_img.reshape(1, shape[0], shape[1], 1)
        elif len(shape) == 3:  # a convolution kernel: one image per kernel
            if backend.image_data_format() == "channels_last":
                w_img = np.transpose(w_img, [2, 0, 1])
                shape = w_img.shape
            w_img = w_img.reshape(shape[0], shape[1], shape[2], 1)
        if w_img.ndim == 4 and w_img.shape[-1] in (1, 3, 4):  # not 3-D convolutions etc.
            self.summary.image(weight_name, w_img, step=epoch)

    def _log_embeddings(self, epoch):
        path = os.path.join(self._log_write_dir, "train",
                            f"keras_embedding.ckpt-{epoch}.weights.h5")
        self.model.save_weights(path)


def _quoted(text):
    """A protobuf text-format string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _keras_model_summary(summary, name, model, step=None):
    """Writes the model's JSON config as a summary (Keras's `keras_model_summary`); a model
    that cannot be serialized warns and writes nothing."""
    try:
        json_string = model.to_json()
    except Exception as exc:  # Keras: a config that fails must not stop training
        warnings.warn(f"Model failed to serialize as JSON. Ignoring... {exc}", stacklevel=2)
        return False
    with summary.experimental.summary_scope(name, "graph_keras_model") as (tag, _):
        return summary.write(tag=tag, tensor=json_string, step=step,
                             metadata=_KERAS_MODEL_METADATA)
