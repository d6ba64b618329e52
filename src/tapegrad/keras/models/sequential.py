"""`Sequential`: a stack of layers, each feeding the next."""

import tapegrad as tf

from .. import backend
from ..keras_tensor import KerasTensor
from ..layers import layer_config
from ..layers.input_layer import InputLayer
from ..layers.layer import Layer
from .functional import conform_input
from .model import Model

__all__ = ["Sequential"]

_Tensor = tf.Tensor


class Sequential(Model):
    """A linear stack of layers.

    Args:
        layers: the layers, in order (an `keras.Input(...)` first fixes the input shape, as
            does `input_shape=` on the first layer).
        name: the model's name.

    Example:
        >>> model = keras.Sequential([
        ...     keras.layers.Dense(30, activation="relu", input_shape=(8,)),
        ...     keras.layers.Dense(1),
        ... ])
    """

    saves_layers_first = True  # its weights files name its layers first, as Keras's
    # The input layer feeds the model but is not one of its layers, as in Keras.
    _untracked_attributes = frozenset({"_input_layer", "_graph_output"})

    def __init__(self, layers=None, trainable=True, name=None):
        super().__init__(
            trainable=trainable, name=backend.unique_name("sequential") if name is None else name
        )
        self._input_layer = None
        self._graph_output = None  # the symbolic output, once built on an input layer
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._build_graph()

    def add(self, layer, rebuild=True):
        """Appends a layer (or sets the input with a `keras.Input`)."""
        if isinstance(layer, KerasTensor):
            layer = layer._history[0]
        if isinstance(layer, InputLayer):
            if self._layers or self._input_layer is not None:
                raise ValueError("Sequential: an Input must come first")
            self._input_layer = layer
        else:
            if not isinstance(layer, Layer):
                raise ValueError(  # noqa: TRY004 - Keras raises ValueError
                    "Only instances of `keras.Layer` can be added to a Sequential model. "
                    f"Received: {layer!r} (of type {type(layer).__name__})"
                )
            if any(lay.name == layer.name and lay is not layer for lay in self._layers):
                raise ValueError(
                    f"All layers added to a Sequential model should have unique names. Name "
                    f"'{layer.name}' is already the name of a layer in this model."
                )
            self._layers.append(layer)
            self._tracker.adopt(layer)
            if (
                len(self._layers) == 1
                and self._input_layer is None
                and layer._batch_input_shape is not None
            ):
                self._input_layer = InputLayer(batch_shape=layer._batch_input_shape)
        if rebuild:
            self._build_graph()

    def pop(self, rebuild=True):
        """Removes the last layer and returns it.

        Raises:
            IndexError: if the model has no layers.
        """
        if not self._layers:
            raise IndexError(f"Sequential.pop: model '{self.name}' has no layers to remove.")
        layer = self._layers.pop()
        self._tracker.release(layer)
        if rebuild:
            self._build_graph()
        return layer

    def _build_graph(self):
        self._graph_output = None
        if self._input_layer is None or not self._layers:
            return
        x = self._input_layer.output
        with layer_config.scope(self):  # the layers' variables are "sequential/dense/kernel"
            for layer in self._layers:
                x = layer(x)
        self._graph_output = x
        self.built = True
        self._tracker.changed()

    @property
    def inputs(self):
        """The symbolic input of a built model, in a list (Keras 3's).

        Raises:
            AttributeError: if the model has no input yet.
        """
        if self._graph_output is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined inputs yet.")
        return [self._input_layer.output]

    @property
    def outputs(self):
        """The symbolic output of a built model, in a list (Keras 3's).

        Raises:
            AttributeError: if the model has no input yet.
        """
        if self._graph_output is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined outputs yet.")
        return [self._graph_output]

    def build(self, input_shape=None):
        """Fixes the input shape (the batch dimension may be None) and creates the weights."""
        if input_shape is None:
            raise ValueError("Sequential.build needs an input_shape")
        if self._input_layer is None:  # of the first layer's dtype, as Keras 3 (strings for
            # a TextVectorization)
            dtype = self._layers[0].compute_dtype if self._layers else None
            self._input_layer = InputLayer(batch_shape=tuple(input_shape), dtype=dtype)
        self._build_graph()
        self.built = True

    def _maybe_build(self, inputs):
        shape = tuple(inputs.shape) if hasattr(inputs, "shape") else None
        if shape is not None and self._input_layer is None:
            self.build((None,) + shape[1:])
        self.built = True
        self._tracker.changed()

    def call(self, inputs, training=None, mask=None):
        x = inputs
        if self._input_layer is not None and isinstance(x, _Tensor):
            # As Keras's functional model inside: the input's dtype, and (n,) data for shape
            # (1,); the layers check the shape.
            x = conform_input(self, 0, self._input_layer.output, x, check_shape=False)
        for layer in self._layers:
            x = layer(x)
        return x

    def get_config(self):
        """Keras 3's config: the layers (the InputLayer first, if any) and the input shape."""
        from ..saving import serialize_keras_object

        config = Model.get_config(self)
        layers = ([self._input_layer] if self._input_layer is not None else []) + self._layers
        config["layers"] = [serialize_keras_object(layer) for layer in layers]
        if self._input_layer is not None:
            config["build_input_shape"] = self._input_layer.batch_shape
        return config

    def get_build_config(self):
        if self._input_layer is not None:
            return {"input_shape": self._input_layer.batch_shape}
        return super().get_build_config()

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The model `get_config` described (a Keras 3 config too).

        Raises:
            ValueError: for a config without a name and layers.
        """
        from ..saving import deserialize_keras_object

        if "name" not in config or "layers" not in config:
            raise ValueError(
                "A Sequential model configuration must be a dictionary containing the 'name' "
                f"and 'layers' keys. Received: config={config}"
            )
        model = cls(name=config["name"], trainable=config.get("trainable", True))
        for item in config["layers"]:
            model.add(deserialize_keras_object(item, custom_objects), rebuild=False)
        model._build_graph()
        shape = config.get("build_input_shape")
        if not model.built and isinstance(shape, (list, tuple)) and shape:
            model.build(tuple(shape))
        return model

    @property
    def input_shape(self):
        return None if self._input_layer is None else self._input_layer.batch_shape

    @property
    def output_shape(self):
        if not self._layers or not self._layers[-1]._inbound_nodes:
            raise AttributeError("Sequential: the model is not built yet")
        return tuple(self._layers[-1]._inbound_nodes[-1].outputs.shape)
