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


def __getattr__(name):
    # Saving and loading files build on the layers and models, which build on the
    # serialization above: they are loaded by name, on first use.
    if name in ("save_model", "load_model", "save_weights", "load_weights"):
        import importlib

        return getattr(importlib.import_module(f"{__name__}.saving_api"), name)
    raise AttributeError(f"module 'keras.saving' has no attribute {name!r}")
