"""The functional API: a model from `keras.Input` tensors to the Keras tensors computed
from them."""

from .. import backend
from ..layers.base import KerasTensor, flatten, pack_like
from ..layers.input_layer import InputLayer
from .model import Model

__all__ = ["Functional"]


class Functional(Model):
    """A graph of layer calls, made by `keras.Model(inputs, outputs)`."""

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        super().__init__(
            name=name or backend.unique_name("functional"), trainable=trainable, **kwargs
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
        self.__dict__.update(
            _inputs_struct=inputs,
            _outputs_struct=outputs,
            _flat_inputs=flat_in,
            _flat_outputs=flat_out,
        )
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
        self.__dict__["_nodes"] = [n for n in nodes if not isinstance(n.layer, InputLayer)]
        for node in nodes:
            if not any(lay is node.layer for lay in self._layers):
                self._track_layer(node.layer)
        self.__dict__["built"] = True

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

    def call(self, inputs, training=None, mask=None):
        if isinstance(inputs, dict) and not isinstance(self._inputs_struct, dict):
            flat = [inputs[t._history[0].name] for t in self._flat_inputs]
        else:
            flat = flatten(inputs)
        if len(flat) != len(self._flat_inputs):
            raise ValueError(
                f"Model '{self.name}' expects {len(self._flat_inputs)} input(s), got {len(flat)}"
            )
        for i, (t, v) in enumerate(zip(self._flat_inputs, flat)):
            shape = getattr(v, "shape", None)
            if shape is not None and not _compatible(t.shape, shape):
                raise ValueError(
                    f"Input {i} with name '{t._history[0].name}' of layer '{self.name}' is "
                    f"incompatible with the layer: expected shape={tuple(t.shape)}, found "
                    f"shape={tuple(shape)}"
                )
        values = {id(t): v for t, v in zip(self._flat_inputs, flat)}
        for node in self._nodes:
            args = pack_like(
                (node.inputs, node.args, node.kwargs),
                [
                    values[id(leaf)] if isinstance(leaf, KerasTensor) else leaf
                    for leaf in node.leaves
                ],
            )
            out = node.layer(args[0], *args[1], **args[2])
            for t, v in zip(node.output_leaves, flatten(out)):
                values[id(t)] = v
        return pack_like(self._outputs_struct, [values[id(t)] for t in self._flat_outputs])


def _compatible(expected, shape):
    """Whether an input of `shape` fits a `keras.Input` of shape `expected` (None matches any
    size). Ranks that differ are left to the layers, which may accept them."""
    if len(expected) != len(shape):
        return True
    return all(e is None or d is None or e == d for e, d in zip(expected, shape))
