"""`keras.saving`: `.keras` files interchangeable with Keras 3, weight files, and the
serialization of Keras objects with the registry of custom ones."""

from .object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from .serialization_lib import deserialize_keras_object, serialize_keras_object

__all__ = [
    "CustomObjectScope",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "load_model",
    "load_weights",
    "register_keras_serializable",
    "save_model",
    "save_weights",
    "serialize_keras_object",
]


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Saves `model` as a `.keras` file (Keras 3's zip of config.json, metadata.json and
    model.weights.h5); see `Model.save`."""
    from .saving_api import save_model as save

    return save(model, filepath, overwrite=overwrite, zipped=zipped, **kwargs)


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
    """
    from .saving_api import load_model as load

    return load(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def save_weights(model, filepath, overwrite=True, **kwargs):
    """`model.save_weights(filepath)`."""
    return model.save_weights(filepath, overwrite=overwrite, **kwargs)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """`model.load_weights(filepath)`."""
    return model.load_weights(filepath, skip_mismatch=skip_mismatch, **kwargs)
