"""The Variables of an optimizer's state, named as Keras 3 names them."""

from ... import Variable


class OptimizerVariable(Variable):
    """A Variable of an optimizer's state: `name` has no ":0", and `path` is
    "<optimizer name>/<name>" (e.g. "adam/kernel_momentum"), as Keras 3 gives them."""

    def __init__(self, initial_value, dtype, name, path):
        super().__init__(initial_value, trainable=False, name=name, dtype=dtype)
        self._keras_name = name
        self._path = path

    @property
    def name(self):
        return self._keras_name

    @property
    def path(self):
        return self._path


def slot_name(reference_variable, name):
    """Keras's name of `reference_variable`'s slot `name`: "<reference's path with '/' as
    '_'>_<name>" when it has a path, otherwise "<its name with '/' and ':' as '_'>_<name>"
    (a layer's kernel gives "kernel_momentum", `tf.Variable(..., name="w")` "w_0_momentum")."""
    path = getattr(reference_variable, "path", None)
    if path is not None:
        return f"{path.replace('/', '_')}_{name}"
    return f"{str(reference_variable.name).replace('/', '_').replace(':', '_')}_{name}"
