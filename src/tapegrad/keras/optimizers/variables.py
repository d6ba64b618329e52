"""The Variables of an optimizer's state, named as Keras 3 names them, and their assignment."""

import numpy as np

from ..variables import KerasVariable


class OptimizerVariable(KerasVariable):
    """A Variable of an optimizer's state: `name` has no ":0", and `path` is
    "<optimizer name>/<name>" (e.g. "adam/sequential_dense_kernel_momentum"), as Keras 3 gives
    them."""

    def __init__(self, initial_value, dtype, name, path):
        super().__init__(initial_value, dtype, name, path, trainable=False)


def slot_name(reference_variable, name):
    """Keras's name of `reference_variable`'s slot `name`: "<reference's path with '/' as
    '_'>_<name>" when it has a path, otherwise "<its name with '/' and ':' as '_'>_<name>"
    (a layer's kernel, path "sequential/dense/kernel", gives "sequential_dense_kernel_momentum";
    `tf.Variable(..., name="w")` gives "w_0_momentum")."""
    path = getattr(reference_variable, "path", None)
    if path is not None:
        return f"{path.replace('/', '_')}_{name}"
    return f"{str(reference_variable.name).replace('/', '_').replace(':', '_')}_{name}"


def assign_values(variables, values, owner):
    """Assigns `values` (arrays) to `variables` in order, once all are checked: a bad value
    assigns nothing.

    Raises:
        ValueError: if the numbers of values and variables, or a shape, differ.
    """
    values = [np.asarray(value) for value in values]
    if len(values) != len(variables):
        raise ValueError(
            f"{owner} has {len(variables)} variables, but {len(values)} values were given."
        )
    for variable, value in zip(variables, values):
        if tuple(variable.shape) != value.shape:
            raise ValueError(
                f"Optimizer variable '{variable.name}' has shape {tuple(variable.shape)} not "
                f"compatible with provided weight shape {value.shape}."
            )
    for variable, value in zip(variables, values):
        variable.assign(value.astype(variable.dtype.as_numpy_dtype))
