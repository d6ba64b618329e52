"""How a layer describes itself for saving, as Keras 3 does: its config (`get_config`,
captured automatically from the constructor's arguments when a subclass writes none), the
shapes it was built with (`get_build_config`), its own variables in a weights store
(`save_own_variables` / `load_own_variables`), and the name scopes that give its variables
their paths ("sequential/dense/kernel")."""

import contextlib
import functools
import inspect
import textwrap

import numpy as np

import tapegrad as tf

from .. import mixed_precision
from .. import variables as variables_module
from ..variables import BUILD_HOOKS, notify_built

__all__ = [
    "LayerSaving",
    "auto_config",
    "record_constructor",
    "scope",
    "variable_path",
    "variables_in_compute_dtype",
    "wrap_build",
]

# The layers whose build (or first call) is in progress, outermost first: a variable made now
# gets their path, as Keras 3's name scopes give "sequential/dense/kernel".
_SCOPES = []


@contextlib.contextmanager
def scope(layer):
    """The name scope of `layer`: variables made inside it get its path."""
    opened = not _SCOPES or _SCOPES[-1] is not layer
    if opened:
        _SCOPES.append(layer)
    try:
        yield
    finally:
        if opened:
            _SCOPES.pop()


def variable_path(layer, name):
    """Keras 3's path of `layer`'s variable `name`: the scopes open now, then the layer."""
    names = [lay.name for lay in _SCOPES]
    if not _SCOPES or _SCOPES[-1] is not layer:
        names.append(layer.name)
    return "/".join(names + [name])


@contextlib.contextmanager
def variables_in_compute_dtype(layer):
    """Inside `call` under a mixed precision policy, the layer's float variables (those made
    with autocast) read as tensors of the compute dtype, as Keras 3's autocast scope gives
    them; gradients flow through the cast to the variables."""
    compute = layer._dtype
    saved = {}
    for key, value in list(vars(layer).items()):
        if (
            isinstance(value, tf.Variable)
            and getattr(value, "autocast", True)
            and value.dtype.is_floating
            and value.dtype != compute
        ):
            saved[key] = value
            setattr(layer, key, tf.cast(value, compute))
    try:
        yield
    finally:
        for key, value in saved.items():
            setattr(layer, key, value)  # already tracked: this changes nothing the layer owns


_PLAIN = (str, int, float, bool, type(None))


def _plain(value):
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return isinstance(value, _PLAIN)


def auto_config(cls, args, kwargs):
    """The constructor arguments of `cls(*args, **kwargs)` (defaults included, `name` left
    out) when they are all plain values that JSON can hold, as Keras 3's `Operation.__new__`
    records them; otherwise None, and the reason (for `get_config`'s error).

    Returns:
        (config or None, "positional" | "values" | None).
    """
    try:
        signature = inspect.signature(cls.__init__)
        bound = signature.bind(None, *args, **kwargs)
    except (TypeError, ValueError):
        return None, "values"
    params = list(signature.parameters.values())[1:]
    if any(p.kind is inspect.Parameter.POSITIONAL_ONLY for p in params):
        return None, "positional"
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    arguments.pop(next(iter(signature.parameters)))
    for p in params:
        if p.kind is inspect.Parameter.VAR_KEYWORD:
            arguments.update(arguments.pop(p.name, {}))
        elif p.kind is inspect.Parameter.VAR_POSITIONAL and arguments.pop(p.name, ()):
            return None, "positional"
    arguments.pop("name", None)
    # What Layer's own arguments say, the base config says itself (dtype as its policy).
    for key in ("trainable", "dtype", "autocast", "activity_regularizer"):
        arguments.pop(key, None)
    for key in ("input_shape", "input_dim", "batch_input_shape", "batch_size", "dynamic"):
        if arguments.get(key, 0) is None:
            del arguments[key]
    if not _plain(arguments):
        return None, "values"
    return arguments, None


_EXAMPLE = """
    class CustomLayer(keras.layers.Layer):
        def __init__(self, arg1, arg2, **kwargs):
            super().__init__(**kwargs)
            self.arg1 = arg1
            self.arg2 = arg2

        def get_config(self):
            config = super().get_config()
            config.update({"arg1": self.arg1, "arg2": self.arg2})
            return config
"""


