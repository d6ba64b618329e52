"""Merging layers: Concatenate (and `concatenate`), Add. Mixed input dtypes are promoted as
Keras promotes them (see `keras/promotion.py`)."""

import numpy as np

import tapegrad as tf

from ..promotion import result_type
from .arguments import check_integer
from .layer import Layer
from .masking_utils import propagates_only

__all__ = ["Add", "Concatenate", "add", "concatenate"]


def _promoted(inputs):
    """The inputs in their common Keras dtype (int64 and float32 columns give float32), as
    Keras's merging ops promote them; TensorFlow's ops would refuse the mix."""
    inputs = [tf.convert_to_tensor(x) for x in inputs]
    dtypes = {x.dtype.name for x in inputs}
    if len(dtypes) == 1:
        return inputs
    dtype = result_type(*dtypes)
    return [tf.cast(x, dtype) for x in inputs]


def _input_shapes(layer, input_shape):
    """The shapes of a merging layer's list of inputs, or a ValueError naming the layer."""
    if (
        not isinstance(input_shape, (list, tuple))
        or len(input_shape) < 1
        or not isinstance(input_shape[0], (list, tuple))
    ):
        raise ValueError(
            f"A merging layer ({type(layer).__name__} '{layer.name}') should be called on a list "
            f"of at least 1 input. Received: input_shape={input_shape}"
        )
    return [tuple(s) for s in input_shape]


class Concatenate(Layer):
    """Concatenates a list of inputs along `axis` (default -1)."""

    def __init__(self, axis=-1, **kwargs):
        axis = check_integer("Concatenate", "axis", axis)
        super().__init__(**kwargs)
        self.axis = axis

    def build(self, input_shape):
        shapes = _input_shapes(self, input_shape)
        ranks = {len(s) for s in shapes}
        if len(ranks) != 1:
            raise ValueError(f"Concatenate '{self.name}': inputs have different ranks: {shapes}")
        rank = ranks.pop()
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"Concatenate '{self.name}': axis {self.axis} is out of range for inputs of rank "
                f"{rank}, shapes {shapes}"
            )
        axis = self.axis % rank
        for i in range(rank):
            dims = {s[i] for s in shapes if s[i] is not None}
            if i != axis and len(dims) > 1:
                raise ValueError(
                    f"A `Concatenate` layer ('{self.name}') requires inputs with matching shapes "
                    f"except for the concatenation axis {self.axis}. Received: input_shape="
                    f"{shapes}"
                )
        self.built = True

    def call(self, inputs):
        return tf.concat(_promoted(inputs), axis=self.axis)

    @propagates_only
    def compute_mask(self, inputs, previous_mask=None):
        """The inputs' masks concatenated as the inputs are (all True for an input without
        one), reduced over the last axis, as Keras's Concatenate."""
        masks = _checked_masks(inputs, previous_mask)
        if masks is None or all(m is None for m in masks):
            return None
        full = []
        for x, m in zip(inputs, masks):
            if m is None:
                m = tf.ones(tuple(x.shape), tf.bool)
            elif m.ndim < len(x.shape):
                m = tf.logical_or(tf.expand_dims(m, -1), tf.zeros(tuple(x.shape), tf.bool))
            full.append(m)
        return tf.reduce_any(tf.concat(full, axis=self.axis), axis=-1)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def _checked_masks(inputs, masks):
    if masks is None:
        return None
    if not isinstance(masks, (list, tuple)) or not isinstance(inputs, (list, tuple)):
        raise ValueError(f"`mask` and `inputs` should be lists. Received: mask={masks}")
    if len(masks) != len(inputs):
        raise ValueError(
            "The lists `inputs` and `mask` should have the same length. Received: "
            f"{len(inputs)} inputs and {len(masks)} masks."
        )
    return list(masks)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of Concatenate: `concatenate([a, b])`."""
    return Concatenate(axis=axis, **kwargs)(inputs)


class Add(Layer):
    """Adds a list of inputs, broadcasting as Keras does."""

    def build(self, input_shape):
        shapes = _input_shapes(self, input_shape)
        try:
            np.broadcast_shapes(*[tuple(1 if d is None else d for d in s) for s in shapes])
        except ValueError:
            raise ValueError(
                f"Add '{self.name}': inputs have incompatible shapes {shapes}; they must be "
                "equal or broadcast against each other."
            ) from None
        self.built = True

    def call(self, inputs):
        inputs = _promoted(inputs)
        out = inputs[0]
        for x in inputs[1:]:
            out = tf.add(out, x)
        return out

    @propagates_only
    def compute_mask(self, inputs, previous_mask=None):
        """The OR of the inputs' masks, None if one has none (Keras's merge layers)."""
        masks = _checked_masks(inputs, previous_mask)
        if masks is None or any(m is None for m in masks):
            return None
        out = masks[0]
        for m in masks[1:]:
            out = tf.logical_or(out, m)
        return out


def add(inputs, **kwargs):
    """Functional form of Add."""
    return Add(**kwargs)(inputs)
