"""How a layer's call on KerasTensors finds its outputs' shapes: by running the layer on
stand-in values (at two sizes for unknown dimensions), corrected by the unknown dimensions the
layer's own `compute_output_shape` declares."""

from ..keras_tensor import KerasTensor
from ..tree import flatten, pack_sequence_as
from . import masking_utils

__all__ = ["declared_unknowns", "flatten_shapes", "run_on_stand_ins"]


def declared_unknowns(layer, inputs, shapes, default):
    """`shapes` with None where the layer's own `compute_output_shape` says a dimension is
    unknown (a sequence cut to its longest row, say), for a layer of one input that defines
    it (not `default`, the base class's); the stand-in run alone would give the stand-ins'
    sizes there."""
    if type(layer).compute_output_shape is default or not isinstance(
            inputs, KerasTensor):
        return shapes
    try:
        declared = layer.compute_output_shape(tuple(inputs.shape))
    except Exception:  # noqa: BLE001 - a shape the layer cannot say leaves the run's
        return shapes
    declared = [declared] if declared and not isinstance(declared[0], (list, tuple)) else (
        flatten_shapes(declared))
    if len(declared) != len(shapes):
        return shapes
    return [
        tuple(None if d is None else s for s, d in zip(shape, dims))
        if dims is not None and len(dims) == len(shape) else shape
        for shape, dims in zip(shapes, declared)
    ]


def flatten_shapes(structure):
    """The shapes (tuples of ints and None) in a nested structure of shapes."""
    if isinstance(structure, (list, tuple)) and all(
            d is None or isinstance(d, int) for d in structure):
        return [tuple(structure)]
    out = []
    for item in structure:
        out.extend(flatten_shapes(item))
    return out


def run_on_stand_ins(layer, structure, size, ctx):
    """Calls `layer` on stand-ins for the KerasTensors of `(inputs, args, kwargs)`: zeros (an
    empty string for strings), unknown dimensions of `size`, carrying all-True masks where the
    KerasTensors carry masks. `ctx.symbolic` is set meanwhile (stateful layers keep their
    state)."""
    leaves = []
    for leaf in flatten(structure):
        if isinstance(leaf, KerasTensor):
            value = leaf._concrete(b"" if leaf.dtype == "string" else 0, size)
            mask = masking_utils.get_mask(leaf)
            if isinstance(mask, KerasTensor):
                masking_utils.set_mask(value, mask._concrete(True, size))
            leaf = value
        leaves.append(leaf)
    inputs, args, kwargs = pack_sequence_as(structure, leaves)
    outer = ctx.symbolic
    ctx.symbolic = True
    try:
        return layer(inputs, *args, **kwargs)
    finally:
        ctx.symbolic = outer
