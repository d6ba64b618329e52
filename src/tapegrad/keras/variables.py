"""`KerasVariable`: the Variables of layers and optimizers, named as Keras 3 names them."""

import functools

from .. import Variable

__all__ = ["BUILD_HOOKS", "KerasVariable", "notify_built", "notifying_build"]

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
