"""`tapegrad.keras`: the Keras names TensorFlow tutorials use, on tapegrad's public API."""

from . import optimizers

__all__ = ["optimizers"]