def no_auto_config_error(layer, reason):
    """Keras's error for a layer whose config cannot be made from its constructor's
    arguments."""
    cls = type(layer).__name__
    if reason == "positional":
        problem = (
            f"Object {cls} was created by passing positional only or variadic positional "
            "arguments (e.g., `*args`) to `__init__()`, which is not supported by the automatic "
            "config generation. Please remove all positional only and variadic arguments from "
            "`__init__()` or override `get_config()` and `from_config()` to make the object "
            "serializable."
        )
    else:
        problem = (
            f"Object {cls} was created by passing non-serializable argument values in "
            "`__init__()`, and therefore the object must override `get_config()` in order to "
            "be serializable. Please implement `get_config()`."
        )
    return NotImplementedError(f"{problem}\n\nExample:\n{textwrap.dedent(_EXAMPLE)}")


def wrap_build(fn):
    """`fn`, a layer class's `build`, wrapped as Keras 3 wraps it: every call (the first
    call's, `model.build(...)` or the user's own) runs in the layer's name scope, records the
    shapes it was given for `get_build_config`, and leaves the layer built. Applied once per
    class (`Layer.__init_subclass__`), so that layers still pickle and copy."""
    if getattr(fn, "_records_build", False):
        return fn
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def build(self, *args, **kwargs):
        with scope(self):
            fn(self, *args, **kwargs)
        try:
            shapes = dict(signature.bind(self, *args, **kwargs).arguments)
            shapes.pop(next(iter(signature.parameters)), None)
        except TypeError:
            shapes = None
        self._build_shapes_dict = shapes or None
        self.built = True
        self._tracker.changed()
        if BUILD_HOOKS:
            notify_built(self)

    build._records_build = True
    return build


def build_config(layer):
    """Keras's build config: `{"input_shape": ...}` for a one-argument build, `{"shapes_dict":
    ...}` for several, None if the layer was never built through `build`."""
    shapes = getattr(layer, "_build_shapes_dict", None)
    if not shapes:
        return None
    if len(shapes) == 1:
        return {"input_shape": _as_shape(next(iter(shapes.values())))}
    return {"shapes_dict": {k: _as_shape(v) for k, v in shapes.items()}}


def _as_shape(shape):
    if isinstance(shape, (list, tuple)):
        return (
            [_as_shape(s) for s in shape]
            if any(isinstance(s, (list, tuple)) for s in shape)
            else tuple(None if d is None else int(d) for d in shape)
        )
    return shape


def constructor_arguments(config):
    """A layer's or model's config as its constructor's arguments: a copy, with a serialized
    dtype policy (a dict) as the DTypePolicy."""
    config = dict(config)
    if isinstance(config.get("dtype"), dict):
        config["dtype"] = mixed_precision.get(config["dtype"])
    return config


def from_build_config(shape):
    """A saved shape (lists after JSON) as the tuple, or list of tuples, `build` expects."""
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
        return [from_build_config(s) for s in shape]
    if isinstance(shape, (list, tuple)):
        return tuple(shape)
    return shape


def check_store(layer, store, variables):
    """Raises Keras's error if a weights store holds another number of variables than
    `layer` owns."""
    count = len(store.keys())
    if count == len(variables):
        return
    if not variables and not layer.built:
        raise ValueError(
            f"Layer '{layer.name}' was never built and thus it doesn't have any variables. "
            f"However the weights file lists {count} variables for this layer.\nIn most cases, "
            "this error indicates that either:\n\n1. The layer is owned by a parent layer that "
            "implements a `build()` method, but calling the parent's `build()` method did NOT "
            f"create the state of the child layer '{layer.name}'. A `build()` method must "
            "create ALL state for the layer, including the state of any children layers.\n\n2. "
            "You need to implement the `def build_from_config(self, config)` method on layer "
            f"'{layer.name}', to specify how to rebuild it during loading. In this case, you "
            "might also want to implement the method that generates the build config at saving "
            "time, `def get_build_config(self)`. The method `build_from_config()` is meant to "
            "create the state of the layer (i.e. its variables) upon deserialization."
        )
    raise ValueError(
        f"Layer '{layer.name}' expected {len(variables)} variables, but received {count} "
        f"variables during loading. Expected: {[v.name for v in variables]}"
    )


