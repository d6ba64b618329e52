"""`keras.constraints`: projections that optimizers apply to a variable after each update.

A layer's `kernel_constraint` / `bias_constraint` (or `tf.Variable(..., constraint=...)`)
becomes `variable.constraint`; every optimizer assigns `constraint(variable)` to the variable
after its update, as Keras 3 does. The formulas are Keras 3's, epsilon included:

MaxNorm:    w * clip(norm, 0, max_value) / (epsilon + norm)
MinMaxNorm: w * (rate * clip(norm, min_value, max_value) + (1 - rate) * norm) / (epsilon + norm)
UnitNorm:   w / (epsilon + norm)
NonNeg:     maximum(w, 0)

where `norm` is the L2 norm along `axis` (kept as a dimension of size 1).
"""

import inspect

import numpy as np

import tapegrad as tf

from . import backend

__all__ = [
    "Constraint",
    "MaxNorm",
    "MinMaxNorm",
    "NonNeg",
    "UnitNorm",
    "deserialize",
    "get",
    "max_norm",
    "min_max_norm",
    "non_neg",
    "serialize",
    "unit_norm",
]


class Constraint:
    """Base class of the constraints: a callable `(w) -> projected w`; the identity here.

    Example:
        >>> class NonNegative(keras.constraints.Constraint):
        ...     def __call__(self, w):
        ...         return w * tf.cast(w >= 0.0, w.dtype)
    """

    def __call__(self, w):
        return w

    def get_config(self):
        """The constructor arguments, as a dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _norms(w, axis):
    return tf.sqrt(tf.reduce_sum(tf.square(w), axis=axis, keepdims=True))


def _axis(axis):
    # JSON gives a list for a tuple axis; the reductions want a tuple or an int.
    return tuple(axis) if isinstance(axis, list) else axis


class MaxNorm(Constraint):
    """Scales the weights incident to each unit down to an L2 norm of at most `max_value`.

    Args:
        max_value: the largest norm allowed.
        axis: the axis (or axes) along which the norms are taken: 0 for a Dense kernel (one
            norm per output unit), [0, 1, 2] for a Conv2D kernel.
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        w = tf.convert_to_tensor(w)
        norms = _norms(w, _axis(self.axis))
        desired = tf.clip_by_value(norms, 0.0, float(self.max_value))
        return w * (desired / (backend.epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to zero."""

    def __call__(self, w):
        return tf.maximum(tf.convert_to_tensor(w), 0.0)


class UnitNorm(Constraint):
    """Scales the weights incident to each unit to an L2 norm of 1.

    Args:
        axis: as for `MaxNorm`.
    """

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = tf.convert_to_tensor(w)
        return w / (backend.epsilon() + _norms(w, _axis(self.axis)))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves the norm of the weights incident to each unit into [min_value, max_value].

    Args:
        min_value: the smallest norm.
        max_value: the largest norm.
        rate: 1.0 enforces the bounds at once; a smaller rate moves the norm part of the way
            each step: `(1 - rate) * norm + rate * clip(norm, min_value, max_value)`.
        axis: as for `MaxNorm`.
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        w = tf.convert_to_tensor(w)
        norms = _norms(w, _axis(self.axis))
        clipped = tf.clip_by_value(norms, float(self.min_value), float(self.max_value))
        desired = self.rate * clipped + (1 - self.rate) * norms
        return w * (desired / (backend.epsilon() + norms))

    def get_config(self):
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


# Keras's lower-case aliases of the classes.
max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm

_CLASSES = {cls.__name__: cls for cls in (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)}
_BY_NAME = {**_CLASSES, **{backend.to_snake_case(n): c for n, c in _CLASSES.items()}}


def serialize(constraint):
    """Keras's serialized form of a constraint (None stays None)."""
    from .saving import serialize_keras_object

    return serialize_keras_object(constraint)


def deserialize(config, custom_objects=None):
    """A constraint from `serialize`'s output or a name."""
    from .saving import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects, module_objects=_BY_NAME)


def get(identifier):
    """A constraint from None, a name ("non_neg", "MaxNorm", ...), a config dict, a class or
    a callable.

    Raises:
        ValueError: if `identifier` is none of these.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = _BY_NAME.get(identifier)
    else:
        obj = identifier
    if callable(obj):
        return obj() if inspect.isclass(obj) else obj
    raise ValueError(f"Could not interpret constraint identifier: {identifier}")


def check_variables(variables):
    """Runs each variable's constraint once on its value, so that an optimizer's first update
    fails before anything changes if a constraint fails or changes the variable's shape.

    Raises:
        ValueError: naming the variable, for a constraint that changes the shape (or the
            error the constraint raised, with the variable named).
    """
    for v in variables:
        constraint = getattr(v, "constraint", None)
        if constraint is None:
            continue
        try:
            shape = np.shape(np.asarray(constraint(v)))
        except Exception as err:
            raise type(err)(f"The constraint of variable '{v.name}' failed: {err}") from err
        if shape != tuple(v.shape):
            raise ValueError(
                f"The constraint {constraint!r} of variable '{v.name}' returned a value of shape "
                f"{shape} for a variable of shape {tuple(v.shape)}; a constraint must keep the "
                "shape."
            )


def apply_to(variables):
    """Assigns `constraint(v)` to each variable that has a constraint (after an update)."""
    for v in variables:
        constraint = getattr(v, "constraint", None)
        if constraint is not None:
            v.assign(tf.cast(constraint(v), v.dtype))
