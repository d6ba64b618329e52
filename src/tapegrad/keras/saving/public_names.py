"""The Keras 3 names of tapegrad's Keras objects, both ways, as a saved config writes them.

A config names a built-in class by its public Keras module and class ("keras.layers" /
"Dense"): `public_name(cls)` gives that name and `lookup(api_name)` the tapegrad object behind
it. The tables are read from the `keras.*` namespaces' exports the first time they are
needed, so a class a namespace exports (a new metric, say) saves and loads with no entry of
its own here.
"""

import importlib

__all__ = ["builtin_function", "lookup", "public_name"]

# The namespaces whose exports a config can name, in the order a class's public name is chosen
# (the first namespace exporting it under its own class name).
_NAMESPACES = (
    "layers",
    "models",
    "optimizers",
    "optimizers.schedules",
    "losses",
    "metrics",
    "initializers",
    "regularizers",
    "constraints",
    "activations",
    "mixed_precision",
)
# Keras's canonical names at the top level (`keras.Sequential`, not `keras.models.Sequential`).
_TOP_LEVEL = {
    "Sequential": "models",
    "Model": "models",
    "Layer": "layers",
    "Loss": "losses",
    "Metric": "metrics",
    "Optimizer": "optimizers",
    "Initializer": "initializers",
    "Regularizer": "regularizers",
    "DTypePolicy": "mixed_precision",
    "Operation": None,
}
# Keras's internal module paths that configs written by Keras contain.
_INTERNAL = {
    "keras.src.models.functional.Functional": ("models", "Functional"),
    "keras.src.models.sequential.Sequential": ("models", "Sequential"),
    "keras.src.models.model.Model": ("models", "Model"),
}
# Where Keras looks for a built-in function saved by name alone ("relu", "mse").
_BUILTIN_FUNCTION_MODULES = (
    "activations",
    "constraints",
    "initializers",
    "losses",
    "metrics",
    "optimizers",
    "regularizers",
)

_TABLES = {}


def _module(namespace):
    return importlib.import_module(f"tapegrad.keras.{namespace}" if namespace else "tapegrad.keras")


def _exports(module):
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    return [(n, getattr(module, n)) for n in names if hasattr(module, n)]


def _tables():
    if _TABLES:
        return _TABLES["forward"], _TABLES["canonical"]
    forward, canonical = {}, {}
    keras = _module(None)
    for name, namespace in _TOP_LEVEL.items():
        obj = getattr(keras, name, None)
        if obj is not None:
            forward[f"keras.{name}"] = obj
            canonical.setdefault(obj, f"keras.{name}")
    for namespace in _NAMESPACES:
        for name, obj in _exports(_module(namespace)):
            forward.setdefault(f"keras.{namespace}.{name}", obj)
            if isinstance(obj, type) and obj.__name__ == name:
                canonical.setdefault(obj, f"keras.{namespace}.{name}")
    for api_name, (namespace, name) in _INTERNAL.items():
        forward[api_name] = getattr(_module(namespace), name)
    # Keras does not export Functional: its configs name the internal module.
    canonical[forward["keras.src.models.functional.Functional"]] = (
        "keras.src.models.functional.Functional"
    )
    _TABLES.update(forward=forward, canonical=canonical)
    return forward, canonical


def public_name(cls):
    """The Keras API name of a built-in class ("keras.layers.Dense"), or None for a class of
    the user's (or a subclass made at run time)."""
    return _tables()[1].get(cls)


def lookup(api_name):
    """The tapegrad object that a Keras API name ("keras.layers.Dense") names, or None.

    Keras's internal module paths ("keras.src.layers.core.dense.Dense") are matched by their
    class name among the public namespaces.
    """
    forward = _tables()[0]
    obj = forward.get(api_name)
    if obj is not None or not api_name.startswith("keras.src."):
        return obj
    package, name = api_name.split(".")[2], api_name.rsplit(".", 1)[-1]
    namespaces = [package] if package in _NAMESPACES else _NAMESPACES
    if package == "ops":  # a graph operation (`2 * x`, keras.ops), not a layer
        return _module("operation").operation_class(name)
    for namespace in namespaces:
        obj = forward.get(f"keras.{namespace}.{name}")
        if isinstance(obj, type):
            return obj
    return None


def builtin_function(name):
    """The built-in Keras function saved by name alone ("relu", "mean_squared_error")."""
    forward = _tables()[0]
    for namespace in _BUILTIN_FUNCTION_MODULES:
        obj = forward.get(f"keras.{namespace}.{name}")
        if obj is not None:
            return obj
    return None
