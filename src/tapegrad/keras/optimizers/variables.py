"""The Variables of an optimizer's state, named as Keras 3 names them, and their assignment."""

from .. import variables
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


def wrong_shape(variable, shape):
    """Keras's error for a value of `shape` given for the optimizer variable `variable`."""
    return (
        f"Optimizer variable '{variable.name}' has shape {tuple(variable.shape)} not "
        f"compatible with provided weight shape {tuple(shape)}."
    )


def assign_state(optimizer_variables, values, owner):
    """Assigns `values` (arrays) to an optimizer's variables in order, once all are checked: a
    bad value assigns nothing.

    Raises:
        ValueError: if the numbers of values and variables, or a shape, differ.
    """
    variables.assign_values(
        optimizer_variables,
        values,
        lambda want, got: f"{owner} has {want} variables, but {got} values were given.",
        wrong_shape,
    )
