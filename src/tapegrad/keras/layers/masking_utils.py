"""Keras's mask propagation: a boolean mask rides on a tensor as `_keras_mask`.

A layer that makes a mask (`Embedding(mask_zero=True)`, `Masking`) attaches it to its output;
each later layer that `supports_masking` passes it on (its `compute_mask(inputs,
previous_mask)`, by default the mask it received), and a layer whose `call` takes `mask` (or
`<argument>_mask`) receives it there without being given it. A loss or metric reads it from the
predictions and gives masked entries no weight. A layer that does not support masking drops the
mask, with Keras's warning. As in Keras 3, only the first input's mask is passed on by default.
"""

import functools
import inspect
import warnings

from ..tree import flatten, pack_sequence_as

__all__ = [
    "MASKS_USED", "after_call", "before_call", "copy_masks", "get_mask", "propagates_only",
    "set_mask",
]

# Set once any mask exists: until then a layer call skips the mask bookkeeping entirely.
MASKS_USED = [False]


def propagates_only(compute_mask):
    """Marks a `compute_mask` that returns None unless an input already carries a mask (it
    passes masks on and makes none of its own), so that calls of its layer look at masks only
    once some mask exists (MASKS_USED). Unmarked overrides, a user's included, are assumed to
    make masks (Embedding's mask_zero, Masking) and always look."""
    compute_mask.propagates_only = True
    return compute_mask


def get_mask(x):
    """The mask attached to `x`, or None (Keras's `backend.get_keras_mask`)."""
    return getattr(x, "_keras_mask", None)


def set_mask(x, mask):
    """Attaches `mask` to `x` (a tensor or KerasTensor; other values cannot carry one)."""
    try:
        x._keras_mask = mask
    except AttributeError:
        return
    if mask is not None:
        MASKS_USED[0] = True


def copy_masks(source, target):
    """Gives each leaf of `target` the mask of the matching leaf of `source` (the same
    structure: an input and its converted copy)."""
    sources, targets = flatten(source), flatten(target)
    if len(sources) == len(targets):
        for s, t in zip(sources, targets):
            mask = get_mask(s)
            if mask is not None and t is not s and get_mask(t) is None:
                set_mask(t, mask)


@functools.cache
def _call_parameters(call):
    """The names of a `call` function's parameters after `self`, and which take masks."""
    try:
        params = list(inspect.signature(call).parameters.values())[1:]
    except (TypeError, ValueError):
        return (), ()
    names = tuple(
        p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    )
    return names, tuple(n for n in names if n == "mask" or n.endswith("_mask"))


def _is_tensor_like(x):
    return hasattr(x, "shape") and hasattr(x, "dtype") and not isinstance(x, type)


def _masks_of(structure):
    leaves = flatten(structure)
    if len(leaves) == 1 and leaves[0] is structure:
        return get_mask(structure)
    return pack_sequence_as(structure, [get_mask(leaf) for leaf in leaves])


def _any(masks):
    return any(m is not None for m in flatten(masks))


def before_call(layer, raw_inputs, args, kwargs):
    """Fills the `mask` (or `<name>_mask`) arguments of `layer.call` that were not given from
    the masks of the tensors passed, and returns the mask the output inherits (Keras 3's
    `Layer.__call__`, steps 6 and 7)."""
    names, mask_names = _call_parameters(type(layer).call)
    if mask_names:
        positional = names[: 1 + len(args)]
        values = dict(zip(positional, (raw_inputs, *args)))
        values.update(kwargs)
        tensors = {
            k: v
            for k, v in values.items()
            if k not in mask_names and v is not None and _tensor_structure(v)
        }
        if len(tensors) == 1:
            targets = {"mask": next(iter(tensors.values()))} if "mask" in mask_names else {}
        else:
            targets = {f"{k}_mask": v for k, v in tensors.items() if f"{k}_mask" in mask_names}
        for key, tensor in targets.items():
            if values.get(key) is None and key not in positional:
                masks = _masks_of(tensor)
                if _any(masks):
                    kwargs[key] = masks
    given = kwargs.get("mask")
    if given is not None:
        return given
    return _masks_of(raw_inputs)


def _tensor_structure(value):
    leaves = flatten(value)
    return bool(leaves) and all(_is_tensor_like(leaf) for leaf in leaves)


def after_call(layer, raw_inputs, outputs, previous_mask):
    """Attaches `layer.compute_mask(inputs, previous_mask)` to the outputs that have no mask of
    their own, if the layer supports masking; otherwise warns that a mask was dropped."""
    if layer.supports_masking:
        flat_outputs = flatten(outputs)
        if all(get_mask(x) is not None for x in flat_outputs):
            return
        masks = layer.compute_mask(raw_inputs, previous_mask)
        if masks is None:
            return
        flat_masks = flatten(masks)
        for x, m in zip(flat_outputs, flat_masks):
            if m is not None and get_mask(x) is None:
                set_mask(x, m)
    elif _any(previous_mask):
        warnings.warn(
            f"Layer '{layer.name}' (of type {type(layer).__name__}) was passed an input with a "
            "mask attached to it. However, this layer does not support masking and will "
            "therefore destroy the mask information. Downstream layers will not see the mask.",
            stacklevel=3,
        )
