"""Saving a model: `save` (a `.keras` file), `save_weights` / `load_weights`, `to_json`, and
the compile config that `load_model` compiles the model again from, as Keras 3 does."""

import os
import warnings

from ..layers import layer_config

__all__ = ["ModelSaving", "record_compile"]


def record_compile(model, optimizer, loss, loss_weights, metrics, weighted_metrics, run_eagerly,
                   steps_per_execution, jit_compile):  # fmt: skip
    """Keeps `compile`'s arguments for `get_compile_config`, as Keras 3's `compile` does."""
    model._compile_config = {
        "optimizer": optimizer,
        "loss": loss,
        "loss_weights": loss_weights,
        "metrics": metrics,
        "weighted_metrics": weighted_metrics,
        "run_eagerly": bool(run_eagerly),
        "steps_per_execution": steps_per_execution,
        "jit_compile": False if jit_compile == "auto" else jit_compile,
    }


def loss_scaled(model, optimizer, auto_scale_loss):
    """The optimizer `compile` uses: wrapped in a LossScaleOptimizer for a model under the
    "mixed_float16" policy, as Keras 3 does."""
    from ..optimizers import LossScaleOptimizer

    if (
        auto_scale_loss
        and optimizer is not None
        and model.dtype_policy.name == "mixed_float16"
        and not isinstance(optimizer, LossScaleOptimizer)
    ):
        return LossScaleOptimizer(optimizer, name="loss_scale_optimizer")
    return optimizer


def _weights_format(filepath, what):
    name = filepath.lower()
    if name.endswith((".h5", ".hdf5")):
        return "h5"
    if name.endswith(".keras"):
        if what == "save_weights":
            raise ValueError(
                "save_weights: the filename must end in `.weights.h5` (or `.npz`); a `.keras` "
                f"file holds a whole model: use model.save. Received: filepath={filepath}"
            )
        return "keras"
    if name.endswith(".npz"):
        return "npz"
    if what == "load_weights" and os.path.isfile(filepath):
        with open(filepath, "rb") as f:
            if f.read(8) == b"\x89HDF\r\n\x1a\n":
                return "h5"
    return "npz"  # any other name: tf.keras 2's save_weights("ckpt"), as a NumPy archive


