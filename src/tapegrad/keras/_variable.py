"""`keras.Variable`: Keras 3's public variable, made from a value or an initializer."""

import numpy as np

import tapegrad as tf

from . import backend, initializers
from .variables import KerasVariable

__all__ = ["Variable"]

_AGGREGATIONS = {None: "none", "none": "none", "mean": "mean", "sum": "sum",
                 "only_first_replica": "only_first_replica"}
_SYNCHRONIZATIONS = {None: "auto", "none": "none", "on_read": "on_read",
                     "on_write": "on_write", "auto": "auto"}


def _setting(table, value, what):
    if value not in table:
        choices = ", ".join(f"`{k!r}`" if k else "`None`" for k in table)
        raise ValueError(f"Invalid value for argument `{what}`. Expected one of {choices}. "
                         f"Received: {what}={value}")
    return table[value]


class _KerasVariableType(type):
    # Every Keras variable (a layer's weight, an optimizer's slot) is a `keras.Variable`, as in
    # Keras 3, though layers make theirs with KerasVariable's own constructor.
    def __instancecheck__(cls, obj):
        return isinstance(obj, KerasVariable)


class Variable(KerasVariable, metaclass=_KerasVariableType):
    """A variable made from a value, or from an initializer and a shape (Keras 3's).

    Args:
        initializer: the initial value (array, tensor, number), or an initializer (a name such
            as "zeros", an Initializer or a callable `(shape, dtype)`) with `shape`.
        shape: the shape, required with an initializer.
        dtype: the dtype: by default the value's, or floatx with an initializer.
        trainable: whether optimizers train it.
        autocast: whether layers computing in another dtype read it in theirs.
        aggregation, synchronization: Keras's strings for distributed variables ("none",
            "mean", "sum", "only_first_replica"; "auto", "none", "on_read", "on_write"),
            recorded; they change nothing on tapegrad's single device.
        name: its name (and path); by default "variable", "variable_1", ...

    Raises:
        ValueError: for an initializer without a shape, or an unknown aggregation or
            synchronization.
    """

    def __init__(self, initializer, shape=None, dtype=None, trainable=True, autocast=True,
                 aggregation="none", synchronization="auto", name=None):
        # Named first, as Keras: a failed construction still uses up an automatic name.
        name = backend.unique_name("variable") if name is None else str(name)
        self._keras_aggregation = _setting(_AGGREGATIONS, aggregation, "aggregation")
        self._keras_synchronization = _setting(
            _SYNCHRONIZATIONS, synchronization, "synchronization")
        is_value = isinstance(initializer, (tf.Tensor, tf.Variable, np.ndarray, np.generic,
                                            int, float, bool, list, tuple))
        if is_value:
            value = tf.convert_to_tensor(initializer, dtype=dtype)
        else:
            if shape is None:
                raise ValueError(
                    "When creating a Variable from an initializer, the `shape` argument should "
                    f"be specified. Received: initializer={initializer!r} and shape={shape}")
            init_dtype = tf.as_dtype(dtype or backend.floatx())
            value = initializers.get(initializer)(tuple(shape), dtype=init_dtype)
        value = tf.convert_to_tensor(value)
        if shape is not None and tuple(value.shape) != tuple(shape):
            raise ValueError(f"keras.Variable: the initial value has shape "
                             f"{tuple(value.shape)}, not the given shape {tuple(shape)}")
        super().__init__(value, value.dtype, name, name, trainable=trainable, autocast=autocast)

    @property
    def aggregation(self):
        return self._keras_aggregation

    @property
    def synchronization(self):
        return self._keras_synchronization

    def __repr__(self):
        value = self.numpy()
        return (f"<Variable path={self.path}, shape={tuple(self.shape)}, "
                f"dtype={self.dtype.name}, value={value}>")
