"""Keras's registry of custom objects: `register_keras_serializable`, `custom_object_scope`,
`get_registered_object` and `get_registered_name`, with Keras 3's lookup order."""

import inspect
import threading

__all__ = [
    "CustomObjectScope",
    "custom_object_scope",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "register_keras_serializable",
]

# "package>name" -> object, and object -> "package>name", as Keras's GLOBAL_CUSTOM_* dicts.
_GLOBAL_CUSTOM_OBJECTS = {}
_GLOBAL_CUSTOM_NAMES = {}
_SCOPE = threading.local()


def _scope_dict():
    return getattr(_SCOPE, "objects", {})


class CustomObjectScope:
    """Makes custom classes and functions known to deserialization inside a `with` block.

    Args:
        custom_objects: a dict `{name: class or function}` (several dicts may be given).

    Example:
        >>> with keras.utils.custom_object_scope({"MyLayer": MyLayer}):
        ...     model = keras.models.load_model("model.keras")
    """

    def __init__(self, *custom_objects):
        self.custom_objects = {}
        for objects in custom_objects:
            self.custom_objects.update(objects or {})
        self.backup = None

    def __enter__(self):
        self.backup = dict(_scope_dict())
        _SCOPE.objects = {**self.backup, **self.custom_objects}
        return self

    def __exit__(self, *exc):
        _SCOPE.objects = self.backup


custom_object_scope = CustomObjectScope


def get_custom_objects():
    """The live global dict of registered objects ("package>name" -> object); adding to it
    registers an object under that key."""
    return _GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package="Custom", name=None):
    """A decorator registering a class or function for saving and loading under
    "package>name" (name defaults to the object's own name).

    Raises:
        ValueError: if a class without `get_config` is registered.

    Example:
        >>> @keras.saving.register_keras_serializable(package="my_package")
        ... class MyDense(keras.layers.Dense):
        ...     pass
        >>> keras.saving.get_registered_name(MyDense)
        'my_package>MyDense'
    """

    def decorator(arg):
        class_name = name if name is not None else arg.__name__
        registered_name = f"{package}>{class_name}"
        if inspect.isclass(arg) and not hasattr(arg, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() method.")
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        _GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg

    return decorator


def get_registered_name(obj):
    """The name `obj` is registered under, or its own `__name__` if it is not registered."""
    try:
        return _GLOBAL_CUSTOM_NAMES[obj]
    except (KeyError, TypeError):
        return obj.__name__


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The class or function registered as `name`: looked up in the active
    `custom_object_scope`, then the global registry, then `custom_objects`, then
    `module_objects`; None if none has it."""
    scope = _scope_dict()
    if name in scope:
        return scope[name]
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def registered_class(config, custom_objects=None):
    """The user's class a serialized config (`{"class_name": ..., "registered_name": ...}`)
    names: by its registered name, else by its class name, in the active
    `custom_object_scope`, the registry or `custom_objects`; None if it is not the user's."""
    name = config["class_name"]
    return get_registered_object(
        config.get("registered_name") or name, custom_objects
    ) or get_registered_object(name, custom_objects)


def all_custom_objects(custom_objects=None):
    """`custom_objects`, the scope's and the global registry's objects in one dict (later ones
    win, as Keras merges them)."""
    return {**(custom_objects or {}), **_scope_dict(), **_GLOBAL_CUSTOM_OBJECTS}
