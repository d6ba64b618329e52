"""`Node`: one call of a layer or operation on KerasTensors, a step of a functional graph.

Keras 3 keeps it in `keras/src/ops/node.py`. A layer or operation called on KerasTensors
appends a Node to its `_inbound_nodes`; each output KerasTensor names it by `(layer, node
index, output index)`, and a functional model replays its nodes in order on real data.
"""

from .keras_tensor import KerasTensor
from .tree import flatten, pack_sequence_as

__all__ = ["Node"]


class Node:
    """One call of a layer or operation on KerasTensors: its arguments and outputs.

    `run(values)` replays the call with the KerasTensors replaced by the real values of
    `values` (a dict from `id(keras_tensor)`).
    """

    def __init__(self, layer, inputs, args, kwargs, outputs):
        self.layer = layer
        self.inputs = inputs
        self.args = args
        self.kwargs = kwargs
        self.outputs = outputs
        # Flattened once here: a functional model walks these on every call.
        self.leaves = flatten((inputs, args, kwargs))
        self.output_leaves = flatten(outputs)
        self.inbound = [t for t in self.leaves if isinstance(t, KerasTensor)]

    def run(self, values):
        inputs, args, kwargs = pack_sequence_as(
            (self.inputs, self.args, self.kwargs),
            [values[id(leaf)] if isinstance(leaf, KerasTensor) else leaf for leaf in self.leaves],
        )
        return self.layer(inputs, *args, **kwargs)
