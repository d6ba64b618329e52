"""A functional model's graph as Keras 3 orders, saves and rebuilds it.

`operation_order` lists the graph's layers and operations in Keras's order (by decreasing
depth from the outputs, ties in the order a depth-first walk from the outputs meets them),
which names the layers in weights files ("layers/dense_1") and in the config. `get_config`
writes Keras 3's config (each layer with its `inbound_nodes`, the nodes numbered among the
model's own, and `input_layers` / `output_layers` as [layer name, node, tensor]);
`from_config` calls each layer on the tensors its nodes name, as Keras's
`functional_from_config`, retrying a node whose inputs do not exist yet.
"""

from ..keras_tensor import KerasTensor
from ..layers.input_layer import InputLayer
from ..tree import flatten, pack_sequence_as

__all__ = ["from_config", "get_config", "operation_order", "revives_from_graph"]


def _node_of(tensor):
    layer, index, _ = tensor._history
    return layer._inbound_nodes[index]


def operation_order(flat_inputs, flat_outputs):
    """The graph's layers and operations in Keras 3's order (`map_graph`)."""
    finished, traversal, indices, first = set(), [], {}, {}

    def visit(tensor):
        node = _node_of(tensor)
        if id(node) in finished:
            return
        layer = node.layer
        if id(layer) not in indices:
            indices[id(layer)] = len(indices)
            first[id(layer)] = layer
        if not isinstance(layer, InputLayer):
            for parent in node.inbound:
                visit(parent)
        finished.add(id(node))
        traversal.append(node)

    for tensor in flat_outputs:
        visit(tensor)
    node_depth, op_depth = {}, {}
    for node in reversed(traversal):
        depth = max(node_depth.setdefault(id(node), 0), op_depth.get(id(node.layer), 0))
        op_depth[id(node.layer)] = depth
        node_depth[id(node)] = depth
        if isinstance(node.layer, InputLayer):
            continue
        for parent in node.inbound:
            key = id(_node_of(parent))
            if key in finished:
                node_depth[key] = max(depth + 1, node_depth.get(key, 0))
    own = {id(node) for node in traversal}
    for tensor in flat_inputs:  # an input the outputs do not use is still an input
        layer = tensor._history[0]
        own.add(id(_node_of(tensor)))
        if id(layer) not in op_depth:
            op_depth[id(layer)], indices[id(layer)], first[id(layer)] = 0, -1, layer
    keys = sorted(op_depth, key=lambda k: (-op_depth[k], indices[k]))
    return [first[k] for k in keys], own


def _offset(layer):
    # A Keras functional model starts with a node of its own (inputs to outputs): its calls
    # in another graph are numbered from 1.
    return 1 if getattr(layer, "_keras_first_node", False) else 0


def revives_from_graph(cls, functional):
    """Keras's test: whether `cls(inputs, outputs, ...)` rebuilds a model of class `cls` from
    its graph (`functional` is the functional model class)."""
    import inspect

    spec = inspect.getfullargspec(cls.__init__)
    if spec.args[1:] == inspect.getfullargspec(functional.__init__).args[1:]:
        return True
    return spec.varargs is not None and spec.varkw is not None


def _tensor_config(tensor, own_nodes):
    """A KerasTensor of a node's arguments as Keras writes it, its node index counted among
    the model's own nodes only."""
    layer, index, tensor_index = tensor._history
    skipped = sum(1 for node in layer._inbound_nodes[:index] if id(node) not in own_nodes)
    return {
        "class_name": "__keras_tensor__",
        "config": {
            "shape": tensor.shape,
            "dtype": tensor.dtype,
            "keras_history": [layer.name, index - skipped + _offset(layer), tensor_index],
        },
    }


def _node_config(node, own_nodes):
    from ..saving import serialize_keras_object

    def convert(structure):
        leaves = [
            _tensor_config(x, own_nodes) if isinstance(x, KerasTensor) else x
            for x in flatten(structure)
        ]
        return serialize_keras_object(pack_sequence_as(structure, leaves))

    from ..operation import Operation

    if isinstance(node.layer, Operation):  # an operation's node holds its arguments as inputs
        args = [*node.inputs, *node.args]
    else:
        args = [node.inputs, *node.args]
    return {"args": convert(args), "kwargs": convert(dict(node.kwargs))}


