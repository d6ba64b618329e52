"""`keras.regularizers`: weight penalties that layers add to `model.losses`.

L1:   l1 * sum(|w|)
L2:   l2 * sum(w ** 2)          # no factor 1/2, as Keras
L1L2: both
"""

import numpy as np

import tapegrad as tf

__all__ = [
    "L1",
    "L1L2",
    "L2",
    "Regularizer",
    "deserialize",
    "get",
    "l1",
    "l1_l2",
    "l2",
    "serialize",
]


def _factor(name, value):
    """A penalty factor as a float; Keras's check: a non-negative number."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(  # noqa: TRY004 - Keras raises ValueError
            f"Invalid value for argument {name}: expected a non-negative float. Received: "
            f"{name}={value!r}"
        )
    if not value >= 0:
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative float. Received: "
            f"{name}={value}"
        )
    return float(value)


class Regularizer:
    """Base class: a callable `(weight) -> scalar penalty`."""

    def __call__(self, x):
        return tf.constant(0.0)

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """l1 * sum(|x|) + l2 * sum(x ** 2)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = _factor("l1", l1), _factor("l2", l2)

    def __call__(self, x):
        total = None
        if self.l1:
            total = tf.multiply(tf.reduce_sum(tf.abs(x)), self.l1)
        if self.l2:
            term = tf.multiply(tf.reduce_sum(tf.square(x)), self.l2)
            total = term if total is None else tf.add(total, term)
        return total if total is not None else tf.zeros((), tf.convert_to_tensor(x).dtype)

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """l1 * sum(|x|)."""

    def __init__(self, l1=0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """l2 * sum(x ** 2)."""

    def __init__(self, l2=0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


l1 = L1
l2 = L2


def l1_l2(l1=0.01, l2=0.01):
    """An L1L2 regularizer with both factors 0.01 by default."""
    return L1L2(l1=l1, l2=l2)


_CLASSES = {"Regularizer": Regularizer, "L1": L1, "L2": L2, "L1L2": L1L2}
_BY_NAME = {**_CLASSES, "l1": L1, "l2": L2, "l1_l2": l1_l2}


def get(identifier):
    """A regularizer from None, a name ("l1", "l2", "l1_l2"), a config dict or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"Unknown regularizer {identifier!r}; known: l1, l2, l1_l2")
        return _BY_NAME[identifier]()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}")


def serialize(regularizer):
    """Keras's serialized form of a regularizer (None stays None)."""
    from .saving import serialize_keras_object

    return serialize_keras_object(regularizer)


def deserialize(config, custom_objects=None):
    """A regularizer from `serialize`'s output (or a name)."""
    from .saving import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects, module_objects=_BY_NAME)
