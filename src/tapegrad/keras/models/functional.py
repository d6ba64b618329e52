"""The functional API: a model from `keras.Input` tensors to the Keras tensors computed
from them."""

import tapegrad as tf

from .. import backend
from ..keras_tensor import KerasTensor
from ..layers.input_layer import InputLayer
from ..layers.layer import Layer
from ..tree import flatten, pack_sequence_as
from . import functional_config
from .model import Model

__all__ = ["Functional"]


class Functional(Model):
    """A graph of layer calls, made by `keras.Model(inputs, outputs)`."""

    saves_layers_first = True  # its weights files name its layers first, as Keras's
    _keras_first_node = True  # in Keras's configs, its own node (inputs to outputs) is node 0

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        super().__init__(
            name=backend.unique_name("functional") if name is None else name,
            trainable=trainable,
            **kwargs,
        )
        flat_in, flat_out = flatten(inputs), flatten(outputs)
        for t in flat_in + flat_out:
            if not isinstance(t, KerasTensor):
                raise ValueError(
                    f"Model(inputs, outputs): expected Keras tensors (from keras.Input and "
                    f"layer calls), got {t!r}"
                )
        for t in flat_in:
            if not isinstance(t._history[0], InputLayer):
                raise ValueError(f"Model inputs must come from keras.Input, got {t!r}")
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self._flat_inputs = flat_in
        self._flat_outputs = flat_out
        nodes, seen = [], set()

        def visit(tensor):
            layer, index, _ = tensor._history
            node = layer._inbound_nodes[index]
            if id(node) in seen:
                return
            seen.add(id(node))
            for t in node.inbound:
                visit(t)
            nodes.append(node)

        for t in flat_out:
            visit(t)
        known = {id(t) for t in flat_in}
        for node in nodes:
            if isinstance(node.layer, InputLayer) and id(node.outputs) not in known:
                raise ValueError(
                    f"Model(inputs, outputs): the outputs depend on input '{node.layer.name}', "
                    "which is not among the model's inputs."
                )
        self._nodes = [n for n in nodes if not isinstance(n.layer, InputLayer)]
        # The layers and the operations (`2 * x`, keras.ops) of the graph in Keras's order, as
        # `summary()` lists them and weights files name them; `layers` has the layers only.
        operations, own_nodes = functional_config.operation_order(flat_in, flat_out)
        for op in operations:
            if isinstance(op, Layer):
                self._tracker.add_layer(op)
        self._operations = operations
        self._own_nodes = own_nodes
        # Each input is converted to its keras.Input's dtype in `call`, not to the model's.
        self.autocast = False
        self.built = True

    def get_config(self):
        """Keras 3's config of the graph (a subclass with its own constructor arguments gives
        those instead, as Keras)."""
        if not functional_config.revives_from_graph(type(self), Functional):
            return Model.get_config(self)
        return functional_config.get_config(self)

    @property
    def inputs(self):
        return list(self._flat_inputs)

    @property
    def outputs(self):
        return list(self._flat_outputs)

    @property
    def input_shape(self):
        shapes = [tuple(t.shape) for t in self._flat_inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = [tuple(t.shape) for t in self._flat_outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def _convert(self, x):
        return x  # `call` converts each input to its keras.Input's dtype

    def call(self, inputs, training=None, mask=None):
        flat = [
            conform_input(self, i, t, v)
            for i, (t, v) in enumerate(zip(self._flat_inputs, self._flat_values(inputs)))
        ]
        values = {id(t): v for t, v in zip(self._flat_inputs, flat)}
        for node in self._nodes:
            out = node.run(values)
            for t, v in zip(node.output_leaves, flatten(out)):
                values[id(t)] = v
        return pack_sequence_as(self._outputs_struct, [values[id(t)] for t in self._flat_outputs])

    def _flat_values(self, inputs):
        """The inputs in the order of `self.inputs`: a dict is matched by the inputs' names."""
        if isinstance(inputs, dict):
            names = (
                sorted(self._inputs_struct)
                if isinstance(self._inputs_struct, dict)
                else [t.name for t in self._flat_inputs]
            )
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(
                    f"Model '{self.name}' expects inputs named {names}, but the dict given has "
                    f"keys {sorted(inputs)} (missing {missing})."
                )
            flat = [inputs[n] for n in names]
        else:
            flat = flatten(inputs)
        if len(flat) != len(self._flat_inputs):
            if isinstance(self._inputs_struct, dict):
                keys = sorted(self._inputs_struct)
                raise ValueError(
                    f'Layer "{self.name}" expects {len(keys)} named input(s) with keys {keys}, '
                    f"but it received {len(flat)} input tensors. Pass inputs as a dict, e.g. "
                    f"`layer({{{', '.join(repr(k) + ': ...' for k in keys)}}})`."
                )
            raise ValueError(
                f"Model '{self.name}' expects {len(self._flat_inputs)} input(s), got {len(flat)}"
            )
        return flat


def conform_input(model, i, keras_input, value, check_shape=True):
    """`value` as the model's input `i` (`keras_input`): a tensor of the keras.Input's dtype,
    and of its rank where Keras adjusts it (a trailing axis of size 1 added or dropped: data of
    shape (n,) feeds `keras.Input(shape=(1,))`, as Keras 3's functional models do).

    Raises:
        ValueError: if the data is not numeric, or (with `check_shape`, as a functional model
            checks its input spec) its shape does not fit the input's.
    """
    if value is None:
        return value
    dtype = keras_input.dtype
    if not isinstance(value, tf.Tensor):
        try:
            value = tf.convert_to_tensor(value)
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"Model '{model.name}': input {i} ('{keras_input.name}') is not numeric data "
                f"of dtype {dtype}: {err}"
            ) from None
    if value.dtype.name != dtype:
        value = tf.cast(value, dtype)
    expected = keras_input.shape
    rank, want = value.ndim, len(expected)
    if rank == want + 1 and value.shape[-1] == 1:
        value = tf.squeeze(value, axis=-1)
    elif rank == want - 1 and expected[-1] == 1:
        value = tf.expand_dims(value, axis=-1)
    if check_shape:
        shape = tuple(value.shape)
        if not _compatible(expected, shape):
            raise ValueError(
                f"Input {i} with name '{keras_input.name}' of layer '{model.name}' is "
                f"incompatible with the layer: expected shape={tuple(expected)}, found "
                f"shape={shape}"
            )
    return value



def _compatible(expected, shape):
    """Whether an input of `shape` fits a `keras.Input` of shape `expected` (None matches any
    size)."""
    if len(expected) != len(shape):
        return False
    return all(e is None or d is None or e == d for e, d in zip(expected, shape))


Model._functional = Functional  # Model(inputs, outputs) and Model.from_config make one
