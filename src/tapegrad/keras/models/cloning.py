"""`keras.models.clone_model`: the same architecture with new layers (new weights), as
Keras 3 clones Sequential, functional and subclassed models."""

from ..backend import to_snake_case
from ..keras_tensor import KerasTensor
from ..layers.input_layer import Input, InputLayer
from ..operation import Operation
from ..tree import flatten, pack_sequence_as

__all__ = ["clone_model"]


def _clone_layer(layer):
    return type(layer).from_config(layer.get_config())


def clone_model(
    model, input_tensors=None, clone_function=None, call_function=None, recursive=False, **kwargs
):
    """A new model with the architecture of `model` and newly initialized weights (copy them
    with `set_weights(model.get_weights())`); it is not compiled.

    Args:
        model: a Sequential, functional or subclassed model (a subclassed one is rebuilt from
            `get_config()`, so it needs a serializable config).
        input_tensors: `keras.Input` tensors to build the clone on (Sequential and functional).
        clone_function: `layer -> new layer` (default: `from_config(layer.get_config())`);
            return the layer itself to share it between the models.
        call_function: `(layer, *args, **kwargs) -> outputs`, how a functional clone calls each
            layer (default: `layer(*args, **kwargs)`).
        recursive: also clone the layers inside nested Sequential and functional models.

    Raises:
        ValueError: for an argument that does not fit the kind of model.
    """
    from .functional import Functional
    from .sequential import Sequential

    if kwargs:
        raise ValueError(f"Unexpected keyword argument(s): {sorted(kwargs)}")
    base = clone_function or _clone_layer
    if recursive:

        def clone(layer):
            if isinstance(layer, (Sequential, Functional)):
                return clone_model(layer, clone_function=clone_function, recursive=True)
            return base(layer)

    else:
        clone = base
    if isinstance(model, Sequential):
        return _clone_sequential(model, input_tensors, clone)
    if isinstance(model, Functional):
        return _clone_functional(model, input_tensors, clone, call_function)
    if input_tensors is not None or clone_function is not None or call_function is not None:
        raise ValueError(
            "Arguments `clone_function`, `call_function` and `input_tensors` are only "
            f"supported for Sequential and functional models; '{model.name}' is a subclassed "
            f"{type(model).__name__}."
        )
    return type(model).from_config(model.get_config())


def _clone_sequential(model, input_tensors, clone):
    from .sequential import Sequential

    layers = [clone(layer) for layer in model.layers]
    if input_tensors is not None:
        first = flatten(input_tensors)
        if len(first) != 1 or not isinstance(first[0], KerasTensor):
            raise ValueError(
                "clone_model: a Sequential model takes one input tensor (a keras.Input); got "
                f"{input_tensors!r}"
            )
        layers.insert(0, first[0])
    elif model._input_layer is not None:
        source = model._input_layer
        layers.insert(
            0, Input(batch_shape=source.batch_shape, dtype=source.dtype, name=source.name)
        )
    return Sequential(layers, name=model.name, trainable=model.trainable)


def _clone_functional(model, input_tensors, clone, call_function):
    from .functional import Functional

    old_inputs = model._flat_inputs
    if input_tensors is None:
        new_inputs = [
            Input(batch_shape=t.shape, dtype=t.dtype, name=t._history[0].name) for t in old_inputs
        ]
    else:
        new_inputs = flatten(input_tensors)
        if len(new_inputs) != len(old_inputs) or not all(
            isinstance(t, KerasTensor) for t in new_inputs
        ):
            raise ValueError(
                f"clone_model: model '{model.name}' takes {len(old_inputs)} input tensor(s) "
                f"(keras.Input); got {input_tensors!r}"
            )
    values = {id(old): new for old, new in zip(old_inputs, new_inputs)}
    clones = {}
    for node in model._nodes:
        layer = node.layer
        if id(layer) not in clones:
            if isinstance(layer, Operation):
                clones[id(layer)] = Operation(layer.fn, to_snake_case(type(layer).__name__))
            elif isinstance(layer, InputLayer):
                clones[id(layer)] = layer
            else:
                clones[id(layer)] = clone(layer)
        new = clones[id(layer)]
        inputs, args, kwargs = pack_sequence_as(
            (node.inputs, node.args, node.kwargs),
            [values.get(id(leaf), leaf) if isinstance(leaf, KerasTensor) else leaf
             for leaf in node.leaves],
        )  # fmt: skip
        if isinstance(new, Operation):
            out = new(*inputs, *args, **kwargs)
        elif call_function is not None:
            out = call_function(new, inputs, *args, **kwargs)
        else:
            out = new(inputs, *args, **kwargs)
        for old, value in zip(node.output_leaves, flatten(out)):
            values[id(old)] = value
    outputs = pack_sequence_as(model._outputs_struct, [values[id(t)] for t in model._flat_outputs])
    inputs = pack_sequence_as(model._inputs_struct, new_inputs)
    return Functional(inputs, outputs, name=model.name, trainable=model.trainable)
