"""Keras 3's object serialization: `serialize_keras_object` turns a layer, model, optimizer,
loss, metric, initializer, regularizer, constraint, schedule or function into a JSON-ready dict
and `deserialize_keras_object` rebuilds it, in the format Keras 3 writes:

    {"module": "keras.layers", "class_name": "Dense", "config": {...},
     "registered_name": None, "build_config": {...}, "compile_config": {...}}

Built-in classes are named by their public Keras module (see `public_names`), so the configs
are interchangeable with Keras 3's; other classes by their Python module and their registered
name ("package>Name"). A class is found again from, in order: the active custom object scope
and the global registry, `custom_objects`, then the public Keras names. A Python lambda is
saved as its bytecode, which only `safe_mode=False` loads, as in Keras.
"""

import codecs
import inspect
import marshal
import threading
import types
import warnings

import numpy as np

import tapegrad as tf

from . import object_registration, public_names

__all__ = [
    "ObjectSharingScope",
    "SafeModeScope",
    "check_lambda_allowed",
    "deserialize_keras_object",
    "enable_unsafe_deserialization",
    "func_dump",
    "func_load",
    "in_safe_mode",
    "revive_function",
    "serialize_keras_object",
    "with_function",
]

PLAIN_TYPES = (str, int, float, bool)
_STATE = threading.local()
_UNSAFE_GLOBALLY = [False]


# -- scopes ----------------------------------------------------------------------------------
class SafeModeScope:
    """Sets whether Python lambdas may be loaded, for the deserializations inside it."""

    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode

    def __enter__(self):
        self.outer = getattr(_STATE, "safe_mode", None)
        _STATE.safe_mode = self.safe_mode

    def __exit__(self, *exc):
        _STATE.safe_mode = self.outer


def in_safe_mode():
    """The safe mode of the enclosing `SafeModeScope` (None outside any), False after
    `keras.config.enable_unsafe_deserialization()`."""
    if _UNSAFE_GLOBALLY[0]:
        return False
    return getattr(_STATE, "safe_mode", None)


def enable_unsafe_deserialization():
    """Lets every later deserialization load Python lambdas (arbitrary code: only for files
    you trust)."""
    _UNSAFE_GLOBALLY[0] = True


class ObjectSharingScope:
    """Inside it, an object met twice while serializing is saved once more with a
    `shared_object_id`, and deserialized as one object again."""

    def __enter__(self):
        self.outer = getattr(_STATE, "sharing", None)
        _STATE.sharing = ({}, {})  # id -> object (loading), id -> config (saving)
        return self

    def __exit__(self, *exc):
        _STATE.sharing = self.outer


def _sharing():
    return getattr(_STATE, "sharing", None)


def _record_serialized(obj, config):
    if config.get("module") == "__main__":
        config["module"] = None
    sharing = _sharing()
    if sharing is None:
        return
    seen = sharing[1]
    key = id(obj)
    if key not in seen:
        seen[key] = (obj, config)  # the object too, so that its id is not reused meanwhile
    else:
        config["shared_object_id"] = key
        seen[key][1]["shared_object_id"] = key


# -- functions as bytecode -------------------------------------------------------------------
def func_dump(func):
    """A function's (base64 bytecode, defaults, closure values), as Keras saves a lambda."""
    code = codecs.encode(marshal.dumps(func.__code__), "base64").decode("ascii")
    closure = tuple(c.cell_contents for c in func.__closure__) if func.__closure__ else None
    return code, func.__defaults__, closure


def func_load(code, defaults=None, closure=None, globs=None):
    """The function that `func_dump` saved. Runs code from the file: never call it on data you
    do not trust."""
    if isinstance(code, (tuple, list)):
        code, defaults, closure = code
    if isinstance(defaults, list):
        defaults = tuple(defaults)
    if closure is not None:
        closure = tuple(types.CellType(value) for value in closure)
    raw = codecs.decode(code.encode("ascii"), "base64")
    code = marshal.loads(raw)  # only under safe_mode=False, as Keras
    if globs is None:
        # What a lambda of a TensorFlow program names: tapegrad as `tf`, its Keras, NumPy.
        globs = {"tf": tf, "keras": tf.keras, "np": np}
    return types.FunctionType(code, globs, name=code.co_name, argdefs=defaults, closure=closure)


