"""`Model`: a Layer with training (`compile` / `fit`), `summary` and weight files.

`keras.Model(inputs, outputs)` builds a functional model; subclass `Model` and write `call`
for anything else.
"""

import errno
import os

import numpy as np

from .. import backend
from ..layers.base import _CTX, Layer, _bump
from ..metrics import Metric
from .training import Trainer

__all__ = ["Model"]


class Model(Trainer, Layer):
    """A model: layers plus `compile`, `fit`, `evaluate`, `predict`, `summary`,
    `get_weights` / `set_weights` and `save_weights` / `load_weights`.

    `Model(inputs, outputs)` (the functional API) connects Keras tensors from `keras.Input`;
    a subclass defines its layers in `__init__` and its forward pass in `call`.

    Example:
        >>> inputs = keras.Input(shape=(8,))
        >>> outputs = keras.layers.Dense(1)(keras.layers.Dense(30, activation="relu")(inputs))
        >>> model = keras.Model(inputs, outputs)
    """

    def __new__(cls, *args, **kwargs):
        # `keras.Model(inputs, outputs)` is a functional model. A subclass is decided by what
        # its constructor passes to `Model.__init__`, whatever its own arguments are.
        if cls is Model and _functional_arguments(args, kwargs):
            from .functional import Functional

            return object.__new__(Functional)
        return object.__new__(cls)

    def __init__(self, *args, **kwargs):
        if _functional_arguments(args, kwargs):
            from .functional import Functional

            if not isinstance(self, Functional):
                # A subclass given (inputs, outputs) becomes a functional model that keeps the
                # subclass's methods (a custom train_step, say), as Keras's
                # `inject_functional_model_class` does.
                self.__class__ = _functional_subclass(type(self), Functional)
            Functional.__init__(self, *args, **kwargs)
            return
        if args or "inputs" in kwargs or "outputs" in kwargs:
            given = ", ".join([repr(a) for a in args] + [f"{k}=" for k in kwargs])
            raise TypeError(
                f"{type(self).__name__}: Model.__init__ takes arguments besides keywords such as "
                "`name` only for the functional API, `keras.Model(inputs, outputs)` (both "
                f"given); got ({given}). A subclass keeps its own arguments and calls "
                "`super().__init__(**kwargs)`."
            )
        Layer.__init__(self, **kwargs)  # name="" stays empty, as in Keras
        self._init_training()

    def __setattr__(self, name, value):
        if (
            isinstance(value, Metric)
            and name not in ("_loss_tracker", "_compile_metrics")
            and "_tracked_metrics" in self.__dict__
            and not any(m is value for m in self._tracked_metrics)
        ):
            self._tracked_metrics.append(value)
        super().__setattr__(name, value)

    @property
    def layers(self):
        """The model's layers (for a functional model, its InputLayers too)."""
        return list(self._layers)

    def get_layer(self, name=None, index=None):
        """A layer by name or by index in `layers`."""
        if index is not None:
            layers = self.layers
            if not -len(layers) <= index < len(layers):
                raise ValueError(
                    f"get_layer: was asked to retrieve layer at index {index} but model "
                    f"'{self.name}' only has {len(layers)} layers."
                )
            return layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"No such layer: {name}. Existing layers are: {[lay.name for lay in self.layers]}"
        )

    def _maybe_build(self, inputs):
        self.__dict__["built"] = True
        _bump()

    def build(self, input_shape=None):
        """Builds the model's weights by running it once on zeros of `input_shape` (the batch
        dimension may be None)."""
        if input_shape is not None and not self.built:
            self.__dict__["built"] = True
            shapes = input_shape
            if (
                isinstance(shapes, (list, tuple))
                and shapes
                and isinstance(shapes[0], (list, tuple))
            ):
                x = [np.zeros([1 if d is None else d for d in s], self._np_dtype) for s in shapes]
            else:
                x = np.zeros([1 if d is None else d for d in shapes], self._np_dtype)
            outer = _CTX.unknown_batch
            _CTX.unknown_batch = not isinstance(x, list) and bool(shapes) and shapes[0] is None
            try:
                self(x, training=False)
            finally:
                _CTX.unknown_batch = outer
        self.built = True
        _bump()

    # -- summary --------------------------------------------------------------------------
    def summary(
        self,
        line_length=None,
        positions=None,
        print_fn=None,
        expand_nested=False,
        show_trainable=False,
        layer_range=None,
    ):
        """Prints a table of the layers, their output shapes and parameter counts, then the
        totals, as Keras 3 does."""
        from .summary import print_summary

        print_summary(self, line_length=line_length, print_fn=print_fn)

    # -- weights files --------------------------------------------------------------------
    def _weight_entries(self):
        """(key, layer, variable) for every weight, keyed by position as Keras 3 keys its
        weight files: "layers/dense_1/vars/0" names the second Dense layer, whatever its
        name."""
        entries = [
            (f"vars/{i}", self, v)
            for i, v in enumerate(self._trainable_weights + self._non_trainable_weights)
        ]
        used = {}
        for layer in self.layers:
            base = backend.to_snake_case(type(layer).__name__)
            count = used.get(base, 0)
            used[base] = count + 1
            key = base if count == 0 else f"{base}_{count}"
            entries.extend(
                (f"layers/{key}/vars/{i}", layer, v) for i, v in enumerate(layer.weights)
            )
        return entries

    def save_weights(self, filepath, overwrite=True):
        """Writes every weight to `filepath`, a NumPy .npz archive (written under exactly the
        name given)."""
        filepath = os.fspath(filepath)
        if not overwrite and os.path.exists(filepath):
            raise FileExistsError(f"save_weights: {filepath} exists and overwrite=False")
        arrays = {key: np.asarray(v.numpy()) for key, _, v in self._weight_entries()}
        try:
            with open(filepath, "wb") as f:
                np.savez(f, **arrays)
        except FileNotFoundError:
            raise FileNotFoundError(
                errno.ENOENT, "save_weights: no such directory to write the file in", filepath
            ) from None

    def load_weights(self, filepath, skip_mismatch=False):
        """Reads weights written by `save_weights`.

        Raises:
            FileNotFoundError: if there is no such file.
            OSError: if the file is not one `save_weights` wrote (another format, truncated or
                corrupt); nothing is assigned then.
            ValueError: naming the layer, if the file lacks one of the model's weights, has
                weights the model lacks, or a shape differs; nothing is assigned then.
        """
        stored = _read_weights(os.fspath(filepath))
        entries = self._weight_entries()
        updates = []
        for key, layer, v in entries:
            if key not in stored:
                raise ValueError(
                    f"load_weights: the file {filepath} has no value for weight '{v.name}' of "
                    f"layer '{layer.name}' ({type(layer).__name__}, key {key}); it was saved "
                    "from a different model."
                )
            value = stored.pop(key)
            if tuple(value.shape) != tuple(v.shape):
                if skip_mismatch:
                    continue
                raise ValueError(
                    f"load_weights: shape mismatch in layer '{layer.name}' "
                    f"({type(layer).__name__}): weight '{v.name}' has shape {tuple(v.shape)} in "
                    f"the model but {tuple(value.shape)} in {filepath}."
                )
            updates.append((v, value))
        if stored and not skip_mismatch:
            raise ValueError(
                f"load_weights: {filepath} holds {len(stored)} weight(s) the model does not "
                f"have ({', '.join(sorted(stored)[:4])}); it was saved from a different model."
            )
        for v, value in updates:
            v.assign(value.astype(v.dtype.as_numpy_dtype))

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable}


