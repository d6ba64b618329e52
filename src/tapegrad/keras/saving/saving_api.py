"""`keras.saving.save_model` / `load_model`: which file format a path means, as Keras 3
decides it, and the directory form of a `.keras` file (`zipped=False`)."""

import json
import os
import zipfile

from . import saving_lib, stores

__all__ = ["load_model", "load_weights", "model_from_json", "save_model", "save_weights"]


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Saves `model` as a `.keras` file (Keras 3's zip of config.json, metadata.json and
    model.weights.h5); see `Model.save`."""
    kwargs.pop("include_optimizer", None)
    save_format = kwargs.pop("save_format", None)
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {list(kwargs)}")
    filepath = os.fspath(filepath)
    if save_format and not filepath.endswith((".keras", ".h5", ".hdf5")):
        raise ValueError(
            "The `save_format` argument is deprecated in Keras 3. Please remove this argument "
            "and pass a file path with either `.keras` or `.h5` extension."
            f"Received: save_format={save_format}"
        )
    zipped = True if zipped is None else zipped
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"save: {filepath} exists and overwrite=False")
    if zipped and filepath.endswith(".keras"):
        stores.import_h5py()
        return saving_lib.save_model(model, filepath)
    if not zipped:
        if filepath.endswith(".keras"):
            raise ValueError(
                "When using `zipped=False`, the `filepath` argument should not end in "
                f"`.keras`. Received: filepath={filepath}"
            )
        return _save_to_directory(model, filepath)
    if filepath.endswith((".h5", ".hdf5")):
        raise ValueError(
            "save: the legacy HDF5 model format (.h5) is not supported by tapegrad; save the "
            f"model as a `.keras` file (Keras 3's format). Received: filepath={filepath}."
        )
    raise ValueError(
        "Invalid filepath extension for saving. Please add either a `.keras` extension for the "
        "native Keras format (recommended) or a `.h5` extension. Use `model.export(filepath)` "
        "if you want to export a SavedModel for use with TFLite/TFServing/etc. Received: "
        f"filepath={filepath}."
    )


def _save_to_directory(model, dirpath):
    stores.import_h5py()
    os.makedirs(dirpath, exist_ok=True)
    config_json, metadata_json = saving_lib._config_json(model), saving_lib._metadata_json()
    for name, text in (
        (saving_lib.METADATA_FILENAME, metadata_json),
        (saving_lib.CONFIG_FILENAME, config_json),
    ):
        stores.atomic_write(
            os.path.join(dirpath, name), lambda f, t=text: f.write(t.encode()), "save"
        )
    saving_lib.save_weights(model, os.path.join(dirpath, saving_lib.WEIGHTS_FILENAME), "h5")


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model saved by `model.save` (here or by Keras 3): architecture, weights,
    compile arguments and optimizer state.

    Args:
        filepath: a `.keras` file (or a directory saved with `zipped=False`).
        custom_objects: `{name: class or function}` for the user's objects not registered
            with `register_keras_serializable`.
        compile: whether to compile the model as it was saved.
        safe_mode: refuse Python lambdas stored as bytecode (a `Lambda` layer's function):
            loading them runs code from the file. Pass False only for files you trust.

    Returns:
        The model.

    Raises:
        ValueError: for a path that is not a `.keras` file, or a lambda in safe mode.
        OSError: for a file that is not a readable Keras archive (truncated, corrupt).
        ImportError: without h5py (the weights are HDF5): it says what to install.
    """
    filepath = os.fspath(filepath)
    if os.path.isdir(filepath) and os.path.exists(
        os.path.join(filepath, saving_lib.CONFIG_FILENAME)
    ):
        return _load_from_directory(filepath, custom_objects, compile, safe_mode)
    if filepath.endswith(".keras"):
        if not os.path.exists(filepath):
            raise ValueError(
                f"File not found: filepath={filepath}. Please ensure the file is an accessible "
                "`.keras` zip file."
            )
        if not zipfile.is_zipfile(filepath):
            raise OSError(
                f"load_model: {filepath} is not a .keras file (a zip archive of a Keras model): "
                "it may be truncated or corrupt, or in another format."
            )
        return saving_lib.load_model(filepath, custom_objects, compile, safe_mode)
    if filepath.endswith((".h5", ".hdf5")):
        raise ValueError(
            "load_model: the legacy HDF5 model format (.h5) is not supported by tapegrad; save "
            f"the model as a `.keras` file. Received: filepath={filepath}."
        )
    raise ValueError(
        f"File format not supported: filepath={filepath}. Keras 3 only supports V3 `.keras` "
        "files and legacy H5 format files (`.h5` extension). Note that the legacy SavedModel "
        "format is not supported by `load_model()` in Keras 3."
    )


def _load_from_directory(dirpath, custom_objects, compile, safe_mode):
    with open(os.path.join(dirpath, saving_lib.CONFIG_FILENAME), "rb") as f:
        config_json = f.read()
    stores.import_h5py()
    model = saving_lib.model_from_config_json(config_json, custom_objects, compile, safe_mode)
    weights = os.path.join(dirpath, saving_lib.WEIGHTS_FILENAME)
    saving_lib.load_weights(model, weights, "h5")
    return model


def model_from_json(json_string, custom_objects=None):
    """The (uncompiled, freshly initialized) model of `model.to_json()`'s string."""
    from .serialization_lib import ObjectSharingScope, deserialize_keras_object

    config = json.loads(json_string)
    with ObjectSharingScope():
        return deserialize_keras_object(config, custom_objects)


def save_weights(model, filepath, overwrite=True, **kwargs):
    """`model.save_weights(filepath)`."""
    return model.save_weights(filepath, overwrite=overwrite, **kwargs)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """`model.load_weights(filepath)`."""
    return model.load_weights(filepath, skip_mismatch=skip_mismatch, **kwargs)