def check_lambda_allowed(safe_mode, what="a Python lambda"):
    if safe_mode:
        raise ValueError(
            f"Requested the deserialization of {what}. This carries a potential risk of "
            "arbitrary code execution and thus it is disallowed by default. If you trust the "
            "source of the artifact, you can override this error by passing `safe_mode=False` "
            "to the loading function, or calling "
            "`keras.config.enable_unsafe_deserialization()`."
        )


# -- serializing -----------------------------------------------------------------------------
def serialize_keras_object(obj):
    """The JSON-ready config of a Keras object (see the module's docstring); plain values,
    lists, tuples and dicts are serialized item by item.

    Raises:
        TypeError: for an object that has no `get_config` and is not a function.
    """
    if obj is None or isinstance(obj, PLAIN_TYPES):
        return obj
    if isinstance(obj, (list, tuple)):
        items = [serialize_keras_object(x) for x in obj]
        return tuple(items) if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        return serialize_dict(obj)
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {
            "class_name": "__slice__",
            "config": {
                "start": serialize_keras_object(obj.start),
                "stop": serialize_keras_object(obj.stop),
                "step": serialize_keras_object(obj.step),
            },
        }
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    special = _serialize_value(obj)
    if special is not None:
        return special
    if isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>":
        warnings.warn(
            "The object being serialized includes a `lambda`. This is unsafe. In order to "
            "reload the object, you will have to pass `safe_mode=False` to the loading "
            "function. Please avoid using `lambda` in the future, and use named Python "
            "functions instead.",
            stacklevel=2,
        )
        return {"class_name": "__lambda__", "config": {"value": func_dump(obj)}}
    return _serialize_class_or_function(obj)


def _serialize_value(obj):
    """The config of a tensor, array, NumPy scalar, dtype or KerasTensor; None otherwise."""
    from ..keras_tensor import KerasTensor

    if isinstance(obj, KerasTensor):
        history = list(obj._history) if obj._history else None
        if history:
            history[0] = history[0].name
        return {
            "class_name": "__keras_tensor__",
            "config": {"shape": obj.shape, "dtype": obj.dtype, "keras_history": history},
        }
    if isinstance(obj, (tf.Tensor, tf.Variable)):
        value = np.asarray(obj)
        return {
            "class_name": "__tensor__",
            "config": {"value": value.tolist(), "dtype": value.dtype.name},
        }
    if isinstance(obj, np.ndarray) and obj.ndim > 0:
        return {
            "class_name": "__numpy__",
            "config": {"value": obj.tolist(), "dtype": obj.dtype.name},
        }
    if isinstance(obj, (np.generic, np.ndarray)):
        return obj.item()
    if isinstance(obj, tf.DType):
        return obj.name
    if isinstance(obj, tf.TensorShape):
        return obj.as_list() if obj.rank is not None else None
    return None


def _serialize_class_or_function(obj):
    if isinstance(obj, types.FunctionType):
        # Keras names every function by its (registered) name only.
        return {
            "module": "builtins",
            "class_name": "function",
            "config": object_registration.get_registered_name(obj),
            "registered_name": "function",
        }
    cls = type(obj)
    operation_module = getattr(cls, "keras_operation_module", None)
    if operation_module is not None:
        # A graph operation (`2 * x`, keras.ops): Keras's classes of keras.src.ops.
        config = {
            "module": operation_module,
            "class_name": cls.__name__,
            "config": {"name": obj.name},
            "registered_name": cls.__name__,
        }
        _record_serialized(obj, config)
        return config
    if not hasattr(obj, "get_config"):
        raise TypeError(
            f"Cannot serialize object {obj!r} of type {cls.__name__}. To be serializable, a "
            "class must implement the `get_config()` method."
        )
    inner = obj.get_config()
    if not isinstance(inner, dict):
        raise TypeError(
            f"The `get_config()` method of {obj!r} should return a dict. It returned: {inner!r}"
        )
    inner = serialize_dict(inner)
    api_name = public_name_of(cls)
    if api_name is not None:
        module, class_name = api_name.rsplit(".", 1)
        config = {
            "module": module,
            "class_name": class_name,
            "config": inner,
            "registered_name": None,
        }
    else:
        config = {
            "module": cls.__module__,
            "class_name": cls.__name__,
            "config": inner,
            "registered_name": object_registration.get_registered_name(cls),
        }
    _add_build_and_compile_config(obj, config)
    _record_serialized(obj, config)
    return config


