"""How a layer's call on KerasTensors finds its outputs' shapes: by running the layer on
stand-in values (at two sizes for unknown dimensions), corrected by the unknown dimensions the
layer's own `compute_output_shape` declares."""

from ..keras_tensor import KerasTensor
from ..tree import flatten, pack_sequence_as
from . import masking_utils

__all__ = [
    "declared_unknowns",
    "flatten_shapes",
    "is_symbolic",
    "keras_input",
    "keras_tensors",
    "output_shapes",
    "run_on_stand_ins",
    "shape_of",
    "unknown_batch",
]

# The stand-ins' size for unknown dimensions when size 1 is refused: a convolution or pool
# needs an image at least as large as its window (each layer runs on its own stand-ins).
LARGE_STAND_IN = 16


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


def output_shapes(layer, structure, ctx):
    """The outputs of `layer` on stand-ins for `structure`, `(inputs, args, kwargs)`, and their
    shapes, a list over the flattened outputs: where an input has unknown dimensions other
    than the batch (a sequence's length), the output dimensions that follow them are unknown
    too, found by a second run at a size one larger. The stand-ins' unknown dimensions are 1,
    or `LARGE_STAND_IN` where the layer refuses 1 (a window larger than the image)."""
    unknown = any(None in t.shape[1:] for t in _keras_tensors_in(structure[0]))
    size = 1
    try:
        outputs = run_on_stand_ins(layer, structure, size, ctx)
    except ValueError:  # tf.errors.InvalidArgumentError included
        if not unknown:
            raise
        size = LARGE_STAND_IN
        outputs = run_on_stand_ins(layer, structure, size, ctx)
    shapes = [shape_of(out) for out in flatten(outputs)]
    if unknown:
        others = [shape_of(out)
                  for out in flatten(run_on_stand_ins(layer, structure, size + 1, ctx))]
        if [len(s) for s in others] == [len(s) for s in shapes]:
            shapes = [
                tuple(None if a != b else a for a, b in zip(s, o)) for s, o in zip(shapes, others)
            ]
    return outputs, shapes


def keras_tensors(layer, index, inputs, outputs, shapes):
    """The KerasTensors of `layer`'s call number `index` on `inputs`: one per output of the
    stand-in run (`outputs`, in its structure) with its shape from `shapes`, the batch
    dimension unknown where the first input's is; an output that carries a mask gives its
    KerasTensor a symbolic mask, unknown where the output is."""
    symbolic_in = _keras_tensors_in(inputs)
    unknown = bool(symbolic_in) and symbolic_in[0].ndim > 0 and symbolic_in[0].shape[0] is None
    results = []
    for i, (out, shape) in enumerate(zip(flatten(outputs), shapes)):
        shape = list(shape)
        if unknown and shape:
            shape[0] = None
        result = KerasTensor(shape, out.dtype, history=(layer, index, i))
        mask = masking_utils.get_mask(out)
        if mask is not None:
            mask_shape = list(mask.shape)
            if unknown and mask_shape:
                mask_shape[0] = None
            for axis, size in enumerate(shape[: len(mask_shape)]):
                if size is None:
                    mask_shape[axis] = None
            masking_utils.set_mask(result, KerasTensor(mask_shape, mask.dtype))
        results.append(result)
    return pack_sequence_as(outputs, results)


def _keras_tensors_in(structure):
    return [leaf for leaf in flatten(structure) if isinstance(leaf, KerasTensor)]


def shape_of(x):
    """The shape (a tuple) of `x`, or the nested list or dict of the shapes of its parts."""
    if isinstance(x, (list, tuple)):
        return [shape_of(v) for v in x]
    if isinstance(x, dict):
        return {k: shape_of(v) for k, v in x.items()}
    return tuple(x.shape) if hasattr(x, "shape") else ()


def unknown_batch(shape):
    """`shape` (or a list of shapes) with its batch dimension unknown."""
    if isinstance(shape, list):
        return [unknown_batch(s) for s in shape]
    if isinstance(shape, tuple) and shape:
        return (None,) + shape[1:]
    return shape


def keras_input(shape, dtype):
    """A KerasTensor of `shape` (a list of them for a list of shapes)."""
    if isinstance(shape, list) and shape and isinstance(shape[0], (list, tuple)):
        return [KerasTensor(s, dtype) for s in shape]
    return KerasTensor(shape, dtype)


def is_symbolic(x):
    """Whether `x` is a KerasTensor or a list, tuple or dict holding one."""
    if isinstance(x, KerasTensor):
        return True
    if isinstance(x, (list, tuple)):
        return any(is_symbolic(v) for v in x)
    if isinstance(x, dict):
        return any(is_symbolic(v) for v in x.values())
    return False