def get_config(model):
    """Keras 3's config of a functional model (see the module's docstring)."""
    from ..saving import serialize_keras_object

    own_nodes = model._own_nodes
    layers = []
    for op in model._operations:
        nodes = [n for n in op._inbound_nodes if id(n) in own_nodes]
        config = serialize_keras_object(op)
        config["name"] = op.name
        config["inbound_nodes"] = [
            _node_config(n, own_nodes) for n in nodes if not isinstance(op, InputLayer)
        ]
        layers.append(config)

    def history(tensor):
        layer, index, tensor_index = tensor._history
        kept = [n for n in layer._inbound_nodes if id(n) in own_nodes]
        position = next(i for i, n in enumerate(kept) if n is layer._inbound_nodes[index])
        return [layer.name, position + _offset(layer), tensor_index]

    def structure(struct):
        return pack_sequence_as(struct, [history(t) for t in flatten(struct)])

    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layers,
        "input_layers": structure(model._inputs_struct),
        "output_layers": structure(model._outputs_struct),
    }


def from_config(cls, config, custom_objects=None):
    """The functional model (of class `cls`) that `get_config` described.

    Raises:
        ValueError: if the graph has a loop or refers to a layer the config lacks.
    """
    from ..saving import deserialize_keras_object

    config = dict(config)
    layer_configs = config.pop("layers")
    inputs_config, outputs_config = config.pop("input_layers"), config.pop("output_layers")
    created, pending = {}, {}
    for layer_data in layer_configs:
        layer = deserialize_keras_object(layer_data, custom_objects)
        name = layer_data["name"]
        created[name] = layer
        pending[name] = list(layer_data.get("inbound_nodes") or [])
    while any(pending.values()):
        progressed = False
        for layer_data in layer_configs:
            name = layer_data["name"]
            queue = pending[name]
            while queue:
                call = _node_call(queue[0], created)
                if call is None:
                    break
                args, kwargs = call
                layer = created[name]
                if "mask" in kwargs and kwargs["mask"] is None and not _takes(layer, "mask"):
                    del kwargs["mask"]  # Keras passes mask=None to layers that support masks
                layer(*args, **kwargs)
                queue.pop(0)
                progressed = True
        if not progressed:
            raise ValueError(
                "Invalid Functional model configuration. The graph of the Functional model "
                "either has loops or disconnected nodes. The following nodes failed to be "
                f"resolved: {[n for n, q in pending.items() if q]}"
            )

    def tensor(name, node_index, tensor_index):
        if name not in created:
            raise ValueError(f"Invalid Functional model configuration: no layer '{name}'.")
        layer = created[name]
        node = layer._inbound_nodes[node_index - _offset(layer)]
        return flatten(node.outputs)[tensor_index]

    def tensors(struct):
        if isinstance(struct, list) and len(struct) == 3 and isinstance(struct[0], str):
            return tensor(*struct)
        if isinstance(struct, dict):
            return {k: tensors(v) for k, v in struct.items()}
        return [tensors(v) for v in struct]

    return cls(inputs=tensors(inputs_config), outputs=tensors(outputs_config), **config)


def _takes(layer, argument):
    import inspect

    try:
        return argument in inspect.signature(layer.call).parameters
    except (TypeError, ValueError, AttributeError):
        return False


def _node_call(node_data, created):
    """(args, kwargs) of a saved node with its KerasTensors found among the created layers'
    outputs, or None while one of them does not exist yet."""
    from ..saving import deserialize_keras_object

    args = deserialize_keras_object(node_data.get("args", []))
    kwargs = deserialize_keras_object(node_data.get("kwargs", {}))
    missing = []

    def revive(x):
        history = getattr(x, "_pre_serialization_keras_history", None)
        if not isinstance(x, KerasTensor) or history is None:
            return x
        name, node_index, tensor_index = history
        layer = created.get(name)
        if layer is None:
            raise ValueError(f"Invalid Functional model configuration: unknown layer '{name}'.")
        index = node_index - _offset(layer)
        if index >= len(layer._inbound_nodes):
            missing.append(name)
            return x
        return flatten(layer._inbound_nodes[index].outputs)[tensor_index]

    args = pack_sequence_as(args, [revive(x) for x in flatten(args)])
    kwargs = pack_sequence_as(kwargs, [revive(x) for x in flatten(kwargs)])
    if missing:
        return None
    return args, kwargs