def checked_values(layer, store, variables, assign=False):
    """The store's values for `variables` (its count checked by `check_store`), in order,
    each checked against its variable's shape; with `assign`, assigned once all are checked.

    Raises:
        ValueError: naming the layer and the variable, for a shape that differs.
    """
    values = [store[str(i)] for i in range(len(variables))]
    check = variables_module.assign_values if assign else variables_module.checked_values
    return check(
        variables,
        values,
        None,  # the count is checked by check_store, with Keras's message
        lambda v, shape: (
            f"Layer '{layer.name}' ({type(layer).__name__}): variable '{v.name}' has shape "
            f"{tuple(v.shape)}, but the saved value has shape {shape}."
        ),
    )


# Keras 3's layers, whose configs hold no input shape (an InputLayer carries it instead).
_KERAS_LAYERS = frozenset(
    ("Dense", "Activation", "Dropout", "Flatten", "Reshape", "Lambda", "BatchNormalization")
    + ("Concatenate", "Add", "InputLayer")
)


def record_constructor(obj, cls, args, kwargs):
    """Keeps what `get_config` of a subclass without one returns (Keras's auto config)."""
    if cls.get_config is LayerSaving.get_config and cls.__mro__[1] is not LayerSaving:
        obj._auto_config = auto_config(cls, args, kwargs)


class LayerSaving:
    """The config and weights-store methods of `Layer` (Keras 3's)."""

    def get_config(self):
        """The layer's config, as Keras 3's: name, trainable, the dtype policy (and the
        activity regularizer); a subclass adds its own arguments. A subclass that writes no
        `get_config` gets its constructor's arguments, when they are plain values.

        Raises:
            NotImplementedError: for such a subclass given other values (a layer, a function),
                with Keras's example of the `get_config` to write.
        """
        from ..saving import serialize_keras_object

        config = {"name": self.name}
        if hasattr(self, "_auto_config"):
            auto, reason = self._auto_config
            if auto is None:
                raise no_auto_config_error(self, reason)
            config.update(auto)
        config["trainable"] = self.trainable
        config["dtype"] = serialize_keras_object(self._dtype_policy)
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = serialize_keras_object(self.activity_regularizer)
        if self._batch_input_shape is not None and type(self).__name__ not in _KERAS_LAYERS:
            # A layer of the user's keeps the input shape it was given; Keras 3 drops it.
            config["batch_input_shape"] = self._batch_input_shape
        return config

    @classmethod
    def from_config(cls, config):
        """The layer `get_config` described (a Keras 3 config too).

        Raises:
            TypeError: naming the class and the config, if the constructor refuses it.
        """
        config = constructor_arguments(config)
        try:
            return cls(**config)
        except Exception as err:
            raise TypeError(
                f"Error when deserializing class '{cls.__name__}' using config={config}.\n\n"
                f"Exception encountered: {err}"
            ) from err

    def get_build_config(self):
        """The shapes the layer was built with (`{"input_shape": ...}`), or None."""
        return build_config(self)

    def build_from_config(self, config):
        """Builds the layer from `get_build_config()`'s output."""
        if not config:
            return
        if "input_shape" in config:
            self.build(from_build_config(config["input_shape"]))
        elif "shapes_dict" in config:
            self.build(**{k: from_build_config(v) for k, v in config["shapes_dict"].items()})

    def _own_variables(self):
        return self._trainable_weights + self._non_trainable_weights

    def save_own_variables(self, store):
        """Writes the layer's own variables (not its sublayers') into `store` as "0", "1",
        ..., as Keras 3's weights files hold them."""
        for i, v in enumerate(self._own_variables()):
            store[str(i)] = np.asarray(v)

    def load_own_variables(self, store):
        """Sets the layer's own variables from `store`, all checked before any is assigned.

        Raises:
            ValueError: naming the layer, if the store holds another number of variables or a
                shape differs.
        """
        variables = self._own_variables()
        check_store(self, store, variables)
        checked_values(self, store, variables, assign=True)
