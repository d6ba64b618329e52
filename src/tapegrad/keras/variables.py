"""`KerasVariable`: the Variables of layers and optimizers, named as Keras 3 names them, and
the checked assignment of many values at once (`set_weights`, loading weights)."""

import functools

import numpy as np

from .. import Variable

__all__ = [
    "BUILD_HOOKS",
    "KerasVariable",
    "assign_values",
    "checked_values",
    "notify_built",
    "notifying_build",
]

# Functions called with a layer or optimizer each time one of its `build` methods returns:
# `tf.train.Checkpoint` restores there the values of variables that did not exist when it
# was restored (deferred restoration).
BUILD_HOOKS = []


def notify_built(obj):
    for hook in BUILD_HOOKS:
        hook(obj)


def notifying_build(build):
    """`build` (an optimizer class's), telling the build hooks when it returns."""

    @functools.wraps(build)
    def wrapper(self, *args, **kwargs):
        build(self, *args, **kwargs)
        if BUILD_HOOKS:
            notify_built(self)

    return wrapper


class KerasVariable(Variable):
    """A Variable made by a Keras layer or optimizer: its `name` is the name given, without
    TensorFlow's ":0" ("kernel"), and `path` is where it sits, as in Keras 3:
    "sequential/dense/kernel" for a layer built inside a model, "adam/iteration" for an
    optimizer's. `autocast` says whether a layer computing in another dtype (mixed precision)
    reads it in that dtype.
    """

    def __init__(
        self,
        initial_value,
        dtype,
        name,
        path,
        trainable=True,
        constraint=None,
        autocast=True,
    ):
        super().__init__(
            initial_value, trainable=trainable, name=name, dtype=dtype, constraint=constraint
        )
        self._keras_name = name
        self._path = path
        self.autocast = autocast

    @property
    def name(self):
        return self._keras_name

    @property
    def path(self):
        return self._path


def checked_values(variables, values, wrong_count, wrong_shape):
    """`values` as arrays, once their number and each one's shape match `variables`.

    Args:
        variables: the variables the values are for, in order.
        values: arrays (or what `np.asarray` takes), one per variable.
        wrong_count: the error message for another number of values, a function of
            `(number of variables, number of values)`.
        wrong_shape: the error message for a value of another shape, a function of
            `(variable, the value's shape)`.

    Raises:
        ValueError: with the message of the first mismatch.
    """
    values = [np.asarray(value) for value in values]
    if len(values) != len(variables):
        raise ValueError(wrong_count(len(variables), len(values)))
    for variable, value in zip(variables, values):
        if tuple(variable.shape) != value.shape:
            raise ValueError(wrong_shape(variable, value.shape))
    return values


def assign_values(variables, values, wrong_count, wrong_shape):
    """Assigns `values` to `variables` in order (each cast to its variable's dtype), once all
    are checked as `checked_values` checks them: a bad value assigns nothing."""
    for variable, value in zip(
        variables, checked_values(variables, values, wrong_count, wrong_shape)
    ):
        variable.assign(value.astype(variable.dtype.as_numpy_dtype))
