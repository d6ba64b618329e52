"""The default float type and the fuzz factor (`keras.config.floatx`, `keras.backend.epsilon`).

Their own module (as Keras's `backend/config.py`), below `keras.backend`, so that the modules
`keras.backend` uses, such as the dtype promotion, can read the float type without importing
`keras.backend`.
"""

__all__ = ["epsilon", "floatx", "set_epsilon", "set_floatx"]

_FLOATX = "float32"
_EPSILON = 1e-7


def floatx():
    """The default float dtype of layers, weights and metrics: "float32" unless changed."""
    return _FLOATX


def set_floatx(value):
    """Sets the default float dtype ("float16", "float32" or "float64")."""
    global _FLOATX
    if value not in ("float16", "float32", "float64"):
        raise ValueError(f"set_floatx: unknown float type {value!r}; use float16, 32 or 64")
    _FLOATX = value


def epsilon():
    """The fuzz factor used to keep logarithms and divisions finite (1e-7)."""
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = float(value)