class ModelSaving:
    """The saving methods of `Model`."""

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Saves the model as a `.keras` file, Keras 3's format: its config, weights and
        optimizer state; `keras.models.load_model` (here or in Keras 3) reads it back.

        Args:
            filepath: a path ending in `.keras` (or a directory, with `zipped=False`).
            overwrite: whether to replace an existing file.
            zipped: False writes the three files into a directory instead of a zip.

        Raises:
            ValueError: for a path that does not end in `.keras` (Keras 3's message).
            ImportError: without h5py (the weights are HDF5): it says what to install.
            FileExistsError: if the file exists and `overwrite` is False.
        """
        from ..saving import saving_api

        saving_api.save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True, max_shard_size=None):
        """Writes the weights (and the optimizer's state) of every layer to `filepath`:

        - `*.weights.h5` (or `.h5`): Keras 3's HDF5 layout, which Keras 3 reads (needs
          `pip install "tapegrad[h5]"`);
        - `*.npz`, or any other name (tf.keras 2's `save_weights("ckpt")`): the same layout in
          a NumPy archive, written under exactly the name given.

        The file is written to a temporary name and renamed when complete.

        Raises:
            ValueError: if the model is not built, or for a `.keras` name.
            FileExistsError: if the file exists and `overwrite` is False.
            FileNotFoundError: if the directory does not exist.
        """
        from ..saving import saving_lib

        filepath = os.fspath(filepath)
        if max_shard_size is not None:
            raise NotImplementedError("save_weights: `max_shard_size` is not supported.")
        fmt = _weights_format(filepath, "save_weights")
        if not overwrite and os.path.exists(filepath):
            raise FileExistsError(f"save_weights: {filepath} exists and overwrite=False")
        if not self.built:
            raise ValueError(
                "You are saving a model that has not yet been built. Try building the model "
                "first by calling it on some data or by using `build()`."
            )
        saving_lib.save_weights(self, filepath, fmt)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Reads weights written by `save_weights` (here or by Keras 3), or those of a `.keras`
        file; the optimizer's state too when the file has it and the optimizer is built.

        Every value is checked before any is assigned: on an error the model is unchanged.

        Args:
            filepath: a `.weights.h5`, `.h5`, `.keras` or `.npz` file (or any name written by
                `save_weights`).
            skip_mismatch: skip, with a warning, the layers whose saved weights do not fit.

        Raises:
            ValueError: naming the layers that do not fit (another model), or if the model is
                not built.
            FileNotFoundError: if there is no such file.
            OSError: if the file is truncated, corrupt or in another format.
            ImportError: for an HDF5 file without h5py: it says what to install.
        """
        from ..saving import saving_lib

        filepath = os.fspath(filepath)
        for key in ("by_name", "objects_to_skip"):
            if kwargs.pop(key, None):
                raise NotImplementedError(f"load_weights: `{key}` is not supported.")
        if kwargs:
            raise ValueError(f"Invalid keyword arguments: {kwargs}")
        fmt = _weights_format(filepath, "load_weights")
        if not self.built:
            raise ValueError(
                "You are loading weights into a model that has not yet been built. Try "
                "building the model first by calling it on some data or by using `build()`."
            )
        saving_lib.load_weights(self, filepath, fmt, skip_mismatch)

    def export(self, filepath, format="tf_saved_model", verbose=True, input_signature=None,
               **kwargs):
        """Exports the model's inference function for serving, as Keras 3 does: endpoint
        `serve` and signature `serving_default` in a SavedModel directory, which
        `tf.saved_model.load` reads back without the model's Python code.

        Args:
            filepath: the directory to write.
            format: "tf_saved_model" (the only one; written in tapegrad's SavedModel layout).
            verbose: print the endpoints.
            input_signature: TensorSpecs of the inputs; default: the model's inputs (batch
                dimension unknown).

        Raises:
            ValueError: for an unbuilt model, another format, or a subclassed model without
                `input_signature`.
        """
        from ..saving.export import export_model

        export_model(self, filepath, format, verbose, input_signature, **kwargs)

    def _default_save_signature(self):
        """The serving signature `tf.saved_model.save(model, path)` uses by default (TensorFlow
        looks for this method, as Keras 3 defines it), or None."""
        from ..saving.export import default_save_signature

        return default_save_signature(self)

    def to_json(self, **kwargs):
        """The model's config (Keras 3's serialization) as a JSON string; `kwargs` go to
        `json.dumps`. `keras.models.model_from_json` reads it back."""
        import json

        from ..saving import serialize_keras_object

        return json.dumps(serialize_keras_object(self), **kwargs)

    # -- compile config ---------------------------------------------------------------------
    def get_compile_config(self):
        """The serialized arguments `compile` was called with, or {} if it was not."""
        from ..saving import serialize_keras_object

        config = getattr(self, "_compile_config", None)
        if not self.compiled or config is None:
            return {}
        return serialize_keras_object(config)

    def compile_from_config(self, config):
        """Compiles the model with `get_compile_config()`'s output, and builds the optimizer on
        the model's variables so that a saved optimizer state can be loaded into it."""
        from ..saving import deserialize_keras_object

        if type(self).compile is not type(self)._builtin_compile:
            warnings.warn(
                "`compile()` was not called as part of model loading because the model's "
                "`compile()` method is custom. All subclassed Models that have `compile()` "
                "overridden should also override `get_compile_config()` and "
                "`compile_from_config(config)`. Alternatively, you can call `compile()` "
                "manually after loading.",
                stacklevel=2,
            )
            return
        config = deserialize_keras_object(config)
        self.compile(**config)
        if self.optimizer is not None and self.built:
            self.optimizer.build(self.trainable_variables)

    # -- configs ------------------------------------------------------------------------------
    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The model `get_config` described: a functional model from its graph, any other
        model by calling the class with the config's items (Keras 3's rule).

        Raises:
            TypeError: if the class's constructor does not accept the config.
        """
        from . import functional_config

        functional = cls._functional
        keys = ("name", "layers", "input_layers", "output_layers")
        if all(k in config for k in keys) and (
            issubclass(functional, cls) or functional_config.revives_from_graph(cls, functional)
        ):
            target = functional if issubclass(functional, cls) else cls
            return functional_config.from_config(target, dict(config), custom_objects)
        config = layer_config.constructor_arguments(config)
        try:
            return cls(**config)
        except TypeError as err:
            raise TypeError(
                "Unable to revive model from config. When overriding the `get_config()` method, "
                "make sure that the returned config contains all items used as arguments in "
                f"the constructor to {cls}, which is the default behavior. You can override "
                "this default behavior by defining a `from_config(cls, config)` class method "
                f"to specify how to create an instance of {cls.__name__} from its config.\n\n"
                f"Received config={config}\n\nError encountered during deserialization: {err}"
            ) from err

    def build_from_config(self, config):
        """Builds the model from `get_build_config()`'s output (its own `build`, or a run on
        zeros); warns, as Keras, if that fails."""
        if self.built:
            return
        try:
            super().build_from_config(config)
        except Exception as err:  # noqa: BLE001 - Keras warns and goes on
            warnings.warn(
                f"Model '{self.name}' had a build config, but the model cannot be built "
                f"automatically in `build_from_config(config)`: {err}. You should implement "
                "`def build_from_config(self, config)`, and you might also want to implement "
                "the method that generates the config at saving time, `def "
                "get_build_config(self)`.",
                stacklevel=2,
            )
