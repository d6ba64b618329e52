"""The text of `Model.summary()`: Keras 3's box-drawn table."""

import numpy as np

from ..layers.input_layer import InputLayer
from ..tree import flatten

_FOOTER_UNITS = ("B", "KB", "MB", "GB", "TB")


def _size(n_bytes):
    size, unit = float(n_bytes), 0
    while size >= 1024 and unit < len(_FOOTER_UNITS) - 1:
        size /= 1024
        unit += 1
    return f"{size:.2f} {_FOOTER_UNITS[unit]}"


def _wrap(text, width):
    """Splits `text` into lines of at most `width` characters at spaces; a longer word is cut
    with an ellipsis."""
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            if len(word) > width:
                word = word[: width - 1] + "…"
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return lines


def _output_shapes(layer):
    """The output shapes of a layer: of its first call in a graph, or, for a layer that was
    built outside one (in a subclassed model), computed from the input shape it was built for,
    as Keras does; None if neither is known."""
    nodes = layer._inbound_nodes
    if nodes:
        return [tuple(t.shape) for t in flatten(nodes[0].outputs)]
    shape = getattr(layer, "_build_shape", None)
    if shape is None:
        return None
    try:
        out = layer.compute_output_shape(shape)
    except (TypeError, ValueError, IndexError):
        return None
    finally:
        del layer._inbound_nodes[:]  # computing it left a node that is no part of the model
    return list(out) if isinstance(out, list) else [tuple(out)]


def _shape_text(layer):
    shapes = _output_shapes(layer)
    if shapes is None:
        return "?"
    text = [str(s) if len(s) != 1 else f"({'None' if s[0] is None else s[0]},)" for s in shapes]
    return text[0] if len(text) == 1 else "[" + ", ".join(text) + "]"


def _connections(layer):
    out = []
    for node in layer._inbound_nodes[:1]:
        for t in node.inbound:
            src, index, k = t._history
            out.append(f"{src.name}[{index}][{k}]")
    return out or ["-"]


def _is_sequential_like(model, layers):
    if type(model).__name__ == "Sequential":
        return True
    for layer in layers:
        nodes = layer._inbound_nodes
        if len(nodes) > 1 or any(len(n.inbound) > 1 for n in nodes):
            return False
    inputs = [lay for lay in layers if isinstance(lay, InputLayer)]
    return len(inputs) <= 1


def _count(variables):
    """(number of scalars, bytes) of `variables`."""
    sizes = [(int(np.prod(v.shape)), v.dtype.size) for v in variables]
    return sum(n for n, _ in sizes), sum(n * b for n, b in sizes)


def _params(layer):
    if not layer.built:
        return "0 (unbuilt)"
    return f"{layer.count_params():,}"


def print_summary(model, line_length=None, print_fn=None):
    print_fn = print_fn or print
    # A functional model lists its operations too (`2 * x`, keras.ops), as Keras does.
    layers = getattr(model, "_operations", None) or model.layers
    sequential_like = _is_sequential_like(model, layers)
    if sequential_like:
        headers = ["Layer (type)", "Output Shape", "Param #"]
        widths = [31, 22, 13]
    else:
        headers = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        widths = [19, 17, 10, 17]
    if line_length:
        scale = (line_length - 1 - 3 * len(widths)) / sum(widths)
        widths = [max(6, int(w * scale)) for w in widths]
    right = [False, False, True, False]

    def row(cells, vertical):
        wrapped = [
            [t[: w - 1] + "…" if len(t) > w else t for t in c]
            if isinstance(c, list)
            else _wrap(c, w)
            for c, w in zip(cells, widths)
        ]
        height = max(len(w) for w in wrapped)
        lines = []
        for k in range(height):
            parts = []
            for i, (w, col) in enumerate(zip(widths, wrapped)):
                text = col[k] if k < len(col) else ""
                parts.append(f" {text.rjust(w) if right[i] else text.ljust(w)} ")
            lines.append(vertical + vertical.join(parts) + vertical)
        return lines

    def rule(left, mid, end, fill):
        return left + mid.join(fill * (w + 2) for w in widths) + end

    out = [f'Model: "{model.name}"', rule("┏", "┳", "┓", "━")]
    out += row(headers, "┃")
    out.append(rule("┡", "╇", "┩", "━"))
    for i, layer in enumerate(layers):
        cells = [f"{layer.name} ({type(layer).__name__})", _shape_text(layer), _params(layer)]
        if not sequential_like:
            conns = _connections(layer)
            conns = [c + "," if j < len(conns) - 1 else c for j, c in enumerate(conns)]
            cells.append(conns)
        out += row(cells, "│")
        if i < len(layers) - 1:
            out.append(rule("├", "┼", "┤", "─"))
    out.append(rule("└", "┴", "┘", "─"))
    trainable, t_bytes = _count(model.trainable_weights)
    frozen, f_bytes = _count(model.non_trainable_weights)
    # As Keras: once the optimizer has made its state (after training), it counts too.
    optimizer = getattr(model, "optimizer", None)
    built = getattr(model, "compiled", False) and getattr(optimizer, "built", False)
    slots, o_bytes = _count(optimizer.variables) if built else (0, 0)
    out.append(
        f" Total params: {trainable + frozen + slots:,} ({_size(t_bytes + f_bytes + o_bytes)})"
    )
    out.append(f" Trainable params: {trainable:,} ({_size(t_bytes)})")
    out.append(f" Non-trainable params: {frozen:,} ({_size(f_bytes)})")
    if built:
        out.append(f" Optimizer params: {slots:,} ({_size(o_bytes)})")
    for line in out:
        print_fn(line)
