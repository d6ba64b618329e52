"""`keras.utils.plot_model` and `model_to_dot`: a model's layer graph in Graphviz's DOT language.

The DOT file is written with no extra package; a PNG (or SVG, PDF, ...) is rendered from it by
the `graphviz` Python package and Graphviz's `dot` program (`pip install "tapegrad[plot]"`).
"""

import itertools
import os

from ..debug.dot import quote as _quote
from .layers import InputLayer, KerasTensor

__all__ = ["model_to_dot", "plot_model"]


def _shape_text(value):
    """The shapes of the Keras tensors in `value` (a tensor or a list of arguments)."""
    tensors = [
        v
        for v in (value if isinstance(value, (list, tuple)) else [value])
        if isinstance(v, KerasTensor)
    ]
    return ", ".join(str(tuple(t.shape)) for t in tensors) or "?"


def _edges_and_layers(model):
    """The model's layers in order and the (from, to) layer pairs of its graph: the nodes of
    a functional model, the chain of a Sequential one, the model alone otherwise."""
    nodes = getattr(model, "_nodes", None)
    if nodes is not None:  # functional: its layers, and the operations (keras.ops) between
        layers = list(model.layers)
        for node in nodes:
            if not any(node.layer is known for known in layers):
                layers.append(node.layer)
        edges = [(t._history[0], node.layer) for node in nodes for t in node.inbound]
        return layers, edges
    if hasattr(model, "_input_layer"):  # Sequential
        first = [model._input_layer] if model._input_layer is not None else []
        layers = first + list(model.layers)
        return layers, list(itertools.pairwise(layers))
    return [model], []


def _label(
    layer, show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable
):
    kind = type(layer).__name__
    title = f"{layer.name} ({kind})" if show_layer_names else kind
    rows = [title]
    if show_layer_activations and getattr(layer, "activation", None) is not None:
        rows.append(f"activation: {getattr(layer.activation, '__name__', layer.activation)}")
    if show_shapes:
        if layer._inbound_nodes:
            node = layer._inbound_nodes[0]
            if not isinstance(layer, InputLayer):
                rows.append(f"input: {_shape_text(node.inputs)}")
            rows.append(f"output: {_shape_text(node.outputs)}")
        else:
            rows.append("output: ?")
    if show_dtype:
        rows.append(f"dtype: {getattr(layer, 'dtype', '?')}")
    if show_trainable:
        rows.append(f"trainable: {layer.trainable}")
    return "\n".join(rows)


def model_to_dot(
    model,
    show_shapes=False,
    show_dtype=False,
    show_layer_names=True,
    rankdir="TB",
    expand_nested=False,
    dpi=200,
    subgraph=False,
    show_layer_activations=False,
    show_trainable=False,
    splines="ortho",
    **kwargs,
):
    """The DOT source of the model's layer graph (Keras returns a pydot graph; tapegrad returns
    its text, which `graphviz.Source` renders).

    Args:
        model: a built Sequential, functional or subclassed model.
        show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable: what
            each node shows besides the layer's class.
        rankdir: "TB" (top to bottom) or "LR" (left to right).
        dpi: the resolution of rendered images.
        splines: how Graphviz draws the edges ("ortho", "spline", ...).

    Raises:
        ValueError: for a model that is not built, or a bad `rankdir`.
    """
    if not model.built:
        raise ValueError(
            "This model has not yet been built. Build the model first by calling `build()` or "
            "by calling the model on a batch of data."
        )
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"plot_model: `rankdir` must be 'TB' or 'LR', got {rankdir!r}")
    layers, edges = _edges_and_layers(model)
    ids = {id(layer): f"n{i}" for i, layer in enumerate(layers)}
    lines = [
        f"digraph {_quote(model.name)} {{",
        f"  graph [rankdir={rankdir}, concentrate=true, dpi={int(dpi)}, splines={splines}];",
        "  node [shape=box];",
    ]
    for layer in layers:
        label = _label(
            layer, show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable
        )
        lines.append(f"  {ids[id(layer)]} [label={_quote(label)}];")
    for a, b in edges:
        if id(a) in ids and id(b) in ids:
            lines.append(f"  {ids[id(a)]} -> {ids[id(b)]};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def plot_model(
    model,
    to_file="model.png",
    show_shapes=False,
    show_dtype=False,
    show_layer_names=False,
    rankdir="TB",
    expand_nested=False,
    dpi=200,
    show_layer_activations=False,
    show_trainable=False,
    splines="ortho",
    **kwargs,
):
    """Draws the model's layer graph: always a DOT file (`to_file` with the extension ".dot"),
    and the image `to_file` names (PNG, SVG, PDF, ...) rendered from it by Graphviz.

    Args:
        model: a built model.
        to_file: the image to write; a ".dot" name writes the DOT file only.
        show_shapes, show_dtype, show_layer_names, rankdir, dpi, show_layer_activations,
            show_trainable: as in `model_to_dot`.

    Returns:
        An `IPython.display.Image` of a rendered PNG inside IPython, else None.

    Raises:
        ImportError: naming what to install, if an image is asked for and the `graphviz`
            package or Graphviz's `dot` program is missing (the DOT file is written first).
    """
    source = model_to_dot(
        model,
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_names=show_layer_names,
        rankdir=rankdir,
        dpi=dpi,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable,
        splines=splines,
    )
    to_file = os.fspath(to_file)
    stem, extension = os.path.splitext(to_file)
    dot_file = to_file if extension.lower() == ".dot" else stem + ".dot"
    with open(dot_file, "w", encoding="utf-8") as f:
        f.write(source)
    if extension.lower() == ".dot":
        return None
    image_format = (extension[1:] or "png").lower()
    try:
        import graphviz
    except ImportError:
        raise ImportError(
            f"plot_model: wrote the graph to {dot_file}, but drawing {to_file} needs the "
            '`graphviz` package and Graphviz\'s `dot` program: pip install "tapegrad[plot]" and '
            "install Graphviz (https://graphviz.org/download/), or render the DOT file "
            "elsewhere."
        ) from None
    try:
        data = graphviz.Source(source).pipe(format=image_format)
    except graphviz.ExecutableNotFound:
        raise ImportError(
            f"plot_model: wrote the graph to {dot_file}, but drawing {to_file} needs Graphviz's "
            "`dot` program, which is not on the PATH: install Graphviz "
            "(https://graphviz.org/download/), or render the DOT file elsewhere."
        ) from None
    with open(to_file, "wb") as f:
        f.write(data)
    if image_format == "png":
        try:
            from IPython import display, get_ipython
        except ImportError:
            return None
        if get_ipython() is not None:
            return display.Image(filename=to_file)
    return None
