"""Keras 3's `.keras` format: a zip of `metadata.json`, `config.json` (the model's
serialized config, see `serialization_lib`) and `model.weights.h5`, and the walk that names
each layer's and optimizer's variables in the weights file.

The walk is Keras's `_save_state`: an object (layer, model, optimizer) writes its own
variables at its path, then its children follow under the attribute names that hold them, in
sorted order with private names last ("d1", "optimizer", "_hidden"); a Sequential or
functional model's `layers` come first, a list's items are named by their class
("layers/dense", "layers/dense_1"), and an object met twice is written once. Loading walks the
same way, checks every value against its variable, and only then assigns them all.
"""

import datetime
import io
import json
import os
import warnings
import zipfile

from . import serialization_lib, stores

__all__ = ["load_model", "load_weights", "save_model", "save_weights", "state_entries"]

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_FILENAME = "model.weights.h5"
KERAS_VERSION = "3.15.1"  # the Keras 3 release whose format these files follow


# -- the walk ------------------------------------------------------------------------------------
def _saveable_types():
    from ..layers.layer import Layer
    from ..optimizers.base import Optimizer

    return Layer, Optimizer


_SKIPSETS = {}


def _skipset(obj):
    """Keras's attributes not to walk: those of a bare Layer (or Optimizer), and tapegrad's own
    bookkeeping that Keras keeps elsewhere (a Sequential's input layer, a graph's operations)."""
    from ..layers.layer import Layer

    kind = "Layer" if isinstance(obj, Layer) else "Optimizer"
    skip = _SKIPSETS.get(kind)
    if skip is None:
        if kind == "Optimizer":
            from ..optimizers.base import Optimizer

            skip = set(dir(Optimizer(1.0, name="_reference"))) - {"variables"}
        else:
            skip = set(dir(Layer(name="_reference")))
            skip |= {"_input_layer", "_operations", "operations", "_own_nodes", "_nodes"}
        _SKIPSETS[kind] = skip
    return skip


def _children(obj):
    # A Sequential or functional model (`saves_layers_first`) writes its layers first (Keras).
    if getattr(obj, "saves_layers_first", False):
        yield "layers", obj.layers
    skip = _skipset(obj)
    for name in sorted(dir(obj), key=lambda n: f"~{n}" if n.startswith("_") else n):
        if name.startswith("__") or name in skip:
            continue
        try:
            child = getattr(obj, name)
        except Exception:  # noqa: BLE001, S112 - a property that cannot be read holds no state
            continue
        yield name, child


def _unique(name, used):
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def state_entries(root):
    """(path, object) for every layer and optimizer under `root` whose variables a weights file
    holds, in Keras 3's walk order; each object once."""
    from .. import backend

    saveable = _saveable_types()
    seen, out = set(), []

    def visit(obj, path):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        out.append((path, obj))
        for name, child in _children(obj):
            child_path = f"{path}/{name}" if path else name
            if isinstance(child, saveable):
                visit(child, child_path)
            elif isinstance(child, (list, tuple, dict)):
                container(child, child_path, set())

    def container(items, path, containers):
        if id(items) in containers:
            return
        containers.add(id(items))
        used = {}
        for item in items.values() if isinstance(items, dict) else items:
            if isinstance(item, saveable):
                visit(item, f"{path}/{_unique(backend.to_snake_case(type(item).__name__), used)}")
            elif isinstance(item, (list, tuple, dict)):
                container(item, f"{path}/{_unique('container', used)}", containers)

    visit(root, "")
    return out


def save_state(root, store):
    """Writes every saveable's variables into `store` at its path."""
    for path, obj in state_entries(root):
        name = getattr(obj, "name", None)
        metadata = {"name": name} if isinstance(name, str) else None
        obj.save_own_variables(store.make(path, metadata))


def load_state(root, store, skip_mismatch=False, what="load_weights"):
    """Sets every saveable's variables from `store`, each object's checked by a dry run on
    copies before any variable of the model is assigned.

    Raises:
        ValueError: naming the objects that could not be loaded and the first error (unless
            `skip_mismatch`, which warns and leaves those objects as they are).
    """
    plans, failures = [], []
    for path, obj in state_entries(root):
        values = store.get(path)
        try:
            _dry_run(obj, values)
        except ValueError as err:
            failures.append((path or "(model)", obj, err))
            continue
        plans.append((obj, values))
    if failures:
        _, first_obj, first_err = failures[0]
        message = (
            f"{what}: a total of {len(failures)} objects could not be loaded. Example error "
            f"message for object {_describe(first_obj)}:\n\n{first_err}\n\nList of objects that "
            f"could not be loaded:\n{[_describe(obj) for _, obj, _ in failures]}"
        )
        if not skip_mismatch:
            raise ValueError(message)
        warnings.warn(message, stacklevel=3)
    for obj, values in plans:
        obj.load_own_variables(values)


def _describe(obj):
    from ..optimizers.base import Optimizer

    kind = "optimizer" if isinstance(obj, Optimizer) else "layer"
    return f"{kind} '{getattr(obj, 'name', '?')}' ({type(obj).__name__})"