def _functional_arguments(args, kwargs):
    """Keras's `functional_init_arguments`: whether a Model constructor call is
    `(inputs, outputs)`, positionally or by keyword."""
    return (
        len(args) == 2
        or (len(args) == 1 and "outputs" in kwargs)
        or ("inputs" in kwargs and "outputs" in kwargs)
    )


_FUNCTIONAL_SUBCLASSES = {}


def _read_weights(filepath):
    """The arrays of a file `save_weights` wrote, by key; never runs pickled code."""
    import zipfile  # here, not at import: 8 ms that only loading weights needs
    import zlib

    # What reading a damaged or foreign file raises inside NumPy and zipfile.
    read_errors = (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile, zlib.error)
    bad = (
        f"load_weights: {filepath} is not a weights file written by save_weights (a NumPy .npz "
        "archive of arrays): it may be truncated or corrupt, or in another format"
    )
    try:
        data = np.load(filepath, allow_pickle=False)
    except FileNotFoundError:
        raise FileNotFoundError(errno.ENOENT, "load_weights: no such file", filepath) from None
    except read_errors:
        raise OSError(f"{bad}.") from None
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise OSError(f"{bad}: it holds a single array of shape {np.shape(data)}.")
    with data:
        try:
            return {k: data[k] for k in data.files}
        except read_errors:
            raise OSError(f"{bad}: an entry could not be read.") from None


def _functional_subclass(cls, functional):
    sub = _FUNCTIONAL_SUBCLASSES.get(cls)
    if sub is None:
        # Made at run time, so not importable by name: pickle rebuilds it from the user's class.
        sub = _FUNCTIONAL_SUBCLASSES[cls] = type(
            cls.__name__, (cls, functional), {"__reduce_ex__": _reduce_functional_subclass}
        )
    return sub


def _reduce_functional_subclass(model, protocol):
    user_class, functional = type(model).__bases__
    return _restore_functional_subclass, (user_class, functional), dict(model.__dict__)


def _restore_functional_subclass(user_class, functional):
    return object.__new__(_functional_subclass(user_class, functional))
