"""`tapegrad.keras`: the Keras names TensorFlow tutorials use, on tapegrad's public API."""

from . import (
    activations,
    backend,
    callbacks,
    config,
    constraints,
    initializers,
    layers,
    losses,
    metrics,
    mixed_precision,
    models,
    operation,
    optimizers,
    regularizers,
    saving,
    utils,
)
from ._variable import Variable
from .keras_tensor import KerasTensor
from .layers import Input, Layer
from .mixed_precision import DTypePolicy
from .models import Model, Sequential
from .operation import Operation

# The Keras release bundled with the TensorFlow that tapegrad follows (tf.__version__).
__version__ = "3.15.1"


def version():
    """The Keras version tapegrad follows (`keras.__version__`)."""
    return __version__


__all__ = [
    "DTypePolicy",
    "Input",
    "KerasTensor",
    "Layer",
    "Model",
    "Operation",
    "Sequential",
    "Variable",
    "activations",
    "backend",
    "callbacks",
    "config",
    "constraints",
    "datasets",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "mixed_precision",
    "models",
    "ops",
    "optimizers",
    "random",
    "regularizers",
    "saving",
    "utils",
    "version",
]


def _legacy_backend_name(name):
    # tf.keras 2's backend functions (K.square, K.mean, K.variable, ...) are served by
    # keras.backend from _legacy_backend, loaded on first use. The hook is installed here, at
    # the top of the package, because _legacy_backend builds on modules that use backend.
    from . import _legacy_backend

    if name in _legacy_backend.NAMES:
        return getattr(_legacy_backend, name)
    raise AttributeError(f"module 'keras.backend' has no attribute {name!r}")


backend.__getattr__ = _legacy_backend_name


def __getattr__(name):
    # keras.ops, keras.random, keras.wrappers and keras.datasets (its loaders need gzip, json
    # and pickle) load on first use, so that `from tapegrad import keras` stays fast.
    if name in ("ops", "random", "wrappers", "datasets"):
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'tapegrad.keras' has no attribute {name!r}")
