"""`keras.models`: Model, Sequential and the functional API, saving and loading, cloning."""

from .cloning import clone_model
from .functional import Functional
from .model import Model
from .sequential import Sequential


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """`keras.saving.load_model`: a model from a `.keras` file (here or Keras 3's)."""
    from ..saving import load_model as load

    return load(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """`keras.saving.save_model`: `model.save(filepath)`."""
    from ..saving import save_model as save

    return save(model, filepath, overwrite=overwrite, zipped=zipped, **kwargs)


def model_from_json(json_string, custom_objects=None):
    """The model of `model.to_json()`'s string (built with fresh weights; compiled if the
    JSON holds a compile config, as Keras)."""
    from ..saving.saving_api import model_from_json as from_json

    return from_json(json_string, custom_objects)


__all__ = [
    "Functional",
    "Model",
    "Sequential",
    "clone_model",
    "load_model",
    "model_from_json",
    "save_model",
]
