"""`tapegrad.keras`: the Keras names TensorFlow tutorials use, on tapegrad's public API."""

from . import (
    activations,
    backend,
    callbacks,
    initializers,
    layers,
    losses,
    metrics,
    models,
    operation,
    optimizers,
    regularizers,
    utils,
)
from .keras_tensor import KerasTensor
from .layers import Input, Layer
from .models import Model, Sequential
from .operation import Operation

__all__ = [
    "Input",
    "KerasTensor",
    "Layer",
    "Model",
    "Operation",
    "Sequential",
    "activations",
    "backend",
    "callbacks",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "optimizers",
    "regularizers",
    "utils",
]