def public_name_of(cls):
    """The Keras API name under which `cls` is saved: its own, or (for a class made at run
    time around a user's class, such as a functional model of a subclass) None."""
    if cls in object_registration._GLOBAL_CUSTOM_NAMES:
        return None
    return public_names.public_name(cls)


def _add_build_and_compile_config(obj, config):
    get_build = getattr(obj, "get_build_config", None)
    if get_build is not None:
        build_config = get_build()
        if build_config is not None:
            config["build_config"] = serialize_dict(build_config)
    get_compile = getattr(obj, "get_compile_config", None)
    if get_compile is not None:
        compile_config = get_compile()
        if compile_config:
            config["compile_config"] = serialize_dict(compile_config)


def with_function(config, cls, fn):
    """`config` of a wrapper of a function (LossFunctionWrapper, MeanMetricWrapper) with its
    function saved as "fn", when the class's constructor takes it (a built-in subclass names
    its own function and does not)."""
    if "fn" in inspect.signature(cls.__init__).parameters:
        config["fn"] = serialize_keras_object(fn)
    return config


def revive_function(config):
    """`config` with its saved "fn" turned back into the function (see `with_function`)."""
    if "fn" not in config:
        return config
    return {**config, "fn": deserialize_keras_object(config["fn"])}


def serialize_dict(obj):
    return {key: serialize_keras_object(value) for key, value in obj.items()}


# -- deserializing ---------------------------------------------------------------------------
def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """The object a config describes (the inverse of `serialize_keras_object`).

    Args:
        config: a dict from `serialize_keras_object` (or a plain value, list or name).
        custom_objects: a dict `{name: class or function}` for the user's objects.
        safe_mode: refuse to load Python lambdas (their bytecode); Keras's default.
        module_objects: (keyword) a dict of the names a module's `deserialize` accepts, such
            as "relu" or "GlorotUniform".

    Raises:
        TypeError: if a class or function cannot be found (not registered, not in
            `custom_objects`, not a Keras built-in).
        ValueError: for a lambda in safe mode.
    """
    scope_mode = in_safe_mode()
    safe_mode = scope_mode if scope_mode is not None else safe_mode
    module_objects = kwargs.pop("module_objects", None)
    custom_objects = object_registration.all_custom_objects(custom_objects)
    if config is None:
        return None
    if isinstance(config, str) and custom_objects.get(config) is not None:
        return custom_objects[config]
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(x, custom_objects, safe_mode) for x in config]
    if module_objects is not None:
        found, config = _from_module_objects(config, module_objects, custom_objects)
        if found:
            return config
    if isinstance(config, PLAIN_TYPES):
        return config
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config!r}")
    if "class_name" not in config or "config" not in config:
        return {
            k: deserialize_keras_object(v, custom_objects, safe_mode) for k, v in config.items()
        }
    class_name = config["class_name"]
    inner = config["config"] if config["config"] is not None else {}
    special = _deserialize_special(class_name, inner, custom_objects, safe_mode)
    if special is not _NOT_SPECIAL:
        return special
    module = config.get("module")
    registered_name = config.get("registered_name", class_name)
    if class_name == "function":
        if not isinstance(inner, str):
            raise TypeError(
                f"Expected 'config' to be a non-null str for a function classname, instead got "
                f"{type(inner).__name__}. Full config: {config}"
            )
        return retrieve_class_or_fn(
            inner, registered_name, module, "function", config, custom_objects
        )
    if not isinstance(inner, dict):
        raise TypeError(
            f"Expected 'config' to be a dict for {class_name}, instead got "
            f"{type(inner).__name__}. Full config: {config}"
        )
    sharing = _sharing()
    if "shared_object_id" in config and sharing is not None:
        obj = sharing[0].get(config["shared_object_id"])
        if obj is not None:
            return obj
    cls = retrieve_class_or_fn(class_name, registered_name, module, "class", config, custom_objects)
    if isinstance(cls, types.FunctionType):
        return cls
    instance = _instantiate(cls, class_name, inner, config, custom_objects, safe_mode)
    if "shared_object_id" in config and sharing is not None:
        sharing[0][config["shared_object_id"]] = instance
    return instance


