"""What every `keras.ops` function shares: conversion to tensors with Keras's dtype rules, and
`op` (`keras_op`), which lets an op take Keras tensors of the functional API.

An op is written once, on real tensors, as a composition of tapegrad ops (so it is
differentiable to any order). `@op` makes it symbolic too: called on a KerasTensor from
`keras.Input`, it becomes an operation node of the functional graph, as in Keras 3.
"""

import numpy as np

import tapegrad as tf

from .. import backend
from ..backend import standardize_dtype
from ..operation import keras_op as op
from ..promotion import result_type

__all__ = ["as_tensor", "axes_of", "binary", "cast_to", "dtype_of", "float_input", "op"]

_Tensor, _Variable = tf.Tensor, tf.Variable


def as_tensor(x, dtype=None):
    """`x` as a tapegrad Tensor (a Variable is read), converted or cast to `dtype` if given."""
    if isinstance(x, _Variable):
        x = x.read_value()
    if isinstance(x, _Tensor):
        if dtype is not None and x.dtype.name != standardize_dtype(dtype):
            return tf.cast(x, standardize_dtype(dtype))
        return x
    if dtype is not None:
        dtype = standardize_dtype(dtype)
        value = np.asarray(x.numpy() if hasattr(x, "numpy") else x)
        if value.dtype.kind == "f" and dtype.startswith(("int", "uint", "bool")):
            return tf.cast(tf.convert_to_tensor(value), dtype)  # truncates, as a cast does
        return tf.convert_to_tensor(value.astype(dtype))
    if isinstance(x, (list, tuple)):
        kind = np.asarray(x).dtype.kind
        if kind == "f":
            return tf.convert_to_tensor(np.asarray(x, backend.floatx()))
        if kind in "iu":
            return tf.convert_to_tensor(np.asarray(x, "int32"))
    return tf.convert_to_tensor(x)


def cast_to(x, dtype):
    """`x` as a tensor of `dtype` (a dtype name)."""
    return as_tensor(x, dtype)


def binary(fn, x1, x2, *extra_types):
    """`fn(x1, x2)` with both operands converted to Keras's result type of the two (and of
    `extra_types`, e.g. `float` for a division)."""
    dtype = result_type(dtype_of(x1), dtype_of(x2), *extra_types)
    return fn(cast_to(x1, dtype), cast_to(x2, dtype))


def float_input(x):
    """`x` as a tensor of a floating dtype: integers and bools become floatx, as Keras's
    float-valued ops (sqrt, exp, mean, ...) convert them."""
    x = as_tensor(x)
    dtype = result_type(x.dtype.name, float)
    return x if x.dtype.name == dtype else tf.cast(x, dtype)


def axes_of(axis):
    """`axis` as TensorFlow's reductions take it: None, an int or a list."""
    if axis is None or isinstance(axis, (int, np.integer)):
        return axis
    return list(axis)


def dtype_of(x):
    """The dtype name of a value, or the Python type `int` / `float` for a weak Python
    scalar (a bool is a strong bool)."""
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, int):
        return int
    if isinstance(x, float):
        return float
    dtype = getattr(x, "dtype", None)
    if dtype is not None:
        return standardize_dtype(dtype)
    return (
        standardize_dtype(np.asarray(x).dtype)
        if not isinstance(x, (list, tuple))
        else (_list_dtype(x))
    )


def _list_dtype(values):
    array = np.asarray(values)
    if array.dtype.kind == "f":
        return backend.floatx()
    if array.dtype.kind in "iu":
        return "int32"
    return standardize_dtype(array.dtype)
