"""Merging layers: Concatenate (and `concatenate`), Add."""

import tapegrad as tf

from .base import Layer

__all__ = ["Add", "Concatenate", "add", "concatenate"]


class Concatenate(Layer):
    """Concatenates a list of inputs along `axis` (default -1)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)

    def build(self, input_shape):
        if (
            not isinstance(input_shape, (list, tuple))
            or len(input_shape) < 1
            or not isinstance(input_shape[0], (list, tuple))
        ):
            raise ValueError(
                f"Concatenate '{self.name}' needs a list of inputs, got shape {input_shape}"
            )
        ranks = {len(s) for s in input_shape}
        if len(ranks) != 1:
            raise ValueError(
                f"Concatenate '{self.name}': inputs have different ranks: "
                f"{[tuple(s) for s in input_shape]}"
            )
        self.built = True

    def call(self, inputs):
        return tf.concat(list(inputs), axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of Concatenate: `concatenate([a, b])`."""
    return Concatenate(axis=axis, **kwargs)(inputs)


class Add(Layer):
    """Adds a list of inputs of the same shape."""

    def call(self, inputs):
        return tf.add_n(list(inputs))


def add(inputs, **kwargs):
    """Functional form of Add."""
    return Add(**kwargs)(inputs)