def _dry_run(obj, values):
    """Raises what `obj.load_own_variables(values)` would raise, changing nothing."""
    from ..optimizers import variables as optimizer_variables
    from ..optimizers.base import Optimizer

    if isinstance(obj, Optimizer):
        variables = obj.variables
        if len(values) != len(variables):
            return  # Keras skips the optimizer with a warning when it loads
        for i, v in enumerate(variables):
            if tuple(values[str(i)].shape) != tuple(v.shape):
                raise ValueError(optimizer_variables.wrong_shape(v, values[str(i)].shape))
        return
    from ..layers import layer_config

    if type(obj).load_own_variables is not layer_config.LayerSaving.load_own_variables:
        return  # a layer's own loading: it checks what it reads itself
    variables = obj._own_variables()
    layer_config.check_store(obj, values, variables)
    layer_config.checked_values(obj, values, variables)


# -- .keras files --------------------------------------------------------------------------------
def _config_json(model):
    with serialization_lib.ObjectSharingScope():
        config = serialization_lib.serialize_keras_object(model)
    return json.dumps(config)


def _metadata_json():
    import tapegrad.keras

    version = getattr(tapegrad.keras, "__version__", KERAS_VERSION)
    saved = datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")
    return json.dumps({"keras_version": version, "date_saved": saved})


def save_model(model, filepath):
    """Writes `model` to the `.keras` file `filepath` (through a temporary file, renamed once
    complete)."""
    if not model.built:
        warnings.warn(
            "You are saving a model that has not yet been built. It might not contain any "
            "weights yet. Consider building the model first by calling it on some data.",
            stacklevel=3,
        )
    config_json, metadata_json = _config_json(model), _metadata_json()
    weights = stores.h5_bytes(lambda store: save_state(model, store))

    def write(f):
        with zipfile.ZipFile(f, "w") as zf:
            zf.writestr(METADATA_FILENAME, metadata_json)
            zf.writestr(CONFIG_FILENAME, config_json)
            zf.writestr(WEIGHTS_FILENAME, weights)

    stores.atomic_write(filepath, write, "save")


def _read_archive(filepath):
    """(config json, weights bytes or None, whether they are .npz) of a `.keras` file.

    Raises:
        OSError: if the file is not a readable Keras archive.
    """
    bad = f"load_model: {filepath} is not a .keras file (a zip archive of a Keras model)"
    try:
        with zipfile.ZipFile(filepath, "r") as zf:
            names = zf.namelist()
            if CONFIG_FILENAME not in names:
                raise OSError(f"{bad}: it has no {CONFIG_FILENAME}.")
            config_json = zf.read(CONFIG_FILENAME)
            if WEIGHTS_FILENAME in names:
                return config_json, zf.read(WEIGHTS_FILENAME)
            raise OSError(f"{bad}: it has no {WEIGHTS_FILENAME}.")
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, EOFError, KeyError, ValueError) as err:
        raise OSError(f"{bad}: it may be truncated or corrupt ({err}).") from None


def model_from_config_json(config_json, custom_objects=None, compile=True, safe_mode=True):
    """The model a `config.json` describes (compiled as saved unless `compile=False`)."""
    try:
        config = json.loads(config_json)
    except (ValueError, UnicodeDecodeError) as err:
        raise OSError(f"load_model: config.json is not valid JSON ({err}).") from None
    if not compile:
        config["compile_config"] = None
    with serialization_lib.ObjectSharingScope():
        return serialization_lib.deserialize_keras_object(config, custom_objects, safe_mode)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model in the `.keras` file `filepath`, with its weights and optimizer state."""
    config_json, weights = _read_archive(filepath)
    stores.import_h5py()  # before building anything: say what to install
    model = model_from_config_json(config_json, custom_objects, compile, safe_mode)
    store = _h5_store(io.BytesIO(weights), filepath, "load_model")
    try:
        load_state(model, store, what="load_model")
    finally:
        store.close()
    return model


def _h5_store(source, filepath, what):
    try:
        return stores.H5Store(source, "r")
    except OSError as err:
        raise OSError(
            f"{what}: {filepath} is not a weights file (HDF5) written by save_weights or "
            f"model.save: it may be truncated or corrupt, or in another format ({err})."
        ) from None


# -- weights files -------------------------------------------------------------------------------
def save_weights(model, filepath, fmt):
    """Writes the model's (and its optimizer's) variables: Keras's HDF5 layout for "h5", the
    same paths in a NumPy archive for "npz"."""
    if fmt == "h5":
        data = stores.h5_bytes(lambda store: save_state(model, store))
        stores.atomic_write(filepath, lambda f: f.write(data), "save_weights")
    else:
        store = stores.NpzStore()
        save_state(model, store)
        stores.atomic_write(filepath, store.write, "save_weights")


def load_weights(model, filepath, fmt, skip_mismatch=False):
    """Reads what `save_weights` wrote (or Keras 3's `.weights.h5` / `.keras` files)."""
    if fmt == "npz":
        load_state(model, stores.NpzStore.read(filepath, "load_weights"), skip_mismatch)
        return
    if fmt == "keras":
        _, weights = _read_archive(filepath)
        source = io.BytesIO(weights)
    else:
        stores.import_h5py()
        if not os.path.exists(filepath):
            raise FileNotFoundError(2, "load_weights: no such file", os.fspath(filepath))
        source = filepath
    store = _h5_store(source, filepath, "load_weights")
    try:
        load_state(model, store, skip_mismatch)
    finally:
        store.close()