def _instantiate(cls, class_name, inner, config, custom_objects, safe_mode):
    if getattr(cls, "keras_operation_module", None) is not None:  # a graph operation
        return cls.from_config(inner)
    if not hasattr(cls, "from_config"):
        raise TypeError(
            f"Unable to reconstruct an instance of '{class_name}' because the class is missing "
            f"a `from_config()` method. Full object config: {config}"
        )
    with object_registration.CustomObjectScope(custom_objects), SafeModeScope(safe_mode):
        try:
            instance = cls.from_config(dict(inner))
        except TypeError as err:
            raise TypeError(
                f"{cls} could not be deserialized properly. Please ensure that components that "
                "are Python object instances (layers, models, etc.) returned by `get_config()` "
                "are explicitly deserialized in the model's `from_config()` method.\n\n"
                f"config={config}.\n\nException encountered: {err}"
            ) from err
        build_config = config.get("build_config")
        if build_config and not getattr(instance, "built", True):
            instance.build_from_config(build_config)
        compile_config = config.get("compile_config")
        if compile_config:
            instance.compile_from_config(compile_config)
    return instance


_NOT_SPECIAL = object()


def _deserialize_special(class_name, inner, custom_objects, safe_mode):
    if class_name == "__keras_tensor__":
        from ..keras_tensor import KerasTensor

        tensor = KerasTensor(inner["shape"], dtype=inner["dtype"])
        tensor._pre_serialization_keras_history = inner["keras_history"]
        return tensor
    if class_name == "__tensor__":
        return tf.constant(np.array(inner["value"], dtype=inner["dtype"]))
    if class_name == "__numpy__":
        return np.array(inner["value"], dtype=inner["dtype"])
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__slice__":
        return slice(
            *(
                deserialize_keras_object(inner[k], custom_objects, safe_mode)
                for k in ("start", "stop", "step")
            )
        )
    if class_name == "__lambda__":
        check_lambda_allowed(safe_mode)
        return func_load(inner["value"])
    return _NOT_SPECIAL


def _from_module_objects(config, module_objects, custom_objects):
    """Keras's `module_objects` path of a module's `deserialize`: a name ("relu") or a config
    whose class the module has. Returns (found, object or the config to go on with)."""
    inner = None
    if isinstance(config, dict):
        inner = config.get("config")
        if "class_name" not in config:
            raise ValueError(f"Unknown `config` as a `dict`, config={config}")
        class_name = config["class_name"]
        if (
            class_name in custom_objects
            or config.get("registered_name") in custom_objects
            or (isinstance(inner, str) and inner in custom_objects)
        ):
            return False, config
        if class_name == "function":
            name = (
                config["config"]
                if config.get("module") == "builtins"
                else config.get("registered_name")
            )
        else:
            if config.get("module", "_") is None:
                raise TypeError(
                    f"Cannot deserialize object of type `{class_name}`. If `{class_name}` is a "
                    "custom class, please register it using the "
                    "`@keras.saving.register_keras_serializable()` decorator."
                )
            name = class_name
    else:
        name = config
    if not isinstance(name, str) or name not in module_objects:
        return True, config
    obj = module_objects[name]
    if isinstance(obj, types.FunctionType) or not isinstance(obj, type):
        return True, obj
    return True, obj.from_config(dict(inner or {})) if hasattr(obj, "from_config") else obj()


def retrieve_class_or_fn(name, registered_name, module, obj_type, full_config, custom_objects):
    """The class or function a config names (see `deserialize_keras_object`).

    Raises:
        TypeError: if it is found nowhere.
    """
    key = name if obj_type == "function" else registered_name
    custom = object_registration.get_registered_object(key, custom_objects=custom_objects)
    if custom is not None:
        return custom
    if module:
        if module == "keras" or module.startswith("keras."):
            obj = public_names.lookup(f"{module}.{name}")
            if obj is not None:
                return obj
        if obj_type == "function" and module == "builtins":
            obj = public_names.builtin_function(name)
            if obj is not None:
                return obj
            if ">" not in name:  # Keras <= 3.6 saved registered functions by name alone
                for custom_name, custom_object in custom_objects.items():
                    if custom_name.endswith(f">{name}"):
                        return custom_object
    raise TypeError(
        f"Could not locate {obj_type} '{name}'. Make sure custom classes and functions are "
        "decorated with `@keras.saving.register_keras_serializable()`. If they are already "
        "decorated, make sure they are all imported so that the decorator is run before "
        f"trying to load them. Full object config: {full_config}"
    )
