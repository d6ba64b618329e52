"""`tapegrad.nn`: neural-network activations under TensorFlow's names."""

from ._core.registry import bind as _bind
from .math import sigmoid, tanh
from .ops import elementwise as _e

__all__ = ["relu", "sigmoid", "tanh"]


def relu(features, name=None):
    """Returns max(features, 0); the gradient at 0 is 0, as in TensorFlow."""
    return _bind(_e.relu, features)
