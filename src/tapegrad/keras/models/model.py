"""`Model`: a Layer with training (`compile` / `fit`), `summary` and weight files.

`keras.Model(inputs, outputs)` builds a functional model; subclass `Model` and write `call`
for anything else.
"""

import numpy as np

from ..layers import symbolic
from ..layers.layer import _CTX, Layer
from ..layers.masking_utils import propagates_only
from ..metrics import Metric
from .model_saving import ModelSaving
from .summary import print_summary
from .training import Trainer

__all__ = ["Model"]


class Model(Trainer, ModelSaving, Layer):
    """A model: layers plus `compile`, `fit`, `evaluate`, `predict`, `summary`,
    `get_weights` / `set_weights`, `save` (a `.keras` file), `save_weights` / `load_weights`
    and `to_json`.

    `Model(inputs, outputs)` (the functional API) connects Keras tensors from `keras.Input`;
    a subclass defines its layers in `__init__` and its forward pass in `call`.

    Example:
        >>> inputs = keras.Input(shape=(8,))
        >>> outputs = keras.layers.Dense(1)(keras.layers.Dense(30, activation="relu")(inputs))
        >>> model = keras.Model(inputs, outputs)
    """

    # The functional model class, a subclass of Model: functional.py sets it when it defines
    # it (for from_config; Model's constructor finds it there too), so that this module
    # does not import its own subclass.
    _functional = None

    def __new__(cls, *args, **kwargs):
        # `keras.Model(inputs, outputs)` is a functional model. A subclass is decided by what
        # its constructor passes to `Model.__init__`, whatever its own arguments are.
        if cls is Model and _functional_arguments(args, kwargs):
            return Layer.__new__(Model._functional, *args, **kwargs)
        return Layer.__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if _functional_arguments(args, kwargs):
            functional = Model._functional
            if not isinstance(self, functional):
                # A subclass given (inputs, outputs) becomes a functional model that keeps the
                # subclass's methods (a custom train_step, say), as Keras's
                # `inject_functional_model_class` does.
                self.__class__ = _functional_subclass(type(self), functional)
            functional.__init__(self, *args, **kwargs)
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
            and getattr(self, "_tracked_metrics", None) is not None
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
        shape = symbolic.shape_of(inputs)
        if type(self).build is not Model.build:
            # A subclass's own build(input_shape) is called on first use, as in Keras.
            self.build(shape)
        else:
            # What a saved model is rebuilt from: the input shape, any batch size.
            self._build_shapes_dict = {"input_shape": symbolic.unknown_batch(shape)}
        self.built = True
        self._tracker.changed()

    @propagates_only
    def compute_mask(self, inputs, previous_mask):
        """A model's outputs carry the masks its layers computed; it adds none of its own."""
        return None

    def build(self, input_shape=None):
        """Builds the model's weights by running it once on zeros of `input_shape` (the batch
        dimension may be None)."""
        if input_shape is not None and not self.built:
            self.built = True
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
        self._tracker.changed()

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
        print_summary(self, line_length=line_length, print_fn=print_fn)


def _functional_arguments(args, kwargs):
    """Keras's `functional_init_arguments`: whether a Model constructor call is
    `(inputs, outputs)`, positionally or by keyword."""
    return (
        len(args) == 2
        or (len(args) == 1 and "outputs" in kwargs)
        or ("inputs" in kwargs and "outputs" in kwargs)
    )


_FUNCTIONAL_SUBCLASSES = {}


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
    return Layer.__new__(_functional_subclass(user_class, functional))
