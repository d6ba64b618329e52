"""`keras.config`: Keras 3's global settings (float type, epsilon, dtype policy, unsafe
deserialization)."""

from .backend import epsilon, floatx, set_epsilon, set_floatx
from .mixed_precision import dtype_policy, set_dtype_policy
from .saving.serialization_lib import enable_unsafe_deserialization

__all__ = [
    "backend",
    "dtype_policy",
    "enable_unsafe_deserialization",
    "epsilon",
    "floatx",
    "set_dtype_policy",
    "set_epsilon",
    "set_floatx",
]


def backend():
    """The backend Keras runs on: tapegrad stands in for TensorFlow's."""
    return "tensorflow"
